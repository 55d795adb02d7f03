"""Variants of the Ringeriksregionen draft, made by replacements, and writers for .docx and .pdf.

Every replacement asserts that what it replaces is in the seed, so a changed seed fails here,
loudly, rather than making a variant that no longer tests anything.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from ingestion.agreements.reader import normalise
from ingestion.paths import DATA_DIR

SEED = DATA_DIR / "agreements" / "ringeriksregionen_2026-2028_utkast.txt"


def seed_text() -> str:
    return normalise(SEED.read_text(encoding="utf-8"))


def replaced(text: str, *pairs: tuple[str, str]) -> str:
    for old, new in pairs:
        assert old in text, f"the seed no longer has {old!r}"
        text = text.replace(old, new)
    return text


# Populations in the bundled (synthetic) SSB snapshot, 01222 Folketallet11 at 2025K1.
POPULATION = {"Hole": 7180, "Krødsherad": 2370, "Modum": 14470, "Ringerike": 37240}
BASIS_TOTAL = sum(POPULATION.values())  # 61 260 with Modum

CLEAN_TABLE = """Hole          7 180    10,00    71 800    71 800    71 800
Krødsherad    2 370    10,00    23 700    23 700    23 700
Modum         14 470   10,00    144 700   144 700   144 700
Ringerike     37 240   10,00    372 400   372 400   372 400
Buskerud fk   61 260   5,50     336 930   336 930   336 930
SUM                             949 530   949 530   949 530
Jevnaker      7 010    10,00    70 100    70 100    70 100
Akershus      7 010    5,50     38 555    38 555    38 555
SUM                             108 655   108 655   108 655
"""

SIGNATURES = """Sted og dato: Hønefoss, 15.12.2025

Buskerud fylkeskommune          Ringerike kommune
Navn: Kari Nordmann             Navn: Ola Nordmann

Akershus fylkeskommune          Nav
Navn: Per Hansen                Navn: Eva Olsen

Innovasjon Norge
Navn: Anne Berg
"""

CLEAN_CONFIG = f"""\
agreement_id: buskerud_etablerer_2026_2028_ringeriksregionen
illustrative: true
period: 2026-2028
parties: [Buskerud fylkeskommune, Akershus fylkeskommune, Ringerike, Hole, Krødsherad, Modum,
  Jevnaker]
funders:
  - {{name: Buskerud fylkeskommune, rate: 5.50}}
  - {{name: Akershus fylkeskommune, rate: 5.50}}
  - {{name: Ringerike, rate: 10.00}}
  - {{name: Hole, rate: 10.00}}
  - {{name: Krødsherad, rate: 10.00}}
  - {{name: Modum, rate: 10.00}}
  - {{name: Jevnaker, rate: 10.00}}
basis:
  funder: Buskerud fylkeskommune
  municipalities: [Hole, Krødsherad, Modum, Ringerike]
  stated_total: {BASIS_TOTAL}
  population_period: 2025K1
"""


def _table_lines(text: str) -> tuple[int, int]:
    start = text.index("Hole        \n")
    end = text.index("SUM", text.index("Akershus", start)) + len("SUM       \n")
    return start, end


def clean_text() -> str:
    """Every slip fixed: parties, basis with Modum, rates and amounts, names, references and
    signatures with names and a date."""
    text = replaced(
        seed_text(),
        (
            "Buskerud fylkeskommune og Ringerike kommune (på vegne av \n\nkommunene Hole, "
            "Krødsherad og Modum)",
            "Buskerud fylkeskommune, Akershus fylkeskommune og Ringerike kommune (på vegne av "
            "\n\nkommunene Hole, Krødsherad, Modum og Jevnaker)",
        ),
        ("i tillegg: (Denne listen kan forlenges og redigeres)", "i tillegg:"),
        (
            "• eks. Mentorordninger for innvandrere (skal vi redusere aktivitet kan \n"
            "denne sløyfes)",
            "• Mentorordninger for innvandrere",
        ),
        ("• eks. andre oppfølgingstiltak", "• Andre oppfølgingstiltak"),
        ("• eks.???? ", ""),
        ("5.4 NAV Vest-Viken:", "5.4 Nav sitt ansvar:"),
        ("5.4 1 Samarbeid", "5.4.1 Samarbeid"),
        (
            "Hole, Krødsherad \n\nog Ringerike kommune på 46790",
            f"Hole, Krødsherad, Modum \n\nog Ringerike kommune på {BASIS_TOTAL}",
        ),
        ("xxxxxxx kr", "336 930 kr"),
        ("til Viken fylkeskommune", "til Buskerud fylkeskommune"),
        ("forvaltningsloven 5 13", "forvaltningsloven § 13"),
        ("Innovasjon Norge 5 27", "Innovasjon Norge § 27"),
    )
    start, end = _table_lines(text)
    text = text[:start] + CLEAN_TABLE + text[end:]
    signature_start = text.index("Buskerud fylkeskommune      ", text.index("verneting"))
    return text[:signature_start] + SIGNATURES


def write_docx(path: Path, text: str) -> Path:
    """A minimal .docx: one paragraph per line; the funding table rows as a real Word table."""
    body = []
    lines = text.split("\n")
    table_rows = [line for line in lines if line.rstrip() and _is_table_line(line)]
    in_table = False
    for line in lines:
        if line in table_rows:
            if not in_table:
                body.append("<w:tbl>")
                in_table = True
            cells = [c for c in line.split("  ") if c.strip()] or [""]
            cells += [""] * (6 - len(cells))
            body.append(
                "<w:tr>"
                + "".join(
                    f"<w:tc><w:p><w:r><w:t>{escape(c.strip())}</w:t></w:r></w:p></w:tc>"
                    for c in cells
                )
                + "</w:tr>"
            )
            continue
        if in_table:
            body.append("</w:tbl>")
            in_table = False
        body.append(f'<w:p><w:r><w:t xml:space="preserve">{escape(line)}</w:t></w:r></w:p>')
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{''.join(body)}</w:body></w:document>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("word/document.xml", document)
    return path


def _is_table_line(line: str) -> bool:
    first = line.strip().split("  ")[0].strip()
    return first in {*POPULATION, "Buskerud fk", "SUM", "Jevnaker", "Akershus"}


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.document.main+xml"/></Types>'
)


def write_pdf(path: Path, text: str) -> Path:
    """A text PDF made with fpdf2 (a project dependency). Its core font is Latin-1, so the few
    characters outside it are replaced; nothing the rules look for depends on them."""
    from fpdf import FPDF

    latin1 = text.translate(str.maketrans({"•": "-", "–": "-", "«": '"', "»": '"', "û": "u"}))
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=8)
    for line in latin1.split("\n"):
        pdf.cell(0, 4, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path
