"""The operator page and templates are generated from the contract, byte for byte."""

from __future__ import annotations

from pathlib import Path

from ingestion.operators import KINDS, load_contract, validate_file
from ingestion.operators.docgen import render_markdown, write_templates
from ingestion.paths import PROJECT_ROOT
from samples.contract_docs import example_validate_output


def test_datakontrakt_md_is_regenerated_identically() -> None:
    committed = (PROJECT_ROOT / "docs" / "datakontrakt.md").read_text(encoding="utf-8")
    assert render_markdown(example_validate_output()) == committed
    assert "Oppsummering: 81 rader lest, 68 godkjent, 13 avvist" in committed


def test_templates_are_regenerated_identically(tmp_path: Path) -> None:
    written = write_templates(tmp_path)
    assert len(written) == 2 * len(KINDS)
    for path in written:
        committed = PROJECT_ROOT / "docs" / "templates" / path.name
        assert path.read_bytes() == committed.read_bytes(), path.name


def test_templates_pass_their_own_contract() -> None:
    """The example row of every template is valid (references aside), in CSV and in XLSX."""
    assert load_contract().version == 2
    for kind in KINDS:
        for suffix in (".csv", ".xlsx"):
            path = PROJECT_ROOT / "docs" / "templates" / f"{kind}{suffix}"
            report = validate_file(path, kind, 2025)
            assert (kind, suffix, report.rows_in, report.rejected_rows) == (kind, suffix, 1, 0)
