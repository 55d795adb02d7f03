"""What a suite run returns: plain data, no GX objects, so callers need not import GX."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

# Dagster metadata values are capped in the UI; a long list of failures is cut here, not there.
_MAX_FAILURE_TEXT = 2_000


@dataclass(frozen=True)
class FailedExpectation:
    """One expectation that did not hold.

    `summary` is a short Norwegian sentence with the observed value, fit for a check's metadata.
    """

    expectation_type: str
    column: str | None
    table: str
    summary: str

    def describe(self) -> str:
        where = f"{self.table}.{self.column}" if self.column else self.table
        return f"{where} [{self.expectation_type}]: {self.summary}"


@dataclass
class SuiteResult:
    suite_name: str
    success: bool
    evaluated: int
    successful: int
    failed: list[FailedExpectation] = field(default_factory=list)
    docs_path: Path | None = None

    def as_metadata(self) -> dict[str, str | int | float]:
        """A flat dict for Dagster metadata (`success` is a bool, which is an int)."""
        failures = "\n".join(failed.describe() for failed in self.failed)
        if len(failures) > _MAX_FAILURE_TEXT:
            failures = failures[: _MAX_FAILURE_TEXT - 1] + "…"
        metadata: dict[str, str | int | float] = {
            "suite": self.suite_name,
            "success": self.success,
            "evaluated_expectations": self.evaluated,
            "successful_expectations": self.successful,
            "failed_expectations": len(self.failed),
            "failures": failures or "ingen",
        }
        if self.docs_path is not None:
            metadata["data_docs"] = str(self.docs_path)
        return metadata
