"""The published BI warehouse: a read-only copy of the marts for Power BI, Excel, Metabase, Superset
and DBeaver, so analysts never open the live file and never block a pipeline run.

`publish_warehouse` copies every table in schema `marts` of the live warehouse into
`etablerer_bi.duckdb`, with a documentation schema built from dbt's manifest, and exports each
mart to Parquet. Plain Python, no Dagster; no figure is computed here: tables are copied as dbt
built them.

How a publish stays safe for readers:
- the new file is built under a temporary name in the same folder, checkpointed and fsynced;
- it is renamed into place with `os.replace`, which is atomic: a reader that opens the stable name
  gets either the whole old file or the whole new one, and a reader that holds the old file open
  keeps its snapshot (the old inode) until it reopens;
- the same file is also kept as `etablerer_bi_YYYYmmddTHHMMSS.duckdb` (the last `keep` versions),
  because on a Windows share a rename over a file that Power BI holds open fails. The publish
  then still succeeds, the newest dated file holds the new data, and the result says so.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import struct
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb

log = logging.getLogger(__name__)

PUBLISHED_NAME = "etablerer_bi.duckdb"
DATED_PREFIX = "etablerer_bi_"
DATED_PATTERN = re.compile(r"^etablerer_bi_(\d{8}T\d{6})(?:_(\d+))?\.duckdb$")
PARQUET_DIR = "parquet"
SOURCE_SCHEMA = "marts"
PUBLISHED_SCHEMA = "marts"
DOCS_SCHEMA = "docs"

# Storage format 64, the one DuckDB 0.10.0 to 1.1.x write; every DuckDB since 0.10 reads it, so
# ODBC, JDBC (Metabase, DBeaver) and Python drivers built on DuckDB 1.0 or newer open the file.
# DuckDB 2.0's default format (v2.0.0) cannot be opened by any 1.x reader.
STORAGE_VERSION = "v1.0.0"
STORAGE_VERSION_NUMBER = 64

# Column types a DuckDB 1.0 reader can read from a file written by DuckDB 2.0 in storage v1.0.0.
# Nested types (LIST, MAP) and BIGNUM/VARINT are written in a form DuckDB 1.0 cannot deserialise, so
# such a column is published as text, and docs.columns records both types.
PORTABLE_TYPE = re.compile(
    r"^(BOOLEAN|TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT"
    r"|FLOAT|DOUBLE|DECIMAL\(\d+,\s*\d+\)|VARCHAR|DATE|TIME|TIMESTAMP|TIMESTAMP WITH TIME ZONE"
    r"|INTERVAL|UUID|BLOB)$"
)

# Columns that identify a person or one person's record (docs/raw_tables.md): pseudonymised keys
# (client_key, person_key, business_key), contact details, birth data, a client's organisation
# number (an ENK is a person), record ids and file line numbers. Marts are aggregates; a mart
# with one of these is refused, never trimmed.
PERSON_LEVEL_COLUMN = re.compile(
    r"(_key$|^key$|^person|^client(_|$)|fodselsnummer|f_dselsnummer|^fnr$|^d_?nummer$|e_?mail"
    r"|phone|telefon|^birth_|^first_contact|^(first_|last_|full_)?name$|^navn$|^org_?number$"
    r"|^orgnr$|^activity_id$|^response_id$|^source_line$|^value_masked$)",
    re.IGNORECASE,
)
# A published table's grain is geography (× year × other dimensions).
GEOGRAPHY_COLUMNS = ("region_id", "municipality_code")

OSLO = ZoneInfo("Europe/Oslo")

# docs.publication.published_at is an instant (timestamp with time zone, written in UTC): a
# timestamp without one, in Oslo time, did not say which clock it was read on.
PUBLISHED_AT_DESCRIPTION = (
    "Når filen ble publisert (UTC), som tidspunkt med tidssone; verktøyet viser det i sin egen "
    "tidssone. / When the file was published (UTC), a timestamp with time zone."
)


class PublishError(RuntimeError):
    """The live warehouse cannot be published as it is; the message says what to fix (Norwegian)."""


class PersonLevelDataError(PublishError):
    """A mart carries a column that identifies a person. Nothing was published."""


@dataclass(frozen=True)
class PublishedTable:
    name: str
    rows: int
    columns: int
    parquet_path: Path


@dataclass(frozen=True)
class PublishResult:
    path: Path
    dated_path: Path
    tables: list[PublishedTable]
    storage_version: str
    published_at: datetime
    # False when the stable name could not be replaced (a reader on a Windows share holds it);
    # the new data is then in dated_path only.
    replaced_stable: bool = True
    cast_to_text: list[str] = field(default_factory=list)
    removed_versions: list[Path] = field(default_factory=list)

    @property
    def rows(self) -> dict[str, int]:
        return {t.name: t.rows for t in self.tables}


@dataclass(frozen=True)
class _SourceColumn:
    name: str
    data_type: str

    @property
    def portable(self) -> bool:
        return bool(PORTABLE_TYPE.match(self.data_type))


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _source_tables(con: duckdb.DuckDBPyConnection) -> dict[str, list[_SourceColumn]]:
    """Every table and view in schema marts of the live file, with its columns in order."""
    rows = con.execute(
        "select table_name, column_name, data_type from information_schema.columns "
        "where table_catalog = current_database() and table_schema = ? "
        "order by table_name, ordinal_position",
        [SOURCE_SCHEMA],
    ).fetchall()
    tables: dict[str, list[_SourceColumn]] = {}
    for table, column, data_type in rows:
        tables.setdefault(table, []).append(_SourceColumn(column, data_type))
    return tables


def person_level_columns(tables: dict[str, list[str]]) -> list[str]:
    """`table.column` for every column whose name says it identifies a person or their record."""
    return [
        f"{table}.{column}"
        for table, columns in sorted(tables.items())
        for column in columns
        if PERSON_LEVEL_COLUMN.search(column)
    ]


def _check_publishable(tables: dict[str, list[_SourceColumn]], db_path: Path) -> None:
    if not tables:
        raise PublishError(
            f"Fant ingen tabeller i skjema {SOURCE_SCHEMA} i {db_path}. Kjør dbt (etablerer run) "
            "før publisering."
        )
    person_level = person_level_columns({t: [c.name for c in cols] for t, cols in tables.items()})
    if person_level:
        raise PersonLevelDataError(
            "Publisering stoppet: disse mart-kolonnene kan identifisere en person: "
            f"{', '.join(person_level)}. BI-filen skal bare ha aggregater. Fjern kolonnene fra "
            "dbt-modellene (eller aggreger dem) og kjør på nytt. Ingenting ble publisert."
        )
    without_geography = [
        t
        for t, cols in sorted(tables.items())
        if not {c.name for c in cols} & set(GEOGRAPHY_COLUMNS)
    ]
    if without_geography:
        raise PublishError(
            f"Publisering stoppet: tabellene {', '.join(without_geography)} har verken region_id "
            "eller municipality_code, så kornet deres er ikke region/kommune × år. Legg til "
            "geografien i dbt-modellen, eller flytt tabellen ut av marts. Ingenting ble publisert."
        )


def _manifest_docs(manifest_path: Path) -> tuple[dict[str, dict], str | None]:
    """dbt's model nodes in schema marts by table name, and when the manifest was generated."""
    if not manifest_path.is_file():
        raise PublishError(
            f"Fant ikke dbt-manifestet {manifest_path}. Kjør `etablerer prepare` (dbt parse) "
            "først; beskrivelsene i BI-filen kommer derfra."
        )
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    nodes = {
        (node.get("alias") or node["name"]): node
        for node in manifest.get("nodes", {}).values()
        if node.get("resource_type") == "model" and node.get("schema") == SOURCE_SCHEMA
    }
    return nodes, manifest.get("metadata", {}).get("generated_at")


