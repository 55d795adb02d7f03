"""The one way to open the warehouse for writing: wait (bounded) for DuckDB's file lock.

DuckDB lets one process at a time hold a database file for writing. A second writer does not queue;
its `connect` fails at once with "Could not set lock on file". Ingests started by hand, the
pipeline's assets and dbt all write the same file, so writers wait here for their turn instead of
failing, and give up with a Norwegian message naming the file when the wait is too long.
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


__all__ = ["LOCK_MESSAGE", "WarehouseLocked", "connect_writer", "is_lock_error"]
