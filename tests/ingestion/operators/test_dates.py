"""Dates need a four-digit year: polars' lenient parse read «23.1.25» as the year 25."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from ingestion.operators import validate_file

from .conftest import ingest_into

CLIENTS_HEADER = (
    "Klient-ID;Fødselsnummer;Navn;E-post;Telefon;Kommunenummer;Kjønn;Fødselsår;"
    "Innvandrerbakgrunn;Første kontakt;Henvist av"
)
# (first contact as delivered, whether it is a valid date)
FIRST_CONTACTS = [
    ("23.1.25", False),  # two-digit year: was 0025-01-23
    ("23.01.25", False),
    ("25-01-23", False),  # ISO with a two-digit year: was 0025-01-23
    ("23.01.0025", False),  # four digits, but no date of this service is before 1900
    ("0025-01-23", False),
    ("01.01.1899", False),
    ("23.01.202", False),
    ("1.1.20255", False),
    ("5.1.2025", True),  # one-digit day and month are fine
    ("05.01.2025", True),
    ("2025-01-05", True),
    ("2025-1-5", True),
    ("2025-01-05 00:00:00", True),  # an Excel date cell
    ("01.01.1900", True),
]


def _clients_file(tmp_path: Path) -> Path:
    rows = [
        f"K-{i:04d};;Kari Nordmann;;;3305;K;1990;nei;{first_contact};selv"
        for i, (first_contact, _) in enumerate(FIRST_CONTACTS, start=1)
    ]
    path = tmp_path / "ringeriksregionen" / "2025" / "klienter.csv"
    path.parent.mkdir(parents=True)
    path.write_text("\n".join([CLIENTS_HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def test_a_date_without_a_four_digit_year_is_rejected(tmp_path: Path) -> None:
    report = validate_file(_clients_file(tmp_path), "clients", 2025)
    rejected = {e.value: e.reason_code for e in report.errors if e.column == "first_contact_date"}
    expected = {value: "invalid_date" for value, ok in FIRST_CONTACTS if not ok}
    assert rejected == expected
    assert report.valid_rows == sum(ok for _, ok in FIRST_CONTACTS)
    message = next(e.message for e in report.errors if e.value == "23.1.25")
    assert message == (
        "«Første kontakt» er ikke en gyldig dato. "
        "Skriv datoen som dd.mm.åååå (f.eks. 15.03.2025) eller åååå-mm-dd."
    )


def test_ingest_quarantines_two_digit_years_and_loads_no_year_25(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    result = ingest_into(tmp_path, _clients_file(tmp_path), "clients")
    assert (result.loaded, result.rejected) == (6, 8)
    with duckdb.connect(str(db), read_only=True) as con:
        earliest = con.execute("select min(first_contact_date) from raw.clients").fetchone()[0]
        quarantined = con.execute(
            "select value_masked, reason_code from raw.quarantine order by source_line"
        ).fetchall()
    assert earliest == date(1900, 1, 1)
    assert quarantined[0] == ("23.1.25", "invalid_date")
    assert {reason for _, reason in quarantined} == {"invalid_date"}


def test_a_registration_date_with_a_two_digit_year_is_rejected(tmp_path: Path) -> None:
    """«21.4.26» in an establishments file passed validation as 0026-04-21."""
    path = tmp_path / "etableringer.csv"
    path.write_text(
        "Klient-ID;Organisasjonsnummer;Registreringsdato;Organisasjonsform;Næringskode\n"
        "K-0001;974760673;21.4.26;ENK;62.010\n"
        "K-0002;974760673;21.4.2026;ENK;62.010\n",
        encoding="utf-8",
    )
    report = validate_file(path, "establishments", 2026)
    assert [(e.line, e.column, e.value, e.reason_code) for e in report.errors] == [
        (2, "registration_date", "21.4.26", "invalid_date")
    ]
    assert report.valid_rows == 1
