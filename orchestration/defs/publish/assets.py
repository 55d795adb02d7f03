"""The published read-only BI warehouse, rebuilt from the marts after their checks pass."""

from pathlib import Path

import dagster as dg

from deliverables import bi_postgres, publish
from orchestration.defs.common.partitions import (
    COUNTY_YEAR_TAGS,
    report_year_partitions,
)
from orchestration.defs.common.resources import DUCKDB_WRITER_POOL, WarehouseResource
from orchestration.defs.dbt.assets import (
    dbt_models,
    dbt_register_models,
    dbt_shared_models,
    year_deps,
)
from orchestration.defs.dbt.resources import dbt_project

# Every dbt model in models/marts (facts and dims), as the dbt assets name them. The marts' GX
# checks are blocking, so a failed check stops this asset in the run.
MART_KEYS = sorted(
    (
        spec.key
        for dbt in (dbt_models, dbt_register_models, dbt_shared_models)
        for spec in dbt.specs
        if spec.group_name == "marts"
    ),
    key=lambda key: key.to_user_string(),
)


@dg.asset(
    key="published_warehouse",
    group_name="publish",
    kinds={"duckdb", "parquet", "postgres"},
    deps=year_deps(MART_KEYS),
    partitions_def=report_year_partitions,
    tags=COUNTY_YEAR_TAGS,
    pool=DUCKDB_WRITER_POOL,
    description=(
        "Skrivebeskyttet BI-kopi av marts (published/etablerer_bi.duckdb og Parquet) for Power BI, "
        "Excel, Metabase, Superset og DBeaver, og skjemaet bi i PostgreSQL når "
        "ETABLERER_BI_POSTGRES_URL er satt. Publiserer alt hver gang; partisjonen viser hvilken "
        "kjøring som laget den."
    ),
)
def published_warehouse(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    result = publish.publish_warehouse(
        warehouse.db_path,
        warehouse.db_path.parent / "published",
        manifest_path=dbt_project.manifest_path,
    )
    if not result.replaced_stable:
        context.log.warning(
            f"{result.path} er åpen i et BI-verktøy og ble ikke erstattet. "
            f"Nye data ligger i {result.dated_path}."
        )
    if result.cast_to_text:
        context.log.warning(
            "Publisert som tekst (typen kan ikke leses av DuckDB 1.x): "
            + ", ".join(result.cast_to_text)
        )
    metadata = _publish_bi_postgres(context, result.dated_path)
    return dg.MaterializeResult(
        metadata={
            **metadata,
            "path": dg.MetadataValue.path(str(result.path)),
            "dated_path": dg.MetadataValue.path(str(result.dated_path)),
            "replaced_stable": result.replaced_stable,
            "storage_version": result.storage_version,
            "tables": dg.MetadataValue.json([t.name for t in result.tables]),
            "rows": dg.MetadataValue.json(result.rows),
            "total_rows": sum(result.rows.values()),
            "parquet_dir": dg.MetadataValue.path(str(result.path.parent / publish.PARQUET_DIR)),
            "cast_to_text": dg.MetadataValue.json(result.cast_to_text),
            "published_at": result.published_at.isoformat(),
        }
    )


def _publish_bi_postgres(context: dg.AssetExecutionContext, published: Path) -> dict:
    """Schema bi in PostgreSQL from the file just published, when ETABLERER_BI_POSTGRES_URL is set.
    Unreachable or refusing, it fails the asset (the DuckDB file is already published); held up by
    readers, it logs a warning and the run goes on (docs/bi.md)."""
    url = bi_postgres.configured_url()
    if url is None:
        return {"bi_postgres": "ikke konfigurert"}
    try:
        result = bi_postgres.publish_bi_postgres(published, url)
    except bi_postgres.BiPostgresError as error:
        raise dg.Failure(
            description=str(error), metadata={"path": dg.MetadataValue.path(str(published))}
        ) from error
    if not result.published:
        context.log.warning(result.message)
    return {
        "bi_postgres": "publisert" if result.published else "hoppet over",
        "bi_postgres_target": f"{bi_postgres.where(url)} schema {result.schema}",
        "bi_postgres_attempts": result.attempts,
        "bi_postgres_seconds": result.seconds,
        "bi_postgres_blockers": dg.MetadataValue.json(result.blockers),
    }
