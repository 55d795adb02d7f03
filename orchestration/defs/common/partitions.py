"""Partitions shared by the domains: the report year, and the region within it."""

import csv
from dataclasses import dataclass

import dagster as dg

from ingestion import paths

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


def _region_ids() -> list[str]:
    """The sub-regions of the county, from the dbt seed that also feeds dim_region."""
    with (paths.DBT_PROJECT_DIR / "seeds" / "regions.csv").open(encoding="utf-8") as fh:
        return sorted(row["region_id"] for row in csv.DictReader(fh))


REGION_IDS = _region_ids()
region_partitions = dg.StaticPartitionsDefinition(REGION_IDS)

# Year × region: operator records, the dbt models and the annual reports. One region-year rebuilds
# alone (partition key `hallingdal|2026`); a whole year is one run over the range of all regions
# (`drammensregionen|2026` … `ringeriksregionen|2026`), so dbt starts once, not once per region.
# Backfills from the UI run the same way (BackfillPolicy.single_run on these assets).
# Dagster orders the dimensions by name: keys read `<region>|<year>`.
year_region_partitions = dg.MultiPartitionsDefinition(
    {"year": report_year_partitions, "region": region_partitions}
)

# The county's year-level deliverables (county overview, payout files, plan review, BI copy) read
# every region of their year. They carry this tag, so jobs can tell them from the region-years.
ALL_REGIONS_OF_YEAR = dg.MultiToSingleDimensionPartitionMapping(partition_dimension_name="year")
COUNTY_YEAR_TAGS = {"etablerer/scope": "county-year"}
COUNTY_YEAR_ASSETS = dg.AssetSelection.tag("etablerer/scope", "county-year")

# A backfill of year × region assets from the UI is one run (one dbt command), not one per key.
ONE_RUN_PER_BACKFILL = dg.BackfillPolicy.single_run()


def year_region_key(year: int | str, region_id: str) -> dg.MultiPartitionKey:
    return dg.MultiPartitionKey({"year": str(year), "region": region_id})


def year_range_tags(year: int | str) -> dict[str, str]:
    """Run tags for one run over every region of a year (a partition range)."""
    return {
        "dagster/asset_partition_range_start": str(year_region_key(year, REGION_IDS[0])),
        "dagster/asset_partition_range_end": str(year_region_key(year, REGION_IDS[-1])),
    }


@dataclass(frozen=True)
class RegionYearScope:
    """The region-years one run builds: some or all regions, in one or more years. A range of
    partition keys is a rectangle (years × regions); dbt builds it in one command."""

    years: tuple[int, ...]
    region_ids: tuple[str, ...]

    @property
    def all_regions(self) -> bool:
        return set(self.region_ids) == set(REGION_IDS)

    @property
    def region_filter(self) -> list[str] | None:
        """None for every region, else the regions to rebuild (dbt scope, GX and report filter)."""
        return None if self.all_regions else list(self.region_ids)

    @property
    def year_filter(self) -> int | list[int]:
        """One year, or the list of them (dbt scope `year`, GX filter)."""
        return self.years[0] if len(self.years) == 1 else list(self.years)

    @classmethod
    def from_keys(cls, keys: list[str]) -> "RegionYearScope":
        parsed = [year_region_partitions.get_partition_key_from_str(k) for k in keys]
        years = tuple(sorted({int(k.keys_by_dimension["year"]) for k in parsed}))
        regions = tuple(sorted({k.keys_by_dimension["region"] for k in parsed}))
        return cls(years, regions)

    @classmethod
    def of_run(cls, run: dg.DagsterRun) -> "RegionYearScope":
        """From the run's partition tags: a key, or a range of keys."""
        tags = run.tags
        if "dagster/partition" in tags:
            return cls.from_keys([tags["dagster/partition"]])
        key_range = dg.PartitionKeyRange(
            tags["dagster/asset_partition_range_start"], tags["dagster/asset_partition_range_end"]
        )
        return cls.from_keys(list(year_region_partitions.get_partition_keys_in_range(key_range)))
