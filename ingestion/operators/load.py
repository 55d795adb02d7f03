"""DuckDB side: raw-table DDL (and the migrations of older warehouses) and the one-transaction
partition replacement."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

import duckdb
import polars as pl

from ingestion.linkage import record_links

from .contract import Field, Schema, load_contract, schema_for
from .identifiers import DEMO_KEY, SYNTHETIC_DATA_ENV, PseudonymKeyMissing, business_keys

LINEAGE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("source_file", "varchar"),
    ("source_sha256", "varchar"),
    ("source_line", "integer"),
    ("loaded_at", "timestamp"),
)
QUARANTINE_DDL = """
create table if not exists raw.quarantine (
    region_id varchar, year integer, kind varchar, source_file varchar, source_sha256 varchar,
    source_line integer, column_name varchar, value_masked varchar, reason_code varchar,
    message varchar, loaded_at timestamp
)"""
LOAD_LOG_DDL = """
create table if not exists raw.load_log (
    region_id varchar, year integer, kind varchar, source_file varchar, source_sha256 varchar,
    rows_in integer, loaded integer, rejected integer, loaded_at timestamp, status varchar,
    origin varchar, note varchar, data_standing varchar
)"""
# Columns the load log gained after warehouses were made: added to an older warehouse's log.
LOAD_LOG_ADDED_COLUMNS = ("origin varchar", "note varchar", "data_standing varchar")
LOAD_LOG_COLUMNS = (
    "region_id, year, kind, source_file, source_sha256, rows_in, loaded, rejected, loaded_at, "
    "status, origin, note, data_standing"
)
_SQL_TYPES = {
    "integer": "integer",
    "decimal": "decimal(18,2)",
    "date": "date",
    "boolean": "boolean",
}


def output_columns(schema: Schema) -> list[tuple[str, str]]:
    """(raw column, SQL type) for the data columns of raw.<kind>, in contract order."""
    columns: list[tuple[str, str]] = []
    for f in schema.fields:
        if f.pii == "client_id":
            columns.append(("client_key", "varchar"))
        elif f.pii == "national_id":
            columns.append(("person_key", "varchar"))
        elif f.pii == "org_number":
            columns.append(("business_key", "varchar"))
        elif f.pii == "drop":
            if f.presence_column:
                columns.append((f.presence_column, "boolean"))
        else:
            columns.append((f.name, f.sql_type or _SQL_TYPES.get(f.type, "varchar")))
    return columns


def table_columns(schema: Schema) -> list[tuple[str, str]]:
    """(column, SQL type) of raw.<kind>, in order: partition, data, lineage."""
    return [
        ("region_id", "varchar"),
        ("year", "integer"),
        *output_columns(schema),
        *LINEAGE_COLUMNS,
    ]


def table_ddl(schema: Schema, table: str | None = None) -> str:
    body = ",\n    ".join(f"{name} {sql_type}" for name, sql_type in table_columns(schema))
    return f"create table if not exists raw.{table or schema.kind} (\n    {body}\n)"


def ensure_raw_tables(con: duckdb.DuckDBPyConnection, key: bytes | None = None) -> bool:
    """The raw tables as the contract has them. A warehouse made under an older contract gets
    the columns added since (null in the rows it holds): version 2 added activities.event_id.
    One that still holds clear organisation numbers (raw.establishments.org_number, from before
    issue 21) has them replaced by business_key with the pseudonym `key`
    (`pseudonymise_org_numbers`); without a key it is refused (PseudonymKeyMissing) and left as
    it is. Returns whether that migration ran: the file then still holds the numbers in the
    blocks it freed, until it is rewritten (`ingestion.db.compact`)."""
    clear_org_numbers = _has_column(con, "establishments", "org_number")
    if clear_org_numbers and key is None:
        raise PseudonymKeyMissing(
            "Datavarehuset er fra en eldre versjon og har organisasjonsnumre i klartekst "
            "(raw.establishments.org_number). De skal erstattes med pseudonymet business_key, "
            "og det krever den hemmelige nøkkelen for pseudonymer. Ingenting er endret. Sett "
            "ETABLERER_PSEUDONYM_KEY_FILE (eller ETABLERER_PSEUDONYM_KEY) til den samme nøkkelen "
            "som klientene ble lest inn med, og kjør innlesingen på nytt (etablerer ingest eller "
            "etablerer run)."
        )
    con.execute("create schema if not exists raw")
    for schema in load_contract().schemas.values():
        con.execute(table_ddl(schema))
        for name, sql_type in output_columns(schema):
            con.execute(f"alter table raw.{schema.kind} add column if not exists {name} {sql_type}")
    con.execute(QUARANTINE_DDL)
    con.execute(LOAD_LOG_DDL)
    for column in LOAD_LOG_ADDED_COLUMNS:
        con.execute(f"alter table raw.load_log add column if not exists {column}")
    if clear_org_numbers:
        pseudonymise_org_numbers(con, key)
    return clear_org_numbers


def _has_column(con: duckdb.DuckDBPyConnection, table: str, column: str) -> bool:
    return bool(
        con.execute(
            "select count(*) from information_schema.columns "
            "where table_schema = 'raw' and table_name = ? and column_name = ?",
            [table, column],
        ).fetchone()[0]
    )


def pseudonymise_org_numbers(con: duckdb.DuckDBPyConnection, key: bytes) -> int:
    """Replace raw.establishments.org_number by business_key, as ingest now stores it. The links
    go to the linkage store first (with the delivery that first brought each number), then the
    table is rebuilt in the contract's shape without the clear column, in one transaction: a
    failure leaves the table as it was, and links for a table left unchanged are harmless (the
    next attempt records the same ones). Returns the number of businesses."""
    _refuse_demo_key_for_deliveries(con, key)
    first_seen = con.execute(
        "select org_number, arg_min(source_sha256, loaded_at) from raw.establishments "
        "where org_number is not null group by org_number order by org_number"
    ).fetchall()
    numbers = [number for number, _ in first_seen]
    keys = business_keys(key, numbers)
    by_delivery: dict[str, list[tuple[str, str]]] = {}
    for (number, sha256), business_key in zip(first_seen, keys, strict=True):
        by_delivery.setdefault(sha256 or "", []).append((business_key, number))
    for sha256, pairs in by_delivery.items():
        record_links(pairs, source_sha256=sha256)
    schema = schema_for("establishments")
    columns = [name for name, _ in table_columns(schema)]
    values = ["keys.business_key" if name == "business_key" else f"old.{name}" for name in columns]
    mapping = pl.DataFrame(
        {"org_number": numbers, "business_key": keys},
        schema={"org_number": pl.String, "business_key": pl.String},
    )
    con.execute("begin transaction")
    try:
        con.register("business_key_map", mapping.to_arrow())
        con.execute(table_ddl(schema, "establishments__pseudonymised"))
        con.execute(
            f"insert into raw.establishments__pseudonymised ({', '.join(columns)}) "
            f"select {', '.join(values)} from raw.establishments as old "
            "left join business_key_map as keys on old.org_number = keys.org_number"
        )
        con.unregister("business_key_map")
        con.execute("drop table raw.establishments")
        con.execute("alter table raw.establishments__pseudonymised rename to establishments")
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return len(numbers)


def _refuse_demo_key_for_deliveries(con: duckdb.DuckDBPyConnection, key: bytes) -> None:
    """The public demo key may pseudonymise the sample's numbers only (as `refuse_demo_key` says
    for files): with it, every business_key of a real ENK could be computed back in minutes."""
    if key.strip() != DEMO_KEY or os.environ.get(SYNTHETIC_DATA_ENV) == "1":
        return
    delivered = con.execute(
        "select count(*) from raw.establishments where source_sha256 not in ("
        "select source_sha256 from raw.load_log where origin = 'sample')"
    ).fetchone()[0]
    if delivered:
        raise PseudonymKeyMissing(
            f"raw.establishments har {delivered} rader fra operatørenes leveranser med "
            "organisasjonsnumre i klartekst. Demonøkkelen for pseudonymer er offentlig og gjelder "
            "bare det syntetiske eksempelet, så numrene er ikke pseudonymisert, og ingenting er "
            "endret. Sett ETABLERER_PSEUDONYM_KEY_FILE til filen med den hemmelige nøkkelen "
            "(og fjern ETABLERER_PSEUDONYM_KEY), og kjør innlesingen på nytt."
        )


@contextmanager
def bulk_loading(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """DuckDB settings for a run of loads on one connection, and one checkpoint at the end. The
    settings are global to the database instance, so they are put back before the caller's
    connection closes.

    - No checkpoint "vacuum" (`max_vacuum_tasks`), so each load's rows keep row groups of their
      own. The vacuum merges partly filled row groups with their neighbours so that each holds
      122 880 rows. Every file we load leaves one partly filled row group per table, so on a
      growing warehouse each checkpoint re-compressed and rewrote the partial groups and all the
      groups behind them: half the national benchmark's time in DuckDB. Without it a
      load is written once. The cost: one or two row groups per table per load, about 12 % more
      file, and the groups of a replaced partition are dropped whole.
    - No automatic checkpoint while the block runs (`checkpoint_threshold`): the commit of
      whichever small file crossed the WAL threshold paid for checkpointing the loads before it
      (establishments files of 3 000 rows). The WAL holds what the
      block loads, until the checkpoint at the end.
    - One DuckDB thread fewer than cores (`threads`): `ingest_directories` validates the next file
      on a worker thread meanwhile, and on two cores a second DuckDB thread only contended with
      it. The figures: docs/performance.md, "Costs the code works around"."""
    con.execute("set max_vacuum_tasks = 0")
    con.execute("set checkpoint_threshold = '1GiB'")
    con.execute(f"set threads = {max(1, (os.cpu_count() or 1) - 1)}")
    try:
        yield
        con.execute("checkpoint")
    finally:
        con.execute("reset max_vacuum_tasks")
        con.execute("reset checkpoint_threshold")
        con.execute("reset threads")


@dataclass(frozen=True)
class CurrentLoad:
    """The file that fills a (kind, region, year) partition now, from raw.load_log, and the
    files loaded into it before (their sha256)."""

    sha256: str
    source_file: str
    rows_in: int
    loaded: int
    rejected: int
    loaded_at: datetime
    origin: str  # delivery | sample; a log from before origins were kept counts as a delivery
    earlier: frozenset[str]


def last_loaded(
    con: duckdb.DuckDBPyConnection, region_id: str, year: int
) -> dict[str, CurrentLoad]:
    """Per kind, the load that currently fills the partition: one query for a folder's files."""
    rows = con.execute(
        """select kind, source_sha256, source_file, rows_in, loaded, rejected, loaded_at,
                  coalesce(origin, 'delivery'),
                  list(source_sha256) over (
                      partition by kind order by loaded_at
                      rows between unbounded preceding and 1 preceding)
           from raw.load_log
           where region_id = ? and year = ? and status = 'loaded'
           qualify row_number() over (partition by kind order by loaded_at desc) = 1""",
        [region_id, year],
    ).fetchall()
    return {
        kind: CurrentLoad(*rest[:-1], earlier=frozenset(rest[-1] or ())) for kind, *rest in rows
    }


