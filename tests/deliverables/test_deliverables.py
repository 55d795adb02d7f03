"""The deliverables on the sample: the PDF renders with charts and tables; the figures printed in
the HTML and written to the XLSX files equal the marts; payout totals and blocked reasons."""

import re
from decimal import Decimal

import duckdb
import openpyxl
import pytest
from pypdf import PdfReader

from deliverables import annual_report
from deliverables.formatting import parse_number
from deliverables.labels import PAYOUT_STATUS
from deliverables.marts import read_marts
from deliverables.payouts import AMOUNT_COL, FIRST_DATA_ROW, HEADERS, SHEET
from tests.deliverables.conftest import YEAR
from tests.deliverables.helpers_html import sourced_cells
from tests.helpers import pids_left_after_killing

REGIONS = [
    "ringeriksregionen",
    "drammensregionen",
    "kongsberg_numedal",
    "hallingdal",
    "midt_buskerud",
]


def _annual_html(rendered, region_id: str = "ringeriksregionen") -> str:
    return (rendered["folder"] / f"arsrapport_{region_id}_{YEAR}.html").read_text(encoding="utf-8")


def _mart_value(con: duckdb.DuckDBPyConnection, source: str):
    mart, column, where = source.split(":", 2)
    pairs = [pair.split("=", 1) for pair in where.split(";")]
    sql = f"select {column} from marts.{mart} where " + " and ".join(
        f"cast({k} as varchar) = ?" for k, _ in pairs
    )
    found = con.execute(sql, [v for _, v in pairs]).fetchall()
    assert len(found) == 1, (source, found)
    return found[0][0]


# --- must show 1: the PDF renders, with charts (images) and tables (text of figures) ---------


def test_annual_report_pdf_has_charts_and_tables(rendered):
    path = rendered["folder"] / f"arsrapport_ringeriksregionen_{YEAR}.pdf"
    reader = PdfReader(path)
    text = "\n".join(page.extract_text() for page in reader.pages)
    images = [image for page in reader.pages for image in page.images]

    assert len(reader.pages) >= 4
    # Trend, plan achievement, the register's survival against SSB and start-ups per 10 000
    # inhabitants, reach per municipality: five charts as embedded PNGs.
    assert len(images) == 5
    assert all(image.image.width > 500 for image in images)
    # Tables: the county's amount, headings and a KPI row, with their figures.
    assert "257 345,00" in text
    for heading in (
        "Nøkkeltall 2026",
        "Resultater",
        "Rekkevidde per kommune",
        "Brukerundersøkelse",
    ):
        assert heading in text
    assert "Etterlevelse av avtalen" in text and "Datakvalitet" in text
    assert "Buskerud fylkeskommune" in text and "Innovasjon Norge" in text


def test_county_overview_pdf_has_charts_and_region_table(rendered):
    reader = PdfReader(rendered["overview"].pdf_path)
    text = "\n".join(page.extract_text() for page in reader.pages)
    images = [image for page in reader.pages for image in page.images]
    assert len(images) == 2  # per region and per municipality
    for name in ("Ringeriksregionen", "Drammensregionen", "Hallingdal", "Midt-Buskerud"):
        assert name in text
    assert "Illustrativ" in text


def test_illustrative_region_is_flagged_in_html_and_pdf(rendered):
    folder = rendered["folder"]
    html = (folder / f"arsrapport_hallingdal_{YEAR}.html").read_text(encoding="utf-8")
    assert "Illustrativ region" in html
    pdf_text = PdfReader(folder / f"arsrapport_hallingdal_{YEAR}.pdf").pages[0].extract_text()
    assert "Illustrativ region" in pdf_text
    ringerike = (folder / f"arsrapport_ringeriksregionen_{YEAR}.html").read_text(encoding="utf-8")
    assert "Illustrativ region" not in ringerike


# --- must show 2: the figures in the HTML and the XLSX equal the marts -----------------------


