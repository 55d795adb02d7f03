"""Schedules around the agreement's calendar (§7): payouts in January and August, the annual
report by 1 May, the activity plan and budget by 1 December. Each runs its job over every region
of the year in one run."""

from datetime import datetime

import dagster as dg

from orchestration.defs.common.partitions import year_range_tags
from orchestration.defs.reports.jobs import activity_plan_job, annual_report_job, payout_job


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
