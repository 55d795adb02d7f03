"""Every published count derived from 1 to threshold - 1 distinct persons is suppressed, whatever
it counts (sessions, hours, participations, referrals): mentoring, the measure aimed at
immigrants (§5.2.1), had 1 session from 1 person shown in Hallingdal 3322 (issue 19.3).

The persons are counted here from the per-client year table, apart from the KPI models' own
counts, and every region and municipality row of the sample is checked."""

from __future__ import annotations

import duckdb
import pytest

THRESHOLD = 5

# published figure -> the client-year column whose clients (value > 0) stand behind it
DERIVED_FROM = {
    "guidance_sessions": "guidance_sessions",
    "guidance_hours": "guidance_sessions",
    "basic_course_participations": "basic_course_participations",
    "theme_course_participations": "theme_course_participations",
    "theme_course_fee_income_nok": "theme_course_participations",
    "network_participations": "network_participations",
    "network_events": "network_participations",
    "referrals_innovasjon_norge": "referrals_innovasjon_norge",
    "referrals_nav": "referrals_nav",
    "referrals_naeringsliv": "referrals_naeringsliv",
    "referrals_other": "referrals_other",
    "business_assessments": "business_assessments",
    "mentor_sessions": "mentor_sessions",
}


def _published_from_few(con, mart: str, by_municipality: bool) -> list[tuple]:
    keys = ["region_id", "year"] + (["municipality_code"] if by_municipality else [])
    found = []
    for figure, column in DERIVED_FROM.items():
        found += con.execute(
            f"""
            with persons as (
                select {", ".join(keys)}, count_if({column} > 0) as persons
                from intermediate.int_client_years_summarised
                group by all
            )
            select '{figure}', {", ".join(f"m.{k}" for k in keys)}, persons.persons, m.{figure}
            from marts.{mart} as m
            inner join persons using ({", ".join(keys)})
            where persons.persons between 1 and {THRESHOLD - 1} and m.{figure} is not null
            """
        ).fetchall()
    return found


@pytest.mark.parametrize(
    ("mart", "by_municipality"), [("fct_municipality_kpis", True), ("fct_region_kpis", False)]
)
def test_no_published_count_rests_on_fewer_than_five_persons(
    sample_warehouse, mart, by_municipality
):
    with duckdb.connect(str(sample_warehouse.db_path), read_only=True) as con:
        few = con.execute(
            "select count(*) from (select region_id, year, municipality_code, "
            "count_if(mentor_sessions > 0) as n from intermediate.int_client_years_summarised "
            "group by all) where n between 1 and 4"
        ).fetchone()[0]
        assert few > 0, "the sample has municipalities with 1-4 mentored clients"
        assert _published_from_few(con, mart, by_municipality) == []


def test_mentoring_in_hallingdal_3322_is_hidden(sample_warehouse):
    with duckdb.connect(str(sample_warehouse.db_path), read_only=True) as con:
        row = con.execute(
            "select mentor_sessions, mentor_sessions_suppressed from marts.fct_municipality_kpis "
            "where region_id = 'hallingdal' and municipality_code = '3322' and year = 2026"
        ).fetchone()
    assert row == (None, True)


def test_the_plan_review_hides_actuals_from_few_persons(sample_warehouse):
    with duckdb.connect(str(sample_warehouse.db_path), read_only=True) as con:
        shown = con.execute(
            "select p.region_id, p.target_id, p.actual_value from marts.fct_plan_vs_actual p "
            "inner join marts.fct_region_kpis k using (region_id, year) "
            "where p.target_id = 'nettverkssamlinger' and k.network_events_suppressed "
            "and p.actual_value is not null"
        ).fetchall()
    assert shown == []
