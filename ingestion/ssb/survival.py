"""Load SSB table 08316 (new enterprises and their survival) into `raw.ssb_enterprise_survival`.

Contract: docs/raw_tables.md. One row per cell, long form, with SSB's codes mapped to ours: the
organisation form (`Alle` -> `ALLE`, `AS`, `ENK`, ...), all industries (`00-99` -> `ALLE`), the
survival year (`OverlevAar` `00`..`05` -> `years_after` 0..5) and the cohort (`Tid` -> cohort_year).

Each (table_id, cohort_year) in a response is written in its own transaction: its rows are deleted
and the response's inserted. A cohort whose rows would not change is left untouched, so loading the
same response twice changes nothing, as for raw.ssb_population (ingestion/ssb/raw_table.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from ingestion.ssb.archive import ArchivedResponse
from ingestion.ssb.jsonstat import parse_jsonstat2
from ingestion.ssb.raw_table import (
    RawTable,
    fetched_at_utc,
    refuse_another_table,
    response_place,
)

TABLE = "raw.ssb_enterprise_survival"
SURVIVAL_TABLE_IDS = ("08316",)

# SSB's codes -> ours. A code not listed here is refused: the mapping is a decision, not a guess.
ORG_FORMS = {"Alle": "ALLE", "AS": "AS", "ENK": "ENK", "ANS": "ANS", "DA": "DA", "NUF": "NUF"}
ALL_INDUSTRIES = {"00-99": "ALLE"}
MAX_YEARS_AFTER = 5

RAW_SCHEMA: dict[str, pl.DataType] = {
    "region_code": pl.String(),
    "org_form": pl.String(),
    "nace": pl.String(),
    "cohort_year": pl.Int32(),
    "years_after": pl.Int32(),
    "value_code": pl.String(),
    "value": pl.Float64(),
    "is_synthetic": pl.Boolean(),
    "table_id": pl.String(),
    "fetched_at": pl.Datetime("us"),
    "status": pl.String(),
    "response_sha256": pl.String(),
}
KEY_COLUMNS = [
    "table_id",
    "region_code",
    "org_form",
    "nace",
    "cohort_year",
    "years_after",
    "value_code",
]
# What "the same data" means: everything except where and when the response came from.
CONTENT_COLUMNS = [*KEY_COLUMNS, "value", "status", "is_synthetic"]

CREATE_SQL = f"""
create schema if not exists raw;
create table if not exists {TABLE} (
    region_code varchar not null,
    org_form varchar not null,
    nace varchar not null,
    cohort_year integer not null,
    years_after integer not null,
    value_code varchar not null,
    value decimal(18, 3),
    is_synthetic boolean not null,
    table_id varchar not null,
    fetched_at timestamp not null,
    status varchar,
    response_sha256 varchar not null
);
"""
DIMENSIONS = ("Region", "NACE2007", "OrgFormer", "OverlevAar", "ContentsCode", "Tid")
SURVIVAL = RawTable(
    name=TABLE,
    schema=RAW_SCHEMA,
    key_columns=KEY_COLUMNS,
    content_columns=CONTENT_COLUMNS,
    create_sql=CREATE_SQL,
    slice_column="cohort_year",
    incoming_view="incoming_ssb_survival",
    value_decimals=3,
)


class SurvivalLoadError(ValueError):
    """A 08316 response cannot be loaded as it is. The message says which response and why."""


@dataclass(frozen=True)
class SurvivalLoadResult:
    rows_loaded: int
    cohorts_replaced: int
    cohorts_unchanged: int
    tables: tuple[str, ...]

    def as_metadata(self) -> dict[str, int | str]:
        return {
            "survival_rows_loaded": self.rows_loaded,
            "survival_cohorts_replaced": self.cohorts_replaced,
            "survival_cohorts_unchanged": self.cohorts_unchanged,
            "survival_tables": ", ".join(self.tables),
        }


def survival_rows(response: ArchivedResponse) -> pl.DataFrame:
    """The rows of `raw.ssb_enterprise_survival` that one archived 08316 response stands for."""
    doc = response.read_json()
    where = response_place(response)
    refuse_another_table(doc, response.table_id, where, SurvivalLoadError)
    dimensions = list(doc.get("id") or [])
    unknown = [d for d in dimensions if d not in DIMENSIONS]
    missing = [d for d in DIMENSIONS if d not in dimensions]
    if unknown or missing:
        raise SurvivalLoadError(
            f"{where} har dimensjonene {', '.join(dimensions)}, men {TABLE} venter "
            f"{', '.join(DIMENSIONS)}. Rett spørringen i ingestion/ssb/queries.yaml, eller utvid "
            "kontrakten i docs/raw_tables.md og ingestion/ssb/survival.py."
        )
    cells = parse_jsonstat2(doc)
    _check_codes(cells, where)

    columns = {
        "region_code": pl.col("Region"),
        "org_form": pl.col("OrgFormer").replace_strict(ORG_FORMS),
        "nace": pl.col("NACE2007").replace(ALL_INDUSTRIES),
        "cohort_year": pl.col("Tid").cast(pl.Int32),
        "years_after": pl.col("OverlevAar").cast(pl.Int32),
        "value_code": pl.col("ContentsCode"),
        "value": pl.col("value"),
        "is_synthetic": pl.lit(response.is_synthetic),
        "table_id": pl.lit(response.table_id),
        "fetched_at": pl.lit(fetched_at_utc(response)),
        "status": pl.col("status"),
        "response_sha256": pl.lit(response.sha256),
    }
    return SURVIVAL.typed(cells, columns)


def load_enterprise_survival(
    db_path: Path, responses: Sequence[ArchivedResponse]
) -> SurvivalLoadResult:
    """Load archived 08316 responses, one transaction per (table_id, cohort_year)."""
    incoming = [survival_rows(response) for response in responses]
    _refuse_overlaps(responses, incoming)
    counts = SURVIVAL.load(db_path, incoming)
    tables = tuple(sorted({r.table_id for r in responses}))
    return SurvivalLoadResult(counts.rows_loaded, counts.replaced, counts.unchanged, tables)


def read_enterprise_survival(db_path: Path) -> pl.DataFrame:
    """The whole raw table, in key order, `value` as a float (for checks and tests; dbt reads it
    through source())."""
    return SURVIVAL.read(db_path)


def _check_codes(cells: pl.DataFrame, where: str) -> None:
    forms = set(cells["OrgFormer"].unique().to_list()) - set(ORG_FORMS)
    if forms:
        raise SurvivalLoadError(
            f"{where} har organisasjonsform(er) {', '.join(sorted(forms))}, som ikke er koblet til "
            "våre koder. Legg dem til i ORG_FORMS i ingestion/ssb/survival.py (SSB-kode -> vår "
            "kode, f.eks. AS), eller ta dem ut av spørringen."
        )
    for column, what in (("Tid", "etableringsår"), ("OverlevAar", "overlevelsesår")):
        bad = [c for c in cells[column].unique().sort().to_list() if not c.isdigit()]
        if bad:
            raise SurvivalLoadError(f"{where}: {what} må være et tall, fikk {', '.join(bad)}.")
    too_late = [c for c in cells["OverlevAar"].unique().to_list() if int(c) > MAX_YEARS_AFTER]
    if too_late:
        raise SurvivalLoadError(
            f"{where}: overlevelsesår {', '.join(sorted(too_late))} er mer enn "
            f"{MAX_YEARS_AFTER} år etter etableringsåret; kontrakten har 0–{MAX_YEARS_AFTER}."
        )


def _refuse_overlaps(responses: Sequence[ArchivedResponse], incoming: list[pl.DataFrame]) -> None:
    """No two responses in one load may share a (table, cohort): one would erase the other."""
    seen: dict[tuple[str, int], str] = {}
    for response, rows in zip(responses, incoming, strict=True):
        for table_id, cohort in (
            rows.select("table_id", "cohort_year").unique().sort("cohort_year").iter_rows()
        ):
            other = seen.setdefault((table_id, cohort), response.path.name)
            if other != response.path.name:
                raise SurvivalLoadError(
                    f"Både {other} og {response.path.name} har tall for tabell {table_id}, "
                    f"etableringsår {cohort}. Last dem hver for seg, i den rekkefølgen de gjelder."
                )
        if rows.select(KEY_COLUMNS).is_duplicated().any():
            raise SurvivalLoadError(
                f"SSB-svaret {response.path.name} har samme celle flere ganger (to SSB-koder "
                "som er koblet til samme kode hos oss?)."
            )
