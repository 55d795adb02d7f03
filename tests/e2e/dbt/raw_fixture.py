"""A small raw layer we control, matching docs/raw_tables.md, for the dbt tests.

Until (and alongside) the real loaders, the dbt tests build this in a temp DuckDB.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import duckdb

from ingestion.operators.identifiers import business_keys

LINEAGE = """
    region_id varchar, year integer, source_file varchar, source_sha256 varchar,
    source_line integer, loaded_at timestamp
"""

RAW_DDL: dict[str, str] = {
    "ssb_population": """
        table_id varchar, contents_code varchar, region_code varchar, region_label varchar,
        period varchar, sex varchar, age varchar, value bigint, status varchar,
        response_sha256 varchar, fetched_at timestamp, is_synthetic boolean
    """,
    "ssb_enterprise_survival": """
        region_code varchar, org_form varchar, nace varchar, cohort_year integer,
        years_after integer, value_code varchar, value decimal(18,3), is_synthetic boolean,
        table_id varchar, fetched_at timestamp, status varchar, response_sha256 varchar
    """,
    "clients": LINEAGE
    + """,
        client_key varchar, person_key varchar, municipality_code varchar, sex varchar,
        birth_year integer, immigrant_background boolean, first_contact_date date,
        referred_by varchar, has_email boolean, has_phone boolean
    """,
    "activities": LINEAGE
    + """,
        activity_id varchar, client_key varchar, activity_date date, activity_type varchar,
        channel varchar, hours decimal(9,2), course_id varchar, course_completed boolean,
        referred_to varchar, assessment_completed_date date, event_id varchar
    """,
    "courses": LINEAGE
    + """,
        course_id varchar, course_type varchar, title varchar, start_date date, end_date date,
        fee_nok decimal(18,2), target_group varchar, municipality_code varchar, channel varchar
    """,
    "establishments": LINEAGE
    + """,
        client_key varchar, business_key varchar, registration_date date, org_form varchar,
        nace_code varchar, ceased_date date
    """,
    "survey_responses": LINEAGE
    + """,
        response_id varchar, response_date date, question_id varchar, scale varchar,
        score integer
    """,
    "finance": LINEAGE + ", record_type varchar, category varchar, amount_nok decimal(18,2)",
    "activity_plan": LINEAGE
    + ", target_id varchar, planned_value decimal(18,2), submitted_date date",
    "quarantine": """
        region_id varchar, year integer, kind varchar, source_file varchar,
        source_sha256 varchar, source_line integer, column_name varchar, value_masked varchar,
        reason_code varchar, message varchar, loaded_at timestamp
    """,
    "load_log": """
        region_id varchar, year integer, kind varchar, source_file varchar,
        source_sha256 varchar, rows_in integer, loaded integer, rejected integer,
        loaded_at timestamp, status varchar, origin varchar, note varchar,
        data_standing varchar
    """,
}

# The fixture's network attendances, by date: two attend one event, one another.
NETWORK_EVENTS = {"2026-05-10": "N-2026-01", "2026-09-10": "N-2026-02"}

OPERATOR_KINDS = (
    "clients",
    "activities",
    "courses",
    "establishments",
    "survey_responses",
    "finance",
    "activity_plan",
)

# SSB 01222 Folketallet11 2025K1 (synthetic but shaped like the real series).
# Ringerike + Hole + Krødsherad = 31020 + 6870 + 8900 = 46790, the agreement's stated basis.
POPULATION_2025K1: dict[str, tuple[str, int]] = {
    "3301": ("Drammen", 104000),
    "3303": ("Kongsberg", 28500),
    "3305": ("Ringerike", 31020),
    "3310": ("Hole", 6870),
    "3312": ("Lier", 27900),
    "3314": ("Øvre Eiker", 20400),
    "3316": ("Modum", 14600),
    "3318": ("Krødsherad", 8900),
    "3320": ("Flå", 1050),
    "3322": ("Nesbyen", 3300),
    "3324": ("Gol", 4700),
    "3326": ("Hemsedal", 2600),
    "3328": ("Ål", 4700),
    "3330": ("Hol", 4500),
    # Sigdal (3332) is left out on purpose: midt_buskerud's funding must show population_missing.
    "3334": ("Flesberg", 2800),
    "3336": ("Rollag", 1400),
    "3338": ("Nore og Uvdal", 2500),
    "3236": ("Jevnaker", 6900),
}

FETCHED_AT = dt.datetime(2025, 5, 20, 8, 0, 0)


def create_raw_tables(con: duckdb.DuckDBPyConnection) -> None:
    from ingestion.agreements.load import CHECKS_DDL, FINDINGS_DDL
    from ingestion.brreg.load import CREATE_SQL as BRREG_DDL

    con.execute("create schema if not exists raw")
    for table, columns in RAW_DDL.items():
        con.execute(f"create or replace table raw.{table} ({columns})")
    # No agreement text checked: agreement_text_checked fails, as on a warehouse never checked.
    con.execute(CHECKS_DDL)
    con.execute(FINDINGS_DDL)
    # The register never read: the outcome marts are empty until a test adds observations.
    con.execute(BRREG_DDL)


def population_rows(
    values: dict[str, tuple[str, int | None]] = POPULATION_2025K1,
    period: str = "2025K1",
    contents_code: str = "Folketallet11",
) -> list[tuple[Any, ...]]:
    return [
        (
            "01222",
            contents_code,
            code,
            label,
            period,
            None,
            None,
            value,
            ".." if value is None else None,
            "0" * 64,
            FETCHED_AT,
            True,
        )
        for code, (label, value) in values.items()
    ]


def insert_rows(con: duckdb.DuckDBPyConnection, table: str, rows: Iterable[Sequence[Any]]) -> None:
    rows = list(rows)
    if not rows:
        return
    placeholders = ", ".join("?" for _ in rows[0])
    con.executemany(f"insert into raw.{table} values ({placeholders})", rows)


def lineage(region_id: str, year: int, kind: str, line: int) -> tuple[Any, ...]:
    return (region_id, year, f"{kind}.csv", "f" * 64, line, FETCHED_AT)


def build_raw_warehouse(
    path: Path,
    population: dict[str, tuple[str, int | None]] = POPULATION_2025K1,
    operator_rows: dict[str, list[tuple[Any, ...]]] | None = None,
) -> Path:
    """Create a DuckDB file at `path` with every raw table and the given rows."""
    con = duckdb.connect(str(path))
    try:
        create_raw_tables(con)
        insert_rows(con, "ssb_population", population_rows(population))
        for table, rows in (operator_rows or {}).items():
            insert_rows(con, table, rows)
    finally:
        con.close()
    return path


def _d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


# Ringeriksregionen 2026, a handful of rows we control. Chosen so that: one client has sex U (1,
# suppressed) which forces secondary suppression of men (5); one client carries the old Viken code
# 3007 (Ringerike); new businesses sit on both sides of the conversion window.
RINGERIKE_CLIENTS_2026: list[tuple[str, str, str, int, bool, str, str]] = [
    # client_key, municipality_code, sex, birth_year, immigrant, first_contact, referred_by
    ("c01", "3305", "K", 1990, False, "2026-01-10", "selv"),
    ("c02", "3305", "K", 1985, True, "2026-01-15", "nav"),
    ("c03", "3305", "M", 1999, False, "2026-01-20", "selv"),
    ("c04", "3305", "K", 1970, True, "2026-02-01", "kommune"),
    ("c05", "3007", "M", 1995, False, "2026-02-10", "bank"),
    ("c06", "3310", "K", 1988, True, "2026-03-05", "selv"),
    ("c07", "3310", "K", 1960, False, "2026-03-12", "innovasjon_norge"),
    ("c08", "3310", "M", 2001, False, "2026-04-01", "selv"),
    ("c09", "3316", "K", 1980, True, "2026-04-20", "nav"),
    ("c10", "3316", "U", 1992, False, "2026-05-02", "annet"),
    ("c11", "3305", "K", 1975, True, "2025-03-01", "selv"),
    ("c12", "3305", "M", 1982, False, "2024-02-01", "regnskapsforer"),
    ("c13", "3318", "K", 1994, False, "2025-09-01", "selv"),
    ("c14", "3318", "M", 1966, False, "2025-10-15", "selv"),
]

# fmt: off
RINGERIKE_COURSES_2026 = [
    # course_id, course_type, title, start, end, fee, target_group, municipality, channel
    (
        "G1",
        "grunnkurs",
        "Grunnkurs vår",
        "2026-03-01",
        "2026-03-20",
        "0.00",
        "alle",
        "3305",
        "fysisk",
    ),
    ("T1", "temakurs", "Regnskap", "2026-04-01", "2026-04-01", "500.00", "alle", "3310", "digital"),
]

RINGERIKE_ACTIVITIES_2026 = [
    # activity_id, client, date, type, channel, hours, course, completed, referred_to, done_date
    ("a01", "c01", "2026-01-12", "veiledning", "fysisk", "2.00", None, None, None, None),
    ("a02", "c01", "2026-02-12", "veiledning", "digital", "2.00", None, None, None, None),
    ("a03", "c01", "2026-03-12", "veiledning", "fysisk", "1.50", None, None, None, None),
    ("a04", "c02", "2026-01-20", "veiledning", "fysisk", "1.00", None, None, None, None),
    ("a05", "c03", "2026-01-25", "veiledning", "digital", "1.00", None, None, None, None),
    ("a06", "c04", "2026-02-05", "veiledning", "fysisk", "1.50", None, None, None, None),
    ("a07", "c05", "2026-02-15", "veiledning", "digital", "0.50", None, None, None, None),
    ("a08", "c06", "2026-03-06", "veiledning", "fysisk", "1.00", None, None, None, None),
    ("a09", "c07", "2026-03-15", "veiledning", "fysisk", "1.00", None, None, None, None),
    ("a10", "c09", "2026-04-22", "veiledning", "digital", "1.25", None, None, None, None),
    ("a11", "c11", "2026-01-08", "veiledning", "fysisk", "1.00", None, None, None, None),
    ("a12", "c01", "2026-03-01", "kurs", "fysisk", "3.00", "G1", True, None, None),
    ("a13", "c02", "2026-03-01", "kurs", "fysisk", "3.00", "G1", True, None, None),
    ("a14", "c03", "2026-03-01", "kurs", "fysisk", "3.00", "G1", True, None, None),
    ("a15", "c04", "2026-03-01", "kurs", "fysisk", "3.00", "G1", True, None, None),
    ("a16", "c06", "2026-03-01", "kurs", "fysisk", "3.00", "G1", True, None, None),
    ("a17", "c07", "2026-03-01", "kurs", "fysisk", "3.00", "G1", False, None, None),
    ("a18", "c01", "2026-04-01", "kurs", "digital", "2.00", "T1", True, None, None),
    ("a19", "c05", "2026-04-01", "kurs", "digital", "2.00", "T1", True, None, None),
    ("a20", "c13", "2026-04-01", "kurs", "digital", "2.00", "T1", True, None, None),
    ("a21", "c01", "2026-05-10", "nettverk", "fysisk", "2.00", None, None, None, None),
    ("a22", "c02", "2026-05-10", "nettverk", "fysisk", "2.00", None, None, None, None),
    ("a23", "c06", "2026-09-10", "nettverk", "fysisk", "2.00", None, None, None, None),
    (
        "a24",
        "c01",
        "2026-02-20",
        "henvisning",
        "digital",
        "0.25",
        None,
        None,
        "innovasjon_norge",
        None,
    ),
    (
        "a25",
        "c04",
        "2026-02-21",
        "henvisning",
        "digital",
        "0.25",
        None,
        None,
        "innovasjon_norge",
        None,
    ),
    ("a26", "c09", "2026-05-01", "henvisning", "fysisk", "0.25", None, None, "nav", None),
    (
        "a27",
        "c01",
        "2026-02-01",
        "naeringsfaglig_vurdering",
        "fysisk",
        "2.00",
        None,
        None,
        None,
        "2026-02-11",
    ),
    (
        "a28",
        "c06",
        "2026-03-10",
        "naeringsfaglig_vurdering",
        "fysisk",
        "2.00",
        None,
        None,
        None,
        "2026-03-14",
    ),
]

def _business_key(org_number: str) -> str:
    """The business_key the loader would store, with a key of the fixture's own."""
    return business_keys(b"raw-fixture-key", [org_number])[0]


