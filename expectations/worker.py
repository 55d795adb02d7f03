"""Suites in a warm worker process.

Importing GX is slow, and so is writing a suite's Data Docs (docs/performance.md, "Costs the code
works around"). A command that will run suites later calls `start_worker()` first: a spawned
process imports GX on the other core while the caller loads Dagster, dbt's manifest and the raw
data, and `run_suite_in_worker` then costs the validation alone. The verdict comes back before
the suite's Data Docs are written: the worker writes them once no suite has come for
`DOCS_WHEN_IDLE_S`, while dbt or the reports run, and `stop_worker` waits for them. Without a
worker (the Dagster UI, tests), or if the worker dies, suites run in this process, Data Docs
included.
"""

from __future__ import annotations

import atexit
import gc
import logging
import multiprocessing
import os
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from expectations.result import SuiteResult
from expectations.runner import build_deferred_docs, import_gx, run_suite

log = logging.getLogger(__name__)

# Seconds without a new suite before the worker writes the Data Docs it owes. Check steps follow
# each other almost at once (docs/performance.md); a gap this long means other work has started.
DOCS_WHEN_IDLE_S = 0.5

_worker: ProcessPoolExecutor | None = None
_docs_timer: threading.Timer | None = None
_docs_builds: list[Future] = []
_lock = threading.Lock()


def start_worker() -> None:
    """Start the worker and its GX import; returns at once. Idempotent."""
    global _worker
    if _worker is None:
        # spawn, not fork: the caller may already hold threads (Dagster, DuckDB).
        _worker = ProcessPoolExecutor(
            max_workers=1,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_prepare_worker,
        )
        _worker.submit(import_gx)  # queued first: later suites find GX loaded


def _prepare_worker() -> None:
    _skip_final_collection()
    _end_with_the_parent()


def _skip_final_collection() -> None:
    """In the worker: freeze its objects as it exits, so that Python's last garbage collection
    does not walk GX's and pandas' objects while `stop_worker` waits (docs/performance.md)."""
    atexit.register(gc.freeze)


def _end_with_the_parent() -> None:
    """In the worker: end when the process that started it ends. Killed alone (SIGKILL, the OOM
    killer), `etablerer run` would leave its worker waiting for the next suite for ever, with GX in
    memory. multiprocessing gives every child a sentinel of its parent."""
    threading.Thread(
        target=_exit_after, args=[multiprocessing.parent_process()], daemon=True
    ).start()


def _exit_after(parent: multiprocessing.process.BaseProcess) -> None:
    parent.join()
    os._exit(1)


def stop_worker() -> None:
    """Let the worker write the Data Docs it owes, then stop it."""
    global _worker
    _cancel_docs_timer()
    with _lock:
        worker, _worker = _worker, None
    if worker is None:
        return
    try:
        _docs_builds.append(worker.submit(build_deferred_docs))
    except BrokenProcessPool:
        pass
    worker.shutdown(wait=True)
    for build in _docs_builds:
        if build.exception() is not None:
            log.warning("GX Data Docs ble ikke skrevet: %s", build.exception())
    _docs_builds.clear()


def run_suite_in_worker(name: str, db_path: Path, **options: Any) -> SuiteResult:
    """`run_suite` in the warm worker when there is one, else here."""
    _cancel_docs_timer()
    worker = _worker
    if worker is not None:
        try:
            result = worker.submit(run_suite, name, db_path, defer_docs=True, **options).result()
        except BrokenProcessPool:
            stop_worker()  # the worker died (killed, out of memory): carry on without it
        else:
            _start_docs_timer()
            return result
    return run_suite(name, db_path, **options)


def _start_docs_timer() -> None:
    global _docs_timer
    timer = threading.Timer(DOCS_WHEN_IDLE_S, _build_docs_in_worker)
    timer.daemon = True
    with _lock:
        _docs_timer = timer
    timer.start()


def _cancel_docs_timer() -> None:
    with _lock:
        if _docs_timer is not None:
            _docs_timer.cancel()


def _build_docs_in_worker() -> None:
    with _lock:
        if _worker is not None:
            try:
                _docs_builds.append(_worker.submit(build_deferred_docs))
            except (BrokenProcessPool, RuntimeError):
                pass  # the worker died or is stopping; stop_worker reports what was lost