def partition_rows(con: duckdb.DuckDBPyConnection, kind: str, region_id: str, year: int) -> int:
    """How many rows raw.<kind> holds for the region-year."""
    return con.execute(
        f"select count(*) from raw.{kind} where region_id = ? and year = ?", [region_id, year]
    ).fetchone()[0]


def write_load_log(
    con: duckdb.DuckDBPyConnection,
    *,
    region_id: str,
    year: int,
    kind: str,
    source_file: str,
    sha256: str,
    rows_in: int,
    loaded: int,
    rejected: int,
    loaded_at: datetime,
    status: str,
    origin: str,
    data_standing: str,
    note: str | None = None,
) -> None:
    """One line of raw.load_log. `status`: loaded, unchanged, refused (the delivery guard kept the
    partition; `note` says why), kept (a sample or older file left a newer delivery in place),
    failed. `data_standing`: what the file's rows rest on, `measured` or `synthetic`."""
    con.execute(
        f"insert into raw.load_log ({LOAD_LOG_COLUMNS}) values ({', '.join('?' * 13)})",
        [
            region_id,
            year,
            kind,
            source_file,
            sha256,
            rows_in,
            loaded,
            rejected,
            loaded_at,
            status,
            origin,
            note,
            data_standing,
        ],
    )


def known_values(
    con: duckdb.DuckDBPyConnection, kind: str, column: str, region_id: str, year: int
) -> pl.Series:
    # Through Arrow, not a Python string per row. A cursor, because a relation on `con` itself
    # fails while a caller's earlier result on it is not fetched to the end.
    with con.cursor() as cursor:
        known = cursor.sql(
            f"select distinct {column} from raw.{kind} where region_id = ? and year = ?",
            params=[region_id, year],
        ).to_arrow_table()
    return pl.from_arrow(known).get_column(column).cast(pl.String)