RINGERIKE_ESTABLISHMENTS_2026 = [
    # client, org_number (stored as its business_key), registration_date, org_form, nace, ceased
    ("c01", "921000001", "2026-03-01", "ENK", "62.010", None),  # in window
    ("c02", "921000002", "2025-12-20", "AS", "47.910", None),  # 26 days before: in window, 2025
    ("c03", "921000003", "2025-11-01", "ENK", "96.020", None),  # 80 days before: outside
    ("c04", "921000004", "2026-04-15", "ENK", "74.100", None),
    ("c05", "921000005", "2026-06-30", "AS", "43.320", None),
    ("c06", "921000006", "2026-08-01", "ENK", "56.101", None),
    ("c11", "921000011", "2026-05-01", "ENK", "85.599", None),  # client since 2025: in window
    ("c12", "921000012", "2026-06-01", "AS", "70.220", None),  # 28 months after: outside
]

RINGERIKE_SURVEY_2026 = [
    *[
        (f"r{i:02d}", "2026-06-01", "fornoyd", "1-5", s)
        for i, s in enumerate([5, 4, 4, 3, 5, 2], 1)
    ],
    *[
        (f"r{i:02d}", "2026-06-01", "anbefale", "0-10", s)
        for i, s in enumerate([10, 9, 8, 6, 9, 10], 1)
    ],
    *[(f"r{i:02d}", "2026-06-01", "nytte_kurs", "1-5", s) for i, s in enumerate([5, 4, 4], 1)],
]

