"""PDF layout: no table cell breaks a word mid-word or is clipped, in any report `make run` writes.

Widths are measured with fpdf2 and the PDF's own fonts (deliverables.pdf.table_overflows), the way
the renderer lays the cells out; the check statuses are the code location's real check names."""

import io
import re
from dataclasses import replace
from decimal import Decimal

import pytest
from PIL import Image
from pypdf import PdfReader

from deliverables import annual_report_content, charts, county_overview, html, page_images, pdf
from deliverables.formatting import NO_BREAK_SPACE
from deliverables.marts import read_marts
from deliverables.model import Report, Section, Table, figure, text
from deliverables.quality import TABLE_LABELS, CheckStatus
from ingestion.paths import PROJECT_ROOT
from orchestration.defs.reports.assets import ALL_CHECK_KEYS, ANNUAL_REPORT_MARTS, REPORT_MARTS
from tests.deliverables.conftest import YEAR

CHECKS = [
    CheckStatus(
        name=key.name,
        asset=key.asset_key.to_user_string(),
        passed=True,
        evaluated=12,
        successful=12,
    )
    for key in sorted(ALL_CHECK_KEYS, key=lambda k: (k.asset_key.path, k.name))
    if key.asset_key.to_user_string() in REPORT_MARTS
]


@pytest.fixture(scope="module")
def reports(deliverables_warehouse) -> list[Report]:
    data = read_marts(deliverables_warehouse, YEAR)
    built = [
        annual_report_content.build_region_report(
            data, region, checks=CHECKS, generated_at="01.01.2027"
        )
        for region in data.regions
    ]
    return built + [county_overview.build_overview(data, checks=CHECKS, generated_at="x")]


def test_every_table_a_report_lists_checks_for_has_a_readers_name():
    """The data-quality table names each table as the report does elsewhere, never fct_*."""
    assert set(ANNUAL_REPORT_MARTS) <= set(TABLE_LABELS)


def test_the_check_list_is_the_real_one():
    assert len(CHECKS) > 50
    assert max(len(c.name) for c in CHECKS) > 60  # dbt's test ids, the longest words drawn


def test_no_table_cell_in_any_report_breaks_a_word(reports):
    assert len(reports) == 6
    problems = {report.subtitle: pdf.table_overflows(report) for report in reports}
    assert problems == {report.subtitle: [] for report in reports}


def _one_table_report(table: Table) -> Report:
    return Report(
        title="Test",
        subtitle="Smal kolonne",
        year=YEAR,
        is_illustrative=False,
        key_figures=[],
        sections=[Section(title="Utbetalinger", tables=[table])],
        generated_at="x",
        credits="",
    )


def test_a_too_narrow_column_is_reported():
    table = Table(
        key="payouts",
        headers=["Utbetaling", "Beløp (kr)"],
        rows=[[text("januar"), text("128 672,50", marker="i")]],
        widths=[0.4, 8],
    )
    problems = pdf.table_overflows(_one_table_report(table))
    assert problems
    assert "«Utbetaling» needs" in problems[0]
    assert pdf.table_overflows(_one_table_report(replace(table, widths=[2, 8]))) == []


def test_a_figure_and_its_marker_count_as_one_word():
    table = Table(
        key="money",
        headers=["Part", "Beløp"],
        rows=[[text("Buskerud"), figure(Decimal("128672.50"), "nok", standing="illustrative")]],
        widths=[8, 0.45],
    )
    problems = pdf.table_overflows(_one_table_report(table))
    assert any("«128 672,50ⁱ»" in p for p in problems)


def test_an_amount_in_a_sentence_is_one_word():
    table = Table(
        key="findings",
        headers=["Krav", "Forklaring"],
        rows=[[text("x"), text("Forskjellen er 128 672,50 kr i året.")]],
        widths=[8, 0.45],
    )
    problems = pdf.table_overflows(_one_table_report(table))
    assert any(f"«128{NO_BREAK_SPACE}672,50»" in p for p in problems)


def test_an_amount_in_a_sentence_never_ends_a_line_between_its_digit_groups(tmp_path):
    """Wherever a line ends, in a table cell or a paragraph, 128 672,50 and 46 790 stay whole."""
    for words in range(0, 40, 3):
        sentence = "ord " * words + "Forskjellen er 128 672,50 kr, for 46 790 innbyggere."
        table = Table(key="f", headers=["Krav", "Forklaring"], rows=[[text("x"), text(sentence)]])
        table.widths = [6, 2]
        report = _one_table_report(table)
        report.sections[0].notes.append(sentence)
        path = tmp_path / f"prose{words}.pdf"
        path.write_bytes(pdf.render(report))
        lines = [
            " ".join(line.split())  # the spaces of justified text, no-break ones too
            for page in PdfReader(path).pages
            for line in page.extract_text().splitlines()
        ]
        for amount in ("128 672,50", "46 790"):
            assert sum(amount in line for line in lines) == 2, (words, amount, lines)


