"""The landing sensor takes a file only once it has stopped changing, once per content."""

import json
import os
import time

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
    first = landing_sensor(dg.build_sensor_context(cursor=None, definitions=defs))
    assert first.run_requests == []
    second = landing_sensor(dg.build_sensor_context(cursor=first.cursor, definitions=defs))
    (request,) = second.run_requests  # 1999 is not a report year, atlantis not a region
    assert request.partition_key == dg.MultiPartitionKey({"year": "2026", "region": "hallingdal"})
    assert str(request.partition_key) == "hallingdal|2026"
    config = request.run_config["ops"]["raw_operators"]["config"]
    assert config == {"source_dir": str(tmp_path)}
    assert set(json.loads(second.cursor)) == {
        "hallingdal/2026/clients.csv",
        "hallingdal/1999/clients.csv",
        "atlantis/2026/clients.csv",
    }
