"""Schedule ticks on the agreement's dates ask for every region of the right year, in one run;
when that run succeeds, the county's files for the year follow."""

from datetime import datetime
from zoneinfo import ZoneInfo

import dagster as dg
import pytest

OSLO = ZoneInfo("Europe/Oslo")


@pytest.fixture(scope="module")
def repository(dbt_manifest) -> dg.RepositoryDefinition:
    from orchestration.definitions import defs

    return defs.get_repository_def()


@pytest.fixture(scope="module")
def schedules(repository) -> dict[str, dg.ScheduleDefinition]:
    return {s.name: s for s in repository.schedule_defs}


@pytest.mark.parametrize(
    ("name", "tick", "partition"),
    [
        ("payout_january_schedule", datetime(2027, 1, 3, 6, tzinfo=OSLO), "2027"),
        ("payout_august_schedule", datetime(2026, 8, 3, 6, tzinfo=OSLO), "2026"),
        ("annual_report_schedule", datetime(2027, 5, 2, 6, tzinfo=OSLO), "2026"),
        ("activity_plan_schedule", datetime(2026, 12, 2, 6, tzinfo=OSLO), "2027"),
    ],
)
def test_tick_requests_the_expected_year(repository, schedules, name, tick, partition):
    schedule = schedules[name]
    context = dg.build_schedule_context(scheduled_execution_time=tick, repository_def=repository)
    (request,) = schedule.evaluate_tick(context).run_requests
    # One run over the range of region-years: every region of the year, dbt started once.
    assert request.tags["dagster/asset_partition_range_start"] == f"drammensregionen|{partition}"
    assert request.tags["dagster/asset_partition_range_end"] == f"ringeriksregionen|{partition}"
    job = repository.get_job(schedule.job_name)
    keys = job.partitions_def.get_partition_keys_in_range(
        dg.PartitionKeyRange(
            request.tags["dagster/asset_partition_range_start"],
            request.tags["dagster/asset_partition_range_end"],
        )
    )
    assert {k.keys_by_dimension["year"] for k in keys} == {partition}
    assert len(keys) == 5  # the five regions
    assert schedule.execution_timezone == "Europe/Oslo"


def succeeded(repository, job_name: str, tags: dict[str, str]) -> dg.RunStatusSensorContext:
    """The context region_years_built_sensor sees when a run of `job_name` has succeeded."""
    instance = dg.DagsterInstance.ephemeral()
    run = instance.create_run_for_job(repository.get_job(job_name), tags=tags)
    success = dg.DagsterEvent(
        event_type_value=dg.DagsterEventType.RUN_SUCCESS.value, job_name=job_name
    )
    return dg.build_run_status_sensor_context(
        sensor_name="region_years_built_sensor",
        dagster_instance=instance,
        dagster_run=run,
        dagster_event=success,
        repository_def=repository,
    )


@pytest.mark.parametrize(
    ("job_name", "tags", "county_assets"),
    [
        ("payout_job", {"dagster/partition": "hallingdal|2026"}, {"payout_files"}),
        (
            "yearly_pipeline_job",
            {
                "dagster/asset_partition_range_start": "drammensregionen|2026",
                "dagster/asset_partition_range_end": "ringeriksregionen|2026",
            },
            None,  # all of county_reports_job
        ),
        (
            "activity_plan_job",
            {"dagster/partition": "midt_buskerud|2027"},
            {"activity_plan_review"},
        ),
    ],
)
def test_county_files_follow_a_successful_region_year_run(
    repository, job_name, tags, county_assets
):
    from orchestration.defs.reports.sensors import region_years_built_sensor

    (request,) = region_years_built_sensor(succeeded(repository, job_name, tags))
    year = (tags.get("dagster/partition") or tags["dagster/asset_partition_range_end"])[-4:]
    assert request.partition_key == year
    if county_assets is None:
        assert request.asset_selection is None
    else:
        assert {k.to_user_string() for k in request.asset_selection} == county_assets


def test_county_reports_job_holds_the_four_county_files(repository):
    job = repository.get_job("county_reports_job")
    assert {key.to_user_string() for key in job.asset_layer.executable_asset_keys} == {
        "county_overview",
        "payout_files",
        "activity_plan_review",
        "published_warehouse",
    }


def test_a_backfill_over_two_years_asks_for_both_years_county_files(repository):
    from orchestration.defs.reports.sensors import region_years_built_sensor

    tags = {
        "dagster/asset_partition_range_start": "drammensregionen|2025",
        "dagster/asset_partition_range_end": "ringeriksregionen|2026",
    }
    requests = region_years_built_sensor(succeeded(repository, "yearly_pipeline_job", tags))
    assert [r.partition_key for r in requests] == ["2025", "2026"]


def test_runs_that_build_their_county_files_themselves_are_left_alone(repository):
    from orchestration.defs.reports.jobs import COUNTY_INLINE_TAG
    from orchestration.defs.reports.sensors import region_years_built_sensor

    tags = {"dagster/partition": "hallingdal|2026", COUNTY_INLINE_TAG: "true"}
    context = succeeded(repository, "yearly_pipeline_job", tags)
    assert isinstance(region_years_built_sensor(context), dg.SkipReason)


def test_schedules_fire_before_payouts_and_after_deadlines(schedules):
    cron = {name: s.cron_schedule for name, s in schedules.items()}
    assert cron["payout_january_schedule"] == "0 6 3 1 *"
    assert cron["payout_august_schedule"] == "0 6 3 8 *"
    assert cron["annual_report_schedule"] == "0 6 2 5 *"
    assert cron["activity_plan_schedule"] == "0 6 2 12 *"
    assert cron["ssb_population_schedule"] == "0 6 20 2,5,8,11 *"


def test_the_planned_year_is_a_partition_by_1_december(dbt_manifest):
    from orchestration.defs.common.partitions import report_year_partitions

    keys = report_year_partitions.get_partition_keys(
        current_time=datetime(2026, 12, 2, 6, tzinfo=OSLO)
    )
    assert keys == ["2025", "2026", "2027"]
