"""The BI schema on PostgreSQL: the published copy's marts, dims and documentation tables in schema
`bi`, for Power BI and Excel, which read PostgreSQL without a driver on every desktop (DuckDB needs
an ODBC driver there).

`publish_bi_postgres` reads the published DuckDB file that `publish.publish_warehouse` has just
written and checked (marts only, no person-level column, descriptions as comments, docs.tables,
docs.columns and docs.publication), so both copies hold the same tables, rows and descriptions.
Plain Python, no Dagster; nothing is computed here. In `bi` the marts keep their names, and the
documentation tables are `docs_tables`, `docs_columns` and `docs_publication`.

How a publish stays whole for readers:
- Each table is loaded with COPY (CSV that DuckDB writes) into a temporary table of this session.
  Readers see none of it, and a crash leaves nothing behind.
- One short transaction then replaces the rows of every table in `bi` (DELETE, then INSERT from
  the staged copy) and commits. DELETE and INSERT are MVCC-safe. A reader in an open
  REPEATABLE READ transaction keeps the whole old version until it commits, then sees the whole
  new one. A READ COMMITTED statement sees one or the other. Neither waits for the other:
  the publisher takes ROW EXCLUSIVE locks, readers take ACCESS SHARE, and bi_reader may not
  lock rows (FOR UPDATE/SHARE needs UPDATE privilege).
- Why not build `bi_new` and swap schemas by renaming? PostgreSQL resolves names on the current
  catalog, not the transaction's snapshot. After the swap a REPEATABLE READ reader resolves `bi.x`
  to the new table, whose rows its snapshot cannot see, and gets an empty table (tried with
  PostgreSQL 15; the docs say so under "MVCC caveats"). The same holds for a table created,
  dropped or altered in `bi`. So a publish that changes the set of tables or their columns drops
  and recreates only those tables. It does so only when no other session holds a snapshot in the
  database, and under lock_timeout. Otherwise it tries again, and after the last try it skips
  PostgreSQL with a message naming the sessions. The old version stays whole, and the run does
  not fail.

The read-only role `bi_reader` is a group role without login (NOLOGIN): a DBA grants it to each
analyst's own login, so no password is shared or stored here (docs/bi.md).
"""

from __future__ import annotations

import os
import re
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict

from deliverables.publish import DOCS_SCHEMA, PUBLISHED_SCHEMA

URL_ENV = "ETABLERER_BI_POSTGRES_URL"
SCHEMA = "bi"
READER_ROLE = "bi_reader"
DOCS_PREFIX = "docs_"

# How long one attempt waits for a lock, how many attempts, and the pause between them. Only a
# publish that changes tables' columns, or a session that locks a table itself, ever waits.
LOCK_TIMEOUT_SECONDS = 5.0
ATTEMPTS = 3
PAUSE_SECONDS = 5.0
CONNECT_TIMEOUT_SECONDS = 10

# One publisher at a time (pg_advisory_xact_lock(int, int)): "etab", "bi".
ADVISORY_LOCK = (0x65746162, 0x6269)

# DuckDB type (as the published file's catalog spells it) -> PostgreSQL type (as format_type
# spells it, so an existing table's columns compare as text). Money stays numeric, dates date,
# booleans boolean. The published file holds only these types (publish.PORTABLE_TYPE); anything
# else would be loaded as text.
TYPES = {
    "BOOLEAN": "boolean",
    "TINYINT": "smallint",
    "UTINYINT": "smallint",
    "SMALLINT": "smallint",
    "USMALLINT": "integer",
    "INTEGER": "integer",
    "UINTEGER": "bigint",
    "BIGINT": "bigint",
    "UBIGINT": "numeric(20,0)",
    "HUGEINT": "numeric(39,0)",
    "FLOAT": "real",
    "DOUBLE": "double precision",
    "VARCHAR": "text",
    "DATE": "date",
    "TIME": "time without time zone",
    "TIMESTAMP": "timestamp without time zone",
    "TIMESTAMP WITH TIME ZONE": "timestamp with time zone",
    "INTERVAL": "interval",
    "UUID": "uuid",
    "BLOB": "bytea",
}
DECIMAL = re.compile(r"^DECIMAL\((\d+),\s*(\d+)\)$")

DOCS_DESCRIPTIONS = {
    "tables": "Én rad per tabell i skjema bi: dbt-beskrivelse, antall rader og kolonner. / One row "
    "per table in schema bi.",
    "columns": "Én rad per kolonne: datatype i DuckDB og dbt-beskrivelse. / One row per column: "
    "DuckDB data type and dbt description.",
    "publication": "Når kopien ble publisert (samme versjon som BI-filen etablerer_bi.duckdb). / "
    "When this copy was published (the same version as the BI file).",
}


