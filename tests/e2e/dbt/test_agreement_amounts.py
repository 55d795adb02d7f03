"""Issue 18, points 6 and 8: the agreement's own table for the whole period, and the operator's
accounts reconciled against the agreement and the courses, on the fixture and the real sample."""

from __future__ import annotations

from decimal import Decimal

import duckdb
import pytest

AGREEMENT = "buskerud_etablerer_2026_2028_ringeriksregionen"
WAREHOUSES = ["fixture_warehouse", "sample_warehouse"]


def query(db_path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(db_path), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


@pytest.mark.parametrize("warehouse", WAREHOUSES)
def test_county_amount_for_each_agreement_year_and_the_period(warehouse, request):
    """257 345,00 in 2026, 2027 and 2028 (not only the built year), 772 035,00 for the period, on
    the basis fixed at 2025K1 with the agreement's stated 46 790 governing."""
    db = request.getfixturevalue(warehouse).db_path
    rows = query(
        db,
        "select year, population_basis_period, population, basis_population_source, amount_nok, "
        "period_total_nok, typeof(period_total_nok) from marts.fct_agreement_amounts "
        "where agreement_id = ? and funder_id = '33' order by year",
        [AGREEMENT],
    )
    county = ("2025K1", 46790, "avtale", Decimal("257345.00"), Decimal("772035.00"))
    assert rows == [(year, *county, "DECIMAL(18,2)") for year in (2026, 2027, 2028)]


@pytest.mark.parametrize("warehouse", WAREHOUSES)
def test_blank_rates_have_no_amount_and_no_period_total(warehouse, request):
    db = request.getfixturevalue(warehouse).db_path
    rows = query(
        db,
        "select funder_id, count(*), count(amount_nok), count(period_total_nok) "
        "from marts.fct_agreement_amounts where agreement_id = ? and status = 'rate_missing' "
        "group by funder_id order by funder_id",
        [AGREEMENT],
    )
    assert rows == [(f, 3, 0, 0) for f in ("32", "3236", "3305", "3310", "3316", "3318")]


def test_fee_income_in_the_accounts_is_reconciled_against_the_courses(sample_warehouse):
    """The sample's 30 900 reported against the 42 500 computed from the courses is a finding
    with both figures and the difference, not two contradicting numbers."""
    rows = query(
        sample_warehouse.db_path,
        "select rule_id, result, explanation from intermediate.int_compliance_finance_reconciled "
        "where agreement_id = ? and year = 2026 order by rule_id",
        [AGREEMENT],
    )
    assert [(rule, result) for rule, result, _ in rows] == [
        ("finance_fee_income_matches_courses", "fail"),
        ("finance_grants_match_agreement", "fail"),
    ]
    fees, grants = rows[0][2], rows[1][2]
    assert "30 900,00 kr i egenandeler" in fees and "temakursene gir 42 500,00 kr" in fees
    assert "Forskjellen er 11 600,00 kr" in fees
    assert "953 520,00 kr i tilskudd" in grants and "Kjent fra avtalen: 257 345,00 kr" in grants
