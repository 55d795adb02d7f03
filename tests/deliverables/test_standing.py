"""Every report says what its figures rest on (issue 18): the banner on each page when a figure
is synthetic or illustrative, SSB credited only for measured SSB figures, markers and footnotes on
the figures, the agreement's status, and payouts where only `ready` rows are counted as payable."""

import html as html_lib
import re
from decimal import Decimal

import duckdb
import openpyxl
import pytest
from pypdf import PdfReader

from deliverables import annual_report, county_overview, index, payouts, standing
from deliverables.marts import region_names
from deliverables.payouts import AMOUNT_COL, BANNER_ROW, FIRST_DATA_ROW, READY_TOTAL, SHEET
from deliverables.tables import compliance_table
from tests.deliverables.conftest import YEAR

SYNTHETIC_BANNER = "SYNTETISKE TALL – ikke SSBs tall"
ILLUSTRATIVE_BANNER = "Illustrativt eksempel"
SSB_CREDIT = "Befolkningstall fra SSB (tabell 01222), lisens CC BY 4.0."
SYNTHETIC_POPULATION = "Befolkningstallene er syntetiske"
REGION = "ringeriksregionen"


def _page_texts(path) -> list[str]:
    """Each page's text with runs of white space as one space (a sentence may wrap)."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(path).pages]


def _banner(page_html: str) -> str:
    """The visible banner's text, or '' when the page has none."""
    found = re.search(r'<div class="standing-banner"[^>]*>(.*?)</div>', page_html, re.S)
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", found.group(1))) if found else ""


def _totals(sheet, n_rows: int) -> dict[str, object]:
    return {
        row[AMOUNT_COL - 1].value: row[AMOUNT_COL]
        for row in sheet.iter_rows(min_row=FIRST_DATA_ROW + n_rows + 1)
        if row[AMOUNT_COL].value is not None
    }


def _data_rows(sheet) -> list:
    found = []
    for row in sheet.iter_rows(min_row=FIRST_DATA_ROW + 1):
        if row[0].value is None:
            break
        found.append(row)
    return found


# --- on the sample: synthetic SSB snapshot, a draft agreement, illustrative regions ---------


def test_sample_population_rests_on_synthetic_ssb_figures(rendered):
    """The premise of the tests below, read from the mart."""
    with duckdb.connect(str(rendered["db"]), read_only=True) as con:
        standings = con.execute(
            "select distinct data_standing from marts.fct_funding "
            "where region_id = ? and year = ? and basis_population_source = 'ssb'",
            [REGION, YEAR],
        ).fetchall()
    assert standings == [("synthetic",)]


@pytest.mark.parametrize(
    "name", [f"arsrapport_{REGION}_{YEAR}.pdf", f"arsrapport_hallingdal_{YEAR}.pdf"]
)
def test_annual_report_pdf_has_the_banner_on_every_page_and_no_ssb_credit(rendered, name):
    pages = _page_texts(rendered["folder"] / name)
    assert len(pages) >= 4
    for number, text in enumerate(pages, start=1):
        assert SYNTHETIC_BANNER in text, f"side {number}"
        assert ILLUSTRATIVE_BANNER in text, f"side {number}"
    text = "\n".join(pages)
    assert "Befolkningstall fra SSB" not in text
    assert SYNTHETIC_POPULATION in text
    # Each marker's footnote is printed.
    assert "ˢ Syntetisk: tallet bygger på syntetiske data" in text
    assert "ⁱ Illustrativ: tallet bygger på et eksempel" in text


def test_county_overview_pdf_has_the_banner_on_every_page_and_no_ssb_credit(rendered):
    pages = _page_texts(rendered["overview"].pdf_path)
    assert all(SYNTHETIC_BANNER in text and ILLUSTRATIVE_BANNER in text for text in pages)
    text = "\n".join(pages)
    assert "Befolkningstall fra SSB" not in text and SYNTHETIC_POPULATION in text


@pytest.mark.parametrize(
    "name", [f"arsrapport_{REGION}_{YEAR}.html", f"fellesrapport_{YEAR}.html", "index.html"]
)
def test_html_pages_carry_the_banner_and_do_not_credit_ssb(rendered, name):
    page = (rendered["folder"] / name).read_text(encoding="utf-8")
    banner = _banner(page)
    assert SYNTHETIC_BANNER in banner and ILLUSTRATIVE_BANNER in banner
    assert "Befolkningstall fra SSB" not in page


def test_annual_report_html_credits_synthetic_population_in_footer(rendered):
    page = (rendered["folder"] / f"arsrapport_{REGION}_{YEAR}.html").read_text(encoding="utf-8")
    footer = page[page.index("<footer>") :]
    assert SYNTHETIC_POPULATION in footer and "ikke SSBs tall" in footer
    assert "syntetiske folketall, ikke SSBs" in page  # the reach section's intro


