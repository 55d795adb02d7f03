"""Load archived SSB responses into `raw.ssb_population` (contract: docs/raw_tables.md).

`load_ssb` takes every configured table's responses: the population tables go here, table 08316
to `raw.ssb_enterprise_survival` (ingestion/ssb/survival.py).

Each (table_id, period) in a response is written in its own transaction: the rows of that pair are
deleted and the response's rows inserted. A pair whose rows would not change (same cells, values,
statuses, labels and synthetic flag) is left untouched, so loading the same response twice changes
nothing, and a corrected response replaces exactly the periods it covers. The loading itself is
ingestion/ssb/raw_table.py's, shared with the survival table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from ingestion.ssb.archive import ArchivedResponse
from ingestion.ssb.jsonstat import label_column, parse_jsonstat2
from ingestion.ssb.raw_table import (
    RawTable,
    fetched_at_utc,
    refuse_another_table,
    response_place,
)
from ingestion.ssb.survival import (
    SURVIVAL_TABLE_IDS,
    SurvivalLoadResult,
    load_enterprise_survival,
)

TABLE = "raw.ssb_population"

RAW_SCHEMA: dict[str, pl.DataType] = {
    "table_id": pl.String(),
    "contents_code": pl.String(),
    "region_code": pl.String(),
    "region_label": pl.String(),
    "period": pl.String(),
    "sex": pl.String(),
    "age": pl.String(),
    "value": pl.Int64(),
    "status": pl.String(),
    "response_sha256": pl.String(),
    "fetched_at": pl.Datetime("us"),
    "is_synthetic": pl.Boolean(),
}
KEY_COLUMNS = ["table_id", "contents_code", "region_code", "period", "sex", "age"]
# What "the same data" means: everything except where and when the response came from.
CONTENT_COLUMNS = [*KEY_COLUMNS, "region_label", "value", "status", "is_synthetic"]

CREATE_SQL = f"""
create schema if not exists raw;
create table if not exists {TABLE} (
    table_id varchar not null,
    contents_code varchar not null,
    region_code varchar not null,
    region_label varchar,
    period varchar not null,
    sex varchar,
    age varchar,
    value bigint,
    status varchar,
    response_sha256 varchar not null,
    fetched_at timestamp not null,
    is_synthetic boolean not null
);
"""

# JSON-stat dimension id -> raw column. ContentsCode, Region and Tid are required.
DIMENSION_COLUMNS = {
    "ContentsCode": "contents_code",
    "Region": "region_code",
    "Tid": "period",
    "Kjonn": "sex",
    "Alder": "age",
}
REQUIRED_DIMENSIONS = ("ContentsCode", "Region", "Tid")
POPULATION = RawTable(
    name=TABLE,
    schema=RAW_SCHEMA,
    key_columns=KEY_COLUMNS,
    content_columns=CONTENT_COLUMNS,
    create_sql=CREATE_SQL,
    slice_column="period",
    incoming_view="incoming_ssb_population",
)


class PopulationLoadError(ValueError):
    """A response cannot be loaded as it is. The message says which response and why."""


@dataclass(frozen=True)
class PopulationLoadResult:
    rows_loaded: int
    periods_replaced: int
    periods_unchanged: int
    tables: tuple[str, ...]

    def as_metadata(self) -> dict[str, int | str]:
        return {
            "rows_loaded": self.rows_loaded,
            "periods_replaced": self.periods_replaced,
            "periods_unchanged": self.periods_unchanged,
            "tables": ", ".join(self.tables),
        }


@dataclass(frozen=True)
class SsbLoadResult:
    """What one load of every configured SSB table did, per raw table."""

    population: PopulationLoadResult
    survival: SurvivalLoadResult

    def as_metadata(self) -> dict[str, int | str]:
        return {**self.population.as_metadata(), **self.survival.as_metadata()}


def load_ssb(db_path: Path, responses: Sequence[ArchivedResponse]) -> SsbLoadResult:
    """Each archived response into its raw table: 08316 into raw.ssb_enterprise_survival, the
    population tables into raw.ssb_population. Both tables exist afterwards, even if empty."""
    survival = [r for r in responses if r.table_id in SURVIVAL_TABLE_IDS]
    population = [r for r in responses if r.table_id not in SURVIVAL_TABLE_IDS]
    return SsbLoadResult(
        population=load_population(db_path, population),
        survival=load_enterprise_survival(db_path, survival),
    )


def raw_rows(response: ArchivedResponse) -> pl.DataFrame:
    """The rows of `raw.ssb_population` that one archived response stands for."""
    where = response_place(response)
    if response.table_id in SURVIVAL_TABLE_IDS:
        raise PopulationLoadError(
            f"{where} hører til raw.ssb_enterprise_survival, ikke raw.ssb_population. "
            "Last SSB-svarene med load_ssb."
        )
    doc = response.read_json()
    refuse_another_table(doc, response.table_id, where, PopulationLoadError)
    cells = parse_jsonstat2(doc)
    dimensions = [c for c in cells.columns if c in doc.get("id", [])]
    unknown = [d for d in dimensions if d not in DIMENSION_COLUMNS]
    if unknown:
        raise PopulationLoadError(
            f"{where} har dimensjonen(e) {', '.join(unknown)}, som raw.ssb_population ikke har "
            "kolonner for. Fjern dem fra spørringen eller utvid kontrakten i docs/raw_tables.md."
        )
    missing = [d for d in REQUIRED_DIMENSIONS if d not in dimensions]
    if missing:
        raise PopulationLoadError(f"{where} mangler dimensjonen(e) {', '.join(missing)}.")
    if cells["value"].dtype != pl.Int64:
        raise PopulationLoadError(
            f"{where} har verdier som ikke er heltall; folketall må være det."
        )

    columns = {
        "table_id": pl.lit(response.table_id),
        "contents_code": pl.col("ContentsCode"),
        "region_code": pl.col("Region"),
        "region_label": pl.col(label_column("Region")),
        "period": pl.col("Tid"),
        "sex": pl.col("Kjonn") if "Kjonn" in dimensions else pl.lit(None),
        "age": pl.col("Alder") if "Alder" in dimensions else pl.lit(None),
        "value": pl.col("value"),
        "status": pl.col("status"),
        "response_sha256": pl.lit(response.sha256),
        "fetched_at": pl.lit(fetched_at_utc(response)),
        "is_synthetic": pl.lit(response.is_synthetic),
    }
    return POPULATION.typed(cells, columns)


def load_population(db_path: Path, responses: Sequence[ArchivedResponse]) -> PopulationLoadResult:
    """Load archived responses into raw.ssb_population, one transaction per (table_id, period)."""
    incoming = [raw_rows(response) for response in responses]
    _refuse_overlaps(responses, incoming)
    counts = POPULATION.load(db_path, incoming)
    tables = tuple(sorted({r.table_id for r in responses}))
    return PopulationLoadResult(counts.rows_loaded, counts.replaced, counts.unchanged, tables)


def read_population(db_path: Path) -> pl.DataFrame:
    """The whole raw table, in key order (for checks and tests; dbt reads it through source())."""
    return POPULATION.read(db_path)


def _refuse_overlaps(responses: Sequence[ArchivedResponse], incoming: list[pl.DataFrame]) -> None:
    """No two responses in one load may share a (table, period): one would erase the other."""
    seen: dict[tuple[str, str], str] = {}
    for response, rows in zip(responses, incoming, strict=True):
        for table_id, period in (
            rows.select("table_id", "period").unique().sort("period").iter_rows()
        ):
            other = seen.setdefault((table_id, period), response.path.name)
            if other != response.path.name:
                raise PopulationLoadError(
                    f"Både {other} og {response.path.name} har tall for tabell {table_id}, "
                    f"periode {period}. Last dem hver for seg, i den rekkefølgen de gjelder."
                )
    keys = [rows.select(KEY_COLUMNS) for rows in incoming]
    for response, key in zip(responses, keys, strict=True):
        if key.is_duplicated().any():
            raise PopulationLoadError(
                f"SSB-svaret {response.path.name} har samme celle flere ganger."
            )
