"""SSB publishes population by municipality quarterly (table 01222)."""

import dagster as dg

from orchestration.defs.ssb.jobs import ssb_population_job

# SSB publishes the quarter's population about seven weeks after it ends; run in the third week of
# the second month of each quarter.
ssb_population_schedule = dg.ScheduleDefinition(
    name="ssb_population_schedule",
    job=ssb_population_job,
    cron_schedule="0 6 20 2,5,8,11 *",
    execution_timezone="Europe/Oslo",
    run_config={"ops": {"raw_ssb": {"config": {"offline": False}}}},
    description=(
        "Kvartalsvis henting fra SSB: folketall (tabell 01222 og 07459) og nyetablerte foretaks "
        "overlevelse (08316, årlig hos SSB; uendrede etableringsår blir stående)."
    ),
)
