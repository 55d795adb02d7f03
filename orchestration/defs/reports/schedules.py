"""Jobs and schedules around the agreement's calendar (§7): payouts in January and August,
the annual report by 1 May, the activity plan and budget by 1 December."""

from datetime import datetime

import dagster as dg

from orchestration.defs.common.partitions import report_year_partitions

SSB = dg.AssetSelection.assets("raw_ssb__population")
YEARLY = dg.AssetSelection.all() - SSB

yearly_pipeline_job = dg.define_asset_job(
    name="yearly_pipeline_job",
    selection=YEARLY,
    partitions_def=report_year_partitions,
    description="Hele årets kjøring: operatørdata, dbt, kontroller og rapporter.",
)


def _upstream_of(*asset_keys: str) -> dg.AssetSelection:
    """The assets and everything they need for a year (not SSB, which has its own schedule)."""
    return (dg.AssetSelection.assets(*asset_keys).upstream() - SSB).required_multi_asset_neighbors()


payout_job = dg.define_asset_job(
    name="payout_job",
    selection=_upstream_of("payout_files"),
    partitions_def=report_year_partitions,
    description="Årets utbetalingsfiler og kontrollene bak dem.",
)
annual_report_job = dg.define_asset_job(
    name="annual_report_job",
    selection=_upstream_of("annual_reports", "county_overview", "published_warehouse"),
    partitions_def=report_year_partitions,
    description="Årsrapportene og fellesrapporten for et år, etter at kontrollene har passert.",
)
activity_plan_job = dg.define_asset_job(
    name="activity_plan_job",
    selection=_upstream_of("activity_plan_review"),
    partitions_def=report_year_partitions,
    description="Gjennomgang av neste års aktivitetsplan og budsjett.",
)


def _yearly_schedule(
    name: str, job_name: str, cron: str, year_offset: int, description: str
) -> dg.ScheduleDefinition:
    """A schedule that runs `job_name` for the year `scheduled year + year_offset`."""

    @dg.schedule(
        name=name,
        job_name=job_name,
        cron_schedule=cron,
        execution_timezone="Europe/Oslo",
        description=description,
    )
    def _schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
        scheduled: datetime = context.scheduled_execution_time
        partition_key = str(scheduled.year + year_offset)
        return dg.RunRequest(run_key=f"{name}:{partition_key}", partition_key=partition_key)

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
