"""Suites in a warm worker process.

Importing GX takes about 5 s of one core. A command that will run suites later calls
`start_worker()` first: a spawned process imports GX on the other core while the caller loads
Dagster, dbt's manifest and the raw data, and `run_suite_in_worker` then costs the validation
alone. Without a worker (the Dagster UI, tests), or if the worker dies, suites run in this process.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from expectations.result import SuiteResult
from expectations.runner import import_gx, run_suite

_worker: ProcessPoolExecutor | None = None


def start_worker() -> None:
    """Start the worker and its GX import; returns at once. Idempotent."""
    global _worker
    if _worker is None:
        # spawn, not fork: the caller may already hold threads (Dagster, DuckDB).
        _worker = ProcessPoolExecutor(
            max_workers=1, mp_context=multiprocessing.get_context("spawn")
        )
        _worker.submit(import_gx)  # queued first: later suites find GX loaded


def stop_worker() -> None:
    global _worker
    if _worker is not None:
        _worker.shutdown(wait=True, cancel_futures=True)
    _worker = None


def run_suite_in_worker(name: str, db_path: Path, **options: Any) -> SuiteResult:
    """`run_suite` in the warm worker when there is one, else here."""
    if _worker is not None:
        try:
            return _worker.submit(run_suite, name, db_path, **options).result()
        except BrokenProcessPool:
            stop_worker()  # the worker died (killed, out of memory): carry on without it
    return run_suite(name, db_path, **options)
