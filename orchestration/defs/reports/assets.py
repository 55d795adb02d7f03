"""Deliverables built from the marts after their checks pass, under reports/<year>/: the annual
report of each region-year, and the county's year-level files (county overview, payout files,
activity-plan review), which read every region of their year."""

import dagster as dg

from deliverables import annual_report, county_overview, index, payouts, plan_review
from deliverables.marts import region_names
from deliverables.quality import CheckStatus
from orchestration.defs.common.partitions import (
    COUNTY_YEAR_TAGS,
    ONE_RUN_PER_BACKFILL,
    RegionYearScope,
    report_year_partitions,
    year_region_partitions,
)
from orchestration.defs.common.resources import DUCKDB_WRITER_POOL, WarehouseResource
from orchestration.defs.dbt.assets import (
    dbt_models,
    dbt_register_models,
    dbt_shared_models,
    year_deps,
)
from orchestration.defs.quality.checks import gx_checks

# Every mart a report reads: its checks (GX suites and dbt tests) gate the report.
REPORT_MARTS = [
    "dim_region",
    "dim_municipality",
    "fct_funding",
    "fct_payouts",
    "fct_region_kpis",
    "fct_municipality_kpis",
    "fct_survey_results",
    "fct_plan_vs_actual",
    "fct_compliance",
]
# The annual report's outcomes page reads the register's outcome marts too.
ANNUAL_REPORT_MARTS = [
    *REPORT_MARTS,
    "fct_outcome_cohorts",
    "fct_outcome_startups",
    "fct_outcome_businesses",
    "fct_linkage_findings",
]
PAYOUT_INPUTS = ["fct_payouts", "fct_funding", "dim_region", "payees"]  # payees is a seed
PLAN_MARTS = ["fct_plan_vs_actual", "fct_region_kpis", "fct_compliance", "dim_region"]


# Every check of the code location: dbt's tests and the GX suites. Taken from their definitions,
# not from the job's asset graph, which holds only the checks of the job's own selection (none in
# county_reports_job), and not from context.repository_def, which a step run in process lacks.
ALL_CHECK_KEYS = (
    frozenset(dbt_models.check_keys)
    | frozenset(dbt_register_models.check_keys)
    | frozenset(dbt_shared_models.check_keys)
    | frozenset(key for check in gx_checks for key in check.check_keys)
)


def _metadata_int(metadata: dict, key: str) -> int | None:
    value = metadata.get(key)
    raw = getattr(value, "value", value)
    return raw if isinstance(raw, int) and not isinstance(raw, bool) else None


def _covers(metadata: dict, year: int, region_ids: tuple[str, ...]) -> bool:
    """Whether a check result covers the year and regions (SSB's check and dbt's tests carry
    neither: they count for every year)."""
    checked_years = getattr(metadata.get("years"), "value", None)
    if checked_years is None:
        return "regions" not in metadata
    checked_regions = getattr(metadata.get("regions"), "value", None) or []
    return year in checked_years and set(region_ids) <= set(checked_regions)


def check_statuses(
    context: dg.AssetExecutionContext,
    asset_names: list[str],
    year: int,
    region_ids: tuple[str, ...] = (),
) -> list[CheckStatus]:
    """The latest result of every check on `asset_names` that covered this year and these regions,
    from the Dagster instance, so the report can print which checks passed."""
    keys = {dg.AssetKey(name) for name in asset_names}
    storage = context.instance.event_log_storage
    statuses = []
    for check_key in sorted(ALL_CHECK_KEYS, key=lambda k: (k.asset_key.path, k.name)):
        if check_key.asset_key not in keys:
            continue
        record, metadata = None, {}
        for candidate in storage.get_asset_check_execution_history(check_key, limit=100):
            event = candidate.event.dagster_event if candidate.event else None
            if candidate.status.value not in ("SUCCEEDED", "FAILED") or event is None:
                continue
            evaluation = event.event_specific_data
            candidate_metadata = dict(getattr(evaluation, "metadata", None) or {})
            if _covers(candidate_metadata, year, region_ids):
                record, metadata = candidate, candidate_metadata
                break
        statuses.append(
            CheckStatus(
                name=check_key.name,
                asset=check_key.asset_key.to_user_string(),
                passed=None if record is None else record.status.value == "SUCCEEDED",
                evaluated=_metadata_int(metadata, "evaluated_expectations"),
                successful=_metadata_int(metadata, "successful_expectations"),
            )
        )
    return statuses


