"""Partitions shared by the domains."""

import dagster as dg

# Yearly, as the agreement (2026–2028). 2025 is the baseline year before the agreement: operators
# deliver it too, so 2026's KPIs can be compared with the year before. end_offset=2 makes the
# current year and the next one partitions: the January and August payouts need the current year,
# the 1 December plan review the next.
report_year_partitions = dg.TimeWindowPartitionsDefinition(
    cron_schedule="0 0 1 1 *",
    fmt="%Y",
    start="2025",
    end_offset=2,
    timezone="Europe/Oslo",
)

# A run may be scoped to one region (sub-region agreement) with this run tag: operator ingestion,
# dbt (var `region_id`) and the reports then rebuild that region-year alone and leave the others
# untouched. Region is a run scope, not a second partition dimension: Dagster runs one partitions
# definition per run, and a region fan-out would pay dbt's start-up once per region.
REGION_TAG = "etablerer/region"


def run_region(context: dg.AssetExecutionContext) -> str | None:
    return context.run.tags.get(REGION_TAG)
