"""A report as plain data (sections, tables, cells, charts), rendered to HTML and to PDF alike.

Both formats render the same cells, so the PDF and the HTML cannot disagree. Each figure cell
carries `source`: the mart, column and row it was read from, so a test (or a curious reader of the
HTML) can trace a printed figure to the mart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from deliverables import formatting
from deliverables.standing import banners as standing_banners

# Footnote markers. A cell with no figure prints "–" with one of the first three, which keep
# apart hidden for privacy, missing data and not measurable yet; a figure that rests on something
# weaker than measured data carries the marker of its standing.
SUPPRESSED = "p"
MISSING = "m"
NOT_YET = "e"
DASH_MARKERS = (SUPPRESSED, MISSING, NOT_YET)
# A sum of the parts that are known, printed with PARTIAL beside its standing's marker ("di").
PARTIAL = "d"
SYNTHETIC = "s"
ILLUSTRATIVE = "i"
ASSUMED = "a"
# How a marker prints beside its figure in the PDF and in the charts (all in DejaVu Sans).
SUPERSCRIPT = {"p": "ᵖ", "m": "ᵐ", "e": "ᵉ", "d": "ᵈ", "s": "ˢ", "i": "ⁱ", "a": "ᵃ"}
STANDING_MARKERS: dict[str, str] = {
    "synthetic": SYNTHETIC,
    "illustrative": ILLUSTRATIVE,
    "assumed": ASSUMED,
}

FOOTNOTES: dict[str, str] = {
    SUPPRESSED: (
        "Skjult (prikket) av personvernhensyn: tallet bygger på for få personer (under 5), "
        "eller det kunne avsløre et annet skjult tall."
    ),
    MISSING: (
        "Mangler: tallet finnes ikke i datavarehuset (ingen data, eller satsen er ikke avtalt)."
    ),
    PARTIAL: (
        "Delsum: bare de kjente delene er regnet med. Det som mangler, for eksempel en part uten "
        "avtalt sats, er ikke med, og hele summen er ikke kjent ennå."
    ),
    NOT_YET: (
        "Ikke målbart ennå: ingen i grunnlaget for andelen, for eksempel ingen bedrifter gamle "
        "nok til å måle overlevelse etter 1 eller 3 år. Tallet er ikke skjult og mangler ikke."
    ),
    SYNTHETIC: (
        "Syntetisk: tallet bygger på syntetiske data, laget for demonstrasjon. Det er verken "
        "SSBs eller operatørens faktiske tall."
    ),
    ILLUSTRATIVE: (
        "Illustrativ: tallet bygger på et eksempel (region, avtale, sats eller dato) som skal "
        "erstattes av fylkets faktiske avtale."
    ),
    ASSUMED: "Antatt: tallet bygger på en verdi som ingen kilde eller avtale oppgir.",
}

FORMATTERS = {
    "int": formatting.integer,
    "nok": formatting.nok,
    "rate": formatting.rate,
    "dec": formatting.decimal,
    "dec2": formatting.decimal2,
    "share": formatting.share,
    "date": formatting.date_no,
}


@dataclass(frozen=True)
class Source:
    """Where a printed figure comes from: `marts.<mart>.<column>` in the row matching `where`."""

    mart: str
    column: str
    where: tuple[tuple[str, Any], ...]

    def attribute(self) -> str:
        """`fct_funding:amount_nok:region_id=x;funder_id=33;year=2026`, for data-source."""
        return f"{self.mart}:{self.column}:" + ";".join(f"{k}={v}" for k, v in self.where)


@dataclass(frozen=True)
class Cell:
    text: str
    numeric: bool = False
    marker: str = ""  # footnote markers, one letter each: "p", or "di" for two
    source: Source | None = None
    tone: str = ""  # "ok", "warn" or "fail": colours a status cell


def marked_text(cell: Cell) -> str:
    """The cell's text with its markers as superscripts: '85,00 %ˢ', '–ᵉ'."""
    return cell.text + "".join(SUPERSCRIPT[marker] for marker in cell.marker)


def text(value: Any, tone: str = "", marker: str = "") -> Cell:
    return Cell("" if value is None else str(value), tone=tone, marker=marker)


def standing_marker(standing: str | None) -> str:
    """The marker for a mart row's data_standing; measured (or unknown) figures carry none."""
    return STANDING_MARKERS.get(standing or "", "")


def figure(
    value: int | Decimal | date | None,
    kind: str,
    *,
    suppressed: bool = False,
    not_yet: bool = False,
    source: Source | None = None,
    standing: str | None = None,
) -> Cell:
    """A number from a mart, formatted the Norwegian way, marked with what it rests on
    (`standing`, the row's data_standing); None prints '–' with its footnote: hidden for
    privacy (`suppressed`), not measurable yet (`not_yet`, a share of nobody) or missing."""
    if suppressed:
        return Cell(formatting.SUPPRESSED, numeric=True, marker=SUPPRESSED, source=source)
    if value is None and not_yet:
        return Cell(formatting.MISSING, numeric=True, marker=NOT_YET, source=source)
    if value is None:
        return Cell(formatting.MISSING, numeric=True, marker=MISSING, source=source)
    marker = standing_marker(standing)
    return Cell(FORMATTERS[kind](value), numeric=True, marker=marker, source=source)


@dataclass
class Table:
    key: str
    headers: list[str]
    rows: list[list[Cell]]
    # Relative column widths for the PDF; None means equal widths.
    widths: list[float] | None = None
    caption: str = ""
    # A long reference list (every check by id) the HTML shows and the PDF leaves out.
    html_only: bool = False

    def markers(self) -> set[str]:
        return {marker for row in self.rows for cell in row for marker in cell.marker}


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    png: bytes
    alt: str


@dataclass
class Section:
    title: str
    intro: str = ""
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # 2: a part of the section before it, under a smaller heading. new_page: the PDF starts the
    # section on a page of its own.
    level: int = 1
    new_page: bool = False


@dataclass(frozen=True)
class KeyFigure:
    label: str
    cell: Cell


@dataclass
class Report:
    title: str
    subtitle: str
    year: int
    is_illustrative: bool
    key_figures: list[KeyFigure]
    sections: list[Section]
    generated_at: str
    credits: str
    warning: str = ""
    # The data_standing of every mart row the report shows, and whom its population figures are
    # credited to (deliverables.standing).
    standings: frozenset[str] = frozenset()
    population_credit: str = ""

    def banners(self) -> list[str]:
        return standing_banners(self.standings)

    def markers(self) -> list[str]:
        used = {marker for kf in self.key_figures for marker in kf.cell.marker}
        for section in self.sections:
            for table in section.tables:
                used |= table.markers()
        if self.is_illustrative:
            used.add(ILLUSTRATIVE)
        return [m for m in FOOTNOTES if m in used]

    def footnotes(self) -> list[tuple[str, str]]:
        """(marker, note); the note of a marker that stands beside '–' begins with the dash."""
        return [(m, ("– " if m in DASH_MARKERS else "") + FOOTNOTES[m]) for m in self.markers()]


CREDITS = (
    "Etablerertjenesten i Buskerud finansieres av Buskerud fylkeskommune og kommunene i "
    "delregionen, i samarbeid med Innovasjon Norge (samarbeidsavtalen § 5.2.1)."
)
