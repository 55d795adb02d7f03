"""A run killed mid-step must not hold the warehouse pool forever (found by the crash tests)."""

import os
import socket
import subprocess
import sys

import dagster as dg

from orchestration.cli import RUN_HOST_TAG, RUN_PID_TAG, recover_interrupted_runs

POOL = "duckdb_writer"


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def started_run(instance: dg.DagsterInstance, pid: int) -> dg.DagsterRun:
    run = dg.DagsterRun(
        job_name="yearly_pipeline_job",
        status=dg.DagsterRunStatus.STARTED,
        tags={RUN_PID_TAG: str(pid), RUN_HOST_TAG: socket.gethostname()},
    )
    instance.add_run(run)
    return run


def test_a_dead_runs_slot_is_freed_and_the_run_marked_failed(tmp_path):
    with dg.instance_for_test(temp_dir=str(tmp_path)) as instance:
        storage = instance.event_log_storage
        storage.set_concurrency_slots(POOL, 1)
        dead = started_run(instance, dead_pid())
        alive = started_run(instance, os.getppid())
        storage.claim_concurrency_slot(POOL, dead.run_id, "raw_operators")

        assert recover_interrupted_runs(instance) == [dead.run_id]

        assert instance.get_run_by_id(dead.run_id).status == dg.DagsterRunStatus.FAILURE
        assert instance.get_run_by_id(alive.run_id).status == dg.DagsterRunStatus.STARTED
        assert storage.get_concurrency_info(POOL).claimed_slots == []
