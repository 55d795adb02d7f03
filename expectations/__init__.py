"""Great Expectations suites for the raw layer and the marts, as code and Dagster-free.

    from expectations import run_suite
    result = run_suite("raw_ssb__population", warehouse_path(), docs_dir=Path("gx_docs/run1"))

Importing this package does not import GX or dagster and has no side effects; GX is imported
on the first `run_suite` call, which sets `GX_ANALYTICS_ENABLED=False` first. Thresholds live
in `expectations.thresholds`.
"""

from expectations.result import FailedExpectation, SuiteResult
from expectations.runner import SUITE_NAMES, run_suite

__all__ = ["SUITE_NAMES", "FailedExpectation", "SuiteResult", "run_suite"]
