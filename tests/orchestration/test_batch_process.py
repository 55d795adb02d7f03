"""The collector settings of `etablerer run` and of the dbt commands it starts
(orchestration/batch_process.py)."""

import subprocess
import sys
from pathlib import Path

from orchestration.defs.dbt.resources import DBT_EXECUTABLE

# An exit handler registered before the tuning runs after its freeze (they run last in, first out).
FROZEN_AT_EXIT = """
import atexit, gc
atexit.register(lambda: print("thresholds", gc.get_threshold(), "frozen", gc.get_freeze_count()))
from orchestration.batch_process import tune_garbage_collector
tune_garbage_collector()
"""


def test_a_tuned_process_collects_young_objects_less_often_and_freezes_its_heap_at_exit():
    printed = subprocess.run(
        [sys.executable, "-c", FROZEN_AT_EXIT], capture_output=True, text=True, check=True
    ).stdout
    thresholds, frozen = printed.split(" frozen ")
    assert thresholds == "thresholds (10000, 10, 10)"
    assert int(frozen) > 1000  # the interpreter's and the imported modules' objects


def test_the_dbt_resource_runs_dbt_through_the_tuned_command_line():
    assert Path(DBT_EXECUTABLE).name == "etablerer-dbt"
    help_text = subprocess.run(
        [DBT_EXECUTABLE, "--help"], capture_output=True, text=True, check=True
    ).stdout
    assert "An ELT tool for managing your SQL transformations" in help_text


def test_dbt_exit_codes_reach_dagster_dbt_unchanged():
    # dagster-dbt tells a failed dbt command by its exit code: 2 is dbt's "could not run".
    unknown = subprocess.run([DBT_EXECUTABLE, "no-such-command"], capture_output=True)
    assert unknown.returncode == 2