RINGERIKE_FINANCE_2026 = [
    ("regnskap", "lonn", "400000.00"),
    ("regnskap", "lokaler", "60000.00"),
    ("regnskap", "kurs", "20000.00"),
    ("regnskap", "inntekt_egenandel", "1500.00"),
    ("budsjett", "lonn", "380000.00"),
    ("budsjett", "lokaler", "60000.00"),
    ("budsjett", "kurs", "30000.00"),
]

RINGERIKE_PLAN_2026 = [
    ("unike_klienter", "20"),
    ("nye_klienter", "12"),
    ("veiledningstimer", "40"),
    ("grunnkurs", "2"),
    ("temakurs", "2"),
    ("kursdeltakere", "10"),
    ("nyetableringer", "6"),
    ("nettverkssamlinger", "4"),
    ("brukerundersokelse_svar", "10"),
]

# fmt: on

# Drammensregionen 2026: three clients only, so every count of people is suppressed.
DRAMMEN_CLIENTS_2026 = [
    ("d01", "3301", "K", 1990, False, "2026-02-01", "selv"),
    ("d02", "3312", "M", 1980, False, "2026-03-01", "selv"),
    ("d03", "0602", "K", 1970, True, "2026-04-01", "nav"),
]


def _dec(text: str | None):
    from decimal import Decimal

    return None if text is None else Decimal(text)