@pytest.mark.parametrize("region_id", REGIONS)
def test_every_figure_in_the_html_report_equals_its_mart(rendered, region_id):
    html = (rendered["folder"] / f"arsrapport_{region_id}_{YEAR}.html").read_text(encoding="utf-8")
    parsed = sourced_cells(html)
    assert len(parsed.cells) > 80
    compared = suppressed = 0
    with duckdb.connect(str(rendered["db"]), read_only=True) as con:
        for source, shown in parsed.cells:
            value = _mart_value(con, source)
            if shown == "–":
                # Suppressed or missing: the mart holds no figure either.
                assert value is None, (source, value)
                suppressed += 1
                continue
            assert value is not None, source
            if hasattr(value, "strftime"):
                assert shown == value.strftime("%d.%m.%Y"), source
            else:
                assert parse_number(shown) == Decimal(value), (source, shown, value)
            compared += 1
    assert compared > 60
    # Each report carries the five charts inline.
    assert len(parsed.images) == 5 and all(s.startswith("data:image/png") for s in parsed.images)


def test_suppressed_cell_shows_dash_with_footnote(rendered):
    html = (rendered["folder"] / f"arsrapport_ringeriksregionen_{YEAR}.html").read_text(
        encoding="utf-8"
    )
    with duckdb.connect(str(rendered["db"]), read_only=True) as con:
        hidden = con.execute(
            "select municipality_code from marts.fct_municipality_kpis where year = ? and "
            "region_id = 'ringeriksregionen' and new_businesses_suppressed order by 1",
            [YEAR],
        ).fetchall()
    assert hidden, "the sample has suppressed municipality cells"
    for (code,) in hidden:
        source = f"fct_municipality_kpis:new_businesses:municipality_code={code};year={YEAR}"
        assert f'data-source="{source}">–<sup class="fn">p</sup>' in html
    assert "Skjult (prikket) av personvernhensyn" in html


def test_a_share_of_nobody_is_not_measurable_yet_rather_than_hidden(rendered):
    """Survival after 1 year of the 2026 businesses has n = 0 at the sample's date: it was
    printed '–ᵖ', hidden for privacy. It is '–ᵉ', not measurable yet, with its own footnote."""
    html = _annual_html(rendered)
    with duckdb.connect(str(rendered["db"]), read_only=True) as con:
        row = con.execute(
            "select survival_1y_share, survival_1y_share_n, survival_1y_share_suppressed "
            "from marts.fct_region_kpis where region_id = 'ringeriksregionen' and year = ?",
            [YEAR],
        ).fetchone()
        flagged_with_n_zero = con.execute(
            "select count(*) from marts.fct_municipality_kpis "
            "where survival_1y_share_n = 0 and survival_1y_share_suppressed"
        ).fetchone()[0]
    assert row == (None, 0, False)
    assert flagged_with_n_zero == 0
    source = f"fct_region_kpis:survival_1y_share:region_id=ringeriksregionen;year={YEAR}"
    assert f'data-source="{source}">–<sup class="fn">e</sup>' in html
    assert "– Ikke målbart ennå" in html
    assert f'data-source="{source}">–<sup class="fn">p</sup>' not in html
    pdf = PdfReader(rendered["folder"] / f"arsrapport_ringeriksregionen_{YEAR}.pdf")
    assert "Ikke målbart ennå" in "\n".join(page.extract_text() for page in pdf.pages)


