"""The agreements' texts are checked every morning, before the payout and report schedules."""

import dagster as dg

from orchestration.defs.agreements.jobs import agreement_check_job

agreement_check_schedule = dg.ScheduleDefinition(
    name="agreement_check_schedule",
    job=agreement_check_job,
    cron_schedule="0 5 * * *",
    execution_timezone="Europe/Oslo",
    description="Kontrollerer avtaletekstene hver morgen kl. 05, før utbetalings- og "
    "rapportkjøringene kl. 06: funnene stopper utbetalinger.",
)
