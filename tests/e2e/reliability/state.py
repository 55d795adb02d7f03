"""Row counts and order-independent checksums of the warehouse's tables, computed in SQL.

Two states are equal when every table in raw, seeds and marts has the same rows, whatever their
order. Columns that record *when* something happened (loaded_at, fetched_at, checked_at,
published_at) differ on every run and are left out; so are load_log rows other than 'loaded'
(every rerun appends an 'unchanged' row by design).
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import duckdb

SCHEMAS = ("raw", "seeds", "marts")
VOLATILE_COLUMNS = {
    "loaded_at",
    "fetched_at",
    "checked_at",
    "published_at",
    "dbt_manifest_generated_at",
}
ROW_FILTERS = {("raw", "load_log"): "status = 'loaded'"}

TableState = tuple[int, int]  # (rows, sum of row hashes)


def table_states(
    con: duckdb.DuckDBPyConnection, schemas: tuple[str, ...] | None = SCHEMAS
) -> dict[str, TableState]:
    """Per table: (rows, checksum). `schemas=None`: every schema (the published BI copy)."""
    tables = con.execute(
        """select table_schema, table_name from information_schema.tables
           where table_type = 'BASE TABLE' order by 1, 2"""
    ).fetchall()
    tables = [(s, t) for s, t in tables if schemas is None or s in schemas]
    states: dict[str, TableState] = {}
    for schema, table in tables:
        columns = [
            name
            for (name,) in con.execute(
                """select column_name from information_schema.columns
                   where table_schema = ? and table_name = ? order by ordinal_position""",
                [schema, table],
            ).fetchall()
            if name not in VOLATILE_COLUMNS
        ]
        quoted = ", ".join(f'"{c}"' for c in columns)
        where = ROW_FILTERS.get((schema, table), "true")
        rows, checksum = con.execute(
            f'select count(*), coalesce(sum(hash({quoted})::hugeint), 0) from "{schema}"."{table}" '
            f"where {where}"
        ).fetchone()
        states[f"{schema}.{table}"] = (int(rows), int(checksum))
    return states


def open_and_read_state(db_path: Path) -> dict[str, TableState]:
    """Open the file as the next writer would (read-write, replaying any WAL), then read it."""
    with duckdb.connect(str(db_path)) as con:
        return table_states(con)


def diff(a: dict[str, TableState], b: dict[str, TableState]) -> list[str]:
    return [name for name in sorted(set(a) | set(b)) if a.get(name) != b.get(name)]


def copy_warehouse(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", ".wal"):
        src = Path(f"{source}{suffix}")
        dst = Path(f"{target}{suffix}")
        if src.exists():
            shutil.copyfile(src, dst)
        elif dst.exists():
            dst.unlink()


def archive_is_whole(archive: Path) -> int:
    """Every archived original has the content its name promises (sha256). Returns the count."""
    checked = 0
    for path in archive.rglob("*"):
        if path.is_file() and not path.name.startswith(".incoming_"):
            assert hashlib.sha256(path.read_bytes()).hexdigest() == path.stem, path
            checked += 1
    return checked
