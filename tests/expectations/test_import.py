"""`expectations` is Dagster-free and cheap to import."""

import subprocess
import sys

from tests.helpers import PROJECT_ROOT


def test_import_pulls_in_neither_dagster_nor_gx():
    probe = (
        "import sys, expectations; "
        "print(sorted(m for m in ('dagster', 'great_expectations') if m in sys.modules)); "
        "print(len(expectations.SUITE_NAMES))"
    )
    completed = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    loaded, suite_count = completed.stdout.split("\n")[:2]
    assert loaded == "[]"
    assert suite_count == "11"