def _clean(text: str | None) -> str:
    return " ".join((text or "").split())


def _write_docs(
    con: duckdb.DuckDBPyConnection,
    tables: dict[str, list[_SourceColumn]],
    rows: dict[str, int],
    nodes: dict[str, dict],
    published_at: datetime,
    dbt_generated_at: str | None,
) -> None:
    con.execute(f"create schema bi.{DOCS_SCHEMA}")
    con.execute(
        f"create table bi.{DOCS_SCHEMA}.tables (schema_name varchar, table_name varchar, "
        "description varchar, n_rows bigint, n_columns integer, dbt_unique_id varchar)"
    )
    con.execute(
        f"create table bi.{DOCS_SCHEMA}.columns (schema_name varchar, table_name varchar, "
        "ordinal_position integer, column_name varchar, data_type varchar, source_data_type "
        "varchar, description varchar)"
    )
    con.execute(
        f"create table bi.{DOCS_SCHEMA}.publication (published_at timestamp with time zone, "
        "storage_version varchar, n_tables integer, dbt_manifest_generated_at varchar, "
        "note varchar)"
    )
    con.execute(
        f"comment on column bi.{DOCS_SCHEMA}.publication.published_at "
        f"is {_literal(PUBLISHED_AT_DESCRIPTION)}"
    )
    for table, columns in sorted(tables.items()):
        node = nodes.get(table, {})
        node_columns = node.get("columns", {})
        con.execute(
            f"insert into bi.{DOCS_SCHEMA}.tables values (?, ?, ?, ?, ?, ?)",
            [
                PUBLISHED_SCHEMA,
                table,
                _clean(node.get("description")),
                rows[table],
                len(columns),
                node.get("unique_id"),
            ],
        )
        for position, column in enumerate(columns, start=1):
            described = node_columns.get(column.name, {})
            published_type = column.data_type if column.portable else "VARCHAR"
            con.execute(
                f"insert into bi.{DOCS_SCHEMA}.columns values (?, ?, ?, ?, ?, ?, ?)",
                [
                    PUBLISHED_SCHEMA,
                    table,
                    position,
                    column.name,
                    published_type,
                    column.data_type,
                    _clean(described.get("description")),
                ],
            )
            if described.get("description"):
                # COMMENT ON shows the description in DBeaver and other tools' column lists.
                con.execute(
                    f"comment on column bi.{PUBLISHED_SCHEMA}.{_quote(table)}.{_quote(column.name)}"
                    f" is {_literal(_clean(described['description']))}"
                )
        if node.get("description"):
            con.execute(
                f"comment on table bi.{PUBLISHED_SCHEMA}.{_quote(table)} "
                f"is {_literal(_clean(node['description']))}"
            )
    con.execute(
        f"insert into bi.{DOCS_SCHEMA}.publication values (?, ?, ?, ?, ?)",
        [
            published_at.astimezone(UTC),
            STORAGE_VERSION,
            len(tables),
            dbt_generated_at,
            "Skrivebeskyttet kopi av marts. Åpne med read_only; aldri det levende datavarehuset.",
        ],
    )