def test_figures_carry_the_marker_of_their_rows_standing(rendered):
    page = (rendered["folder"] / f"arsrapport_{REGION}_{YEAR}.html").read_text(encoding="utf-8")

    def marked(source: str) -> str:
        found = re.search(
            rf'data-source="{re.escape(source)}">[^<]*(<sup class="fn">(\w)</sup>)?', page
        )
        assert found, source
        return found.group(2) or ""

    # KPIs rest on the synthetic operator sample; the county's amount on the agreement's text
    # (measured); the payout on an illustrative approval date.
    assert marked(f"fct_region_kpis:unique_clients:region_id={REGION};year={YEAR}") == "s"
    assert marked(f"fct_funding:amount_nok:region_id={REGION};funder_id=33;year={YEAR}") == ""
    assert marked(f"fct_funding:population:region_id={REGION};funder_id=3305;year={YEAR}") == "s"
    payout = f"fct_payouts:amount_nok:region_id={REGION};funder_id=33;year={YEAR};payout_month=1"
    assert marked(payout) == "i"
    assert "Syntetisk: tallet bygger på syntetiske data" in page


def test_annual_report_shows_agreement_status_version_and_document(rendered):
    page = (rendered["folder"] / f"arsrapport_{REGION}_{YEAR}.html").read_text(encoding="utf-8")
    with duckdb.connect(str(rendered["db"]), read_only=True) as con:
        version, sha256 = con.execute(
            "select r.agreement_version, f.agreement_document_sha256 from marts.dim_region r "
            "join marts.fct_funding f using (region_id) where region_id = ? and f.year = ? "
            "and f.funder_id = '33'",
            [REGION, YEAR],
        ).fetchone()
    table = page[page.index('data-table="agreement"') :]
    table = html_lib.unescape(table[: table.index("</table>")])
    assert "utkast (ikke signert)" in table
    assert version in table and sha256 in table


def test_annual_report_payouts_list_every_reason_and_pay_nothing(rendered):
    page = html_lib.unescape(
        (rendered["folder"] / f"arsrapport_{REGION}_{YEAR}.html").read_text(encoding="utf-8")
    )
    with duckdb.connect(str(rendered["db"]), read_only=True) as con:
        payout_rows = con.execute(
            "select status, blocked_reason from marts.fct_payouts where region_id = ? and year = ?",
            [REGION, YEAR],
        ).fetchall()
    assert {status for status, _ in payout_rows} == {"blocked"}
    payout_table = page[page.index('data-table="payouts"') :]
    payout_table = payout_table[: payout_table.index("</table>")]
    for _, reason in payout_rows:
        assert f"stoppet: {reason}" in payout_table
    sums = page[page.index('data-table="payout_sums"') :]
    sums = sums[: sums.index("</table>")]
    assert "Sum klar til utbetaling (kr)" in sums
    # Both payout dates: nothing ready, 128 672,50 (the county's half) stopped.
    assert re.findall(r'<td class="num">([^<]*)</td>', sums) == [
        "0,00", "0,00", "128 672,50", "0,00", "0,00", "128 672,50",
    ]  # fmt: skip


def test_compliance_table_shows_severity_standing_and_new_results():
    findings = [
        {"rule_id": "parties_in_population_basis", "clause": "§1, §6", "result": "resolved",
         "explanation": "Avgjort.", "severity": "blokkerer_utbetaling",
         "data_standing": "measured"},
        {"rule_id": "stated_population_matches_ssb", "clause": "§6", "result": "unverified",
         "explanation": "Syntetisk.", "severity": "merknad", "data_standing": "synthetic"},
        {"rule_id": "agreement_text__placeholder_amount", "clause": "§6", "result": "fail",
         "explanation": "xxxxxxx kr.", "severity": "blokkerer_utbetaling",
         "data_standing": "measured"},
    ]  # fmt: skip
    table = compliance_table(findings)
    assert table.headers[2:4] == ["Resultat", "Alvorlighet"] and table.headers[-1] == "Bygger på"
    shown = [[cell.text for cell in row] for row in table.rows]
    assert shown[0][2:4] == ["avgjort av fylket", "blokkerer utbetaling"]
    assert shown[1][2:4] == ["ikke kontrollert (syntetiske tall)", "merknad"]
    assert shown[1][-1] == "syntetiske tall" and shown[0][-1] == "målt"
    assert shown[2][0] == "Avtaleteksten (placeholder_amount)"
    # An open blocking finding is red; a resolved one is not.
    assert table.rows[2][3].tone == "fail" and table.rows[0][3].tone == ""


def test_payout_file_sum_ready_is_zero_on_the_sample(rendered):
    path = rendered["folder"] / f"utbetaling_{YEAR}_01.xlsx"
    sheet = openpyxl.load_workbook(path, data_only=True)[SHEET]
    rows = _data_rows(sheet)
    assert rows and all(row[8].value == "stoppet" for row in rows)
    ready = _totals(sheet, len(rows))[READY_TOTAL]
    assert ready.value == 0 and ready.number_format == "#,##0.00"  # Excel shows 0,00
    banner = sheet.cell(BANNER_ROW + 1, 1).value
    assert SYNTHETIC_BANNER in banner and ILLUSTRATIVE_BANNER in banner


# --- on changed copies of the warehouse --------------------------------------------------


