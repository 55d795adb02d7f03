"""The warm GX worker: the verdict first, the Data Docs when the worker is idle or stops."""

import time

import pytest

from expectations import worker
from tests.expectations.warehouse import YEAR


@pytest.fixture
def warm_worker():
    worker.start_worker()
    yield worker
    worker.stop_worker()


def _wait_for(path, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not path.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    return path.exists()


def test_data_docs_follow_the_verdict_when_the_worker_is_idle(
    warm_worker, make_warehouse, raw_tables, tmp_path, monkeypatch
):
    db = make_warehouse(raw_tables)
    docs_dir = tmp_path / "gx_docs"
    monkeypatch.setattr(worker, "DOCS_WHEN_IDLE_S", 3600.0)
    clients = worker.run_suite_in_worker("raw_operators__clients", db, year=YEAR, docs_dir=docs_dir)
    assert clients.success
    assert clients.docs_path == docs_dir / "raw_operators__clients" / "index.html"
    time.sleep(0.5)
    assert not clients.docs_path.exists()  # owed, not written while suites may follow

    monkeypatch.setattr(worker, "DOCS_WHEN_IDLE_S", 0.1)
    courses = worker.run_suite_in_worker("raw_operators__courses", db, year=YEAR, docs_dir=docs_dir)
    # The worker is idle now: it writes both suites' Data Docs before anyone stops it.
    assert _wait_for(courses.docs_path, 60)
    assert _wait_for(clients.docs_path, 5)
    assert "raw_operators__clients" in clients.docs_path.read_text(encoding="utf-8")


def test_stopping_the_worker_writes_the_data_docs_it_owes(
    make_warehouse, raw_tables, tmp_path, monkeypatch
):
    db = make_warehouse(raw_tables)
    monkeypatch.setattr(worker, "DOCS_WHEN_IDLE_S", 3600.0)
    worker.start_worker()
    try:
        result = worker.run_suite_in_worker(
            "raw_operators__finance", db, year=YEAR, docs_dir=tmp_path / "gx_docs"
        )
        assert not result.docs_path.exists()
    finally:
        worker.stop_worker()
    assert result.docs_path.exists()


def test_without_a_worker_the_data_docs_are_written_at_once(make_warehouse, raw_tables, tmp_path):
    db = make_warehouse(raw_tables)
    result = worker.run_suite_in_worker(
        "raw_operators__clients", db, year=YEAR, docs_dir=tmp_path / "gx_docs"
    )
    assert result.docs_path.exists()
