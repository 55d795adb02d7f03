"""Must-show 2: Ringeriksregionen 2026 funding and payouts, on the fixture and the real sample."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import duckdb
import pytest

AGREEMENT = "buskerud_etablerer_2026_2028_ringeriksregionen"
WAREHOUSES = ["fixture_warehouse", "sample_warehouse"]
MISSING_RATE_FUNDERS = {"3305", "3310", "3318", "3316", "3236", "32"}
FUNDER_NAMES = {
    "3305": "Ringerike kommune",
    "3310": "Hole kommune",
    "3318": "Krødsherad kommune",
    "3316": "Modum kommune",
    "3236": "Jevnaker kommune",
    "32": "Akershus fylkeskommune",
}


def query(db_path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(db_path), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


@pytest.mark.parametrize("warehouse", WAREHOUSES)
def test_county_owes_257345_as_decimal(warehouse, request):
    db = request.getfixturevalue(warehouse).db_path
    rows = query(
        db,
        "select amount_nok, typeof(amount_nok), population, rate_nok_per_inhabitant, status, "
        "population_basis_period, basis_municipality_codes, rate_clause, is_illustrative "
        "from marts.fct_funding "
        "where region_id = 'ringeriksregionen' and year = 2026 and funder_id = '33'",
    )
    assert rows == [
        (
            Decimal("257345.00"),
            "DECIMAL(18,2)",
            46790,
            Decimal("5.50"),
            "ok",
            "2025K1",
            "3305,3310,3318",
            "§6",
            False,
        )
    ]


@pytest.mark.parametrize("warehouse", WAREHOUSES)
def test_county_is_paid_in_two_exact_halves_blocked_on_the_draft(warehouse, request):
    """Two exact halves of 257 345,00; both blocked, as the agreement is an unsigned draft, the
    plan approval is only illustrative and Modum is a party outside the county's basis (§1/§6).
    tests/e2e/dbt/test_payout_gating.py makes them ready."""
    db = request.getfixturevalue(warehouse).db_path
    rows = query(
        db,
        "select payout_month, due_date, amount_nok, status, blocked_reason from marts.fct_payouts "
        "where agreement_id = ? and year = 2026 and funder_id = '33' order by payout_month",
        [AGREEMENT],
    )
    assert [row[:4] for row in rows] == [
        (1, dt.date(2026, 1, 31), Decimal("128672.50"), "blocked"),
        (8, dt.date(2026, 8, 31), Decimal("128672.50"), "blocked"),
    ]
    for *_, reason in rows:
        assert "datoen 15.12.2025 er illustrativ (§7)" in reason
        assert "Avtalen er et utkast (status utkast), ikke signert." in reason
        assert "parties_in_population_basis (§1, §6): Modum (3316) er part i avtalen" in reason


@pytest.mark.parametrize("warehouse", WAREHOUSES)
def test_missing_rates_are_rate_missing_and_their_payouts_blocked(warehouse, request):
    db = request.getfixturevalue(warehouse).db_path
    funding = query(
        db,
        "select funder_id, status, amount_nok, rate_nok_per_inhabitant from marts.fct_funding "
        "where agreement_id = ? and year = 2026 and funder_id <> '33'",
        [AGREEMENT],
    )
    assert {row[0] for row in funding} == MISSING_RATE_FUNDERS
    assert {row[1:] for row in funding} == {("rate_missing", None, None)}

    payouts = query(
        db,
        "select funder_id, payout_month, status, blocked_reason from marts.fct_payouts "
        "where agreement_id = ? and year = 2026 and funder_id <> '33'",
        [AGREEMENT],
    )
    assert len(payouts) == 2 * len(MISSING_RATE_FUNDERS)
    for funder_id, _month, status, reason in payouts:
        assert status == "blocked"
        assert (
            f"Stykkpris mangler: Stykkpris mangler for {FUNDER_NAMES[funder_id]} ({funder_id})"
            in (reason)
        )


def test_basis_municipality_without_population_is_named(fixture_warehouse):
    # The fixture has no SSB figure for Sigdal (3332), the only member of midt_buskerud.
    rows = query(
        fixture_warehouse.db_path,
        "select funder_id, status, population, amount_nok, status_reason from marts.fct_funding "
        "where region_id = 'midt_buskerud' and year = 2026 order by funder_id",
    )
    expected_reason = (
        "Folketall mangler for 3332 Sigdal i 2025K1 (SSB-tabell 01222, Folketallet11)."
    )
    assert rows == [
        ("33", "population_missing", None, None, expected_reason),
        ("3332", "population_missing", None, None, expected_reason),
    ]
    compliance = query(
        fixture_warehouse.db_path,
        "select result, explanation from marts.fct_compliance "
        "where region_id = 'midt_buskerud' and year = 2026 and rule_id = 'population_available'",
    )
    assert compliance == [
        ("fail", "Folketall mangler for 3332 Sigdal i 2025K1 (SSB-tabell 01222, Folketallet11).")
    ]


def test_illustrative_rates_and_approvals_are_flagged_wherever_they_show(sample_warehouse):
    def flags(mart: str) -> dict[str, bool]:
        rows = query(
            sample_warehouse.db_path,
            f"select region_id, bool_or(is_illustrative) from marts.{mart} where year = 2026 "
            "group by region_id",
        )
        return dict(rows)

    # Ringeriksregionen's county rate is the agreement's own (§6); the others are illustrative.
    assert flags("fct_funding") == {
        "ringeriksregionen": False,
        "drammensregionen": True,
        "kongsberg_numedal": True,
        "hallingdal": True,
        "midt_buskerud": True,
    }
    # No document gives Ringeriksregionen's plan approval date: the seed's is illustrative, and
    # so are the payouts it releases.
    assert flags("fct_payouts") == dict.fromkeys(flags("fct_funding"), True)


def test_unapproved_plan_blocks_payouts_in_norwegian(sample_warehouse):
    rows = query(
        sample_warehouse.db_path,
        "select distinct status, blocked_reason from marts.fct_payouts "
        "where region_id = 'midt_buskerud' and year = 2026",
    )
    assert [(status, reason.split(" Åpne ")[0]) for status, reason in rows] == [
        (
            "blocked",
            "Aktivitetsplan og budsjett for 2026 er ikke godkjent av fylkeskommunen (§7).",
        )
    ]