class BiPostgresError(RuntimeError):
    """PostgreSQL could not be published; the message says what to do (Norwegian). The DuckDB
    BI file was published before this was tried."""


@dataclass(frozen=True)
class BiPostgresResult:
    published: bool
    schema: str
    rows: dict[str, int]
    attempts: int
    seconds: float
    # Why the publish was skipped (Norwegian), and the sessions that held it up.
    message: str = ""
    blockers: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Column:
    name: str
    duckdb_type: str
    comment: str | None

    @property
    def pg_type(self) -> str:
        if match := DECIMAL.match(self.duckdb_type):
            return f"numeric({match.group(1)},{match.group(2)})"
        return TYPES.get(self.duckdb_type, "text")


@dataclass(frozen=True)
class _Table:
    source_schema: str
    source_name: str
    name: str
    comment: str | None
    columns: list[_Column]

    @property
    def shape(self) -> list[tuple[str, str]]:
        return [(c.name, c.pg_type) for c in self.columns]


class _Busy(Exception):
    """Another session holds what this attempt needs; try again later."""

    def __init__(self, blockers: list[str]):
        super().__init__(", ".join(blockers))
        self.blockers = blockers


def configured_url() -> str | None:
    """ETABLERER_BI_POSTGRES_URL, read when a publish runs; None when PostgreSQL is not used."""
    return os.environ.get(URL_ENV) or None


def where(url: str) -> str:
    """user@host:port/dbname of a connection URL, never its password."""
    parts = conninfo_to_dict(url)
    return (
        f"{parts.get('user', '')}@{parts.get('host', 'localhost')}:{parts.get('port', 5432)}"
        f"/{parts.get('dbname', '')}"
    )


def _read_tables(con: duckdb.DuckDBPyConnection) -> list[_Table]:
    comments = {
        (schema, table): comment
        for schema, table, comment in con.execute(
            "select schema_name, table_name, comment from duckdb_tables() "
            "where database_name = current_database()"
        ).fetchall()
    }
    columns: dict[tuple[str, str], list[_Column]] = {}
    for schema, table, column, data_type, comment in con.execute(
        "select schema_name, table_name, column_name, data_type, comment from duckdb_columns() "
        "where database_name = current_database() and schema_name in (?, ?) "
        "order by schema_name desc, table_name, column_index",
        [PUBLISHED_SCHEMA, DOCS_SCHEMA],
    ).fetchall():
        columns.setdefault((schema, table), []).append(_Column(column, data_type, comment))
    return [
        _Table(
            schema,
            table,
            table if schema == PUBLISHED_SCHEMA else DOCS_PREFIX + table,
            comments.get((schema, table)) or DOCS_DESCRIPTIONS.get(table),
            cols,
        )
        for (schema, table), cols in columns.items()
    ]


def _select_list(table: _Table) -> str:
    """What DuckDB writes as CSV for PostgreSQL's COPY to read back exactly."""
    expressions = []
    for column in table.columns:
        name = '"' + column.name.replace('"', '""') + '"'
        if column.pg_type == "bytea":
            expressions.append(f"'\\x' || hex({name})")
        elif table.source_schema == DOCS_SCHEMA and column.name == "schema_name":
            # The docs tables describe the published tables, which live in `bi` here.
            expressions.append(
                f"case when {name} = '{PUBLISHED_SCHEMA}' then '{SCHEMA}' else {name} end"
            )
        elif column.pg_type == "text" and column.duckdb_type != "VARCHAR":
            expressions.append(f"cast({name} as varchar)")
        else:
            expressions.append(name)
    return ", ".join(expressions)


def _stage(
    published: duckdb.DuckDBPyConnection, conn: psycopg.Connection, tables: list[_Table]
) -> dict[str, int]:
    """COPY every table into a temporary table of this session: stage_<name>."""
    rows = {}
    with tempfile.TemporaryDirectory(prefix="etablerer-bi-pg-") as folder:
        for table in tables:
            csv = Path(folder) / f"{table.name}.csv"
            published.execute(
                f'copy (select {_select_list(table)} from "{table.source_schema}".'
                f"\"{table.source_name}\") to '{csv}' (format csv, header false)"
            )
            stage = sql.Identifier(f"stage_{table.name}")
            conn.execute(sql.SQL("drop table if exists pg_temp.{}").format(stage))
            conn.execute(
                sql.SQL("create temporary table {} ({})").format(stage, _column_list(table))
            )
            with conn.cursor() as cursor:
                with (
                    cursor.copy(
                        sql.SQL("copy pg_temp.{} from stdin (format csv)").format(stage)
                    ) as copy,
                    csv.open("rb") as source,
                ):
                    while chunk := source.read(1 << 20):
                        copy.write(chunk)
                rows[table.name] = cursor.rowcount
            csv.unlink()
    return rows


