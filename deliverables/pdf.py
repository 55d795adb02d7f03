"""A `Report` (deliverables.model) as an A4 PDF, in pure Python (fpdf2).

The font is DejaVu Sans as shipped inside matplotlib, so æøå, '–' and '§' print without any system
font or package.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import matplotlib
from fpdf import FPDF, FontFace
from fpdf.enums import TableCellFillMode
from PIL import Image

from deliverables.formatting import keep_numbers_whole
from deliverables.model import FOOTNOTES, SUPERSCRIPT, Cell, Chart, Report, Table, marked_text, text

FONT = "DejaVu"
BLUE = (0, 84, 110)
ORANGE = (224, 123, 0)
TONES = {"ok": (46, 107, 18), "fail": (164, 22, 26), "warn": (160, 90, 0)}
# The standing banner: a strip across the top of every page, above the top margin.
BANNER_HEIGHT = 8
BANNER_FILL = (255, 213, 79)
BANNER_TEXT = (70, 35, 0)


def _font_dir() -> Path:
    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


class _ReportPDF(FPDF):
    def __init__(self, report: Report) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.report = report
        fonts = _font_dir()
        self.add_font(FONT, "", str(fonts / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(fonts / "DejaVuSans-Bold.ttf"))
        self.add_font(FONT, "I", str(fonts / "DejaVuSans-Oblique.ttf"))
        self.set_auto_page_break(auto=True, margin=18)
        self.set_margins(16, 16, 16)
        self.set_title(f"{report.title} – {report.subtitle}")
        self.set_author("Etablerertjenesten i Buskerud")
        self.set_lang("nb")

    def header(self) -> None:
        """On every page: what the figures rest on, when it is less than measured data."""
        banners = self.report.banners()
        if not banners:
            return
        self.set_fill_color(*BANNER_FILL)
        self.rect(0, 0, self.w, BANNER_HEIGHT, style="F")
        self.set_xy(self.l_margin, 1.5)
        self.set_font(FONT, "B", 10)
        self.set_text_color(*BANNER_TEXT)
        self.cell(self.epw, 5, "   ·   ".join(banners), align="C")
        self.set_text_color(0, 0, 0)
        self.set_xy(self.l_margin, self.t_margin)

    def footer(self) -> None:
        self.set_y(-13)
        self.set_font(FONT, "", 7)
        self.set_text_color(90, 90, 90)
        self.cell(0, 4, f"{self.report.subtitle} · {self.report.title}", align="L")
        self.set_x(self.l_margin)
        self.cell(0, 4, f"Side {self.page_no()} av {{nb}}", align="R")


def cell_text(cell: Cell) -> str:
    return marked_text(cell)


def _heading(pdf: _ReportPDF, title: str, size: int = 13) -> None:
    if pdf.get_y() > pdf.h - 50:
        pdf.add_page()
    pdf.ln(3)
    pdf.set_font(FONT, "B", size)
    pdf.set_text_color(*BLUE)
    pdf.cell(0, 7, title, new_x="LMARGIN", new_y="NEXT")
    if size >= 13:
        pdf.set_draw_color(*BLUE)
        pdf.set_line_width(0.5)
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
        pdf.ln(2)
    pdf.set_text_color(0, 0, 0)


def _paragraph(pdf: _ReportPDF, text: str, size: float = 9, style: str = "") -> None:
    pdf.set_font(FONT, style, size)
    pdf.multi_cell(0, size * 0.5, keep_numbers_whole(text), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)


TABLE_FONT_SIZE = 7.5
TABLE_PADDING = 1  # mm on each side of a cell's text


def _column_widths(pdf: FPDF, table: Table) -> list[float]:
    """Each column's width in mm, as fpdf2's table lays it out: `widths` are shares of the page."""
    shares = table.widths or [1] * len(table.headers)
    return [pdf.epw * share / sum(shares) for share in shares]


# Where fpdf2 may break a line besides a space: a zero-width space (offered after each «_» of an
# identifier too wide for its column, e.g. a rule id) and a soft hyphen (put into long headers).
ZERO_WIDTH_SPACE = "\u200b"
SOFT_HYPHEN = "\u00ad"
_BREAKS = re.compile(f"[ \\t\\n{ZERO_WIDTH_SPACE}]+")  # not the no-break space


def _fitted(pdf: FPDF, value: str, room: float) -> str:
    """`value` with a break offered after each «_» of a word wider than `room` mm."""
    return " ".join(
        word.replace("_", "_" + ZERO_WIDTH_SPACE) if pdf.get_string_width(word) > room else word
        for word in value.split(" ")
    )


def _pieces(pdf: FPDF, value: str, numeric: bool = False) -> list[str]:
    """The smallest pieces fpdf2 may put on a line of their own: the words, split at the offered
    breaks, each part before a soft hyphen drawn with its hyphen. A figure is one piece: it
    must never wrap."""
    if numeric:
        return [value]
    pieces = []
    for word in _BREAKS.split(value):
        parts = word.split(SOFT_HYPHEN)
        pieces += [part + "-" for part in parts[:-1]] + parts[-1:]
    return [piece for piece in pieces if piece]


def _cell_texts(pdf: FPDF, table: Table) -> list[tuple[bool, list[tuple[bool, str]]]]:
    """Every cell as drawn, header row first: (is the header row, [(is a figure, text)]). The
    numbers in a text cell are kept whole; a figure is drawn as it is."""
    rooms = [width - 2 * TABLE_PADDING for width in _column_widths(pdf, table)]
    drawn = []
    for is_header, row in [(True, [text(h) for h in table.headers])] + [
        (False, row) for row in table.rows
    ]:
        pdf.set_font(FONT, "B" if is_header else "", TABLE_FONT_SIZE)
        drawn.append(
            (
                is_header,
                [
                    (c.numeric, cell_text(c) if c.numeric else _fitted(pdf, _prose(c), room))
                    for c, room in zip(row, rooms, strict=True)
                ],
            )
        )
    return drawn


def _prose(cell: Cell) -> str:
    return keep_numbers_whole(cell_text(cell))


def table_overflows(report: Report) -> list[str]:
    """Every table cell of the report that cannot be drawn without breaking a word: a piece of
    text (a word, or a part between offered breaks) wider than its column. fpdf2 would then
    break it mid-word ("Utbetalin g") or clip it. Measured with the PDF's fonts, undrawn."""
    pdf = _ReportPDF(report)
    problems = []
    for table in (
        t for section in report.sections for t in section.tables if t.rows and not t.html_only
    ):
        rooms = [width - 2 * TABLE_PADDING for width in _column_widths(pdf, table)]
        for is_header, row in _cell_texts(pdf, table):
            pdf.set_font(FONT, "B" if is_header else "", TABLE_FONT_SIZE)
            for column, ((numeric, value), room) in enumerate(zip(row, rooms, strict=True)):
                problems += [
                    f"{table.key}: column {column + 1} ({table.headers[column]}) has "
                    f"{room:.1f} mm, «{piece}» needs {pdf.get_string_width(piece):.1f} mm"
                    for piece in _pieces(pdf, value, numeric)
                    if pdf.get_string_width(piece) > room
                ]
    return problems


