"""Load register observations into `raw.brreg_units` (contract: docs/raw_tables.md).

One row per observation of one linked unit. The clear organisation number never reaches the
table: `business_key` = HMAC(secret, "business:" + number) (`identifiers.business_keys`) stands in
its place, and the unit's name is not read at all. A load replaces every row of its `observed_on`
in one transaction, so loading the same observation again changes nothing.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import polars as pl

from ingestion.brreg.units import STATUSES, UNIT_SCHEMA
from ingestion.db import connect_writer
from ingestion.operators.identifiers import business_keys

TABLE = "raw.brreg_units"
SOURCES = ("lookup", "bulk", "updates", "snapshot")

RAW_SCHEMA: dict[str, pl.DataType] = {
    "observed_on": pl.Date(),
    "business_key": pl.String(),
    **{name: dtype for name, dtype in UNIT_SCHEMA.items() if name != "org_number"},
    "source": pl.String(),
    "source_sha256": pl.String(),
    "is_synthetic": pl.Boolean(),
    "fetched_at": pl.Datetime("us"),
}
# Columns a frame may carry per row; otherwise load_units' arguments fill them in.
PER_ROW_COLUMNS = ("source", "source_sha256", "fetched_at")

CREATE_SQL = f"""
create schema if not exists raw;
create table if not exists {TABLE} (
    observed_on date not null,
    business_key varchar not null,
    status varchar not null,
    org_form varchar,
    nace_code varchar,
    founded_date date,
    registered_date date,
    employees integer,
    municipality_code varchar,
    is_bankrupt boolean,
    bankrupt_date date,
    is_under_liquidation boolean,
    is_under_forced_liquidation boolean,
    deleted_date date,
    last_annual_accounts_year integer,
    source varchar not null,
    source_sha256 varchar not null,
    is_synthetic boolean not null,
    fetched_at timestamp not null
);
"""


class UnitLoadError(ValueError):
    """Observations that cannot be loaded as they are. The message says why."""


def raw_rows(
    frame: pl.DataFrame,
    *,
    key: bytes,
    observed_on: date,
    source: str | None = None,
    source_sha256: str | None = None,
    is_synthetic: bool,
    fetched_at: datetime | None = None,
) -> pl.DataFrame:
    """The rows of raw.brreg_units for `frame` (read_units' columns, with `org_number`)."""
    missing = [c for c in UNIT_SCHEMA if c not in frame.columns]
    if missing:
        raise UnitLoadError(f"Enhetene mangler kolonnene {', '.join(missing)}.")
    defaults = {"source": source, "source_sha256": source_sha256, "fetched_at": fetched_at}
    for column in PER_ROW_COLUMNS:
        if column not in frame.columns and defaults[column] is None and column != "fetched_at":
            raise UnitLoadError(f"Oppgi {column} for observasjonene fra {observed_on}.")
    moment = (fetched_at or datetime.now(UTC)).astimezone(UTC).replace(tzinfo=None)
    numbers = frame["org_number"].to_list()
    rows = frame.with_columns(
        pl.lit(observed_on, pl.Date()).alias("observed_on"),
        pl.Series("business_key", business_keys(key, numbers), dtype=pl.String()),
        pl.lit(is_synthetic).alias("is_synthetic"),
        *(
            pl.lit(value).alias(column)
            for column, value in (
                ("source", source),
                ("source_sha256", source_sha256),
                ("fetched_at", moment),
            )
            if column not in frame.columns
        ),
    )
    rows = rows.select(pl.col(name).cast(dtype) for name, dtype in RAW_SCHEMA.items())
    _check(rows, observed_on)
    return rows


def load_units(
    con: duckdb.DuckDBPyConnection,
    frame: pl.DataFrame,
    *,
    key: bytes,
    observed_on: date,
    source: str | None = None,
    source_sha256: str | None = None,
    is_synthetic: bool,
    fetched_at: datetime | None = None,
) -> int:
    """Replace every row of `observed_on` in raw.brreg_units by `frame`'s, in one transaction.

    `frame` has read_units' columns (with the clear `org_number`, turned into business_key
    here). It may carry `source`, `source_sha256` and `fetched_at` per row (one observation can
    mix bulk rows with look-ups); where it does not, the arguments apply to every row. Creates
    the table if it is missing. Returns the number of rows written."""
    rows = raw_rows(
        frame,
        key=key,
        observed_on=observed_on,
        source=source,
        source_sha256=source_sha256,
        is_synthetic=is_synthetic,
        fetched_at=fetched_at,
    )
    con.execute(CREATE_SQL)
    con.execute("begin transaction")
    try:
        con.execute(f"delete from {TABLE} where observed_on = ?", [observed_on])
        con.register("incoming_brreg_units", rows.to_arrow())
        columns = ", ".join(RAW_SCHEMA)
        con.execute(f"insert into {TABLE} ({columns}) select {columns} from incoming_brreg_units")
        con.unregister("incoming_brreg_units")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return rows.height


def create_units_table(db_path: Path) -> None:
    """raw.brreg_units, empty, when it is missing: dbt's views on it are built in runs where no
    business is linked yet. Rows already there are left alone."""
    db_path = Path(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    with connect_writer(db_path) as con:
        con.execute(CREATE_SQL)


def newest_observed_on(db_path: Path) -> date | None:
    """The newest day the register was read, of every observation loaded (None when none is):
    how old the register data that dbt and the reports read is."""
    if not Path(db_path).exists():
        return None
    with duckdb.connect(str(db_path), read_only=True) as con:
        found = con.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = 'raw' and table_name = 'brreg_units'"
        ).fetchone()
        if not found or not found[0]:
            return None
        (newest,) = con.execute(f"select max(observed_on) from {TABLE}").fetchone()
    return newest


def read_brreg_units(db_path: Path) -> pl.DataFrame:
    """The whole raw table, in key order (for checks and tests; dbt reads it through source())."""
    with duckdb.connect(str(db_path), read_only=True) as con:
        frame = con.sql(f"select * from {TABLE} order by observed_on, business_key").pl()
    return frame.cast(RAW_SCHEMA)


def _check(rows: pl.DataFrame, observed_on: date) -> None:
    where = f"Observasjonene fra {observed_on}"
    if rows["business_key"].is_duplicated().any():
        raise UnitLoadError(f"{where} har samme foretak flere ganger; én rad per foretak.")
    unknown_status = set(rows["status"].drop_nulls().unique()) - set(STATUSES)
    if unknown_status or rows["status"].null_count():
        raise UnitLoadError(f"{where} har ukjent status: {sorted(unknown_status)}.")
    unknown_source = set(rows["source"].drop_nulls().unique()) - set(SOURCES)
    if unknown_source or rows["source"].null_count():
        raise UnitLoadError(f"{where} har ukjent kilde: {sorted(unknown_source)}.")
    if rows["source_sha256"].null_count():
        raise UnitLoadError(f"{where} mangler sha256 for svaret de kom fra.")


__all__ = [
    "CREATE_SQL",
    "RAW_SCHEMA",
    "SOURCES",
    "TABLE",
    "UnitLoadError",
    "create_units_table",
    "load_units",
    "newest_observed_on",
    "raw_rows",
    "read_brreg_units",
]
