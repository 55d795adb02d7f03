"""The garbage collector of the platform's batch processes: `etablerer run`, and the dbt commands
it starts through `etablerer-dbt`.

Both hold a large heap that lives as long as the process (Dagster's definitions, dbt's manifest)
and make many short-lived objects (events, log lines). Python's defaults collect the youngest
objects every 700 allocations, and walk the whole heap at every hundredth collection and once more
at exit. What the collector cost a national run, and what this saves, is measured in
docs/performance.md (its section "Costs the code works around" says where).
"""

import atexit
import gc

# Young objects are collected every 10 000 allocations; collections of the older generations
# come at Python's usual ratios after that.
YOUNG_COLLECTION_THRESHOLD = 10_000


def tune_garbage_collector() -> None:
    """Collect less often, and skip the last collection at exit: it walks every object left, to
    free memory that the exiting process returns anyway. Frozen objects are not walked."""
    gc.set_threshold(YOUNG_COLLECTION_THRESHOLD, 10, 10)
    atexit.register(gc.freeze)
