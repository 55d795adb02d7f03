"""KPI rules on the hand-made fixture: suppression, secondary suppression, code mapping."""

from __future__ import annotations

from decimal import Decimal

import duckdb


def rows(db_path, sql: str) -> list[tuple]:
    with duckdb.connect(str(db_path), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_sex_split_uses_secondary_suppression(fixture_warehouse):
    # Ringeriksregionen 2026: 8 women, 5 men, 1 unknown. Unknown (1) is hidden, and so are the
    # men, or 14 - 8 - men would give the unknown away.
    assert rows(
        fixture_warehouse.db_path,
        "select unique_clients, clients_women, clients_men, clients_men_suppressed, "
        "clients_sex_unknown, clients_sex_unknown_suppressed, share_women_clients, "
        "share_women_clients_n from marts.fct_region_kpis "
        "where region_id = 'ringeriksregionen' and year = 2026",
    ) == [(14, 8, None, True, None, True, Decimal("0.5714"), 14)]


def test_a_region_with_three_clients_shows_no_count_of_people(fixture_warehouse):
    assert rows(
        fixture_warehouse.db_path,
        "select unique_clients, unique_clients_suppressed, clients_women, share_women_clients, "
        "share_women_clients_n, share_women_clients_suppressed, clients_per_1000_inhabitants "
        "from marts.fct_region_kpis where region_id = 'drammensregionen' and year = 2026",
    ) == [(None, True, None, None, None, True, None)]


def test_conversion_window_and_new_businesses(fixture_warehouse):
    # In the window and registered in 2026: c01, c04, c05, c06, c11. c02 (26 days before first
    # contact) converts but registered in 2025; c03 (80 days before) and c12 (28 months after)
    # do not count. New clients 10, of whom c01, c02, c04, c05, c06 converted.
    assert rows(
        fixture_warehouse.db_path,
        "select new_clients, converted_new_clients from intermediate.int_kpi_counts_aggregated "
        "where grain = 'region' and region_id = 'ringeriksregionen' and year = 2026",
    ) == [(10, 5)]
    # Published, the share and its n are hidden: 10 new of 14 clients would give away the 4
    # returning ones, so the new clients are hidden, and with them the share's n.
    assert rows(
        fixture_warehouse.db_path,
        "select new_businesses, new_clients, new_clients_suppressed, conversion_share, "
        "conversion_share_n, conversion_share_suppressed "
        "from marts.fct_region_kpis where region_id = 'ringeriksregionen' and year = 2026",
    ) == [(5, None, True, None, None, True)]


def test_old_municipality_codes_count_under_todays_code(fixture_warehouse):
    # c05 carries the Viken code 3007 (Ringerike) and d03 the pre-2020 code 0602 (Drammen).
    result = rows(
        fixture_warehouse.db_path,
        "select region_id, municipality_code, municipality_name, unique_clients, "
        "unique_clients_suppressed from marts.fct_municipality_kpis where year = 2026 "
        "order by region_id, municipality_code",
    )
    assert result == [
        ("drammensregionen", "3301", "Drammen", None, True),
        ("drammensregionen", "3312", "Lier", None, True),
        ("ringeriksregionen", "3305", "Ringerike", 7, False),
        ("ringeriksregionen", "3310", "Hole", None, True),
        ("ringeriksregionen", "3316", "Modum", None, True),
        ("ringeriksregionen", "3318", "Krødsherad", None, True),
    ]


def test_plan_vs_actual_and_survey_results(fixture_warehouse):
    plan = dict(
        (target, (planned, actual, deviation))
        for target, planned, actual, deviation in rows(
            fixture_warehouse.db_path,
            "select target_id, planned_value, actual_value, deviation "
            "from marts.fct_plan_vs_actual where region_id = 'ringeriksregionen' and year = 2026",
        )
    )
    assert plan["unike_klienter"] == (Decimal("20.00"), Decimal("14.00"), Decimal("-6.00"))
    assert plan["veiledningstimer"] == (Decimal("40.00"), Decimal("13.75"), Decimal("-26.25"))
    assert plan["nyetableringer"] == (Decimal("6.00"), Decimal("5.00"), Decimal("-1.00"))
    survey = rows(
        fixture_warehouse.db_path,
        "select question_id, responses, mean_score, share_satisfied, nps, is_suppressed "
        "from marts.fct_survey_results where region_id = 'ringeriksregionen' order by question_id",
    )
    assert survey == [
        ("anbefale", 6, Decimal("8.67"), Decimal("0.8333"), Decimal("50.0"), False),
        ("fornoyd", 6, Decimal("3.83"), Decimal("0.6667"), None, False),
        ("nytte_kurs", 3, None, None, None, True),
    ]


def test_the_funding_total_is_unknown_while_a_funders_amount_is_missing(fixture_warehouse):
    # Ringeriksregionen's municipalities have no rate in the agreement yet (rate_missing): the
    # sum of the county's amount alone is not the region's funding.
    funding = rows(
        fixture_warehouse.db_path,
        "select count_if(status = 'ok'), count_if(status <> 'ok') from marts.fct_funding "
        "where region_id = 'ringeriksregionen' and year = 2026",
    )
    assert funding == [(1, 6)]
    assert rows(
        fixture_warehouse.db_path,
        "select funding_total_nok, funding_known_nok, funding_rows_not_ok "
        "from marts.fct_region_kpis where region_id = 'ringeriksregionen' and year = 2026",
    ) == [(None, Decimal("257345.00"), 6)]
