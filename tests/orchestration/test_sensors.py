"""The landing sensor takes a file only once it has stopped changing, once per content."""

import hashlib
import json
import os
import time
from pathlib import Path

import dagster as dg

from orchestration.defs.operators.sensors import SETTLE_SECONDS, stable_landing_files


def drop_file(landing, region, year, name, content=b"a;b\r\n1;2\r\n", age_s=0):
    path = landing / region / str(year) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    stamp = time.time() - age_s
    os.utime(path, (stamp, stamp))
    return path


def test_a_file_is_ready_after_two_equal_ticks_and_the_settle_time(tmp_path):
    path = drop_file(tmp_path, "hallingdal", 2026, "clients.csv", age_s=SETTLE_SECONDS + 5)
    ready, state = stable_landing_files(tmp_path, {}, time.time(), SETTLE_SECONDS)
    assert ready == []  # first sight: not yet known to be stable
    ready, _ = stable_landing_files(tmp_path, state, time.time(), SETTLE_SECONDS)
    assert ready == [path]


def test_a_file_still_being_written_is_not_taken(tmp_path):
    drop_file(tmp_path, "hallingdal", 2026, "clients.csv", age_s=SETTLE_SECONDS + 5)
    _, state = stable_landing_files(tmp_path, {}, time.time(), SETTLE_SECONDS)
    drop_file(tmp_path, "hallingdal", 2026, "clients.csv", content=b"a;b\r\n1;2\r\n3;4\r\n")
    ready, _ = stable_landing_files(tmp_path, state, time.time(), SETTLE_SECONDS)
    assert ready == []


def test_sensor_requests_the_region_year_run(tmp_path, monkeypatch, dbt_manifest):
    from orchestration.definitions import defs
    from orchestration.defs.operators.sensors import landing_sensor

    monkeypatch.setenv("ETABLERER_LANDING_DIR", str(tmp_path))
    drop_file(tmp_path, "hallingdal", 2026, "clients.csv", age_s=SETTLE_SECONDS + 5)
    drop_file(tmp_path, "hallingdal", 1999, "clients.csv", age_s=SETTLE_SECONDS + 5)
    drop_file(tmp_path, "atlantis", 2026, "clients.csv", age_s=SETTLE_SECONDS + 5)
    instance = dg.DagsterInstance.ephemeral()
    first = landing_sensor(dg.build_sensor_context(instance, cursor=None, definitions=defs))
    assert first.run_requests == []
    second = landing_sensor(
        dg.build_sensor_context(instance, cursor=first.cursor, definitions=defs)
    )
    (request,) = second.run_requests  # 1999 is not a report year, atlantis not a region
    assert request.partition_key == dg.MultiPartitionKey({"year": "2026", "region": "hallingdal"})
    assert str(request.partition_key) == "hallingdal|2026"
    # Keyed on the content: the same bytes under a new mtime are the same delivery.
    sha256 = hashlib.sha256(b"a;b\r\n1;2\r\n").hexdigest()
    assert request.run_key == f"hallingdal/2026/clients.csv:{sha256}"
    assert json.loads(second.cursor)["hallingdal/2026/clients.csv"][2] == sha256
    assert set(json.loads(second.cursor)) == {
        "hallingdal/2026/clients.csv",
        "hallingdal/1999/clients.csv",
        "atlantis/2026/clients.csv",
    }


def _tick(instance, cursor):
    from orchestration.definitions import defs
    from orchestration.defs.operators.sensors import landing_sensor

    return landing_sensor(dg.build_sensor_context(instance, cursor=cursor, definitions=defs))


def test_a_delivery_whose_run_failed_is_retried_once_the_key_is_configured(
    tmp_path, monkeypatch, dbt_manifest
):
    """The run of a landed file fails (no pseudonym key). Dagster skips a run key it has seen, so
    a key of name, size and mtime never ran again until someone touched the file. Now the next
    tick after the key is configured requests a second attempt, the file untouched, and it loads."""
    import duckdb

    from ingestion.paths import OPERATOR_SAMPLE_DIR
    from orchestration.defs.common.resources import WarehouseResource
    from orchestration.defs.operators.assets import raw_operators

    landing = tmp_path / "landing"
    monkeypatch.setenv("ETABLERER_LANDING_DIR", str(landing))
    monkeypatch.setenv("ETABLERER_ARCHIVE_DIR", str(tmp_path / "archive"))
    db = tmp_path / "warehouse" / "etablerer.duckdb"
    monkeypatch.setenv("ETABLERER_DUCKDB_PATH", str(db))
    monkeypatch.delenv("ETABLERER_PSEUDONYM_KEY")
    clients = (OPERATOR_SAMPLE_DIR / "hallingdal" / "2026" / "clients.csv").read_bytes()
    drop_file(landing, "hallingdal", 2026, "clients.csv", clients, age_s=SETTLE_SECONDS + 5)
    instance = dg.DagsterInstance.ephemeral()

    def run(request):
        return dg.materialize(
            [raw_operators],
            partition_key=request.partition_key,
            instance=instance,
            tags=request.tags,
            resources={"warehouse": WarehouseResource()},
            raise_on_error=False,
        )

    cursor = _tick(instance, None).cursor
    (first,) = _tick(instance, cursor).run_requests
    failed = run(first)
    assert not failed.success
    (failure,) = failed.get_step_failure_events()
    assert failure.step_failure_data.error.cause.cls_name == "PseudonymKeyMissing"
    # The same settings: no new attempt before the back-off has passed.
    assert _tick(instance, cursor).run_requests == []
    monkeypatch.setenv("ETABLERER_PSEUDONYM_KEY", "a-secret-key-configured-after-the-failure")
    (second,) = _tick(instance, cursor).run_requests
    assert second.run_key == f"{first.run_key}#2"
    assert second.tags["etablerer/attempt"] == "2"
    assert run(second).success
    assert _tick(instance, cursor).run_requests == []  # loaded: nothing more to do
    with duckdb.connect(str(db), read_only=True) as con:
        (loaded,) = con.sql("select count(*) from raw.clients").fetchall()
    assert loaded == (clients.count(b"\n") - 1,)


def test_a_failed_delivery_is_retried_after_the_back_off_without_a_settings_change(monkeypatch):
    from orchestration.defs.operators.sensors import (
        delivery_run_request,
        retry_after_seconds,
    )

    instance = dg.DagsterInstance.ephemeral()
    path = Path("/landing/hallingdal/2026/clients.csv")
    first = delivery_run_request(instance, path, "ab" * 32, "settings", now=1000.0)
    run = instance.create_run_for_job(
        job_def=dg.GraphDefinition("g", node_defs=[]).to_job(), tags=first.tags
    )
    instance.report_run_failed(run)
    ended = instance.get_run_record_by_id(run.run_id).end_time
    assert retry_after_seconds(1) == 600 and retry_after_seconds(2) == 1200
    assert retry_after_seconds(20) == 24 * 60 * 60
    assert delivery_run_request(instance, path, "ab" * 32, "settings", now=ended + 599) is None
    again = delivery_run_request(instance, path, "ab" * 32, "settings", now=ended + 600)
    assert again is not None and again.tags["etablerer/attempt"] == "2"
