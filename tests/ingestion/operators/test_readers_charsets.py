"""readers: files an operator's Excel or editor may produce that used to get the wrong advice
(«Legg til overskriftsraden»): UTF-16 text (Excel's «Unicode-tekst»), a file that mixes UTF-8
and Windows-1252, and a workbook whose first sheet is not the data."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
import xlsxwriter
from click.testing import CliRunner

from ingestion.operators import validate_file
from ingestion.operators.cli import validate
from ingestion.operators.contract import schema_for
from ingestion.operators.readers import FileUnreadable, read_table
from ingestion.paths import OPERATOR_SAMPLE_DIR

SAMPLE = OPERATOR_SAMPLE_DIR / "ringeriksregionen" / "2026"
CLIENTS = schema_for("clients")


def _sample_rows(kind: str) -> list[list[str]]:
    """A Windows-1252 sample file with `;`, as rows of fields, the header first."""
    text = (SAMPLE / f"{kind}.csv").read_bytes().decode("cp1252")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


def _as_text(rows: list[list[str]], separator: str) -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=separator, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def _validate_cli(path: Path, *extra: str):
    return CliRunner().invoke(validate, [str(path), "--kind", "clients", "--year", "2026", *extra])


# --- 1. UTF-16 ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("codec", "bom", "expected_encoding"),
    [
        ("utf-16-le", b"\xff\xfe", "utf-16"),  # Excel's «Unicode-tekst»
        ("utf-16-le", b"", "utf-16-le"),
        ("utf-16-be", b"", "utf-16-be"),
    ],
)
def test_utf16_text_with_tabs_is_validated_like_the_same_text_in_utf8(
    tmp_path: Path, codec: str, bom: bytes, expected_encoding: str
) -> None:
    rows = _sample_rows("clients")
    bad_municipality = [*rows[1][:5], "9999", *rows[1][6:]]
    bad_municipality[0] = "RR-99999"
    text = _as_text([*rows, bad_municipality], "\t")
    (tmp_path / "utf8").mkdir()
    (tmp_path / "utf16").mkdir()
    utf8 = tmp_path / "utf8" / "clients.csv"
    utf8.write_bytes(text.encode("utf-8"))
    utf16 = tmp_path / "utf16" / "clients.csv"
    utf16.write_bytes(bom + text.encode(codec))

    table = read_table(utf16, CLIENTS)
    assert (table.encoding, table.separator, table.frame.height) == (expected_encoding, "\t", 251)

    expected, got = validate_file(utf8, "clients", 2026), validate_file(utf16, "clients", 2026)
    assert (got.rows_in, got.valid_rows, got.rejected_rows) == (251, 250, 1)
    assert (got.rows_in, got.valid_rows, got.rejected_rows) == (
        expected.rows_in,
        expected.valid_rows,
        expected.rejected_rows,
    )
    assert [(e.line, e.reason_code) for e in got.errors] == [(252, "invalid_municipality")]
    assert [(e.line, e.reason_code) for e in expected.errors] == [(252, "invalid_municipality")]

    result = _validate_cli(utf16)
    assert result.exit_code == 1, result.output
    format_line = next(line for line in result.output.splitlines() if line.startswith("Format:"))
    assert "utf-16" in format_line.lower()
    assert "251 rader lest, 250 godkjent, 1 avvist" in result.output


# --- 2. UTF-8 and Windows-1252 mixed ------------------------------------------------------


@pytest.mark.parametrize(("utf8_line", "seen", "meant"), [(1, "Ã¸", "ø"), (7, "Ã˜", "Ø")])
def test_a_file_mixing_utf8_and_windows_1252_is_refused_as_such(
    tmp_path: Path, utf8_line: int, seen: str, meant: str
) -> None:
    """The file is Windows-1252 except one line saved as UTF-8: decoded as Windows-1252 that line
    shows «Ã¸» for «ø»: the header «FÃ¸dselsnummer», or «Ã˜» in a name on line 7."""
    lines = _as_text(_sample_rows("clients"), ";").split("\r\n")
    path = tmp_path / "clients.csv"
    path.write_bytes(
        b"\r\n".join(
            line.encode("utf-8" if number == utf8_line else "cp1252")
            for number, line in enumerate(lines, start=1)
        )
    )
    with pytest.raises(FileUnreadable) as caught:
        read_table(path, CLIENTS)
    message = str(caught.value)
    assert message.startswith(f"clients.csv, linje {utf8_line}: filen blander tegnsett")
    assert "UTF-8 og Windows-1252" in message and "«CSV UTF-8»" in message
    assert f"«{seen}» står der det skulle stått «{meant}»" in message
    assert "overskriftsraden" not in message
    # No value from the line (a name) is quoted.
    assert not any(len(value) > 2 and value in message for value in lines[utf8_line - 1].split(";"))

    result = _validate_cli(path)
    assert result.exit_code == 2
    assert "Filen kan ikke leses: clients.csv" in result.output


def test_letters_that_only_look_like_mixed_charsets_are_read(tmp_path: Path) -> None:
    """An «Ã» before an ordinary letter (JOÃO) is text, not UTF-8 read as Windows-1252."""
    rows = _sample_rows("clients")
    rows[1][2] = "JOÃO SØRBØ"
    for encoding in ("utf-8", "cp1252"):
        path = tmp_path / f"clients_{encoding}.csv"
        path.write_bytes(_as_text(rows, ";").encode(encoding))
        assert read_table(path, CLIENTS).frame.height == 250


# --- 3. Workbooks whose first sheet is not the data ---------------------------------------


def _workbook(path: Path, sheets: dict[str, list[list[str]]]) -> Path:
    workbook = xlsxwriter.Workbook(str(path))
    for name, rows in sheets.items():
        sheet = workbook.add_worksheet(name)
        for number, row in enumerate(rows):
            sheet.write_row(number, 0, row)
    workbook.close()
    return path


INSTRUCTIONS = [["Slik fyller du ut arket"], ["Én rad per klient. Se docs/datakontrakt.md."]]


@pytest.mark.parametrize(
    ("sheets", "exit_code", "expected"),
    [
        (("Veiledning", "Klienter", "Kurs"), 0, "250 rader lest, 250 godkjent, 0 avvist"),
        (
            ("Veiledning", "Notater"),
            2,
            "Ingen av arkene har datakontraktens overskrifter for klienter (clients)",
        ),
        (
            ("Veiledning", "Klienter", "Klienter i fjor"),
            2,
            "Flere ark har datakontraktens overskrifter for klienter (clients): "
            "«Klienter», «Klienter i fjor»",
        ),
    ],
)
def test_a_workbook_with_instructions_first_is_read_from_its_data_sheet(
    tmp_path: Path, sheets: tuple[str, ...], exit_code: int, expected: str
) -> None:
    content = {
        "Veiledning": INSTRUCTIONS,
        "Notater": [["Notat"], ["Levert i januar"]],
        "Klienter": _sample_rows("clients"),
        "Klienter i fjor": _sample_rows("clients")[:3],
        # Shares «Kommunenummer» and «Startdato» with clients, but not its required columns.
        "Kurs": _sample_rows("courses"),
    }
    path = _workbook(tmp_path / "clients.xlsx", {name: content[name] for name in sheets})
    result = _validate_cli(path)
    assert result.exit_code == exit_code, result.output
    assert expected in result.output
    if exit_code == 2:
        listed = ", ".join(f"«{name}»" for name in sheets)
        assert f"Arkene i filen er: {listed}." in result.output
        assert "--sheet «navn»" in result.output
        assert "overskriftsraden" not in result.output
