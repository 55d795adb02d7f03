"""A small raw layer we control, matching docs/raw_tables.md, for the dbt tests.

Until (and alongside) the real loaders, the dbt tests build this in a temp DuckDB.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import duckdb

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
        referred_to varchar, assessment_completed_date date
    """,
    "courses": LINEAGE
    + """,
        course_id varchar, course_type varchar, title varchar, start_date date, end_date date,
        fee_nok decimal(18,2), target_group varchar, municipality_code varchar, channel varchar
    """,
    "establishments": LINEAGE
    + """,
        client_key varchar, org_number varchar, registration_date date, org_form varchar,
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
        loaded_at timestamp, status varchar
    """,
}

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
    "3332": ("Sigdal", 3500),
    "3334": ("Flesberg", 2800),
    "3336": ("Rollag", 1400),
    "3338": ("Nore og Uvdal", 2500),
    "3236": ("Jevnaker", 6900),
}

FETCHED_AT = dt.datetime(2025, 5, 20, 8, 0, 0)


def create_raw_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create schema if not exists raw")
    for table, columns in RAW_DDL.items():
        con.execute(f"create or replace table raw.{table} ({columns})")


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


def insert_rows(
    con: duckdb.DuckDBPyConnection, table: str, rows: Iterable[Sequence[Any]]
) -> None:
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
