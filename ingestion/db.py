"""The one way to open the warehouse for writing: wait (bounded) for DuckDB's file lock.

DuckDB lets one process at a time hold a database file for writing. A second writer does not queue;
its `connect` fails at once with "Could not set lock on file". Ingests started by hand, the
pipeline's assets and dbt all write the same file, so writers wait here for their turn instead of
failing, and give up with a Norwegian message naming the file when the wait is too long.
"""

from __future__ import annotations

import time
from pathlib import Path

import duckdb

LOCK_MESSAGE = "Could not set lock on file"


class WarehouseLocked(RuntimeError):
    """Another process kept the warehouse file locked for longer than the wait allowed."""

    def __init__(self, db_path: Path, waited_s: float, detail: str):
        super().__init__(
            f"Datavarehuset {db_path} er låst av en annen prosess (en kjøring eller en annen "
            f"innlesing), og ble ikke ledig på {waited_s:.0f} sekunder. Ingenting er endret. "
            "Vent til den andre jobben er ferdig, og prøv igjen."
        )
        self.db_path = db_path
        self.waited_s = waited_s
        self.detail = detail


def is_lock_error(exc: BaseException) -> bool:
    return isinstance(exc, duckdb.IOException) and LOCK_MESSAGE in str(exc)


def connect_writer(
    db_path: Path, *, timeout_s: float = 120, poll_s: float = 0.2
) -> duckdb.DuckDBPyConnection:
    """A read-write connection to `db_path`, waiting up to `timeout_s` for another process's lock.

    Any other error (a corrupt file, a missing folder) is raised at once, unchanged. Raises
    WarehouseLocked when the lock is still held after the timeout."""
    db_path = Path(db_path)
    started = time.monotonic()
    while True:
        try:
            return duckdb.connect(str(db_path))
        except duckdb.IOException as exc:
            if not is_lock_error(exc):
                raise
            waited = time.monotonic() - started
            if waited + poll_s > timeout_s:
                raise WarehouseLocked(db_path, waited, str(exc)) from exc
            time.sleep(poll_s)


__all__ = ["LOCK_MESSAGE", "WarehouseLocked", "connect_writer", "is_lock_error"]
