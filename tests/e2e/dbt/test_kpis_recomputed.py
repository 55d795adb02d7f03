"""Must-show 4: the KPIs of one region-year recomputed independently from raw with polars, equal
to marts.fct_region_kpis. The formulas here are written from DOMAIN.md, not copied from SQL."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import duckdb
import polars as pl
import pytest

from ingestion.paths import PROJECT_ROOT

REGION, YEAR = "ringeriksregionen", 2026
THRESHOLD = 5
MEMBERS = ["3305", "3310", "3318", "3316", "3236"]


def hidden(n: int) -> bool:
    return 0 < n < THRESHOLD


def count(n: int) -> int | None:
    return None if hidden(n) else n


def share(numerator: int, n: int, places: str = "0.0001") -> Decimal | None:
    if n < THRESHOLD or hidden(numerator):
        return None
    return (Decimal(numerator) / Decimal(n)).quantize(Decimal(places), ROUND_HALF_UP)


def raw(con: duckdb.DuckDBPyConnection, table: str) -> pl.DataFrame:
    return con.sql(f"select * from raw.{table}").pl()


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    last = [
        31,
        29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28,
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ][month - 1]
    return dt.date(year, month, min(day.day, last))


def recompute(db_path) -> dict:
    with duckdb.connect(str(db_path), read_only=True) as con:
        clients_all = raw(con, "clients").filter(pl.col("region_id") == REGION)
        activities = raw(con, "activities").filter(
            (pl.col("region_id") == REGION) & (pl.col("year") == YEAR)
        )
        courses = raw(con, "courses").filter(
            (pl.col("region_id") == REGION) & (pl.col("year") == YEAR)
        )
        establishments = raw(con, "establishments").filter(pl.col("region_id") == REGION)
        survey = raw(con, "survey_responses").filter(
            (pl.col("region_id") == REGION) & (pl.col("year") == YEAR)
        )
        finance = raw(con, "finance").filter(
            (pl.col("region_id") == REGION) & (pl.col("year") == YEAR)
        )
        population = raw(con, "ssb_population").filter(
            (pl.col("table_id") == "01222")
            & (pl.col("contents_code") == "Folketallet11")
            & (pl.col("period") == "2025K1")
            & pl.col("region_code").is_in(MEMBERS)
        )

    first_contact = clients_all.group_by("client_key").agg(pl.col("first_contact_date").min())
    clients = (
        clients_all.filter(pl.col("year") == YEAR)
        .drop("first_contact_date")
        .join(first_contact, on="client_key")
    )
    n_clients = clients.height
    new_clients = clients.filter(pl.col("first_contact_date").dt.year() == YEAR)
    women = clients.filter(pl.col("sex") == "K").height
    immigrants = clients.filter(pl.col("immigrant_background")).height

    served = activities.filter(pl.col("client_key").is_in(clients["client_key"].implode()))
    guidance = served.filter(pl.col("activity_type") == "veiledning")
    digital = guidance.filter(pl.col("channel") == "digital").height
    attendances = (
        served.filter(pl.col("activity_type") == "kurs")
        .select("client_key", "course_id")
        .unique()
        .join(courses.select("course_id", "course_type"), on="course_id", how="left")
    )
    basic = attendances.filter(pl.col("course_type") == "grunnkurs")
    completed = (
        served.filter(pl.col("activity_type") == "kurs")
        .group_by("client_key", "course_id")
        .agg(pl.col("course_completed").fill_null(False).any())
        .filter(pl.col("course_completed"))
        .join(basic, on=["client_key", "course_id"], how="semi")
        .height
    )
    participants = attendances["client_key"].n_unique()
    network_events = served.filter(pl.col("activity_type") == "nettverk")["event_id"].n_unique()

    businesses = (
        establishments.sort("registration_date")
        .group_by("business_key", maintain_order=True)
        .agg(pl.col("client_key").first(), pl.col("registration_date").min())
        .join(first_contact, on="client_key", how="inner")
    )
    in_window = [
        row
        for row in businesses.iter_rows(named=True)
        if row["first_contact_date"] - dt.timedelta(days=30)
        <= row["registration_date"]
        <= add_months(row["first_contact_date"], 24)
    ]
    new_businesses = sum(1 for row in in_window if row["registration_date"].year == YEAR)
    converted_keys = {row["client_key"] for row in in_window}
    converted = new_clients.filter(pl.col("client_key").is_in(list(converted_keys))).height

    fornoyd = survey.filter(pl.col("question_id") == "fornoyd")["score"].drop_nulls()
    anbefale = survey.filter(pl.col("question_id") == "anbefale")["score"].drop_nulls()
    promoters = int((anbefale >= 9).sum())
    detractors = int((anbefale <= 6).sum())
    costs = finance.filter(
        (pl.col("record_type") == "regnskap") & ~pl.col("category").str.starts_with("inntekt_")
    )["amount_nok"]
    cost_actual = sum(costs.to_list(), Decimal("0.00"))
    inhabitants = int(population["value"].sum())
    guidance_hours = sum(guidance["hours"].to_list(), Decimal("0.00"))
    guided_clients = guidance["client_key"].n_unique()

    return {
        "unique_clients": count(n_clients),
        "new_clients": count(new_clients.height),
        "clients_women": count(women),
        "clients_immigrant_background": count(immigrants),
        "share_women_clients": share(women, n_clients),
        "share_immigrant_clients": share(immigrants, n_clients),
        "guidance_sessions": guidance.height,
        "guidance_hours": guidance_hours,
        "guidance_hours_per_client": (guidance_hours / guided_clients).quantize(
            Decimal("0.01"), ROUND_HALF_UP
        ),
        "digital_share_of_guidance_sessions": share(digital, guidance.height),
        "basic_courses_held": courses.filter(pl.col("course_type") == "grunnkurs")[
            "course_id"
        ].n_unique(),
        "basic_course_participations": count(basic.height),
        "basic_course_completion_share": share(completed, basic.height),
        "course_participants": count(participants),
        "network_events": network_events,
        "new_businesses": count(new_businesses),
        "conversion_share": share(converted, new_clients.height),
        "population": inhabitants,
        "clients_per_1000_inhabitants": (Decimal(1000 * n_clients) / inhabitants).quantize(
            Decimal("0.01"), ROUND_HALF_UP
        ),
        "satisfaction_responses": fornoyd.len(),
        "satisfaction_mean_score": Decimal(str(fornoyd.mean())).quantize(
            Decimal("0.01"), ROUND_HALF_UP
        ),
        "nps": (Decimal(100 * (promoters - detractors)) / anbefale.len()).quantize(
            Decimal("0.1"), ROUND_HALF_UP
        ),
        "cost_actual_nok": cost_actual,
        "cost_per_client_nok": (cost_actual / n_clients).quantize(Decimal("0.01"), ROUND_HALF_UP),
    }


@pytest.fixture(scope="module")
def mart_row(sample_warehouse) -> dict:
    with duckdb.connect(str(sample_warehouse.db_path), read_only=True) as con:
        cursor = con.execute(
            "select * from marts.fct_region_kpis where region_id = ? and year = ?", [REGION, YEAR]
        )
        names = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
    assert len(rows) == 1
    return dict(zip(names, rows[0], strict=True))


def test_region_kpis_equal_an_independent_recomputation_from_raw(sample_warehouse, mart_row):
    expected = recompute(sample_warehouse.db_path)
    actual = {name: mart_row[name] for name in expected}
    assert actual == expected
    # The sample is big enough that the headline figures are shown, not suppressed.
    assert expected["unique_clients"] == 250
    assert expected["new_businesses"] is not None and expected["new_businesses"] > 0


def test_network_events_are_the_events_in_the_operators_file(sample_warehouse, mart_row):
    """106 attendances on 89 dates were '89 events' against a plan of 8 (1 112,5 %). An event
    is the arrangement the operator exports (Arrangement-ID): counted from the raw file."""
    delivered = pl.read_csv(
        PROJECT_ROOT / "data/sample/operators" / REGION / str(YEAR) / "activities.csv",
        separator=";",
        encoding="windows-1252",
        infer_schema=False,
    ).filter(pl.col("Aktivitetstype") == "nettverk")
    assert delivered.height > 100
    assert mart_row["network_events"] == delivered["Arrangement-ID"].n_unique() == 9
    assert delivered["Dato"].n_unique() == 9
    with duckdb.connect(str(sample_warehouse.db_path), read_only=True) as con:
        achieved = con.execute(
            "select actual_value, planned_value from marts.fct_plan_vs_actual "
            "where region_id = ? and year = ? and target_id = 'nettverkssamlinger'",
            [REGION, YEAR],
        ).fetchone()
    assert achieved == (Decimal("9.00"), Decimal("8.00"))
