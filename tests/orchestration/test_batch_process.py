"""The collector settings of `etablerer run` and its dbt commands
(orchestration/batch_process.py)."""

import subprocess
import sys

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
