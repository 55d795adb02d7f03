"""Reliability tests: crash, concurrency and PII-leak figures printed at the end of the run."""

from __future__ import annotations

from tests.e2e.reliability.figures import FIGURES, LABELS, soak


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not FIGURES:
        return
    mode = "soak (ETABLERER_SOAK=1)" if soak() else "default"
    terminalreporter.section(f"reliability figures, {mode} mode")
    for key, label in LABELS.items():
        if key in FIGURES or (key == "leaks_found" and "artefacts_scanned" in FIGURES):
            terminalreporter.write_line(f"{label:.<62} {FIGURES.get(key, 0):>7}")
