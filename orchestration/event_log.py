"""Dagster's SQLite event log, with each database's engine kept instead of made for every event.

The stock `SqliteEventLogStorage` creates a SQLAlchemy engine, opens a connection and compiles
every statement afresh for each event it stores, and a year's run stores some thousand events.
Keeping one engine per database (its connection pooled, its compiled statements cached), and not
waiting for the disk at every commit (`synchronous = normal`, below), makes an event a fraction
of that cost (docs/performance.md, note 1 of "What changed between the 00:26 and 03:06 runs").
It replaces the two connection methods that `SqlEventLogStorage` asks its subclasses for, and
`has_table`; tables, queries and files are Dagster's own, so the webserver and the daemon read
the same databases, and a new database is created by the stock connection methods themselves.

`dagster.yaml` names this class. Its base class, and the name of its index database, are
imported from `dagster._core`, the module Dagster's own documentation names for
`event_log_storage`: Dagster has no public import path for them (no upstream issue asks for one;
one should ask for `SqliteEventLogStorage` to be exported, or for the stock storage to keep its
engines). `overrides` (orchestration/private_api.py) checks at import that the base class still
asks for the methods replaced here, and tests/orchestration/test_event_log.py that the stock
storage reads what this one wrote.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import dagster as dg
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine

from orchestration.private_api import import_moved, overrides

try:  # no public import path (see above)
    from dagster._core.storage.event_log import SqliteEventLogStorage
    from dagster._core.storage.event_log.sqlite.sqlite_event_log import INDEX_SHARD_NAME
except ImportError as moved:
    raise import_moved(moved, __name__) from moved

if TYPE_CHECKING:
    from dagster._serdes import ConfigurableClassData

# Engines kept for run databases besides the index: a run's events all go to its own database,
# so a few cover the runs in progress, and a long-lived webserver does not keep every run open.
RUN_ENGINES_KEPT = 8
# How long a connection waits for another process's lock, as in Dagster's own SQLite storages.
BUSY_TIMEOUT_SECONDS = 30


def default_base_dir() -> str:
    """Where Dagster keeps the event log when dagster.yaml names no folder."""
    home = os.environ.get("DAGSTER_HOME")
    if not home:
        raise dg.DagsterInvariantViolationError(
            "DAGSTER_HOME er ikke satt: hendelsesloggen vet ikke hvor den skal ligge. Sett "
            "DAGSTER_HOME (make og etablerer gjør det), eller base_dir i dagster.yaml."
        )
    return os.path.join(home, "history", "runs", "")


def _sync_at_checkpoints(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    # Dagster's databases are in WAL mode, which stays consistent with `normal`: the disk is
    # synced at checkpoints, not at each commit. A power cut may lose the last events, and with
    # them nothing more than the run they describe, which it stopped too.
    dbapi_connection.execute("pragma synchronous = normal")


@overrides(SqliteEventLogStorage, "run_connection", "index_connection", "has_table")
class PooledSqliteEventLogStorage(SqliteEventLogStorage):
    def __init__(self, base_dir: str | None = None, inst_data: ConfigurableClassData | None = None):
        self._engines: OrderedDict[str, Engine] = OrderedDict()
        self._engines_lock = threading.Lock()
        self._created: set[str] = set()  # databases whose tables this process has made sure of
        # One thread at a time uses a connection, as in the stock storage (the event log watcher
        # runs beside the step that writes).
        self._connection_lock = threading.Lock()
        super().__init__(base_dir or default_base_dir(), inst_data)

    @classmethod
    def config_type(cls) -> dict:
        return {"base_dir": dg.Field(dg.StringSource, is_required=False)}

    @classmethod
    def from_config_value(
        cls, inst_data: ConfigurableClassData | None, config_value: dict
    ) -> PooledSqliteEventLogStorage:
        return cls(inst_data=inst_data, **config_value)

    def _engine(self, shard: str) -> Engine:
        with self._engines_lock:
            engine = self._engines.get(shard)
            if engine is not None:
                self._engines.move_to_end(shard)
                return engine
            if shard not in self._created:
                # Dagster's own creation of a database (its tables, alembic stamp and WAL): the
                # stock connection methods make sure of it on their first connection.
                stock = (
                    super().index_connection()
                    if shard == INDEX_SHARD_NAME
                    else super().run_connection(shard)
                )
                with stock:
                    pass
                self._created.add(shard)
            engine = create_engine(
                self.conn_string_for_shard(shard),
                connect_args={"timeout": BUSY_TIMEOUT_SECONDS},
            )
            event.listen(engine, "connect", _sync_at_checkpoints)
            self._engines[shard] = engine
            runs = [name for name in self._engines if name != INDEX_SHARD_NAME]
            for oldest in runs[: max(0, len(runs) - RUN_ENGINES_KEPT)]:
                self._engines.pop(oldest).dispose()
            return engine

    @contextmanager
    def _pooled(self, shard: str) -> Iterator[Connection]:
        with self._connection_lock, self._engine(shard).connect() as conn, conn.begin():
            yield conn

    def run_connection(self, run_id: str | None = None) -> Iterator[Connection]:
        return self._pooled(run_id)

    def index_connection(self) -> Iterator[Connection]:
        return self._pooled(INDEX_SHARD_NAME)

    def has_table(self, table_name: str) -> bool:
        # Asked while an asset event's tags are stored, inside the index transaction (so without
        # the lock); the stock method makes an engine for each question.
        engine = self._engine(INDEX_SHARD_NAME)
        with engine.connect() as conn:
            return bool(engine.dialect.has_table(conn, table_name))

    def _dispose_engines(self) -> None:
        with self._engines_lock:
            while self._engines:
                self._engines.popitem()[1].dispose()
            self._created.clear()

    def wipe(self) -> None:
        # Wiping deletes the run databases: no connection may stay open on a deleted file.
        self._dispose_engines()
        super().wipe()

    def upgrade(self) -> None:
        self._dispose_engines()
        super().upgrade()
        self._dispose_engines()

    def dispose(self) -> None:
        self._dispose_engines()
        super().dispose()
