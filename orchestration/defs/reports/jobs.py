"""The jobs of a year: the region-years' runs (operator data, dbt, checks, annual reports), each
over a range of year × region partitions so dbt starts once, and the county's year-level files.

A region-year job holds no shared dbt model (seeds, dims): those are built when missing or
changed (shared_models_job), not in every region-year run."""

import dagster as dg

from orchestration.defs.brreg.jobs import REGISTER
from orchestration.defs.common.partitions import (
    COUNTY_YEAR_ASSETS,
    report_year_partitions,
    year_region_partitions,
)
from orchestration.defs.dbt.assets import dbt_shared_models
from orchestration.defs.operators.jobs import operator_records_job

SSB = dg.AssetSelection.assets("raw_ssb__population", "raw_ssb__enterprise_survival")
SHARED_MODELS = dg.AssetSelection.assets(dbt_shared_models)
# The region-year runs' assets: operator records, the region-year dbt models, annual reports (and
# the agreements' check, a fraction of a second, so a run's findings are today's), and the
# register's dbt tables (not partitioned), rebuilt from its last refresh in any run whose models
# read them.
REGION_YEAR = dg.AssetSelection.all() - SSB - REGISTER - COUNTY_YEAR_ASSETS - SHARED_MODELS
# The register is refreshed in the runs that end in annual reports, after the establishments are
# loaded (their links are what it looks up) and before dbt, whose register tables and outcome
# views follow it, and the reports: a report never reads a register older than its own run, and a
# failed refresh or a failed check on it stops the report. Delivery, payout and plan runs read it
# as last refreshed (weekly, brreg_units_schedule): a register outage must not stop a payout.

# Runs whose county files `etablerer run` builds itself, so the sensor leaves them alone.
COUNTY_INLINE_TAG = "etablerer/county-inline"


def _upstream_of(*asset_keys: str) -> dg.AssetSelection:
    """The region-year assets these need (not SSB, which has its own schedule, nor the shared
    models)."""
    upstream = dg.AssetSelection.assets(*asset_keys).upstream() & REGION_YEAR
    return upstream.required_multi_asset_neighbors()


yearly_pipeline_job = dg.define_asset_job(
    name="yearly_pipeline_job",
    selection=REGION_YEAR | REGISTER,
    partitions_def=year_region_partitions,
    description="Hele årets kjøring per region: operatørdata, dbt, kontroller og årsrapporter.",
)
payout_job = dg.define_asset_job(
    name="payout_job",
    selection=_upstream_of("fct_payouts", "fct_funding", "dim_region"),
    partitions_def=year_region_partitions,
    description="Årets tilskudd og utbetalinger og kontrollene bak dem.",
)
annual_report_job = dg.define_asset_job(
    name="annual_report_job",
    selection=_upstream_of("annual_reports") | REGISTER,
    partitions_def=year_region_partitions,
    description="Årsrapportene for et år, etter at kontrollene har passert.",
)
activity_plan_job = dg.define_asset_job(
    name="activity_plan_job",
    selection=_upstream_of("fct_plan_vs_actual", "fct_region_kpis", "fct_compliance", "dim_region"),
    partitions_def=year_region_partitions,
    description="Neste års aktivitetsplan mot resultatene, og kontrollene bak dem.",
)
county_reports_job = dg.define_asset_job(
    name="county_reports_job",
    selection=COUNTY_YEAR_ASSETS,
    partitions_def=report_year_partitions,
    description=(
        "Fylkets filer for et år: fellesrapport, utbetalingsfiler, plangjennomgang og BI-kopi."
    ),
)

# The county files a region-year job's success calls for; None is all of county_reports_job.
COUNTY_FOLLOW_UPS: dict[str, tuple[str, ...] | None] = {
    yearly_pipeline_job.name: None,
    operator_records_job.name: None,
    payout_job.name: ("payout_files",),
    annual_report_job.name: ("county_overview", "published_warehouse"),
    activity_plan_job.name: ("activity_plan_review",),
}