def report_asset(key: str, kinds: set[str], deps: list[str], description: str):
    """A county report for a year: group `reports`, the warehouse pool, gated by its marts'
    checks, reading every region of the year."""
    return dg.asset(
        key=key,
        group_name="reports",
        kinds=kinds,
        deps=year_deps(deps),
        partitions_def=report_year_partitions,
        tags=COUNTY_YEAR_TAGS,
        pool=DUCKDB_WRITER_POOL,
        description=description,
    )


def _index(warehouse: WarehouseResource, year: int) -> str:
    path = index.write_index(warehouse.reports_dir, year, region_names(warehouse.db_path))
    return str(path)


@dg.asset(
    key="annual_reports",
    group_name="reports",
    kinds={"html", "pdf"},
    deps=ANNUAL_REPORT_MARTS,
    partitions_def=year_region_partitions,
    backfill_policy=ONE_RUN_PER_BACKFILL,
    pool=DUCKDB_WRITER_POOL,
    description="Årsrapport per region og år (HTML og PDF) under reports/<år>/.",
)
def annual_reports(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    scope = RegionYearScope.from_keys(context.partition_keys)
    rendered, checks, indexes = [], [], []
    for year in scope.years:
        year_checks = check_statuses(context, ANNUAL_REPORT_MARTS, year, scope.region_ids)
        rendered += annual_report.render_annual_reports(
            warehouse.db_path,
            year,
            warehouse.reports_dir,
            checks=year_checks,
            regions=scope.region_ids,
        )
        checks += year_checks
        indexes.append(_index(warehouse, year))
    return dg.MaterializeResult(
        metadata={
            "years": dg.MetadataValue.json(list(scope.years)),
            "regions": dg.MetadataValue.json(list(scope.region_ids)),
            "reports": len(rendered),
            "checks_passed": sum(1 for c in checks if c.passed),
            "checks": len(checks),
            "files": dg.MetadataValue.json(
                [str(p) for r in rendered for p in (r.path, r.pdf_path)]
            ),
            "index": dg.MetadataValue.path(indexes[-1]),
        }
    )


@report_asset(
    "county_overview",
    {"html", "pdf"},
    REPORT_MARTS,
    "Fellesrapport for fylket, alle delregioner (HTML og PDF).",
)
def county_overview_report(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    year = int(context.partition_key)
    checks = check_statuses(context, REPORT_MARTS, year)
    rendered = county_overview.render_county_overview(
        warehouse.db_path, year, warehouse.reports_dir, checks=checks
    )
    return dg.MaterializeResult(
        metadata={
            "html": dg.MetadataValue.path(str(rendered.path)),
            "pdf": dg.MetadataValue.path(str(rendered.pdf_path)),
            "index": dg.MetadataValue.path(_index(warehouse, year)),
        }
    )


@report_asset(
    "payout_files",
    {"xlsx"},
    PAYOUT_INPUTS,
    "Utbetalingslister for økonomi per utbetalingsdato (januar og august), XLSX.",
)
def payout_files(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    year = int(context.partition_key)
    written = payouts.write_payout_files(warehouse.db_path, year, warehouse.reports_dir)
    return dg.MaterializeResult(
        metadata={
            "files": dg.MetadataValue.json([str(f.path) for f in written]),
            "blocked_rows": sum(f.blocked for f in written),
            "ready_nok": dg.MetadataValue.json(
                {f"{f.month:02d}": str(f.total_ready_nok) for f in written}
            ),
            "index": dg.MetadataValue.path(_index(warehouse, year)),
        }
    )


@report_asset(
    "activity_plan_review",
    {"xlsx"},
    PLAN_MARTS,
    "Gjennomgang av årets aktivitetsplan og budsjett (frist 1. desember), XLSX.",
)
def activity_plan_review(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    plan_year = int(context.partition_key)
    review = plan_review.write_plan_review(warehouse.db_path, plan_year, warehouse.reports_dir)
    return dg.MaterializeResult(
        metadata={
            "file": dg.MetadataValue.path(str(review.path)),
            "targets": review.targets,
            "index": dg.MetadataValue.path(_index(warehouse, plan_year)),
        }
    )


report_assets = [annual_reports, county_overview_report, payout_files, activity_plan_review]
