from __future__ import annotations

import subprocess
import sys


def test_import_has_no_dagster_and_no_side_effects() -> None:
    code = (
        "import sys, ingestion.operators, ingestion.operators.cli;"
        "print('dagster' in sys.modules, ingestion.operators.KINDS[0])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False clients"