def _column_list(table: _Table) -> sql.Composed:
    return sql.SQL(", ").join(
        sql.SQL("{} {}").format(sql.Identifier(c.name), sql.SQL(c.pg_type)) for c in table.columns
    )


def _existing_shapes(conn: psycopg.Connection) -> dict[str, list[tuple[str, str]]]:
    shapes: dict[str, list[tuple[str, str]]] = {}
    for table, column, pg_type in conn.execute(
        "select c.relname, a.attname, format_type(a.atttypid, a.atttypmod) "
        "from pg_class c join pg_attribute a on a.attrelid = c.oid "
        "where c.relnamespace = to_regnamespace(%s) and c.relkind = 'r' "
        "and a.attnum > 0 and not a.attisdropped order by c.relname, a.attnum",
        [SCHEMA],
    ).fetchall():
        shapes.setdefault(table, []).append((column, pg_type))
    return shapes


def _describe(rows: list[tuple]) -> list[str]:
    return [
        f"pid {pid} ({user}, {application or 'ukjent program'}, i transaksjon siden "
        f"{started:%Y-%m-%d %H:%M:%S %Z})"
        if started
        else f"pid {pid} ({user}, {application or 'ukjent program'})"
        for pid, user, application, started in rows
    ]


def _sessions_with_snapshots(conn: psycopg.Connection) -> list[str]:
    """Other sessions in this database that hold a snapshot (a REPEATABLE READ transaction, or a
    statement running). Tables created or recreated now would look empty to them."""
    return _describe(
        conn.execute(
            "select pid, usename, application_name, xact_start from pg_stat_activity "
            "where datname = current_database() and pid <> pg_backend_pid() "
            "and backend_type = 'client backend' and backend_xmin is not null order by pid"
        ).fetchall()
    )


def _lock_holders(conn: psycopg.Connection) -> list[str]:
    """Other sessions that hold a lock on a table in `bi`, or the publisher's advisory lock."""
    return _describe(
        conn.execute(
            "select distinct a.pid, a.usename, a.application_name, a.xact_start "
            "from pg_locks l join pg_stat_activity a on a.pid = l.pid "
            "where l.granted and l.pid <> pg_backend_pid() and ("
            "  l.relation in (select oid from pg_class where relnamespace = to_regnamespace(%s))"
            "  or (l.locktype = 'advisory' and l.classid = %s and l.objid = %s)"
            ") order by a.pid",
            [SCHEMA, *ADVISORY_LOCK],
        ).fetchall()
    )


def _replace(conn: psycopg.Connection, tables: list[_Table], lock_timeout: float) -> None:
    """One transaction: the new version of every table in `bi`, its comments and grants."""
    schema, reader = sql.Identifier(SCHEMA), sql.Identifier(READER_ROLE)
    with conn.transaction():
        conn.execute(
            "select set_config('lock_timeout', %s, true)", [f"{int(lock_timeout * 1000)}ms"]
        )
        conn.execute("select pg_advisory_xact_lock(%s, %s)", list(ADVISORY_LOCK))
        conn.execute(sql.SQL("create schema if not exists {}").format(schema))
        existing = _existing_shapes(conn)
        wanted = {t.name for t in tables}
        to_drop = [
            name
            for name, shape in sorted(existing.items())
            if name not in wanted or shape != next(t.shape for t in tables if t.name == name)
        ]
        to_create = {t.name for t in tables if t.name not in existing or t.name in to_drop}
        if to_drop or to_create:
            # Not MVCC-safe: only while no other session could see a half version.
            if holders := _sessions_with_snapshots(conn):
                raise _Busy(holders)
        for name in to_drop:
            conn.execute(sql.SQL("drop table {}.{}").format(schema, sql.Identifier(name)))
        for table in tables:
            target = sql.SQL("{}.{}").format(schema, sql.Identifier(table.name))
            stage = sql.Identifier(f"stage_{table.name}")
            if table.name in to_create:
                conn.execute(sql.SQL("create table {} ({})").format(target, _column_list(table)))
            else:
                conn.execute(sql.SQL("delete from {}").format(target))
            conn.execute(sql.SQL("insert into {} select * from pg_temp.{}").format(target, stage))
            conn.execute(
                sql.SQL("comment on table {} is {}").format(target, sql.Literal(table.comment))
            )
            for column in table.columns:
                conn.execute(
                    sql.SQL("comment on column {}.{} is {}").format(
                        target, sql.Identifier(column.name), sql.Literal(column.comment)
                    )
                )
        conn.execute(sql.SQL("grant usage on schema {} to {}").format(schema, reader))
        conn.execute(
            sql.SQL("grant select on all tables in schema {} to {}").format(schema, reader)
        )
        conn.execute(
            sql.SQL("alter default privileges in schema {} grant select on tables to {}").format(
                schema, reader
            )
        )


