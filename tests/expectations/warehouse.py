"""Tiny DuckDB warehouses for the suite tests, shaped per docs/raw_tables.md.

`good_raw_rows()` gives one clean region-year (ringeriksregionen 2026) for every operator kind
plus a quarterly SSB series; tests corrupt a copy and write it with `write_warehouse`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

LINEAGE = (
    "region_id varchar, year integer, source_file varchar, source_sha256 varchar, "
    "source_line integer, loaded_at timestamp"
)
RAW_DDL: dict[str, str] = {
    "ssb_population": (
        "table_id varchar, contents_code varchar, region_code varchar, region_label varchar, "
        "period varchar, sex varchar, age varchar, value bigint, status varchar, "
        "response_sha256 varchar, fetched_at timestamp, is_synthetic boolean"
    ),
    "clients": LINEAGE
    + ", client_key varchar, person_key varchar, municipality_code varchar, sex varchar, "
    "birth_year integer, immigrant_background boolean, first_contact_date date, "
    "referred_by varchar, has_email boolean, has_phone boolean",
    "activities": LINEAGE
    + ", activity_id varchar, client_key varchar, activity_date date, activity_type varchar, "
    "channel varchar, hours decimal(9,2), course_id varchar, course_completed boolean, "
    "referred_to varchar, assessment_completed_date date, event_id varchar",
    "courses": LINEAGE
    + ", course_id varchar, course_type varchar, title varchar, start_date date, end_date date, "
    "fee_nok decimal(18,2), target_group varchar, municipality_code varchar, channel varchar",
    "establishments": LINEAGE
    + ", client_key varchar, business_key varchar, registration_date date, org_form varchar, "
    "nace_code varchar, ceased_date date",
    "survey_responses": LINEAGE
    + ", response_id varchar, response_date date, question_id varchar, scale varchar, "
    "score integer",
    "finance": LINEAGE + ", record_type varchar, category varchar, amount_nok decimal(18,2)",
    "activity_plan": LINEAGE
    + ", target_id varchar, planned_value decimal(18,2), submitted_date date",
    "quarantine": (
        "region_id varchar, year integer, kind varchar, source_file varchar, "
        "source_sha256 varchar, source_line integer, column_name varchar, value_masked varchar, "
        "reason_code varchar, message varchar, loaded_at timestamp"
    ),
    "load_log": (
        "region_id varchar, year integer, kind varchar, source_file varchar, "
        "source_sha256 varchar, rows_in integer, loaded integer, rejected integer, "
        "loaded_at timestamp, status varchar"
    ),
}
KINDS = (
    "clients",
    "activities",
    "courses",
    "establishments",
    "survey_responses",
    "finance",
    "activity_plan",
)
REGION = "ringeriksregionen"
YEAR = 2026
LOADED_AT = dt.datetime(2027, 1, 15, 8, 0)
CLIENT_KEY_PREFIX = "c0ffee"
BUSINESS_KEY_PREFIX = "b0b0b0"


def _lineage(kind: str, line: int, year: int = YEAR, region: str = REGION) -> list[Any]:
    return [region, year, f"{kind}.csv", f"sha-{kind}-{region}-{year}", line, LOADED_AT]


def client_key(number: int) -> str:
    """A fake 64-hex pseudonym; tests grep Data Docs for it."""
    return f"{CLIENT_KEY_PREFIX}{number:058x}"


def business_key(number: int) -> str:
    """A fake 64-hex business pseudonym; tests grep Data Docs for it."""
    return f"{BUSINESS_KEY_PREFIX}{number:058x}"


def operator_rows(year: int = YEAR, region: str = REGION) -> dict[str, list[list[Any]]]:
    """Clean operator records for one region-year, as rows in RAW_DDL column order."""
    rows: dict[str, list[list[Any]]] = {kind: [] for kind in KINDS}
    for n in range(20):
        rows["clients"].append(
            _lineage("clients", n + 2, year, region)
            + [
                client_key(n),
                None,
                "3305" if n % 2 else "3007",
                "KM"[n % 2],
                1970 + n,
                n % 3 == 0,
                dt.date(year, 1 + n % 12, 5),
                "selv",
                True,
                n % 2 == 0,
            ]
        )
    activity_types = ["veiledning", "veiledning", "kurs", "henvisning", "naeringsfaglig_vurdering"]
    for n in range(40):
        kind = activity_types[n % len(activity_types)]
        date = dt.date(year, 1 + n % 12, 10)
        rows["activities"].append(
            _lineage("activities", n + 2, year, region)
            + [
                f"A-{n:04d}",
                client_key(n % 20),
                date,
                kind,
                "digital" if n % 4 == 0 else "fysisk",
                Decimal("1.50"),
                "KURS-01" if kind == "kurs" else None,
                True if kind == "kurs" else None,
                "nav" if kind == "henvisning" else None,
                date + dt.timedelta(days=20) if kind == "naeringsfaglig_vurdering" else None,
                "N-01" if kind == "nettverk" else None,
            ]
        )
    for n, (course_type, fee) in enumerate([("grunnkurs", "0.00"), ("temakurs", "500.00")]):
        rows["courses"].append(
            _lineage("courses", n + 2, year, region)
            + [
                f"KURS-0{n + 1}",
                course_type,
                f"Kurs {n + 1}",
                dt.date(year, 2, 10),
                dt.date(year, 2, 12),
                Decimal(fee),
                "alle",
                "3305",
                "fysisk",
            ]
        )
    for n in range(3):
        rows["establishments"].append(
            _lineage("establishments", n + 2, year, region)
            + [client_key(n), business_key(n), dt.date(year, 3, 1), "ENK", "62.010", None]
        )
    for n in range(10):
        question, scale, score = ("fornoyd", "1-5", 4) if n % 2 else ("anbefale", "0-10", 9)
        rows["survey_responses"].append(
            _lineage("survey_responses", n + 2, year, region)
            + [f"S-{n // 2:04d}", dt.date(year, 6, 20), question, scale, score]
        )
    for n, (record_type, category, amount) in enumerate(
        [("budsjett", "lonn", "300000.00"), ("regnskap", "lonn", "290000.00")]
    ):
        rows["finance"].append(
            _lineage("finance", n + 2, year, region) + [record_type, category, Decimal(amount)]
        )
    for n, (target, value) in enumerate(
        [("unike_klienter", "250"), ("grunnkurs", "4"), ("veiledningstimer", "600")]
    ):
        rows["activity_plan"].append(
            _lineage("activity_plan", n + 2, year, region)
            + [target, Decimal(value), dt.date(year - 1, 11, 25)]
        )
    return rows


def load_log_rows(
    operator: dict[str, list[list[Any]]], quarantined: dict[str, int] | None = None
) -> list[list[Any]]:
    """One `loaded` entry per kind and partition: rows_in = loaded + quarantined lines."""
    quarantined = quarantined or {}
    log: list[list[Any]] = []
    partitions: dict[tuple[str, int, str, str], int] = {}
    for kind, rows in operator.items():
        for row in rows:
            key = (row[0], row[1], kind, row[3])
            partitions[key] = partitions.get(key, 0) + 1
    for (region, year, kind, sha), loaded in partitions.items():
        rejected = quarantined.get(kind, 0)
        log.append(
            [region, year, kind, f"{kind}.csv", sha, loaded + rejected, loaded, rejected]
            + [LOADED_AT, "loaded"]
        )
    return log


def quarantine_rows(kind: str, count: int, year: int = YEAR) -> list[list[Any]]:
    """`count` quarantined lines, each with two bad columns (to show lines are counted once)."""
    rows = []
    for n in range(count):
        for column in ("birth_year", "sex"):
            rows.append(
                [REGION, year, kind, f"{kind}.csv", f"sha-{kind}-{REGION}-{year}", 1000 + n]
                + [column, "***", "invalid", "Ugyldig verdi.", LOADED_AT]
            )
    return rows


def ssb_rows(jump: tuple[str, str, float] | None = None) -> list[list[Any]]:
    """Table 01222, four municipalities, 2024K1-2025K4, growing slowly.

    `jump=(region_code, period, factor)` multiplies one quarter's values by factor.
    """
    rows = []
    for code, base in (("3305", 31000), ("3310", 6870), ("3318", 2400), ("3236", 8000)):
        for year in (2024, 2025):
            for quarter in range(1, 5):
                period = f"{year}K{quarter}"
                value = base + (year - 2024) * 40 + quarter * 10
                if jump and jump[0] == code and jump[1] == period:
                    value = int(value * jump[2])
                for contents in ("Folketallet11", "Folketallet1"):
                    rows.append(
                        ["01222", contents, code, f"Kommune {code}", period, None, None, value]
                        + [None, "sha-ssb", LOADED_AT, True]
                    )
    return rows


def write_warehouse(path: Path, tables: dict[str, list[list[Any]]]) -> Path:
    """Create `raw` with every table in RAW_DDL and insert `tables` (missing ones stay empty)."""
    con = duckdb.connect(str(path))
    try:
        con.execute("create schema if not exists raw")
        for table, ddl in RAW_DDL.items():
            con.execute(f"create or replace table raw.{table} ({ddl})")
            rows = tables.get(table, [])
            if rows:
                placeholders = ", ".join("?" for _ in rows[0])
                con.executemany(f"insert into raw.{table} values ({placeholders})", rows)
    finally:
        con.close()
    return path


def good_raw_tables() -> dict[str, list[list[Any]]]:
    operator = operator_rows()
    return {
        **operator,
        "load_log": load_log_rows(operator),
        "quarantine": [],
        "ssb_population": ssb_rows(),
    }


# --- Marts (columns per dbt_project/models/marts/*/_*__models.yml, the ones the suites read) ---

MART_DDL: dict[str, str] = {
    "fct_funding": (
        "agreement_id varchar, region_id varchar, funder_id varchar, year integer, "
        "population bigint, rate_nok_per_inhabitant decimal(18,2), amount_nok decimal(18,2), "
        "status varchar, is_illustrative boolean"
    ),
    "fct_payouts": (
        "agreement_id varchar, region_id varchar, funder_id varchar, year integer, "
        "payout_month integer, due_date date, annual_amount_nok decimal(18,2), "
        "amount_nok decimal(18,2), status varchar, blocked_reason varchar"
    ),
    "dim_region": (
        "region_id varchar, agreement_valid_from_year integer, agreement_valid_to_year integer"
    ),
    "fct_region_kpis": (
        "region_id varchar, year integer, unique_clients integer, "
        "unique_clients_suppressed boolean, share_women_clients decimal(9,4), "
        "share_women_clients_n integer, guidance_hours decimal(18,2), "
        "guidance_hours_per_client decimal(18,2), digital_share_of_guidance_sessions "
        "decimal(9,4), nps decimal(9,1), population bigint"
    ),
}
AGREEMENT = "buskerud_etablerer_2026_2028_ringeriksregionen"


def funding_rows(year: int = YEAR) -> list[list[Any]]:
    """The seed's county share (46 790 x 5.50), a municipality with a rate, one without."""
    return [
        [AGREEMENT, REGION, "33", year, 46790, Decimal("5.50"), Decimal("257345.00"), "ok", False],
        [AGREEMENT, REGION, "3305", year, 31020, Decimal("8.33"), Decimal("258396.60"), "ok", True],
        [AGREEMENT, REGION, "3236", year, 8000, None, None, "rate_missing", False],
    ]


