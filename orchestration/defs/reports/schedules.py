"""Jobs and schedules around the agreement's calendar (§7): payouts in January and August,
the annual report by 1 May, the activity plan and budget by 1 December.

A scheduled job builds every region of its year in one run (a range of year × region partitions,
so dbt starts once). When it succeeds, `region_years_built_sensor` runs the county's year-level
files that read those region-years (payout files, county overview, plan review, the BI copy)."""

from datetime import datetime

import dagster as dg

from orchestration.defs.common.partitions import (
    COUNTY_YEAR_ASSETS,
    RegionYearScope,
    report_year_partitions,
    year_range_tags,
    year_region_partitions,
)
from orchestration.defs.operators.sensors import operator_records_job

SSB = dg.AssetSelection.assets("raw_ssb__population")
# Everything partitioned by year × region: operator records, dbt models, annual reports.
REGION_YEAR = dg.AssetSelection.all() - SSB - COUNTY_YEAR_ASSETS

# Runs whose county files `etablerer run` builds itself, so the sensor leaves them alone.
COUNTY_INLINE_TAG = "etablerer/county-inline"


def _upstream_of(*asset_keys: str) -> dg.AssetSelection:
    """The region-year assets these need (not SSB, which has its own schedule)."""
    upstream = dg.AssetSelection.assets(*asset_keys).upstream() & REGION_YEAR
    return upstream.required_multi_asset_neighbors()


yearly_pipeline_job = dg.define_asset_job(
    name="yearly_pipeline_job",
    selection=REGION_YEAR,
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
    selection=_upstream_of("annual_reports"),
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


@dg.run_status_sensor(
    name="region_years_built_sensor",
    run_status=dg.DagsterRunStatus.SUCCESS,
    monitored_jobs=[
        yearly_pipeline_job,
        operator_records_job,
        payout_job,
        annual_report_job,
        activity_plan_job,
    ],
    request_job=county_reports_job,
    description="Når regionene for et år er bygget: fylkets filer for det året.",
)
def region_years_built_sensor(context: dg.RunStatusSensorContext):
    run = context.dagster_run
    if run.tags.get(COUNTY_INLINE_TAG):
        return dg.SkipReason(f"{run.run_id}: etablerer run bygger fylkets filer selv.")
    return [
        dg.RunRequest(
            run_key=f"{run.run_id}:county:{year}",
            partition_key=str(year),
            asset_selection=_asset_keys(COUNTY_FOLLOW_UPS[run.job_name]),
            tags={"etablerer/after-run": run.run_id},
        )
        for year in RegionYearScope.of_run(run).years
    ]


def _asset_keys(names: tuple[str, ...] | None) -> list[dg.AssetKey] | None:
    return None if names is None else [dg.AssetKey(name) for name in names]


def _yearly_schedule(
    name: str, job_name: str, cron: str, year_offset: int, description: str
) -> dg.ScheduleDefinition:
    """A schedule that runs `job_name` over every region of `scheduled year + year_offset`."""

    @dg.schedule(
        name=name,
        job_name=job_name,
        cron_schedule=cron,
        execution_timezone="Europe/Oslo",
        description=description,
    )
    def _schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
        scheduled: datetime = context.scheduled_execution_time
        year = scheduled.year + year_offset
        return dg.RunRequest(run_key=f"{name}:{year}", tags=year_range_tags(year))

    return _schedule


payout_january_schedule = _yearly_schedule(
    "payout_january_schedule",
    payout_job.name,
    "0 6 3 1 *",
    0,
    "Før utbetalingen i januar (50 %): årets utbetalinger og kontroller.",
)
payout_august_schedule = _yearly_schedule(
    "payout_august_schedule",
    payout_job.name,
    "0 6 3 8 *",
    0,
    "Før utbetalingen i august (50 %): årets utbetalinger og kontroller.",
)
annual_report_schedule = _yearly_schedule(
    "annual_report_schedule",
    annual_report_job.name,
    "0 6 2 5 *",
    -1,
    "Etter fristen 1. mai: fjorårets årsrapporter.",
)
activity_plan_schedule = _yearly_schedule(
    "activity_plan_schedule",
    activity_plan_job.name,
    "0 6 2 12 *",
    1,
    "Etter fristen 1. desember: gjennomgang av neste års aktivitetsplan og budsjett.",
)