def _table(pdf: _ReportPDF, table: Table) -> None:
    if table.caption:
        _heading(pdf, table.caption, size=10)
    if not table.rows:
        _paragraph(pdf, f"Ingen rader for {pdf.report.year}.", style="I")
        return
    pdf.set_font(FONT, "", TABLE_FONT_SIZE)
    numeric = [any(row[i].numeric for row in table.rows) for i in range(len(table.headers))]
    with pdf.table(
        col_widths=_column_widths(pdf, table),
        text_align=["RIGHT" if n else "LEFT" for n in numeric],
        headings_style=FontFace(emphasis="BOLD", color=(255, 255, 255), fill_color=BLUE),
        cell_fill_color=(242, 247, 248),
        cell_fill_mode=TableCellFillMode.ROWS,
        line_height=4.2,
        borders_layout="HORIZONTAL_LINES",
        first_row_as_headings=True,
        padding=TABLE_PADDING,
    ) as pdf_table:
        drawn = _cell_texts(pdf, table)
        pdf.set_font(FONT, "", TABLE_FONT_SIZE)
        header = pdf_table.row()
        for _, title in drawn[0][1]:
            header.cell(title)
        for row, (_, values) in zip(table.rows, drawn[1:], strict=True):
            pdf_row = pdf_table.row()
            for cell, (_, value) in zip(row, values, strict=True):
                style = FontFace(color=TONES[cell.tone]) if cell.tone in TONES else None
                pdf_row.cell(value, style=style)
    pdf.ln(2)


