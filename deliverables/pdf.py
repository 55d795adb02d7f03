"""A `Report` (deliverables.model) as an A4 PDF, in pure Python (fpdf2).

The font is DejaVu Sans as shipped inside matplotlib, so æøå, '–' and '§' print without any system
font or package.
"""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib
from fpdf import FPDF, FontFace
from fpdf.enums import TableCellFillMode
from PIL import Image

from deliverables.model import FOOTNOTES, Cell, Chart, Report, Table

FONT = "DejaVu"
BLUE = (0, 84, 110)
ORANGE = (224, 123, 0)
TONES = {"ok": (46, 107, 18), "fail": (164, 22, 26), "warn": (160, 90, 0)}
# Superscript letters for the footnote markers (all in DejaVu Sans).
SUPERSCRIPT = {"p": "ᵖ", "m": "ᵐ", "s": "ˢ", "i": "ⁱ", "a": "ᵃ"}
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
    return cell.text + SUPERSCRIPT.get(cell.marker, "")


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
    pdf.multi_cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)


def _table(pdf: _ReportPDF, table: Table) -> None:
    if table.caption:
        _heading(pdf, table.caption, size=10)
    if not table.rows:
        _paragraph(pdf, f"Ingen rader for {pdf.report.year}.", style="I")
        return
    pdf.set_font(FONT, "", 7.5)
    numeric = [any(row[i].numeric for row in table.rows) for i in range(len(table.headers))]
    with pdf.table(
        col_widths=table.widths or None,
        text_align=["RIGHT" if n else "LEFT" for n in numeric],
        headings_style=FontFace(emphasis="BOLD", color=(255, 255, 255), fill_color=BLUE),
        cell_fill_color=(242, 247, 248),
        cell_fill_mode=TableCellFillMode.ROWS,
        line_height=4.2,
        borders_layout="HORIZONTAL_LINES",
        first_row_as_headings=True,
        padding=1,
    ) as pdf_table:
        header = pdf_table.row()
        for title in table.headers:
            header.cell(title)
        for row in table.rows:
            pdf_row = pdf_table.row()
            for cell in row:
                style = FontFace(color=TONES[cell.tone]) if cell.tone in TONES else None
                pdf_row.cell(cell_text(cell), style=style)
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
        _heading(pdf, section.title)
        if section.intro:
            _paragraph(pdf, section.intro)
        for table in section.tables:
            _table(pdf, table)
        for chart in section.charts:
            _chart(pdf, chart)
        for note in section.notes:
            _paragraph(pdf, note, style="I")
    footnotes = report.footnotes()
    if footnotes:
        pdf.ln(3)
        for marker, note in footnotes:
            dash = "– " if marker in ("p", "m") else ""
            _paragraph(pdf, f"{SUPERSCRIPT[marker]} {dash}{note}", size=8)
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


__all__ = ["render", "FOOTNOTES"]
