"""What the project relies on in Dagster and dagster-dbt beyond their public API, checked against
the installed versions: run these before widening the version ranges in pyproject.toml.

- dagster-dbt: EtablererDbtCliResource overrides `DbtCliResource._cli_version` and
  `_initialize_dbt_core_adapter` (orchestration/defs/dbt/resources.py).
- Dagster: PooledSqliteEventLogStorage subclasses `SqliteEventLogStorage` and uses the name of its
  index database, both from `dagster._core` (orchestration/event_log.py).
- Dagster: the progress logger reads the `dagster_meta` Dagster puts on its log records
  (orchestration/defs/common/loggers.py); undocumented, though not underscored.

Each check of orchestration/private_api.py also runs at import; the last tests show what it says
when an upgrade has renamed something.
"""

import importlib
import inspect
import sqlite3
import sys
import types
from importlib.metadata import version as installed

import dagster as dg
import dagster_dbt.core.resource as dagster_dbt_resource
import pytest
from dagster_dbt import DbtCliResource
from dbt.version import __version__ as dbt_core_version
from packaging import version

from orchestration import event_log
from orchestration.defs.common.loggers import progress_logger
from orchestration.defs.dbt.resources import (
    DBT_EXECUTABLE,
    EtablererDbtCliResource,
    dbt_project,
)
from orchestration.private_api import UpstreamApiChanged, override_problems, overrides

DBT_OVERRIDES = ("_cli_version", "_initialize_dbt_core_adapter")
EVENT_LOG_OVERRIDES = ("run_connection", "index_connection", "has_table")
SQLITE_EVENT_LOG = "dagster._core.storage.event_log.sqlite.sqlite_event_log"


def test_dbt_resource_overrides_what_dagster_dbt_cli_still_calls():
    assert override_problems(EtablererDbtCliResource, DbtCliResource, DBT_OVERRIDES, "cli") == []


def test_dbt_commands_run_without_the_version_subprocess_or_the_adapter(monkeypatch, tmp_path):
    """Through dagster-dbt's own `cli`: the version comes from dbt-core's package, no adapter is
    made, and the stock members, which would, are never reached."""

    def version_subprocess(*args, **kwargs):
        raise AssertionError(f"dagster-dbt ran {args}")

    class StockAdapter:
        pass

    invocations = []

    class Invocation:
        @staticmethod
        def run(**kwargs):
            invocations.append(kwargs)

    monkeypatch.setattr(dagster_dbt_resource, "check_output", version_subprocess)
    monkeypatch.setattr(
        DbtCliResource, "_initialize_dbt_core_adapter", lambda self, args: StockAdapter()
    )
    monkeypatch.setattr(dagster_dbt_resource, "DbtCliInvocation", Invocation)

    resource = EtablererDbtCliResource(project_dir=dbt_project, dbt_executable=DBT_EXECUTABLE)
    resource.cli(["parse"], target_path=tmp_path)

    (invocation,) = invocations
    assert invocation["adapter"] is None
    assert invocation["cli_version"] == version.parse(dbt_core_version)
    assert invocation["args"][:2] == [DBT_EXECUTABLE, "parse"]


def test_event_log_overrides_the_connections_dagster_asks_for():
    stock = event_log.SqliteEventLogStorage
    pooled = event_log.PooledSqliteEventLogStorage
    assert override_problems(pooled, stock, EVENT_LOG_OVERRIDES) == []
    # The index database's name is the one the stock storage connects to.
    assert isinstance(event_log.INDEX_SHARD_NAME, str)
    assert "INDEX_SHARD_NAME" in stock.index_connection.__code__.co_names
    # What the subclass calls of its base, with the arguments it passes.
    assert list(inspect.signature(stock.__init__).parameters) == ["self", "base_dir", "inst_data"]
    assert list(inspect.signature(stock.conn_string_for_shard).parameters)[1:] == ["shard_name"]


def test_the_stock_connection_methods_create_a_new_database(tmp_path):
    """PooledSqliteEventLogStorage leaves a new database to them: tables, alembic stamp, WAL."""
    stock = event_log.SqliteEventLogStorage(base_dir=str(tmp_path))
    with stock.run_connection("a-new-run"):
        pass
    with sqlite3.connect(tmp_path / "a-new-run.db") as db:
        tables = {name for (name,) in db.execute("select name from sqlite_master")}
        journal = db.execute("pragma journal_mode").fetchone()[0]
    assert {"event_logs", "alembic_version"} <= tables
    assert journal == "wal"


def test_the_progress_logger_reads_dagster_meta_from_log_records(capsys):
    @dg.op
    def count_rows() -> int:
        return 3

    @dg.job(logger_defs={"progress": progress_logger})
    def count_job():
        count_rows()

    result = count_job.execute_in_process(run_config={"loggers": {"progress": {}}})

    assert result.success
    shown = capsys.readouterr().err.splitlines()
    assert "  ▶ count_rows" in shown
    assert "  ✔ count_rows" in shown


# What the guard says when an upgrade renamed something.


def test_a_removed_private_member_stops_the_import_with_what_to_do(monkeypatch):
    monkeypatch.delattr(DbtCliResource, "_initialize_dbt_core_adapter")
    with pytest.raises(UpstreamApiChanged) as stopped:
        overrides(DbtCliResource, *DBT_OVERRIDES, used_by="cli")(EtablererDbtCliResource)
    message = str(stopped.value)
    assert message.startswith(
        f"dagster-dbt {installed('dagster-dbt')}: "
        "DbtCliResource har ikke lenger `_initialize_dbt_core_adapter`. "
        "orchestration.defs.dbt.resources.EtablererDbtCliResource er bare prøvd med versjonene i "
        "requirements.lock. Installer dem (`make install`), eller tilpass"
    )
    assert message.endswith("kjør tests/orchestration/test_private_api_guards.py.")


def test_a_member_the_upstream_method_no_longer_calls_is_named(monkeypatch):
    def cli(self, args):  # an upgrade that reads the version some other way
        return self._initialize_dbt_core_adapter(args)

    monkeypatch.setattr(DbtCliResource, "cli", cli)
    problems = override_problems(EtablererDbtCliResource, DbtCliResource, DBT_OVERRIDES, "cli")
    assert problems == ["`DbtCliResource.cli` bruker ikke lenger `_cli_version`"]


def test_a_method_that_became_a_property_is_named():
    class Upstream:
        @property
        def connection(self):
            return "stock"

        def run(self):
            return self.connection

    class Ours(Upstream):
        def connection(self):
            return "ours"

    problems = override_problems(Ours, Upstream, ("connection",), "run")
    assert problems == ["`connection` er egenskap i Upstream, men metode i Ours"]


def test_a_moved_private_import_stops_the_import_with_what_to_do(monkeypatch):
    moved = types.ModuleType(SQLITE_EVENT_LOG)  # as if INDEX_SHARD_NAME had moved elsewhere
    monkeypatch.setitem(sys.modules, SQLITE_EVENT_LOG, moved)
    monkeypatch.delitem(sys.modules, "orchestration.event_log")
    with pytest.raises(UpstreamApiChanged) as stopped:
        importlib.import_module("orchestration.event_log")
    message = str(stopped.value)
    assert message.startswith(
        f"dagster {installed('dagster')}: "
        f"cannot import name 'INDEX_SHARD_NAME' from '{SQLITE_EVENT_LOG}'"
    )
    assert "orchestration.event_log er bare prøvd med versjonene i requirements.lock" in message