def payout_rows(funding: list[list[Any]]) -> list[list[Any]]:
    """January and August halves; the øre that does not split goes to August."""
    rows = []
    for agreement, region, funder, year, _, _, amount, status, _ in funding:
        first = None if amount is None else (amount / 2).quantize(Decimal("0.01"))
        for month, half in ((1, first), (8, None if amount is None else amount - first)):
            ready = status == "ok"
            rows.append(
                [agreement, region, funder, year, month, dt.date(year, month, 15), amount, half]
                + ["ready" if ready else "blocked", None if ready else "Stykkpris mangler."]
            )
    return rows


def kpi_rows(year: int = YEAR) -> list[list[Any]]:
    return [
        [REGION, year, 410, False, Decimal("0.4512"), 410, Decimal("820.50")]
        + [Decimal("2.00"), Decimal("0.2500"), Decimal("42.0"), 54380],
        ["hallingdal", year, None, True, None, 3, Decimal("12.00")]
        + [None, Decimal("0.0000"), None, 20850],
    ]


def mart_tables(year: int = YEAR) -> dict[str, list[list[Any]]]:
    funding = funding_rows(year)
    return {
        "fct_funding": funding,
        "fct_payouts": payout_rows(funding),
        "dim_region": [[REGION, 2026, 2028], ["hallingdal", 2026, 2028]],
        "fct_region_kpis": kpi_rows(year),
    }


def write_marts(path: Path, tables: dict[str, list[list[Any]]]) -> Path:
    con = duckdb.connect(str(path))
    try:
        con.execute("create schema if not exists marts")
        for table, ddl in MART_DDL.items():
            con.execute(f"create or replace table marts.{table} ({ddl})")
            rows = tables.get(table, [])
            if rows:
                placeholders = ", ".join("?" for _ in rows[0])
                con.executemany(f"insert into marts.{table} values ({placeholders})", rows)
    finally:
        con.close()
    return path