def _fsync_file(path: Path) -> None:
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())


def _fsync_dir(path: Path) -> None:
    if os.name != "posix":  # Windows cannot open a directory to fsync it.
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def storage_version_number(path: Path) -> int:
    """The storage version number in a DuckDB file's header (64 = DuckDB 0.10 to 1.1 format)."""
    header = struct.Struct("<8x4sQ")
    with open(path, "rb") as handle:
        magic, version = header.unpack(handle.read(header.size))
    if magic != b"DUCK":
        raise PublishError(f"{path} er ikke en DuckDB-fil.")
    return version


def _build_snapshot(
    db_path: Path,
    target: Path,
    parquet_tmp: dict[str, Path],
    manifest_path: Path,
    published_at: datetime,
) -> tuple[dict[str, list[_SourceColumn]], dict[str, int]]:
    """Write the published file at `target` and each mart's Parquet file, from one read-only
    session on the live file, so both hold the same snapshot."""
    nodes, dbt_generated_at = _manifest_docs(manifest_path)
    with duckdb.connect(str(db_path), read_only=True) as con:
        tables = _source_tables(con)
        _check_publishable(tables, db_path)
        con.execute(
            f"attach {_literal(str(target))} as bi "
            f"(read_write, storage_version {_literal(STORAGE_VERSION)})"
        )
        try:
            con.execute(f"create schema bi.{PUBLISHED_SCHEMA}")
            rows: dict[str, int] = {}
            for table, columns in sorted(tables.items()):
                select_list = ", ".join(
                    _quote(c.name)
                    if c.portable
                    else f"cast({_quote(c.name)} as varchar) as {_quote(c.name)}"
                    for c in columns
                )
                con.execute(
                    f"create table bi.{PUBLISHED_SCHEMA}.{_quote(table)} as select {select_list} "
                    f"from {SOURCE_SCHEMA}.{_quote(table)}"
                )
                rows[table] = con.execute(
                    f"select count(*) from bi.{PUBLISHED_SCHEMA}.{_quote(table)}"
                ).fetchone()[0]
            _write_docs(con, tables, rows, nodes, published_at, dbt_generated_at)
            for table in tables:
                parquet_tmp[table] = target.parent / PARQUET_DIR / f".{table}.parquet.tmp"
                con.execute(
                    f"copy bi.{PUBLISHED_SCHEMA}.{_quote(table)} to "
                    f"{_literal(str(parquet_tmp[table]))} (format parquet, compression zstd)"
                )
            con.execute("checkpoint bi")
        finally:
            con.execute("detach bi")
    return tables, rows


def _verify(target: Path, rows: dict[str, int]) -> None:
    """Reopen the new file read-only: the right format, every table, every row."""
    number = storage_version_number(target)
    if number != STORAGE_VERSION_NUMBER:
        raise PublishError(
            f"Den nye BI-filen har lagringsversjon {number}, ventet {STORAGE_VERSION_NUMBER}."
        )
    with duckdb.connect(str(target), read_only=True) as con:
        for table, expected in rows.items():
            found = con.execute(
                f"select count(*) from {PUBLISHED_SCHEMA}.{_quote(table)}"
            ).fetchone()[0]
            if found != expected:
                raise PublishError(f"{table}: {found} rader i den nye filen, ventet {expected}.")


