"""Year × region partitions: what a run over a key or a range of keys builds."""

import dagster as dg

from orchestration.defs.common.partitions import (
    REGION_IDS,
    RegionYearScope,
    year_range_tags,
    year_region_key,
    year_region_partitions,
)


def keys_in(start: str, end: str) -> list[str]:
    return year_region_partitions.get_partition_keys_in_range(dg.PartitionKeyRange(start, end))


def test_regions_come_from_the_dbt_seed():
    assert REGION_IDS == [
        "drammensregionen",
        "hallingdal",
        "kongsberg_numedal",
        "midt_buskerud",
        "ringeriksregionen",
    ]


def test_one_key_is_one_region_year():
    scope = RegionYearScope.from_keys([str(year_region_key(2026, "hallingdal"))])
    assert scope == RegionYearScope((2026,), ("hallingdal",))
    assert scope.year_filter == 2026  # dbt var year
    assert scope.region_filter == ["hallingdal"]  # dbt var region_id


def test_the_year_range_is_every_region_of_that_year():
    tags = year_range_tags(2026)
    scope = RegionYearScope.from_keys(
        keys_in(
            tags["dagster/asset_partition_range_start"], tags["dagster/asset_partition_range_end"]
        )
    )
    assert scope == RegionYearScope((2026,), tuple(REGION_IDS))
    assert scope.region_filter is None  # the whole year: no region filter in dbt


def test_a_backfill_range_over_years_is_one_rectangle():
    scope = RegionYearScope.from_keys(keys_in("hallingdal|2025", "kongsberg_numedal|2027"))
    assert scope.years == (2025, 2026, 2027)
    assert scope.region_ids == ("hallingdal", "kongsberg_numedal")
    assert scope.year_filter == [2025, 2026, 2027]


def test_the_scope_of_a_run_comes_from_its_tags():
    run = dg.DagsterRun(job_name="yearly_pipeline_job", tags=year_range_tags(2025))
    assert RegionYearScope.of_run(run).years == (2025,)
    run = dg.DagsterRun(
        job_name="yearly_pipeline_job", tags={"dagster/partition": "hallingdal|2027"}
    )
    assert RegionYearScope.of_run(run) == RegionYearScope((2027,), ("hallingdal",))