def test_identifiers_break_at_underscores_and_read_whole(tmp_path):
    """A rule id wider than its column gets break opportunities after each «_» (zero-width
    spaces), so it wraps at them instead of mid-word; the PDF's text still holds the id."""
    rule = "finance_fee_income_matches_courses"
    table = Table(key="c", headers=["Krav", "Forklaring"], rows=[[text(rule), text("x")]])
    table.widths = [1.5, 8]
    report = _one_table_report(table)
    assert pdf.table_overflows(report) == []
    path = tmp_path / "ids.pdf"
    path.write_bytes(pdf.render(report))
    extracted = "".join(page.extract_text() for page in PdfReader(path).pages)
    assert rule in extracted.replace(pdf.ZERO_WIDTH_SPACE, "").replace("\n", "")


def test_the_pdf_summarises_the_checks_and_the_html_lists_every_one(
    deliverables_warehouse, tmp_path
):
    """The annual report's PDF had 2,5 pages of dbt test ids; it has a table per checked table,
    the checks that did not pass by name, and the HTML keeps the full list."""
    data = read_marts(deliverables_warehouse, YEAR)
    failing = replace(CHECKS[-1], passed=False, successful=11)
    report = annual_report_content.build_region_report(
        data, data.regions[0], checks=[*CHECKS[:-1], failing], generated_at="x"
    )
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf.render(report))
    pdf_text = "".join(page.extract_text() for page in PdfReader(path).pages)
    pdf_text = pdf_text.replace(pdf.ZERO_WIDTH_SPACE, "").replace("\n", "")
    named = [c.name for c in CHECKS if c.name in pdf_text]
    assert named == [failing.name]
    assert "Nøkkeltall per region" in pdf_text and "Kontroller som ikke har bestått" in pdf_text
    page = html.render(report)
    assert all(f">{c.name}<" in page for c in CHECKS)


def test_every_page_of_every_report_shows_its_banner_as_rendered(reports):
    """Rendered to images with pypdfium2 (PyPI wheels, no system package): each page of a report
    on synthetic or illustrative data has the banner strip at its top; a report on measured
    data has none."""
    for report in reports:
        assert report.banners(), report.subtitle  # the sample is synthetic throughout
        rendered = page_images.pages(pdf.render(report), scale=0.5)
        assert len(rendered) >= 2
        assert [page_images.has_banner(page) for page in rendered] == [True] * len(rendered)
    measured = _one_table_report(Table(key="t", headers=["A"], rows=[[text("x")]]))
    assert not measured.banners()
    assert not page_images.has_banner(page_images.pages(pdf.render(measured), scale=0.5)[0])


def test_bars_on_illustrative_data_are_drawn_apart():
    def pale_pixels(marked: list[bool]) -> int:
        png = charts.horizontal_bars(
            ["Drammen", "Ringerike"],
            [Decimal("2.24"), Decimal("2.90")],
            xlabel="x",
            illustrative=marked,
        )
        image = Image.open(io.BytesIO(png)).convert("RGB")
        pale = tuple(int(charts.ILLUSTRATIVE_FILL[i : i + 2], 16) for i in (1, 3, 5))
        return sum(1 for pixel in image.getdata() if pixel == pale)

    assert pale_pixels([False, False]) == 0
    assert pale_pixels([True, False]) > 500
    assert charts.marked_labels(["Drammen", "Ringerike"], [True, False]) == [
        "Drammen ⁱ",
        "Ringerike",
    ]


def test_the_county_overview_names_regions_not_ids(reports):
    overview = html.render(reports[-1])
    visible = re.sub(
        r"<[^>]+>", " ", re.sub(r"<(style|script)[^>]*>.*?</\1>", "", overview, flags=re.S)
    )
    for region_id in (
        "ringeriksregionen",
        "drammensregionen",
        "kongsberg_numedal",
        "hallingdal",
        "midt_buskerud",
    ):
        assert not re.search(rf"(?<![\w-]){region_id}(?![\w-])", visible), region_id
    assert "Midt-Buskerud" in visible and "Kongsberg og Numedal" in visible


def test_docs_images_hold_every_page_of_the_documented_reports(sample_pipeline):
    """docs/images (make images) has one image per page of the sample's annual report and
    county overview as the run writes them, and the README shows only images that exist."""
    images = PROJECT_ROOT / "docs" / "images"
    for name in page_images.DOCUMENTED:
        pdf_path = sample_pipeline["root"] / "reports" / str(YEAR) / name.format(year=YEAR)
        stem = pdf_path.stem.replace(f"_{YEAR}", "")
        assert len(list(images.glob(f"{stem}_p*.png"))) == len(PdfReader(pdf_path).pages), stem
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    shown = re.findall(r"\((docs/images/[^)]+\.png)\)", readme)
    assert len(shown) > 10
    assert [path for path in shown if not (PROJECT_ROOT / path).is_file()] == []
