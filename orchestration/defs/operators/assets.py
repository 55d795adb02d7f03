"""Operators' records (CSV/XLSX exports): validated, pseudonymised, loaded per region and year."""

from collections import defaultdict

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
    """What a run loads: per region-year and kind, the operator's latest delivery (the landing
    folder, `ETABLERER_LANDING_DIR`), never replaced by an older file or by the sample.

    - `sample`: where a region-year-kind has no delivery, the bundled synthetic sample
      (`etablerer run --sample`, as `make run` does).
    - `allow_fewer_rows`: load a delivery with no valid rows, or far fewer than the partition
      holds, on purpose (it is refused otherwise)."""

    sample: bool = False
    allow_fewer_rows: bool = False


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
    landing_dir = paths.landing_dir()
    sample_dir = paths.OPERATOR_SAMPLE_DIR if config.sample else None
    per_kind: dict[str, list] = defaultdict(list)
    region_years = [(region_id, year) for year in scope.years for region_id in scope.region_ids]
    if sample_dir is not None:
        context.log.info(
            f"Bruker det syntetiske eksempelet i {sample_dir} der ingen levering finnes i "
            f"{landing_dir}."
        )

    def loaded(results: list[operators.IngestResult]) -> None:
        for result in results:
            per_kind[result.kind].append(result)
            note = f": {result.note}" if result.note else ""
            context.log.info(
                f"{result.region_id}/{result.year}/{result.source_file} ({result.origin}): "
                f"{result.loaded} lastet, {result.rejected} avvist ({result.status}){note}"
            )

    operators.ingest_deliveries(
        warehouse.db_path,
        region_years,
        landing_dir=landing_dir,
        sample_dir=sample_dir,
        archive_dir=warehouse.archive_dir / "operators",
        on_folder=loaded,
        allow_fewer_rows=config.allow_fewer_rows,
    )
    delivered = {(r.region_id, r.year) for results in per_kind.values() for r in results}
    for region_id, year in region_years:
        if (region_id, year) not in delivered:
            context.log.warning(
                f"{region_id}/{year}: ingen levering i {landing_dir / region_id / str(year)}; "
                "raw-tabellene står som sist lest inn."
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
                "deliveries": sum(r.origin == operators.DELIVERY for r in results),
                "sample_files": sum(r.origin == operators.SAMPLE for r in results),
                "kept": sum(r.status == "kept" for r in results),
                "landing_dir": str(landing_dir),
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
