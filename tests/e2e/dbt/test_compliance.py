"""Must-show 3: fct_compliance flags Modum; the uncovered-municipality case is a dbt unit test of
the rule model int_compliance_municipalities_covered."""

from __future__ import annotations

import duckdb

AGREEMENT = "buskerud_etablerer_2026_2028_ringeriksregionen"


def compliance(db_path, rule_id: str) -> list[tuple]:
    with duckdb.connect(str(db_path), read_only=True) as con:
        return con.execute(
            "select agreement_id, result, subject_id, explanation from marts.fct_compliance "
            "where year = 2026 and rule_id = ? order by agreement_id nulls first",
            [rule_id],
        ).fetchall()


def test_modum_is_flagged_as_party_outside_the_county_basis(sample_warehouse):
    rows = compliance(sample_warehouse.db_path, "parties_in_population_basis")
    ringerike = [row for row in rows if row[0] == AGREEMENT]
    assert ringerike == [
        (
            AGREEMENT,
            "fail",
            "3316",
            "Modum (3316) er part i avtalen, men er ikke med i befolkningsgrunnlaget for "
            "fylkeskommunens tilskudd. Avklar om grunnlaget eller partslisten er feil.",
        )
    ]
    # Jevnaker (Akershus) is in Akershus' basis, so it is not flagged; the other regions pass.
    assert {row[1] for row in rows if row[0] != AGREEMENT} == {"pass"}


def test_stated_population_cannot_be_verified_against_synthetic_ssb(sample_warehouse):
    """It passed against the bundled snapshot's synthetic figures."""
    rows = compliance(sample_warehouse.db_path, "stated_population_matches_ssb")
    assert rows == [
        (
            AGREEMENT,
            "unverified",
            "33",
            "Avtalen oppgir 46 790 innbyggere for 3305, 3310, 3318; SSB har 46 790 i 2025K1. "
            "SSB-tallene er syntetiske, så avtalens tall er ikke kontrollert mot SSB.",
        )
    ]


def test_county_rate_and_missing_rates_are_findings(sample_warehouse):
    county = compliance(sample_warehouse.db_path, "county_rate_minimum")
    assert {(row[0], row[1]) for row in county} >= {(AGREEMENT, "pass")}
    rates = [
        row for row in compliance(sample_warehouse.db_path, "rates_present") if row[0] == AGREEMENT
    ]
    assert rates[0][1] == "fail"
    assert rates[0][3].startswith(
        "Stykkpris mangler for: Akershus fylkeskommune (32), Jevnaker kommune (3236), "
        "Ringerike kommune (3305), Hole kommune (3310), Modum kommune (3316), "
        "Krødsherad kommune (3318)."
    )


def test_every_buskerud_municipality_is_covered_in_the_sample(sample_warehouse):
    assert compliance(sample_warehouse.db_path, "municipality_coverage") == [
        (None, "pass", None, "Alle kommunene i Buskerud er dekket av nøyaktig én avtale i 2026.")
    ]


def test_unit_tests_ran_and_passed_including_the_gating_and_termination_fixtures(
    fixture_warehouse,
):
    results = fixture_warehouse.run_results()["results"]
    unit_tests = {
        r["unique_id"].split(".")[-1]: r["status"]
        for r in results
        if r["unique_id"].startswith("unit_test.")
    }
    assert len(unit_tests) >= 8
    assert set(unit_tests.values()) == {"pass"}
    for name in (
        "test_party_outside_the_county_basis_is_flagged",
        "test_uncovered_and_doubly_covered_municipalities_are_flagged",
        "test_plan_and_report_deadlines_share_one_rule",
        "test_compliance_assesses_severity_resolution_scope_and_standing",
        "test_years_after_termination_drop_out",
        "test_termination_within_the_notice_period_is_a_finding",
        "test_payouts_blocked_without_rate_or_approved_plan",
    ):
        assert unit_tests[name] == "pass", name
