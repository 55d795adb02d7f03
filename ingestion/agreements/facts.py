"""What the text states, read once for the rules: parties (§1), the funding table and the stated
population basis (§6), the agreement period, and the signature block.

The funding table is found by its rows, not by its clause number: a line that starts with a
municipality or county and holds nothing but numbers (or nothing) is a row. That is how a table
survives PDF-to-text («Hole» followed by blanks) and .docx (cells separated by tabs).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from .clauses import AgreementDocument
from .reference import Body, Mention, Reference

NUMBER = re.compile(r"\d{1,3}(?:[ .]\d{3})+(?:,\d+)?(?!\d)|\d+(?:[.,]\d+)?")
_CELL_SPLIT = re.compile(r"\t|\s{2,}")
_NUMERIC_REST = re.compile(r"(?:\s*(?:\d[\d ,.]*|kr\.?|,-|-|–|%))*\s*", re.IGNORECASE)
# «Sum år» is a column heading, not a row: only these words stand for a sum row.
_SUM_LABEL = re.compile(r"(?i)sum(?:\s+(?:kommuner|kommunene|totalt|i alt))?|totalt?|i alt")
_HEADER_COLUMNS = (
    re.compile(r"(?i)innbygger\w*|folketall\w*"),
    re.compile(r"(?i)stk\.?\s*pris|stykkpris|sats"),
    re.compile(r"(?i)sum\s+(?:år\s+)?20\d\d"),
)
_BASIS = re.compile(
    r"innbyggertall\s+(?:for|i)\s+(?P<names>.{3,200}?)\s+(?:på|er|av|med)\s+"
    r"(?P<total>\d{1,3}(?:[ .]\d{3})+|\d{3,})\s+innbyggere",
    re.DOTALL | re.IGNORECASE,
)
_QUARTER = re.compile(
    r"(?:pr\.?|per)\s*(?P<q>[1-4])\.\s*kvartal\s+(?P<y>20\d\d)|\bQ(?P<q2>[1-4])\s*/\s*(?P<y2>\d\d)\b",
    re.IGNORECASE,
)
_PERIOD = re.compile(
    r"fra\s+(?:\d{1,2}\.\s*[a-zæøå]+\s+)?(?P<a>20\d\d)\s+til\s+(?:\d{1,2}\.\s*[a-zæøå]+\s+)?"
    r"(?P<b>20\d\d)",
    re.IGNORECASE,
)
_TITLE_PERIOD = re.compile(r"(?P<a>20\d\d)\s*[-–]\s*(?P<b>20\d\d)")
DURATION_TITLE = re.compile(r"(?i)varighet|avtaleperiode|gyldighet")
DATE = re.compile(
    r"\b\d{1,2}\.\s?\d{1,2}\.\s?\d{2,4}\b|\b\d{4}-\d{2}-\d{2}\b|"
    r"\b\d{1,2}\.\s*(?:januar|februar|mars|april|mai|juni|juli|august|september|oktober|"
    r"november|desember)\s+\d{4}\b",
    re.IGNORECASE,
)
_PERSON = re.compile(r"(?:Navn:\s*)?[A-ZÆØÅ][a-zæøåéü'-]+(?:\s+[A-ZÆØÅ][a-zæøåéü.'-]+){1,3}")


def parse_number(text: str) -> Decimal | None:
    cleaned = re.sub(r"[ .](?=\d{3}(?!\d))", "", text).replace(",", ".")
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        return None


@dataclass(frozen=True)
class TableRow:
    label: str
    body: Body | None  # None for a sum row
    numbers: tuple[Decimal, ...]
    start: int

    @property
    def is_sum(self) -> bool:
        return self.body is None


@dataclass(frozen=True)
class FundingTable:
    rows: tuple[TableRow, ...]
    expected_columns: int | None  # from the header; None when it has none
    rate_column: int | None  # position of «Stkpris» among the header's columns

    def bodies(self) -> list[Body]:
        return list(dict.fromkeys(r.body for r in self.rows if r.body is not None))


@dataclass(frozen=True)
class BasisStatement:
    municipalities: tuple[Mention, ...]
    total: int
    start: int
    end: int
    population_period: str | None


@dataclass(frozen=True)
class Period:
    first_year: int
    last_year: int
    start: int  # offset of the statement


@dataclass(frozen=True)
class SignatureBlock:
    start: int
    text: str
    bodies: tuple[Mention, ...]
    dates: int
    signatories: int


@dataclass
class Facts:
    parties: list[Mention] = field(default_factory=list)  # bodies named in §1
    parties_clause: tuple[int, int] | None = None
    table: FundingTable | None = None
    basis: BasisStatement | None = None
    period: Period | None = None
    signatures: SignatureBlock | None = None

    def party_bodies(self) -> list[Body]:
        return list(dict.fromkeys(m.body for m in self.parties))


def read_facts(document: AgreementDocument, reference: Reference) -> Facts:
    facts = Facts()
    facts.parties_clause = document.top_level("1")
    if facts.parties_clause:
        start, end = facts.parties_clause
        facts.parties = reference.mentions(document.text[start:end], start)
    facts.table = _funding_table(document, reference)
    facts.basis = _basis(document, reference)
    facts.period = _period(document)
    facts.signatures = _signatures(document, reference)
    return facts


def _table_row(line: str, start: int, reference: Reference) -> TableRow | None:
    cells = [c for c in _CELL_SPLIT.split(line.strip()) if c.strip()]
    if not cells:
        return None
    head = re.match(r"(?P<label>[^\d]+?)\s*(?P<rest>\d.*)?$", cells[0])
    if head is None:
        return None
    label = head["label"].strip()
    # Cells apart (tabs, wide spaces) are read one by one, so «144 700   144 700» stays two
    # amounts; only numbers within one cell are read with thousands separators.
    rest_cells = [head["rest"] or "", *cells[1:]]
    if not all(_NUMERIC_REST.fullmatch(cell) for cell in rest_cells):
        return None
    body = reference.resolve(label)
    if body is None and not _SUM_LABEL.fullmatch(label):
        return None
    if body is not None and not body.funds:
        return None
    numbers = tuple(
        number
        for cell in rest_cells
        for number in (parse_number(m) for m in NUMBER.findall(cell))
        if number is not None
    )
    return TableRow(label, body, numbers, start)


def _funding_table(document: AgreementDocument, reference: Reference) -> FundingTable | None:
    limit = document.signature_start or len(document.text)
    rows: list[TableRow] = []
    for match in re.finditer(r"^[^\n]*$", document.text[:limit], re.MULTILINE):
        row = _table_row(match.group(), match.start(), reference)
        if row is not None:
            rows.append(row)
    if not any(r.body for r in rows):
        return None
    # The table is the clause with the most rows; stray lines elsewhere are not part of it.
    by_clause: dict[str, list[TableRow]] = {}
    for row in rows:
        by_clause.setdefault(document.clause_at(row.start), []).append(row)
    table_rows = max(by_clause.values(), key=len)
    return FundingTable(tuple(table_rows), *_header_columns(document, table_rows[0].start))


def _header_columns(document: AgreementDocument, first_row: int) -> tuple[int | None, int | None]:
    """Columns named in the header, and where the rate is among them: the header is the text
    between the last sentence before the table and its first row («Innbyggerantall … Stkpris
    Sum år 2026 Sum år 2027 Sum år 2028» gives 5 columns, the rate second)."""
    before = document.text[:first_row]
    sentence_end = max(before.rfind(".\n"), before.rfind(". \n"), 0)
    header = before[sentence_end:]
    columns = sorted(
        (match.start(), kind)
        for kind, pattern in enumerate(_HEADER_COLUMNS)
        for match in pattern.finditer(header)
    )
    kinds = [kind for _, kind in columns]
    rate_column = kinds.index(1) if 1 in kinds else None
    return (len(kinds) or None), rate_column


def _basis(document: AgreementDocument, reference: Reference) -> BasisStatement | None:
    limit = document.signature_start or len(document.text)
    match = _BASIS.search(document.text[:limit])
    if match is None:
        return None
    names_start = match.start("names")
    mentions = [
        m for m in reference.mentions(match["names"], names_start) if m.body.kind == "kommune"
    ]
    quarter = _QUARTER.search(document.text, max(0, match.start() - 300), match.end() + 300)
    total = int(re.sub(r"\D", "", match["total"]))
    return BasisStatement(
        tuple(mentions), total, match.start(), match.end(), _quarter_code(quarter)
    )


def _quarter_code(match: re.Match[str] | None) -> str | None:
    if match is None:
        return None
    if match["q"]:
        return f"{match['y']}K{match['q']}"
    return f"20{match['y2']}K{match['q2']}"


def _period(document: AgreementDocument) -> Period | None:
    """«fra 1. januar 2026 til 31. desember 2028» anywhere; else «2026–2028» in the clause on
    duration, else in the title."""
    match = _PERIOD.search(document.text)
    if match is None:
        duration = next((c for c in document.clauses if DURATION_TITLE.search(c.title)), None)
        places = [(duration.start, duration.end)] if duration else []
        for start, end in [*places, (0, len(document.preamble()))]:
            match = _TITLE_PERIOD.search(document.text, start, end)
            if match:
                break
    if match is None:
        return None
    return Period(int(match["a"]), int(match["b"]), match.start())


def _signatures(document: AgreementDocument, reference: Reference) -> SignatureBlock | None:
    start = document.signature_start
    if start is None:
        return None
    text = document.text[start:]
    bodies = reference.mentions(text, start)
    known = {m.text for m in bodies}
    signatories = 0
    for line in text.splitlines():
        for cell in _CELL_SPLIT.split(line.strip()):
            cell = cell.strip()
            if not _PERSON.fullmatch(cell) or cell in known:
                continue
            if reference.resolve(cell.removeprefix("Navn:").strip()) is None:
                signatories += 1
    return SignatureBlock(start, text, tuple(bodies), len(DATE.findall(text)), signatories)