def _dated_path(out_dir: Path, published_at: datetime) -> Path:
    """`etablerer_bi_<stamp>.duckdb`, or with `_<n>` after the highest n already used in the same
    second, so names keep sorting by age even after pruning frees a lower one."""
    stamp = published_at.strftime("%Y%m%dT%H%M%S")
    used = [
        int(match.group(2) or 1)
        for path in out_dir.glob(f"{DATED_PREFIX}{stamp}*.duckdb")
        if (match := DATED_PATTERN.match(path.name)) and match.group(1) == stamp
    ]
    if not used:
        return out_dir / f"{DATED_PREFIX}{stamp}.duckdb"
    return out_dir / f"{DATED_PREFIX}{stamp}_{max(used) + 1}.duckdb"


def dated_versions(out_dir: Path) -> list[Path]:
    """The dated published files, oldest first."""
    found = []
    for path in out_dir.glob(f"{DATED_PREFIX}*.duckdb"):
        match = DATED_PATTERN.match(path.name)
        if match:
            found.append((match.group(1), int(match.group(2) or 1), path))
    return [path for _, _, path in sorted(found)]


def _prune(out_dir: Path, keep: int) -> list[Path]:
    removed = []
    for path in dated_versions(out_dir)[: -keep or None]:
        try:
            path.unlink()
            removed.append(path)
        except OSError as error:  # open on a Windows share: try again next time
            log.warning(
                "Kunne ikke slette gammel BI-fil %s (%s); prøver igjen neste gang.", path, error
            )
    return removed


def _copy_durably(source: Path, target: Path) -> None:
    """Copy to a temporary name beside target, fsync, then rename into place. The copy takes
    the source's permissions, not mkstemp's owner-only ones: analysts read it too."""
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    try:
        shutil.copy(source, tmp_name)
        _fsync_file(Path(tmp_name))
        os.replace(tmp_name, target)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def publish_warehouse(
    db_path: Path, out_dir: Path, *, manifest_path: Path, keep: int = 5
) -> PublishResult:
    """Publish the marts of the live warehouse `db_path` to `out_dir/etablerer_bi.duckdb`, a dated
    copy, and `out_dir/parquet/<mart>.parquet`. Raises PersonLevelDataError (nothing written) when
    a mart has a person-level column."""
    if keep < 1:
        raise ValueError("keep must be at least 1")
    db_path, out_dir = Path(db_path), Path(out_dir)
    if not db_path.is_file():
        raise PublishError(f"Fant ikke datavarehuset {db_path}. Kjør etablerer run først.")
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / PARQUET_DIR).mkdir(exist_ok=True)
    published_at = datetime.now(OSLO).replace(microsecond=0)
    stable = out_dir / PUBLISHED_NAME

    fd, tmp_name = tempfile.mkstemp(dir=out_dir, prefix=f".{PUBLISHED_NAME}.", suffix=".tmp")
    os.close(fd)
    target = Path(tmp_name)
    target.unlink()  # DuckDB creates the file itself; an empty file is not a database.
    parquet_tmp: dict[str, Path] = {}
    try:
        tables, rows = _build_snapshot(db_path, target, parquet_tmp, manifest_path, published_at)
        _fsync_file(target)
        _verify(target, rows)

        dated = _dated_path(out_dir, published_at)
        _copy_durably(target, dated)
        replaced_stable = True
        try:
            os.replace(target, stable)
        except PermissionError as error:
            # Windows: a BI tool holds the stable name open. The dated file has the new data.
            replaced_stable = False
            log.warning(
                "Kunne ikke erstatte %s (%s), trolig åpen i et BI-verktøy. Nye data ligger i %s.",
                stable,
                error,
                dated,
            )
        parquet_dir = out_dir / PARQUET_DIR
        for table, tmp in parquet_tmp.items():
            _fsync_file(tmp)
            os.replace(tmp, parquet_dir / f"{table}.parquet")
        for stale in parquet_dir.glob("*.parquet"):
            if stale.stem not in tables:
                stale.unlink(missing_ok=True)
        _fsync_dir(parquet_dir)
        _fsync_dir(out_dir)
    finally:
        for leftover in [target, Path(f"{target}.wal"), *parquet_tmp.values()]:
            leftover.unlink(missing_ok=True)

    removed = _prune(out_dir, keep)
    return PublishResult(
        path=stable,
        dated_path=dated,
        tables=[
            PublishedTable(
                name=table,
                rows=rows[table],
                columns=len(tables[table]),
                parquet_path=out_dir / PARQUET_DIR / f"{table}.parquet",
            )
            for table in sorted(tables)
        ],
        storage_version=STORAGE_VERSION,
        published_at=published_at,
        replaced_stable=replaced_stable,
        cast_to_text=[
            f"{table}.{c.name}"
            for table, cols in sorted(tables.items())
            for c in cols
            if not c.portable
        ],
        removed_versions=removed,
    )
