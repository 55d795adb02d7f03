"""Operators' records (CSV/XLSX exports): validated, pseudonymised, loaded per region and year."""

import itertools
import os
from collections import defaultdict
from pathlib import Path

import dagster as dg

from ingestion import operators, paths
from orchestration.defs.common.partitions import (
    ONE_RUN_PER_BACKFILL,
    RegionYearScope,
    year_region_partitions,
)
from orchestration.defs.common.resources import DUCKDB_WRITER_POOL, WarehouseResource

OPERATOR_KINDS: tuple[str, ...] = operators.KINDS
# The loader also writes these two bookkeeping tables for every file.
BOOKKEEPING_TABLES = ("quarantine", "load_log")


def operator_asset_key(table: str) -> dg.AssetKey:
    return dg.AssetKey(f"raw_operators__{table}")


class OperatorRecordsConfig(dg.Config):
    """Where the files are: `<source_dir>/<region_id>/<year>/<kind>.csv|xlsx`.
    Unset: ETABLERER_OPERATOR_DIR, else the bundled sample."""

    source_dir: str | None = None


def _source_dir(config: OperatorRecordsConfig) -> Path:
    if config.source_dir:
        return Path(config.source_dir)
    return Path(os.environ.get("ETABLERER_OPERATOR_DIR", paths.OPERATOR_SAMPLE_DIR))


@dg.multi_asset(
    name="raw_operators",
    specs=[
        dg.AssetSpec(
            operator_asset_key(table),
            group_name="raw",
            kinds={"python", "duckdb"},
            description=f"raw.{table}: operatørenes {table}, pseudonymisert.",
        )
        for table in (*OPERATOR_KINDS, *BOOKKEEPING_TABLES)
    ],
    partitions_def=year_region_partitions,
    backfill_policy=ONE_RUN_PER_BACKFILL,
    pool=DUCKDB_WRITER_POOL,
)
def raw_operators(
    context: dg.AssetExecutionContext, config: OperatorRecordsConfig, warehouse: WarehouseResource
):
    scope = RegionYearScope.from_keys(context.partition_keys)
    source_dir = _source_dir(config)
    per_kind: dict[str, list] = defaultdict(list)
    folders = []
    for year, region_id in itertools.product(scope.years, scope.region_ids):
        folder = source_dir / region_id / str(year)
        if not folder.is_dir():
            context.log.warning(f"{region_id}/{year}: ingen filer i {folder}; ingenting lastet.")
            continue
        folders.append((folder, region_id, year))

    def loaded(results: list[operators.IngestResult]) -> None:
        for result in results:
            per_kind[result.kind].append(result)
            context.log.info(
                f"{result.region_id}/{result.year}/{result.source_file}: {result.loaded} lastet, "
                f"{result.rejected} avvist ({result.status})"
            )

    operators.ingest_directories(
        warehouse.db_path,
        folders,
        archive_dir=warehouse.archive_dir / "operators",
        on_folder=loaded,
    )
    for kind in OPERATOR_KINDS:
        results = per_kind.get(kind, [])
        yield dg.MaterializeResult(
            asset_key=operator_asset_key(kind),
            metadata={
                "regions": len({r.region_id for r in results}),
                "files": len(results),
                "rows_in": sum(r.rows_in for r in results),
                "loaded": sum(r.loaded for r in results),
                "rejected": sum(r.rejected for r in results),
                "source_dir": str(source_dir),
            },
        )
    all_results = [r for results in per_kind.values() for r in results]
    yield dg.MaterializeResult(
        asset_key=operator_asset_key("quarantine"),
        metadata={"rejected_rows": sum(r.rejected for r in all_results)},
    )
    yield dg.MaterializeResult(
        asset_key=operator_asset_key("load_log"),
        metadata={"files": len(all_results)},
    )
