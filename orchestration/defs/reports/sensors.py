"""When a region-year job succeeds, `region_years_built_sensor` runs the county's year-level files
that read those region-years (payout files, county overview, plan review, the BI copy)."""

import dagster as dg

from orchestration.defs.common.partitions import RegionYearScope
from orchestration.defs.operators.jobs import operator_records_job
from orchestration.defs.reports.jobs import (
    COUNTY_FOLLOW_UPS,
    COUNTY_INLINE_TAG,
    activity_plan_job,
    annual_report_job,
    county_reports_job,
    payout_job,
    yearly_pipeline_job,
)


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
