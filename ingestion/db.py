"""The one way to open the warehouse for writing: wait (bounded) for DuckDB's file lock.

DuckDB lets one process at a time hold a database file for writing. A second writer does not queue;
its `connect` fails at once with "Could not set lock on file". Ingests started by hand, the
pipeline's assets and dbt all write the same file, so the Python writers wait here for their turn
instead of failing, and give up with a Norwegian message naming the file when the wait is too long.
dbt waits through `retries` in dbt_project/profiles.yml.
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

import duckdb

LOCK_MESSAGE = "Could not set lock on file"
# DuckDB names the program and process that hold the lock: "... is held in /usr/bin/x (PID 42)".
_HOLDER = re.compile(r"held in (?P<program>.+?) \(PID (?P<pid>\d+)\)")
LIKELY_CAUSES = (
    "Vanlige årsaker: en annen kjøring eller innlesing pågår (vent til den er ferdig), eller et "
    "BI-verktøy (Power BI, Excel, DBeaver, Metabase, Superset) er koblet til selve datavarehuset. "
    "BI-verktøy skal lese den publiserte kopien, warehouse/published/etablerer_bi.duckdb "
    "(docs/bi.md); koble verktøyet fra og pek det dit."
)


def lock_holder(detail: str) -> str:
    """Who holds the lock, from DuckDB's message: «prosess 42 (/usr/bin/x)», or «en annen
    prosess»."""
    found = _HOLDER.search(detail)
    if found is None:
        return "en annen prosess"
    return f"prosess {found['pid']} ({found['program']})"


def say_waiting(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class WarehouseLocked(RuntimeError):
    """Another process kept the warehouse file locked for longer than the wait allowed."""

    def __init__(self, db_path: Path, waited_s: float, detail: str):
        super().__init__(
            f"Datavarehuset {db_path} er låst av {lock_holder(detail)}, og ble ikke ledig på "
            f"{waited_s:.0f} sekunder. Ingenting er endret. {LIKELY_CAUSES} Prøv så igjen."
        )
        self.db_path = db_path
        self.waited_s = waited_s
        self.detail = detail


def is_lock_error(exc: BaseException) -> bool:
    return isinstance(exc, duckdb.IOException) and LOCK_MESSAGE in str(exc)


def connect_writer(
    db_path: Path,
    *,
    timeout_s: float = 120,
    poll_s: float = 0.2,
    on_wait: Callable[[str], None] = say_waiting,
) -> duckdb.DuckDBPyConnection:
    """A read-write connection to `db_path`, waiting up to `timeout_s` for another process's lock.
    The moment it starts to wait, `on_wait` gets a Norwegian line saying so, who holds the lock and
    the likeliest causes (by default printed to standard error), so no one waits without a word.

    Any other error (a corrupt file, a missing folder) is raised at once, unchanged. Raises
    WarehouseLocked when the lock is still held after the timeout."""
    db_path = Path(db_path)
    started = time.monotonic()
    told = False
    while True:
        try:
            return duckdb.connect(str(db_path))
        except duckdb.IOException as exc:
            if not is_lock_error(exc):
                raise
            if not told:
                on_wait(
                    f"Datavarehuset {db_path} er låst av {lock_holder(str(exc))}; venter opptil "
                    f"{timeout_s:.0f} sekunder på at det blir ledig. {LIKELY_CAUSES}"
                )
                told = True
            waited = time.monotonic() - started
            if waited + poll_s > timeout_s:
                raise WarehouseLocked(db_path, waited, str(exc)) from exc
            time.sleep(poll_s)


def compact(con: duckdb.DuckDBPyConnection, db_path: Path) -> None:
    """Rewrite the warehouse `con` holds open for writing into a fresh file (DuckDB's
    `COPY FROM DATABASE`, its documented way to compact), which then replaces `db_path`. Dropped
    data stays in the blocks a DuckDB file frees until they are reused; the fresh file holds
    only what the tables hold. The caller closes `con` and opens the file again.

    `con` keeps the old file locked until the new one has its name, so a writer waiting in
    `connect_writer` opens the new file. A failure leaves `db_path` as it was."""
    db_path = Path(db_path)
    fresh = db_path.with_name(f".{db_path.name}.compacting")
    fresh.unlink(missing_ok=True)
    catalog = con.execute("select current_database()").fetchone()[0]
    con.execute("checkpoint")
    try:
        quoted = str(fresh).replace("'", "''")
        con.execute(f"attach '{quoted}' as compacting")
        try:
            con.execute(f'copy from database "{catalog}" to compacting')
        finally:
            con.execute("detach compacting")
        fresh.replace(db_path)
    finally:
        fresh.unlink(missing_ok=True)


__all__ = ["LOCK_MESSAGE", "WarehouseLocked", "compact", "connect_writer", "is_lock_error"]
