"""`etablerer-dbt ARGS`: dbt's own command line (`dbt ARGS`), with the collector tuned as the
platform's other batch processes are (orchestration/batch_process.py).

dagster-dbt starts it as its `dbt_executable` for every dbt command, the same way whichever
process runs the asset: `etablerer run`, a run launched from the UI, or one the daemon starts for
a schedule or a sensor. It is installed beside the interpreter, so no activated venv is needed.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from orchestration.batch_process import tune_garbage_collector


def run_dbt(args: Sequence[str]) -> int:
    """dbt's command line, as its `dbt` script runs it; returns the exit code."""
    # Imported after the collector is tuned: dbt's import makes most of the heap.
    from dbt.cli.main import cli

    sys.argv = ["dbt", *args]
    try:
        cli.main(args=list(args), prog_name="dbt")
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else 1
    return 0


def main() -> None:
    tune_garbage_collector()
    sys.exit(run_dbt(sys.argv[1:]))
