"""Masking of values shown to users (`validate`) and kept in raw.quarantine: no run of eight or
more digits (fødselsnummer, phone, account) and no e-mail address, wherever it stands in a value."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from ingestion.operators import validate_file
from ingestion.operators.cli import validate
from ingestion.operators.identifiers import mask_text, mask_value

from .conftest import ingest_into

# Eight or more digits with separators between them, as the masking must never leave.
DIGIT_RUN = re.compile(r"\d(?:[\s\-.]*\d)*")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def _shows_identifier(text: str) -> bool:
    longest = max((len(re.sub(r"\D", "", m)) for m in DIGIT_RUN.findall(text)), default=0)
    return longest >= 8 or EMAIL.search(text) is not None


@pytest.mark.parametrize(
    "value",
    [
        "Ring Ola på 955 15 627 eller 295080-28413",  # went to raw.quarantine in clear
        "955 15 627 (jobb)",  # a column shift printed by validate
        "295080-28413",
        "29.05.80.284.13",
        "29 05 80 284 13",
        "+47 955 15 627",
        "95515627",
        "tlf. 95 51 56 27",
        "kontonr 1503.12.34567",
        "ola.nordmann@example.no",
        "Kontakt ola.nordmann@example.no eller kari@example.no i dag",
        "Ola <ola@example.no>",
        "x" * 70 + " 29508028413",  # the 80-character cut must not leave a part in clear
    ],
)
@pytest.mark.parametrize("pii", [None, "national_id", "drop", "client_id"])
def test_no_identifier_survives_masking(value: str, pii: str | None) -> None:
    masked = mask_value(value, pii)
    assert not _shows_identifier(masked), (value, pii, masked)


def test_ordinary_values_are_shown_as_delivered() -> None:
    """What the operator needs to find the row: dates, codes, short numbers, amounts."""
    for value in ("31.02.2025", "05.01.2026", "2025-03-03", "2025-03-03 00:00:00", "605", "19x0"):
        assert mask_value(value, None) == value
    assert mask_value("1 250 000,50", None) == "1 250 000,50"
    assert mask_value("facebook", None) == "facebook"
    # Dates inside other text are masked: the value is then not a date anyway.
    assert mask_value("møte 23.01.2025", None) == "møte ***********"


def test_masking_keeps_the_documented_forms() -> None:
    assert mask_value("01019012345", "national_id") == "010190*****"
    assert mask_value("1019012345", "national_id") == "101901*****"  # Excel ate the leading 0
    assert mask_value("ring 01019012345", None) == "ring ***********"
    assert mask_value("Ring Ola på 955 15 627 eller 295080-28413", None) == (
        "Ring Ola på *********** eller ***********"
    )
    assert mask_value("Kontakt ola@example.no", None) == "Kontakt ***@***"


def test_a_national_id_field_shows_no_part_of_a_phone_number_or_name() -> None:
    """The first six digits are the birth date of a fødselsnummer, but most of a phone number."""
    assert mask_value("955 15 627", "national_id") == "******27"
    assert mask_value("Kari Nordmann", "national_id") == "K***"
    assert mask_value("kari@example.no", "national_id") == "k***@***"


def test_mask_text_masks_without_cutting() -> None:
    text = "Fant: K-0001, 01418010181, Kari, kari@example.no, 912 34 567, " + "x" * 80
    assert mask_text(text) == "Fant: K-0001, ***********, Kari, ***@***, ***********, " + "x" * 80


CLIENTS_HEADER = (
    "Klient-ID;Fødselsnummer;Navn;E-post;Telefon;Kommunenummer;Kjønn;Fødselsår;"
    "Innvandrerbakgrunn;Første kontakt;Henvist av"
)


def _shifted_clients(tmp_path: Path) -> Path:
    path = tmp_path / "ringeriksregionen" / "2025" / "klienter.csv"
    path.parent.mkdir(parents=True)
    rows = [
        "K-0001;;Ola;;;955 15 627 (jobb);M;1990;nei;15.01.2025;Ring Ola på 955 15 627 eller "
        "295080-28413",
        "K-0002;;Kari;;;3305;kari.nordmann@example.no;1990;nei;15.01.2025;selv",
        "K-0003;;Per;;;3305;M;1990;se per@example.no, tlf 91234567;15.01.2025;selv",
        "K-0004;;Åse;;;3305;K;1990;nei;15.01.2025;selv",
    ]
    path.write_text("\n".join([CLIENTS_HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def test_validate_output_shows_no_identifier(tmp_path: Path) -> None:
    path = _shifted_clients(tmp_path)
    report = validate_file(path, "clients", 2025)
    assert {(e.line, e.column) for e in report.errors} == {
        (2, "municipality_code"),
        (2, "referred_by"),
        (3, "sex"),
        (4, "immigrant_background"),
    }
    result = CliRunner().invoke(validate, [str(path), "--kind", "clients", "--year", "2025"])
    assert result.exit_code == 1
    assert "kolonne «Kommunenummer»: verdi «*********** (jobb)»" in result.output
    assert not _shows_identifier(result.output), result.output


def test_quarantine_holds_no_identifier(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    result = ingest_into(tmp_path, _shifted_clients(tmp_path), "clients")
    assert (result.loaded, result.rejected) == (1, 3)
    with duckdb.connect(str(db), read_only=True) as con:
        values = con.execute("select value_masked from raw.quarantine").fetchall()
    assert len(values) == 4
    for (value,) in values:
        assert not _shows_identifier(value), value


def test_headers_and_file_errors_shown_to_the_user_are_masked(tmp_path: Path) -> None:
    """A file without its header row: its first record becomes the headers the reader names."""
    path = tmp_path / "klienter.csv"
    path.write_text(
        "K-0001;01418010181;Kari Nordmann;kari@example.no;912 34 567;3305;K;1990;nei;"
        "15.01.2025;selv\n",
        encoding="utf-8",
    )
    report = validate_file(path, "clients", 2025)
    assert report.file_error is not None and "Påkrevde kolonner mangler" in report.file_error
    assert not _shows_identifier(report.file_error), report.file_error
    # Unknown columns are listed in a note.
    extra = tmp_path / "klienter2.csv"
    extra.write_text(
        CLIENTS_HEADER + ";01418010181;kari@example.no\n"
        "K-0001;;Kari;;;3305;K;1990;nei;15.01.2025;selv;;\n",
        encoding="utf-8",
    )
    report = validate_file(extra, "clients", 2025)
    assert report.notes and "Ukjente kolonner" in report.notes[0]
    assert not _shows_identifier(" ".join(report.notes)), report.notes
