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
