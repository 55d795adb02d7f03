"""marts_funding and marts_kpis: funding arithmetic, payouts, KPI sanity, no region-year missing."""

from decimal import Decimal
from pathlib import Path

import pytest

from expectations import run_suite
from tests.expectations.warehouse import YEAR, mart_tables, write_marts


@pytest.fixture
def marts() -> dict:
    return mart_tables()


def _write(tmp_path: Path, tables: dict) -> Path:
    return write_marts(tmp_path / "etablerer.duckdb", tables)


def _failed(result) -> list[tuple[str, str | None]]:
    return sorted((f.expectation_type, f.column) for f in result.failed)


def test_funding_passes_on_exact_arithmetic(tmp_path, marts):
    result = run_suite("marts_funding", _write(tmp_path, marts), year=YEAR)
    assert result.success, [f.describe() for f in result.failed]
    assert (result.evaluated, result.successful) == (15, 15)


def test_amount_off_by_one_ore_fails(tmp_path, marts):
    marts["fct_funding"][0][6] = Decimal("257345.01")
    result = run_suite("marts_funding", _write(tmp_path, marts), year=YEAR)
    # The amount is wrong, and the payouts no longer add up to it either.
    assert _failed(result) == [
        ("expect_column_values_to_be_between", "amount_nok"),
        ("expect_column_values_to_be_between", "amount_nok"),
        ("expect_column_values_to_be_between", "annual_amount_nok"),
    ]
    funding_failure = next(f for f in result.failed if f.table == "marts.fct_funding")
    assert f"{marts['fct_funding'][0][0]}/33/2026: 0,01" in funding_failure.summary


def test_payout_halves_not_summing_fail(tmp_path, marts):
    marts["fct_payouts"][1][7] = Decimal("128000.00")  # August half of the county's 257 345
    result = run_suite("marts_funding", _write(tmp_path, marts), year=YEAR)
    assert _failed(result) == [("expect_column_values_to_be_between", "amount_nok")]
    assert result.failed[0].table == "marts.fct_funding, marts.fct_payouts"
    assert "-672,5" in result.failed[0].summary


def test_county_rate_below_minimum_and_unknown_status_fail(tmp_path, marts):
    county = marts["fct_funding"][0]
    county[5], county[6] = Decimal("5.00"), Decimal("233950.00")
    marts["fct_funding"][2][7] = "mangler"
    marts["fct_payouts"] = [row for row in marts["fct_payouts"] if row[2] != "33"]
    marts["fct_payouts"] += [
        [*row[:6], county[6], county[6] / 2, *row[8:]]
        for row in mart_tables()["fct_payouts"]
        if row[2] == "33"
    ]
    result = run_suite("marts_funding", _write(tmp_path, marts), year=YEAR)
    assert _failed(result) == [
        ("expect_column_values_to_be_between", "rate_nok_per_inhabitant"),
        ("expect_column_values_to_be_in_set", "status"),
    ]
    rate = next(f for f in result.failed if f.column == "rate_nok_per_inhabitant")
    assert "/33/2026: 5" in rate.summary


def test_blocked_payout_without_reason_fails(tmp_path, marts):
    marts["fct_payouts"][-1][9] = None
    result = run_suite("marts_funding", _write(tmp_path, marts), year=YEAR)
    assert _failed(result) == [("expect_column_values_to_be_in_set", "blocked_reason")]


def test_kpis_pass_with_suppressed_counts(tmp_path, marts):
    result = run_suite("marts_kpis", _write(tmp_path, marts), year=YEAR)
    assert result.success, [f.describe() for f in result.failed]
    # 2 region-year checks; 2 shares, 2 counts, 2 non-negative figures and NPS.
    assert (result.evaluated, result.successful) == (9, 9)


def test_share_above_one_and_negative_count_fail(tmp_path, marts):
    marts["fct_region_kpis"][0][4] = Decimal("1.2000")
    marts["fct_region_kpis"][0][2] = -3
    result = run_suite("marts_kpis", _write(tmp_path, marts), year=YEAR)
    assert _failed(result) == [
        ("expect_column_values_to_be_between", "share_women_clients"),
        ("expect_column_values_to_be_between", "unique_clients"),
    ]
    share = next(f for f in result.failed if f.column == "share_women_clients")
    assert "ringeriksregionen/2026: 1,2" in share.summary


def test_missing_region_year_fails(tmp_path, marts):
    marts["fct_region_kpis"] = marts["fct_region_kpis"][:1]
    result = run_suite("marts_kpis", _write(tmp_path, marts), year=YEAR)
    assert _failed(result) == [("expect_column_values_to_be_between", "region_id")]
    assert "hallingdal/2026: 0" in result.failed[0].summary
    # Without a year filter the checked years are those the marts hold: still 2026.
    assert not run_suite("marts_kpis", _write(tmp_path, marts)).success
    # A year outside every agreement has no region to check.
    outside = run_suite("marts_kpis", _write(tmp_path, marts), year=2030)
    assert _failed(outside) == [("expect_table_row_count_to_be_between", None)]
