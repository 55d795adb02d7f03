"""Files in the operators' own shape: the headers their systems export and a reproducible .xlsx.

The delivery templates (docgen) are written with these, and so is the synthetic sample
(`samples.operators`), which imports them from here: production code never imports `samples`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import xlsxwriter

# Headers as an operator's system writes them, by the contract's Norwegian column name. A name
# not listed is written as the column name with spaces, first letter capitalised.
PRETTY_HEADERS = {
    "klient_id": "Klient-ID",
    "fodselsnummer": "Fødselsnummer",
    "navn": "Navn",
    "e_post": "E-post",
    "telefon": "Telefon",
    "kommunenummer": "Kommunenummer",
    "kjonn": "Kjønn",
    "fodselsar": "Fødselsår",
    "innvandrerbakgrunn": "Innvandrerbakgrunn",
    "forste_kontakt": "Første kontakt",
    "henvist_av": "Henvist av",
    "malgruppe": "Målgruppe",
    "fullfort_kurs": "Fullført kurs",
    "arrangement_id": "Arrangement-ID",
    "opphort_dato": "Opphørt dato",
    "naeringskode": "Næringskode",
    "sporsmal": "Spørsmål",
    "belop": "Beløp",
    "mal": "Mål",
}


def pretty_header(column_no: str) -> str:
    """The header for the contract's Norwegian column name, e.g. `forste_kontakt` -> `Første
    kontakt`."""
    return PRETTY_HEADERS.get(column_no, column_no.replace("_", " ").capitalize())


def write_xlsx(
    path: Path, names: list[str], headers: list[str], rows: Iterable[dict], sheet: str = "Ark1"
) -> None:
    """One sheet: `headers`, then each row's values for `names`. Streams; the same rows give the
    same bytes."""
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    workbook.set_properties({"created": datetime(2025, 1, 1)})  # reproducible bytes
    sheet_ = workbook.add_worksheet(sheet)
    date_format = workbook.add_format({"num_format": "dd.mm.yyyy"})
    sheet_.write_row(0, 0, headers)
    for r, row in enumerate(rows, start=1):
        for c, name in enumerate(names):
            value = row.get(name)
            if value is None:
                continue
            if isinstance(value, bool):
                sheet_.write_string(r, c, "ja" if value else "nei")
            elif isinstance(value, date):
                sheet_.write_datetime(
                    r, c, datetime(value.year, value.month, value.day), date_format
                )
            elif isinstance(value, Decimal | int):
                sheet_.write_number(r, c, float(value))
            else:
                sheet_.write_string(r, c, str(value))
    workbook.close()