def _ensure_reader_role(conn: psycopg.Connection) -> None:
    if conn.execute("select 1 from pg_roles where rolname = %s", [READER_ROLE]).fetchone():
        return
    try:
        conn.execute(sql.SQL("create role {} nologin").format(sql.Identifier(READER_ROLE)))
    except psycopg.errors.InsufficientPrivilege as error:
        raise BiPostgresError(
            f"Rollen {READER_ROLE} finnes ikke, og brukeren i {URL_ENV} får ikke lage den "
            f"({error}). Be en DBA kjøre `create role {READER_ROLE} nologin;` (docs/bi.md), eller "
            "gi brukeren CREATEROLE, og kjør published_warehouse på nytt."
        ) from error


def publish_bi_postgres(
    published_path: Path,
    url: str,
    *,
    lock_timeout: float | None = None,
    attempts: int | None = None,
    pause: float | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> BiPostgresResult:
    """Publish the tables of the published DuckDB file `published_path` to schema `bi` of the
    database at `url`. Returns published=False with a message when other sessions kept it from
    replacing the tables in every attempt (`bi` then holds the previous version, whole). Raises
    BiPostgresError when PostgreSQL cannot be reached or refuses the load."""
    lock_timeout = LOCK_TIMEOUT_SECONDS if lock_timeout is None else lock_timeout
    attempts = ATTEMPTS if attempts is None else attempts
    pause = PAUSE_SECONDS if pause is None else pause
    started = time.monotonic()
    try:
        conn = psycopg.connect(
            url,
            autocommit=True,
            connect_timeout=CONNECT_TIMEOUT_SECONDS,
            application_name="etablerer publish",
        )
    except psycopg.Error as error:
        raise BiPostgresError(
            f"Fikk ikke kontakt med PostgreSQL ({where(url)}): {str(error).strip()}. BI-filen "
            f"(DuckDB) er publisert, men skjemaet {SCHEMA} er ikke oppdatert. Sjekk at serveren "
            f"kjører, og at adressen, brukeren og passordet i {URL_ENV} stemmer. Kjør deretter "
            "published_warehouse på nytt."
        ) from error
    with conn, duckdb.connect(str(published_path), read_only=True) as published:
        published.execute("set TimeZone = 'UTC'")
        tables = _read_tables(published)
        try:
            _ensure_reader_role(conn)
            rows = _stage(published, conn, tables)
        except psycopg.Error as error:
            raise BiPostgresError(
                f"PostgreSQL ({where(url)}) avviste lasten til skjemaet {SCHEMA}: "
                f"{str(error).strip()}. BI-filen (DuckDB) er publisert; {SCHEMA} er uendret."
            ) from error
        blockers: list[str] = []
        for attempt in range(1, attempts + 1):
            try:
                _replace(conn, tables, lock_timeout)
                return BiPostgresResult(
                    True, SCHEMA, rows, attempt, round(time.monotonic() - started, 3)
                )
            except _Busy as busy:
                blockers = busy.blockers
            except (psycopg.errors.LockNotAvailable, psycopg.errors.DeadlockDetected):
                blockers = _lock_holders(conn) or ["(økten var borte da låsen ble sjekket)"]
            if attempt < attempts:
                sleep(pause)
    message = (
        f"Skjemaet {SCHEMA} i PostgreSQL ({where(url)}) ble ikke oppdatert: andre økter holdt "
        f"tabellene i alle {attempts} forsøk: {'; '.join(blockers)}. Nye eller endrede tabeller "
        "kan ikke legges inn mens en leser har en åpen transaksjon, og ingen tabell kan endres "
        "mens en økt låser den. Leserne ser fortsatt forrige versjon, hel. BI-filen (DuckDB) er "
        "publisert. "
        "Neste kjøring prøver igjen; haster det, be brukeren lukke økten (eller avslutt den med "
        "pg_terminate_backend(pid)) og kjør published_warehouse på nytt."
    )
    return BiPostgresResult(
        False, SCHEMA, rows, attempts, round(time.monotonic() - started, 3), message, blockers
    )
