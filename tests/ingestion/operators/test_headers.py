"""Header rows that would lose a column unnoticed, or echo a record (operators/readers.py)."""

from pathlib import Path

import pytest

from ingestion.operators.contract import schema_for
from ingestion.operators.readers import FileUnreadable, read_table
from ingestion.paths import OPERATOR_SAMPLE_DIR

CLIENTS = schema_for("clients")


def _clients_csv(tmp_path: Path, header: str, row: str) -> Path:
    path = tmp_path / "clients.csv"
    path.write_text(f"{header}\n{row}\n", encoding="utf-8")
    return path


def _header_and_row(**renamed: str) -> tuple[str, str]:
    sample = OPERATOR_SAMPLE_DIR / "ringeriksregionen" / "2026" / "clients.csv"
    lines = sample.read_bytes().decode("cp1252").splitlines()
    header = lines[0]
    for old, new in renamed.items():
        header = header.replace(old, new)
    return header, lines[1]


def test_a_misspelt_header_of_an_optional_column_stops_the_file(tmp_path):
    header, row = _header_and_row(Fødselsnummer="Fødselsnumer")
    with pytest.raises(FileUnreadable) as caught:
        read_table(_clients_csv(tmp_path, header, row), CLIENTS)
    assert "«Fødselsnumer» (mente du «fodselsnummer»?)" in str(caught.value)


def test_headers_unlike_any_in_the_contract_are_only_left_out(tmp_path):
    header, row = _header_and_row()
    table = read_table(_clients_csv(tmp_path, f"{header};Intern merknad", f"{row};x"), CLIENTS)
    assert table.unknown_columns == ["Intern merknad"]


def test_a_file_without_a_header_row_does_not_echo_its_first_record(tmp_path):
    _, row = _header_and_row()
    second = row.replace("RR-", "RR-X")
    with pytest.raises(FileUnreadable) as caught:
        read_table(_clients_csv(tmp_path, row, second), CLIENTS)
    message = str(caught.value)
    assert "ser ut til å være data, ikke overskrifter" in message
    assert not any(value and value in message for value in row.split(";"))