def test_known_funding_is_shown_with_the_missing_parts_marked(rendered):
    """The municipalities' rates are blank, so the region's total is unknown; the county's
    257 345,00 is known. The key figure and the county overview's Økonomi row showed '–ᵐ'."""
    where = f"region_id=ringeriksregionen;year={YEAR}"
    for name in (f"arsrapport_ringeriksregionen_{YEAR}.html", f"fellesrapport_{YEAR}.html"):
        page = (rendered["folder"] / name).read_text(encoding="utf-8")
        cells = dict(sourced_cells(page).cells)
        assert cells[f"fct_region_kpis:funding_known_nok:{where}"] == "257 345,00", name
        # partial, and synthetic like the rest of the row
        assert f'funding_known_nok:{where}">257 345,00<sup class="fn">ds</sup>' in page
        assert f"fct_region_kpis:funding_total_nok:{where}" not in cells, name
        assert "– Delsum: bare de kjente delene" not in page  # no dash: a figure is shown
        assert "Delsum: bare de kjente delene er regnet med" in page


def test_fee_income_is_one_figure_from_the_accounts_and_the_difference_a_finding(rendered):
    """42 500,00 from the courses and 30 900,00 from the accounts were both printed as figures."""
    page = _annual_html(rendered)
    cells = sourced_cells(page).cells
    where = f"region_id=ringeriksregionen;year={YEAR}"
    assert [text for source, text in cells if "fee_income" in source] == ["30 900,00"]
    assert dict(cells)[f"fct_region_kpis:fee_income_actual_nok:{where}"] == "30 900,00"
    assert "Egenandeler i regnskapet stemmer med kursene" in page
    assert "Forskjellen er 11\u00a0600,00 kr" in page


def test_plan_review_xlsx_equals_fct_plan_vs_actual(rendered):
    sheet = openpyxl.load_workbook(rendered["plan"].path)["Mål"]
    with duckdb.connect(str(rendered["db"]), read_only=True) as con:
        names = dict(con.execute("select region_name, region_id from marts.dim_region").fetchall())
        plan = {
            (r, y, t): (p, a)
            for r, y, t, p, a in con.execute(
                "select region_id, year, target_id, planned_value, actual_value "
                "from marts.fct_plan_vs_actual"
            ).fetchall()
        }
    from deliverables.labels import PLAN_TARGETS

    target_ids = {label: target for target, (label, _) in PLAN_TARGETS.items()}
    checked = 0
    for row in sheet.iter_rows(min_row=5, values_only=True):
        if row[0] not in names:
            continue
        key = (names[row[0]], YEAR, target_ids[row[1]])
        assert Decimal(str(row[2])) == plan[key][0]
        checked += 1
    assert checked == sum(1 for k in plan if k[1] == YEAR)


# --- must show 3: the payout XLSX opens, totals equal fct_payouts, blocked rows say why -------


