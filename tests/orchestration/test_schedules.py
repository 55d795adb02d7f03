"""Schedule ticks on the agreement's dates ask for the right year."""

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
    assert request.partition_key == partition
    assert schedule.execution_timezone == "Europe/Oslo"


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