def _chart(pdf: _ReportPDF, chart: Chart) -> None:
    """Heading and image kept on one page."""
    with Image.open(io.BytesIO(chart.png)) as image:
        width_px, height_px = image.size
    width = pdf.epw * 0.9
    height = width * height_px / width_px
    if pdf.get_y() + height + 14 > pdf.h - pdf.b_margin:
        pdf.add_page()
    _heading(pdf, chart.title, size=10)
    pdf.image(io.BytesIO(chart.png), w=width, alt_text=chart.alt)
    pdf.ln(2)


def _key_figures(pdf: _ReportPDF, report: Report) -> None:
    _heading(pdf, f"Nøkkeltall {report.year}")
    per_row = 3
    width = (pdf.w - pdf.l_margin - pdf.r_margin - 4 * (per_row - 1)) / per_row
    for i, kf in enumerate(report.key_figures):
        col = i % per_row
        if col == 0 and i:
            pdf.ln(20)
        x = pdf.l_margin + col * (width + 4)
        y = pdf.get_y()
        pdf.set_fill_color(238, 245, 247)
        pdf.rect(x, y, width, 17, style="F")
        pdf.set_xy(x + 2, y + 2)
        pdf.set_font(FONT, "B", 14)
        pdf.set_text_color(*BLUE)
        pdf.cell(width - 4, 7, cell_text(kf.cell))
        pdf.set_xy(x + 2, y + 10)
        pdf.set_font(FONT, "", 7.5)
        pdf.set_text_color(60, 60, 60)
        pdf.cell(width - 4, 5, kf.label)
        pdf.set_xy(pdf.l_margin, y)
    pdf.ln(22)
    pdf.set_text_color(0, 0, 0)


def _title_band(pdf: _ReportPDF, report: Report) -> None:
    top = BANNER_HEIGHT if report.banners() else 0  # below the banner strip
    pdf.set_fill_color(*BLUE)
    pdf.rect(0, top, pdf.w, 34, style="F")
    pdf.set_xy(pdf.l_margin, top + 9)
    pdf.set_text_color(255, 255, 255)
    pdf.set_font(FONT, "B", 22)
    pdf.cell(0, 10, report.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 12)
    pdf.cell(0, 7, report.subtitle, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.set_y(top + 40)
    if report.warning:
        pdf.set_fill_color(255, 244, 229)
        pdf.set_draw_color(*ORANGE)
        pdf.set_font(FONT, "B", 9)
        pdf.multi_cell(0, 5, f"Merk: {report.warning}", border="L", fill=True, padding=2)
        pdf.ln(2)


def render(report: Report) -> bytes:
    pdf = _ReportPDF(report)
    pdf.alias_nb_pages()
    pdf.add_page()
    _title_band(pdf, report)
    if report.key_figures:
        _key_figures(pdf, report)
    for section in report.sections:
        if section.new_page and pdf.get_y() > pdf.t_margin + 1:
            pdf.add_page()
        _heading(pdf, section.title, size=13 if section.level == 1 else 11)
        if section.intro:
            _paragraph(pdf, section.intro)
        for table in section.tables:
            if not table.html_only:
                _table(pdf, table)
        for chart in section.charts:
            _chart(pdf, chart)
        for note in section.notes:
            _paragraph(pdf, note, style="I")
    footnotes = report.footnotes()
    if footnotes:
        pdf.ln(3)
        for marker, note in footnotes:
            _paragraph(pdf, f"{SUPERSCRIPT[marker]} {note}", size=8)
    pdf.ln(3)
    pdf.set_draw_color(180, 180, 180)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.ln(2)
    _paragraph(pdf, report.credits, size=8)
    _paragraph(
        pdf,
        f"Laget {report.generated_at} fra datavarehuset (marts). {report.population_credit}",
        size=8,
    )
    return bytes(pdf.output())


__all__ = ["render", "table_overflows", "FOOTNOTES"]