@pytest.mark.parametrize("month", [1, 8])
def test_payout_xlsx_rows_and_totals_equal_fct_payouts(rendered, month):
    path = rendered["folder"] / f"utbetaling_{YEAR}_{month:02d}.xlsx"
    workbook = openpyxl.load_workbook(path, data_only=True)
    sheet = workbook[SHEET]
    header = [c.value for c in sheet[FIRST_DATA_ROW]]
    assert tuple(header) == HEADERS

    with duckdb.connect(str(rendered["db"]), read_only=True) as con:
        mart = {
            (agreement, funder): (amount, status, reason)
            for agreement, funder, amount, status, reason in con.execute(
                "select agreement_id, funder_id, amount_nok, status, blocked_reason "
                "from marts.fct_payouts where year = ? and payout_month = ?",
                [YEAR, month],
            ).fetchall()
        }
        ready_total, blocked_total, total = con.execute(
            "select coalesce(sum(amount_nok) filter (where status = 'ready'), 0), "
            "coalesce(sum(amount_nok) filter (where status = 'blocked'), 0), sum(amount_nok) "
            "from marts.fct_payouts where year = ? and payout_month = ?",
            [YEAR, month],
        ).fetchone()

    data_rows = []
    for row in sheet.iter_rows(min_row=FIRST_DATA_ROW + 1):
        if row[0].value is None:
            break
        data_rows.append(row)
    assert len(data_rows) == len(mart)  # one row per agreement and funder
    blocked_seen = 0
    for row in data_rows:
        amount_cell = row[AMOUNT_COL]
        amount, status, reason = mart[(row[1].value, row[2].value)]
        if amount is None:
            assert amount_cell.value is None
        else:
            assert amount_cell.data_type == "n"  # a number, not text
            assert amount_cell.number_format == "#,##0.00"
            assert Decimal(str(amount_cell.value)) == amount
        if status == "blocked":
            blocked_seen += 1
            assert row[8].value == "stoppet"
            assert row[9].value == reason and reason
            assert row[8].fill.fgColor.rgb.endswith("FBE3E4")
        else:
            assert row[8].value == PAYOUT_STATUS[status][0]
    assert blocked_seen == sum(1 for v in mart.values() if v[1] == "blocked") > 0

    totals = {
        row[AMOUNT_COL - 1].value: row[AMOUNT_COL].value
        for row in sheet.iter_rows(min_row=FIRST_DATA_ROW + len(data_rows) + 1)
        if isinstance(row[AMOUNT_COL].value, float)
    }
    assert Decimal(str(totals["Sum klar til utbetaling"])) == ready_total
    assert Decimal(str(totals["Sum stoppet (kjente beløp)"])) == blocked_total
    assert Decimal(str(totals["Sum alle rader"])) == total
    # The cells are live formulas in Excel, with the mart's sums as their cached values.
    formulas = openpyxl.load_workbook(path)[SHEET]
    first_total_row = FIRST_DATA_ROW + len(data_rows) + 2
    assert str(formulas.cell(first_total_row, AMOUNT_COL + 1).value).startswith("=SUMIFS(")


def test_index_links_every_deliverable(rendered):
    html = rendered["index"].read_text(encoding="utf-8")
    expected = [f"arsrapport_{r}_{YEAR}.{ext}" for r in REGIONS for ext in ("html", "pdf")]
    expected += [
        f"fellesrapport_{YEAR}.html",
        f"fellesrapport_{YEAR}.pdf",
        f"utbetaling_{YEAR}_01.xlsx",
        f"utbetaling_{YEAR}_08.xlsx",
        f"aktivitetsplan_gjennomgang_{YEAR}.xlsx",
    ]
    for name in expected:
        assert f'href="{name}"' in html
        assert (rendered["folder"] / name).is_file()
    assert "Ringeriksregionen" in html and "Utbetaling i august 2026" in html


def test_reports_rendered_by_the_renderer_processes_equal_those_rendered_here(
    rendered, monkeypatch
):
    monkeypatch.setattr(annual_report.os, "cpu_count", lambda: 2)  # the pool, on any machine
    data = read_marts(rendered["db"], YEAR)
    regions = data.regions[:3]
    stamp = "01.01.2026 00:00"
    forked = annual_report._render_regions(data, regions, None, stamp)
    here = [annual_report._render_region(data, region, None, stamp) for region in regions]
    assert [html for html, _ in forked] == [html for html, _ in here]
    for (_, forked_pdf), (_, here_pdf) in zip(forked, here, strict=True):
        assert _without_time_stamps(forked_pdf) == _without_time_stamps(here_pdf)


def _without_time_stamps(pdf: bytes) -> bytes:
    """fpdf stamps each file with the second it was made, and derives the file's /ID from it."""
    pdf = re.sub(rb"/CreationDate \(D:[^)]*\)", b"", pdf)
    return re.sub(rb"/ID \[<[0-9A-F]+><[0-9A-F]+>\]", b"", pdf)


STARTS_RENDERERS = """
import sys
from deliverables import annual_report
pool = annual_report._renderer_pool(2)
list(pool.map(int, range(4)))
print(*pool._processes, flush=True)
sys.stdin.read()
"""


def test_the_renderers_end_with_the_process_that_started_them():
    """`etablerer run` killed alone while it rendered left the renderers waiting for work for
    ever, and with them the server they were forked from."""
    assert pids_left_after_killing(STARTS_RENDERERS) == []
