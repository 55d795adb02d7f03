"""Operators' records (CSV/XLSX exports): validated, pseudonymised, loaded per region and year."""

import os
from collections import defaultdict
from pathlib import Path

import dagster as dg

from ingestion import operators, paths
from orchestration.defs.common.partitions import report_year_partitions, run_region
from orchestration.defs.common.resources import DUCKDB_WRITER_POOL, WarehouseResource

OPERATOR_KINDS: tuple[str, ...] = operators.KINDS
# The loader also writes these two bookkeeping tables for every file.
BOOKKEEPING_TABLES = ("quarantine", "load_log")


def operator_asset_key(table: str) -> dg.AssetKey:
    return dg.AssetKey(f"raw_operators__{table}")


class OperatorRecordsConfig(dg.Config):
    """Where the year's files are: `<source_dir>/<region_id>/<year>/<kind>.csv|xlsx`.
    Unset: ETABLERER_OPERATOR_DIR, else the bundled sample. The run tag `etablerer/region` limits
    the load to one region."""

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
    partitions_def=report_year_partitions,
    pool=DUCKDB_WRITER_POOL,
)
def raw_operators(
    context: dg.AssetExecutionContext, config: OperatorRecordsConfig, warehouse: WarehouseResource
):
    year = int(context.partition_key)
    source_dir = _source_dir(config)
    region = run_region(context)
    region_dirs = sorted(
        d.parent
        for d in source_dir.glob(f"*/{year}")
        if d.is_dir() and (region is None or d.parent.name == region)
    )
    per_kind: dict[str, list] = defaultdict(list)
    for region_dir in region_dirs:
        results = operators.ingest_directory(
            warehouse.db_path,
            region_dir / str(year),
            region_id=region_dir.name,
            year=year,
            archive_dir=warehouse.archive_dir / "operators",
        )
        for result in results:
            per_kind[result.kind].append(result)
            context.log.info(
                f"{result.region_id}/{year}/{result.source_file}: {result.loaded} lastet, "
                f"{result.rejected} avvist ({result.status})"
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
