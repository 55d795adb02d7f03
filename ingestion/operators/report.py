"""The readable Norwegian report printed by `etablerer validate`."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from .contract import schema_for

if TYPE_CHECKING:
    from .validation import ValidationReport

ENCODING_NAMES = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 med BOM",
    "cp1252": "Windows-1252",
    "utf-16": "UTF-16 (Excels «Unicode-tekst»)",
    "utf-16-le": "UTF-16 LE uten BOM",
    "utf-16-be": "UTF-16 BE uten BOM",
    "xlsx": "Excel (.xlsx)",
}
SEPARATOR_NAMES = {"\t": "tabulator"}
MAX_ERRORS_SHOWN = 200
REASON_LABELS = {
    "missing_required": "påkrevd felt mangler",
    "missing_conditional": "felt mangler for denne aktivitetstypen",
    "invalid_integer": "ikke et heltall",
    "invalid_decimal": "ugyldig tall",
    "invalid_date": "ugyldig dato",
    "invalid_boolean": "ikke ja/nei",
    "invalid_code": "verdi utenfor kodelisten",
    "invalid_municipality": "ukjent kommunenummer",
    "invalid_national_id": "ugyldig fødselsnummer/D-nummer",
    "invalid_org_number": "ugyldig organisasjonsnummer",
    "invalid_nace": "ugyldig næringskode",
    "negative_value": "negativt tall",
    "out_of_range": "utenfor gyldig område",
    "date_outside_year": "dato utenfor rapporteringsåret",
    "date_after_year": "dato etter rapporteringsåret",
    "date_outside_plan_window": "innsendingsdato utenfor planperioden",
    "date_order": "datoer i feil rekkefølge",
    "score_out_of_range": "svar utenfor skalaen",
    "scale_mismatch": "feil skala for spørsmålet",
    "duplicate_key": "duplikat",
    "unknown_reference": "ukjent klient eller kurs",
    "wrong_field_count": "feil antall felt i raden",
}


def format_report(report: ValidationReport, *, display_name: str | None = None) -> str:
    name = display_name or str(report.path)
    schema = schema_for(report.kind)
    lines = [f"Kontroll av {name}: {schema.no} ({report.kind}), rapporteringsår {report.year}"]
    if report.file_error is not None:
        lines += [
            "",
            f"Filen kan ikke leses: {report.file_error}",
            "",
            "Ingen rader er kontrollert.",
        ]
        return "\n".join(lines) + "\n"
    fmt = ENCODING_NAMES.get(report.encoding or "", report.encoding or "")
    if report.separator:
        fmt += f", skilletegn {SEPARATOR_NAMES.get(report.separator, f'«{report.separator}»')}"
    lines.append(f"Format: {fmt}")
    lines += [f"Merk: {note}" for note in report.notes]
    lines.append("")
    for err in report.errors[:MAX_ERRORS_SHOWN]:
        value = "(tom)" if err.value is None else f"«{err.value}»"
        column = err.header if err.header == err.column else f"{err.header}"
        lines.append(f"{name}, rad {err.line}, kolonne «{column}»: verdi {value}")
        lines.append(f"  {err.message}")
    if len(report.errors) > MAX_ERRORS_SHOWN:
        lines.append(f"… og {len(report.errors) - MAX_ERRORS_SHOWN} feil til (ikke vist).")
    if report.errors:
        lines.append("")
    lines.append(
        f"Oppsummering: {report.rows_in} rader lest, {report.valid_rows} godkjent, "
        f"{report.rejected_rows} avvist ({len(report.errors)} feil)."
    )
    for reason, count in sorted(Counter(e.reason_code for e in report.errors).items()):
        lines.append(f"  {REASON_LABELS.get(reason, reason)}: {count}")
    if report.rows_in == 0:
        lines.append(
            "Filen har ingen rader, bare overskrift, og kan ikke leveres: innlesingen avviser "
            "den, så den ikke tømmer dataene som er lest inn før. Eksporter på nytt med radene."
        )
    elif not report.deliverable:
        lines.append(
            "Ingen rader er godkjent, så filen kan ikke leveres: innlesingen avviser den, og "
            "dataene som er lest inn før står. Rett radene over og kontroller på nytt."
        )
    elif report.rejected_rows:
        lines.append(
            "Rett radene over i kildesystemet eller filen og kontroller på nytt. Ved innlesing "
            "lastes de godkjente radene, og de avviste legges i karantene med grunnen."
        )
    else:
        lines.append("Filen følger datakontrakten og kan leveres.")
    return "\n".join(lines) + "\n"