def sample_operator_rows() -> dict[str, list[tuple[Any, ...]]]:
    """Operator rows for the raw tables, in raw column order (lineage columns first)."""
    region, year = "ringeriksregionen", 2026
    rows: dict[str, list[tuple[Any, ...]]] = {k: [] for k in OPERATOR_KINDS}

    def client_rows(region_id: str, clients: list) -> None:
        for line, (key, muni, sex, born, imm, first, ref) in enumerate(clients, 2):
            rows["clients"].append(
                lineage(region_id, year, "clients", line)
                + (key, None, muni, sex, born, imm, _d(first), ref, True, False)
            )

    client_rows(region, RINGERIKE_CLIENTS_2026)
    client_rows("drammensregionen", DRAMMEN_CLIENTS_2026)
    for line, (cid, ctype, title, start, end, fee, target, muni, channel) in enumerate(
        RINGERIKE_COURSES_2026, 2
    ):
        rows["courses"].append(
            lineage(region, year, "courses", line)
            + (cid, ctype, title, _d(start), _d(end), _dec(fee), target, muni, channel)
        )
    for line, (aid, key, date, atype, ch, hours, course, done, ref, done_date) in enumerate(
        RINGERIKE_ACTIVITIES_2026, 2
    ):
        rows["activities"].append(
            lineage(region, year, "activities", line)
            + (
                aid,
                key,
                _d(date),
                atype,
                ch,
                _dec(hours),
                course,
                done,
                ref,
                _d(done_date) if done_date else None,
                NETWORK_EVENTS.get(date) if atype == "nettverk" else None,
            )
        )
    for line, (key, org, reg, form, nace, ceased) in enumerate(RINGERIKE_ESTABLISHMENTS_2026, 2):
        rows["establishments"].append(
            lineage(region, year, "establishments", line)
            + (key, _business_key(org), _d(reg), form, nace, _d(ceased) if ceased else None)
        )
    for line, (rid, date, question, scale, score) in enumerate(RINGERIKE_SURVEY_2026, 2):
        rows["survey_responses"].append(
            lineage(region, year, "survey_responses", line)
            + (rid, _d(date), question, scale, score)
        )
    for line, (rtype, cat, amount) in enumerate(RINGERIKE_FINANCE_2026, 2):
        rows["finance"].append(lineage(region, year, "finance", line) + (rtype, cat, _dec(amount)))
    for line, (target, planned) in enumerate(RINGERIKE_PLAN_2026, 2):
        rows["activity_plan"].append(
            lineage(region, year, "activity_plan", line) + (target, _dec(planned), _d("2025-11-28"))
        )
    return rows
