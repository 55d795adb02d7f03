"""Write docs/datakontrakt.md and docs/templates/ from the contract.

The page's example is a real `etablerer validate` run on the dirty synthetic clients file, so this
entry point lives beside the generator; `ingestion.operators.docgen` renders the rest.

    python -m samples.contract_docs          # writes into the repository
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from ingestion.operators.docgen import write_docs
from ingestion.operators.report import format_report
from ingestion.operators.validation import validate_file
from ingestion.paths import PROJECT_ROOT

from .operators import generate_dirty


def example_validate_output() -> str:
    """A real `etablerer validate` run on a small dirty file, reproducible from the seed."""
    with tempfile.TemporaryDirectory() as tmp:
        dirty = {f.kind: f for f in generate_dirty(Path(tmp))}
        report = validate_file(dirty["clients"].path, "clients", 2025)
        return format_report(report, display_name="klienter.csv")


def main() -> None:
    for path in write_docs(PROJECT_ROOT / "docs", example_output=example_validate_output()):
        print(path)


if __name__ == "__main__":
    main()
