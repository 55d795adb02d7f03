"""The register is read every week, so no report reads it more than a week old."""

import dagster as dg

from orchestration.defs.brreg.jobs import brreg_units_job

brreg_units_schedule = dg.ScheduleDefinition(
    name="brreg_units_schedule",
    job=brreg_units_job,
    cron_schedule="0 4 * * 1",
    execution_timezone="Europe/Oslo",
    run_config={"ops": {"raw_brreg__units": {"config": {"offline": False}}}},
    description=(
        "Hver mandag kl. 04: de koblede foretakene slås opp i Enhetsregisteret (online), før "
        "avtalekontrollen kl. 05 og rapportkjøringene kl. 06."
    ),
)
