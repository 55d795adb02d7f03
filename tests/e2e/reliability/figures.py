"""The figures the reliability tests report at the end of the run (see conftest.py).

One process-wide counter: the fuzzers in tests/ingestion/fuzz and the crash, concurrency and leak
tests here add to it, and `pytest_terminal_summary` prints it.
"""

from __future__ import annotations

import os
from collections import Counter

FIGURES: Counter[str] = Counter()

# Labels for the summary, in print order.
LABELS: dict[str, str] = {
    "fuzz_inputs": "fuzz inputs tried",
    "fuzz_loaded": "  of which ended in loaded rows",
    "fuzz_clear_errors": "  of which ended in a clear (own-type) error",
    "identifier_cases": "identifier property cases",
    "crashes_ingest": "SIGKILLs injected into `etablerer ingest`",
    "crashes_ingest_recovered": "  recovered (opens, state intact, rerun = uninterrupted)",
    "crashes_ingest_before_commit": "  killed before the commit (old state kept)",
    "crashes_ingest_after_commit": "  killed after the commit (new state complete)",
    "crashes_run": "SIGKILLs injected into `etablerer run`",
    "crashes_run_recovered": "  recovered (opens, state intact, rerun = uninterrupted)",
    "concurrent_cases": "concurrent cases",
    "artefacts_scanned": "artefacts scanned for PII",
    "tables_scanned": "  of which tables read through SQL",
    "pii_patterns": "  identifier patterns searched for",
    "leaks_found": "leaks found",
}


def soak() -> bool:
    """ETABLERER_SOAK=1: many more fuzz inputs and kills (hours, not minutes)."""
    return os.environ.get("ETABLERER_SOAK") == "1"


def count(name: str, n: int = 1) -> None:
    FIGURES[name] += n
