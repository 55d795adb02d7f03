"""The warm GX worker: the verdict first, the Data Docs when the worker is idle or stops."""

import time

import pytest

from expectations import worker
from tests.expectations.warehouse import YEAR
from tests.helpers import pids_left_after_killing


@pytest.fixture
def warm_worker():
    worker.start_worker()
    yield worker
    worker.stop_worker()


def _wait_for(path, seconds: float = 600) -> bool:
    """Until the file appears; the bound only ends a hung test (GX's Data Docs are slow to write
    on a busy machine)."""
    deadline = time.monotonic() + seconds
    while not path.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    return path.exists()


def _worker_done_with_what_it_was_given() -> None:
    """One worker process takes its tasks in order: once a task submitted now has run, so has
    everything the suites left in its queue."""
    worker._worker.submit(int).result()


def test_data_docs_follow_the_verdict_when_the_worker_is_idle(
    warm_worker, make_warehouse, raw_tables, tmp_path, monkeypatch
):
    db = make_warehouse(raw_tables)
    docs_dir = tmp_path / "gx_docs"
    monkeypatch.setattr(worker, "DOCS_WHEN_IDLE_S", 3600.0)
    clients = worker.run_suite_in_worker("raw_operators__clients", db, year=YEAR, docs_dir=docs_dir)
    assert clients.success
    assert clients.docs_path == docs_dir / "raw_operators__clients" / "index.html"
    _worker_done_with_what_it_was_given()
    assert not clients.docs_path.exists()  # owed, not written while suites may follow

    monkeypatch.setattr(worker, "DOCS_WHEN_IDLE_S", 0.1)
    courses = worker.run_suite_in_worker("raw_operators__courses", db, year=YEAR, docs_dir=docs_dir)
    # The worker is idle now: it writes both suites' Data Docs before anyone stops it.
    assert _wait_for(courses.docs_path)
    assert _wait_for(clients.docs_path)
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


STARTS_A_WORKER = """
import sys
from expectations import worker
worker.start_worker()
worker._worker.submit(int).result()  # the worker runs, GX imported
print(*worker._worker._processes, flush=True)
sys.stdin.read()
"""


def test_the_worker_ends_with_the_process_that_started_it():
    """`etablerer run` killed alone (SIGKILL, the OOM killer) left its worker waiting for the
    next suite for ever, with GX in memory."""
    assert pids_left_after_killing(STARTS_A_WORKER) == []