def replace_partition(
    con: duckdb.DuckDBPyConnection,
    *,
    schema: Schema,
    rows: pl.DataFrame,
    quarantine: pl.DataFrame,
    log: dict,
    on_step: Callable[[str], None] | None = None,
) -> None:
    """Delete the partition, insert rows, replace its quarantine rows, log. All or nothing.

    `rows` holds the data columns and `source_line`; the partition (`region_id`, `year`) and the
    lineage of the file (`source_file`, `sha256`, `loaded_at`) come from `log` and are added by
    the insert as constants, not carried as a column per row. `on_step` is called after each step
    ("deleted", "inserted", "quarantined"); tests raise from it to prove a failure mid-load leaves
    the previous partition intact."""
    step = on_step or (lambda _name: None)
    kind, region_id, year = schema.kind, log["region_id"], log["year"]
    constants = {
        "region_id": region_id,
        "year": year,
        "source_file": log["source_file"],
        "source_sha256": log["sha256"],
        "loaded_at": log["loaded_at"],
    }
    columns = ["region_id", "year", *rows.columns, "source_file", "source_sha256", "loaded_at"]
    values = [f"${c}" if c in constants else c for c in columns]
    con.execute("begin transaction")
    try:
        con.execute(f"delete from raw.{kind} where region_id = ? and year = ?", [region_id, year])
        step("deleted")
        con.register("incoming_rows", rows.to_arrow())
        con.execute(
            f"insert into raw.{kind} ({', '.join(columns)}) "
            f"select {', '.join(values)} from incoming_rows",
            constants,
        )
        con.unregister("incoming_rows")
        step("inserted")
        con.execute(
            "delete from raw.quarantine where region_id = ? and year = ? and kind = ?",
            [region_id, year, kind],
        )
        if quarantine.height:
            qcols = ", ".join(quarantine.columns)
            con.register("incoming_quarantine", quarantine.to_arrow())
            con.execute(
                f"insert into raw.quarantine ({qcols}) select {qcols} from incoming_quarantine"
            )
            con.unregister("incoming_quarantine")
        step("quarantined")
        write_load_log(con, **log)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


def field_by_role(schema: Schema, role: str) -> Field | None:
    return next((f for f in schema.fields if f.pii == role), None)
