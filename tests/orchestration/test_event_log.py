"""The event log of the project's dagster.yaml: Dagster's own SQLite files and tables, with one
engine kept per database (orchestration/event_log.py)."""

import dagster as dg
import pytest
from dagster._core.storage.event_log import SqliteEventLogStorage

from orchestration.cli import install_dagster_yaml
from orchestration.event_log import RUN_ENGINES_KEPT, PooledSqliteEventLogStorage

regions = dg.StaticPartitionsDefinition(["hallingdal", "drammensregionen"])


@dg.asset(partitions_def=regions)
def population(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    return dg.MaterializeResult(metadata={"rows": len(context.partition_key)})


@dg.asset_check(asset=population, blocking=True)
def population_has_rows() -> dg.AssetCheckResult:
    return dg.AssetCheckResult(passed=True)


@pytest.fixture
def instance(tmp_path, monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    install_dagster_yaml(tmp_path)
    with dg.DagsterInstance.get() as instance:
        yield instance


def materialize(instance: dg.DagsterInstance, region: str) -> dg.ExecuteInProcessResult:
    return dg.materialize(
        [population, population_has_rows], instance=instance, partition_key=region
    )


def test_the_project_instance_uses_it_and_dagster_reads_what_it_wrote(instance, tmp_path):
    assert isinstance(instance.event_log_storage, PooledSqliteEventLogStorage)
    run = materialize(instance, "drammensregionen")
    assert run.success

    # The stock storage, as a webserver without this class would open the same folder.
    stock = SqliteEventLogStorage(base_dir=str(tmp_path / "history" / "runs"))
    latest = stock.get_latest_materialization_events([population.key])[population.key]
    assert latest.run_id == run.run_id
    assert latest.asset_materialization.partition == "drammensregionen"
    assert latest.asset_materialization.metadata["rows"].value == len("drammensregionen")
    kinds = {e.dagster_event.event_type for e in stock.get_logs_for_run(run.run_id)}
    assert {
        dg.DagsterEventType.ASSET_MATERIALIZATION,
        dg.DagsterEventType.ASSET_CHECK_EVALUATION,
        dg.DagsterEventType.RUN_SUCCESS,
    } <= kinds
    status = stock.get_materialized_partitions(population.key)
    assert status == {"drammensregionen"}


def test_engines_of_old_runs_are_let_go_and_their_logs_stay_readable(instance):
    runs = [materialize(instance, "hallingdal").run_id for _ in range(RUN_ENGINES_KEPT + 3)]
    storage = instance.event_log_storage
    kept_runs = [shard for shard in storage._engines if shard != "index"]
    assert kept_runs == runs[-RUN_ENGINES_KEPT:]
    first = instance.all_logs(runs[0])
    assert first[-1].dagster_event.event_type == dg.DagsterEventType.RUN_SUCCESS


def test_wipe_closes_the_databases_it_deletes_and_new_runs_are_stored(instance, tmp_path):
    old = materialize(instance, "hallingdal").run_id
    instance.wipe()
    assert not (tmp_path / "history" / "runs" / f"{old}.db").exists()
    assert instance.all_logs(old) == []
    new = materialize(instance, "drammensregionen").run_id
    assert (tmp_path / "history" / "runs" / f"{new}.db").exists()
    assert instance.get_latest_materialization_event(population.key).run_id == new


def test_without_dagster_home_or_base_dir_it_says_what_to_set(monkeypatch):
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    with pytest.raises(dg.DagsterInvariantViolationError, match="DAGSTER_HOME er ikke satt"):
        PooledSqliteEventLogStorage()


def test_commits_are_synced_at_checkpoints_of_the_write_ahead_log(instance):
    run = materialize(instance, "hallingdal").run_id
    storage = instance.event_log_storage
    for connection in (storage.index_connection(), storage.run_connection(run)):
        with connection as conn:
            assert conn.exec_driver_sql("pragma journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("pragma synchronous").scalar() == 1  # normal
