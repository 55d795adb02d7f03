"""Shared hypothesis settings and the input counter for the fuzzers."""

from __future__ import annotations

from hypothesis import HealthCheck, settings

from tests.e2e.reliability.figures import count, soak


def fuzz_settings(examples: int) -> settings:
    """`examples` per property in `make test`; 20 times as many with ETABLERER_SOAK=1."""
    return settings(
        max_examples=examples * (20 if soak() else 1),
        deadline=None,
        derandomize=not soak(),  # CI: the same inputs every run; soak: new ones each time
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        database=None,
    )


def tried(outcome: str | None = None) -> None:
    """One fuzz input went through; outcome is "loaded" or "error" when it is one of those."""
    count("fuzz_inputs")
    if outcome == "loaded":
        count("fuzz_loaded")
    elif outcome == "error":
        count("fuzz_clear_errors")