def test_payout_file_counts_only_ready_rows(warehouse_copy, tmp_path):
    """A ready row counts in «Sum klar til utbetaling»; a ready_illustrative one does not."""
    with duckdb.connect(str(warehouse_copy)) as con:
        con.execute(
            "update marts.fct_payouts set status = 'ready', blocked_reason = null, "
            "data_standing = 'measured' where region_id = ? and funder_id = '33'",
            [REGION],
        )
        con.execute(
            "update marts.fct_payouts set status = 'ready_illustrative', blocked_reason = null "
            "where region_id = 'hallingdal' and funder_id = '33'"
        )
        con.execute("update seeds.payees set data_standing = 'measured'")  # real operators
    payouts.write_payout_files(warehouse_copy, YEAR, tmp_path / "out")
    path = tmp_path / "out" / str(YEAR) / f"utbetaling_{YEAR}_01.xlsx"
    cached = openpyxl.load_workbook(path, data_only=True)[SHEET]
    formulas = openpyxl.load_workbook(path)[SHEET]
    rows = _data_rows(cached)
    totals = _totals(cached, len(rows))
    assert Decimal(str(totals[READY_TOTAL].value)) == Decimal("128672.50")
    not_payable = "Sum ikke til utbetaling (illustrative eller syntetiske tall)"
    assert Decimal(str(totals[not_payable].value)) == Decimal("57090.00")

    hallingdal = next(r for r in rows if r[0].value == "Hallingdal" and r[2].value == "33")
    assert hallingdal[8].value.startswith("ikke til utbetaling")
    assert "Ikke til utbetaling" in hallingdal[9].value
    # The live SUMIFS formulas, evaluated as Excel would, give the cached sums.
    for label, cell in totals.items():
        formula = formulas.cell(cell.row, cell.column).value
        match = re.fullmatch(r'=SUMIFS\([^,]+,[^,]+,"([^"]+)"\)', formula or "")
        if not match:
            continue
        evaluated = sum(
            (Decimal(str(r[AMOUNT_COL].value)) for r in rows
             if r[8].value == match.group(1) and r[AMOUNT_COL].value is not None),
            Decimal("0"),
        )  # fmt: skip
        assert evaluated == Decimal(str(cell.value)), label


def test_banner_and_synthetic_credit_disappear_when_every_standing_is_measured(
    warehouse_copy, tmp_path
):
    with duckdb.connect(str(warehouse_copy)) as con:
        marts = con.execute(
            "select table_name, column_name from information_schema.columns "
            "where table_schema = 'marts' and column_name like '%data_standing'"
        ).fetchall()
        assert len(marts) >= 13
        for mart, column in marts:
            con.execute(f"update marts.{mart} set {column} = 'measured'")
        con.execute("update seeds.payees set data_standing = 'measured'")  # the payment lists'
    out = tmp_path / "out"
    rendered = annual_report.render_annual_reports(warehouse_copy, YEAR, out, regions=[REGION])
    overview = county_overview.render_county_overview(warehouse_copy, YEAR, out)
    payouts.write_payout_files(warehouse_copy, YEAR, out)
    index_path = index.write_index(out, YEAR, region_names(warehouse_copy))

    for pdf_path in (rendered[0].pdf_path, overview.pdf_path):
        text = "\n".join(_page_texts(pdf_path))
        assert SYNTHETIC_BANNER not in text and ILLUSTRATIVE_BANNER not in text
        assert SSB_CREDIT in text and SYNTHETIC_POPULATION not in text
    for html_path in (rendered[0].path, overview.path, index_path):
        page = html_path.read_text(encoding="utf-8")
        assert _banner(page) == "" and 'data-banner="standing"' not in page
    page = rendered[0].path.read_text(encoding="utf-8")
    assert SSB_CREDIT in page and '<sup class="fn">s</sup>' not in page
    sheet = openpyxl.load_workbook(out / str(YEAR) / f"utbetaling_{YEAR}_01.xlsx")[SHEET]
    assert sheet.cell(BANNER_ROW + 1, 1).value is None


def test_weakest_standing_and_population_credit():
    assert standing.weakest(iter(["measured", "assumed", "illustrative"])) == "illustrative"
    assert standing.weakest(iter(["measured"])) == "measured"
    assert standing.weakest([]) is None
    on_ssb = [{"basis_population_source": "ssb", "data_standing": "illustrative"}]
    # SSB's cells are measured or synthetic: an illustrative row on SSB's sum has measured cells.
    assert standing.population_credit(standing.population_standing(on_ssb, [])) == SSB_CREDIT
    synthetic = [{"basis_population_source": "ssb", "data_standing": "synthetic"}]
    credit = standing.population_credit(standing.population_standing(synthetic + on_ssb, []))
    assert credit.startswith(SYNTHETIC_POPULATION) and "SSB (tabell" not in credit


def test_index_says_what_each_file_rests_on(rendered):
    page = rendered["index"].read_text(encoding="utf-8")
    for name in (f"utbetaling_{YEAR}_01.xlsx", f"arsrapport_{REGION}_{YEAR}.pdf"):
        row = page[page.index(f'href="{name}"') :]
        row = row[: row.index("</tr>")]
        assert "syntetiske tall" in row and "illustrativt eksempel" in row, name
