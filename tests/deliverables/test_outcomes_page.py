"""The annual report's outcomes page (issue 21, must show 4): Ringeriksregionen's cohorts from the
register beside SSB 08316 as the marts hold them, both definitions, a cohort not measurable yet as
'–ᵉ' in the table and the chart, the synthetic standing on the page and its charts, and a region
the register has not been read for."""

import html as html_lib
import io
import re
from dataclasses import replace
from decimal import Decimal

import duckdb
from PIL import Image
from pypdf import PdfReader

from deliverables import annual_report, annual_report_content, charts, outcomes, page_images
from deliverables.formatting import integer, share
from deliverables.marts import read_marts
from deliverables.model import SUPERSCRIPT
from tests.deliverables.conftest import YEAR
from tests.deliverables.helpers_html import sourced_cells
from tests.e2e.dbt.conftest import build_register_models

REGION = "ringeriksregionen"
SYNTHETIC_BANNER = "SYNTETISKE TALL – ikke SSBs tall"
NEXT_SECTION = "Rekkevidde per kommune"
S = SUPERSCRIPT["s"]
LATEST_COHORTS = """
    select * from marts.fct_outcome_cohorts
    where region_id = ? and registration_year = 2025
    qualify as_of_date = max(as_of_date) over ()
    order by org_form, horizon_years
"""


def _cohorts(db) -> list[dict]:
    with duckdb.connect(str(db), read_only=True) as con:
        cursor = con.execute(LATEST_COHORTS, [REGION])
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _pdf_pages(rendered, region_id: str = REGION) -> list[str]:
    path = rendered["folder"] / f"arsrapport_{region_id}_{YEAR}.pdf"
    return [" ".join(page.extract_text().split()) for page in PdfReader(path).pages]


def _outcome_pages(pages: list[str]) -> list[int]:
    """The indexes of the outcomes page's PDF pages: from its title to the next section."""
    first = next(i for i, text in enumerate(pages) if outcomes.TITLE in text)
    last = next(i for i, text in enumerate(pages) if i >= first and NEXT_SECTION in text)
    return list(range(first, last + 1))


def _html(rendered, region_id: str = REGION) -> str:
    return (rendered["folder"] / f"arsrapport_{region_id}_{YEAR}.html").read_text(encoding="utf-8")


def _where(row: dict) -> str:
    return (
        f"as_of_date={row['as_of_date']};region_id={REGION};registration_year=2025;"
        f"org_form={row['org_form']};horizon_years={row['horizon_years']}"
    )


def test_the_outcomes_page_follows_the_kpis_on_a_page_of_its_own(rendered):
    pages = _pdf_pages(rendered)
    outcome_pages = _outcome_pages(pages)
    first = pages[outcome_pages[0]]
    # the banner, then the title: the page starts with it
    assert first.startswith(f"{SYNTHETIC_BANNER}"), first[:200]
    assert first.split("Illustrativt eksempel", 1)[1].lstrip().startswith(outcomes.TITLE)
    kpis = next(i for i, text in enumerate(pages) if "Måloppnåelse mot aktivitetsplanen" in text)
    assert kpis < outcome_pages[0]
    text = " ".join(pages)
    order = [
        "Overlevelse: registeret mot SSB",
        "Nyetableringer per 10 000 innbyggere",
        "Rapportene mot registeret",
        "Ansatte og årsregnskap",
        NEXT_SECTION,
    ]
    positions = [text.index(heading, text.index(outcomes.TITLE)) for heading in order]
    assert positions == sorted(positions)


def test_ringeriksregionen_2025_from_the_register_beside_ssb_as_in_the_mart(rendered):
    """Must show 4: the 1-year survival of the 2025 cohorts, register and SSB 08316 (Buskerud,
    the same form), printed in the PDF row by row and in the HTML cell by cell as the mart has
    them."""
    rows = [r for r in _cohorts(rendered["db"]) if r["horizon_years"] == 1]
    measurable = [r for r in rows if r["measurability"] == "measurable"]
    assert [r["org_form"] for r in measurable] == ["AS", "ENK"]  # the premise, from the mart
    assert all(r["ssb_region_code"] == "33" and r["ssb_survival_share"] for r in measurable)
    text = " ".join(_pdf_pages(rendered)[i] for i in _outcome_pages(_pdf_pages(rendered)))
    cells = dict(sourced_cells(_html(rendered)).cells)
    for row in measurable:
        printed = (
            f"2025 {row['org_form']} {share(row['survival_share'])}{S} "
            f"{integer(row['survival_share_n'])}{S} {share(row['ssb_survival_share'])}{S}"
        )
        assert printed in text, printed
        where = _where(row)
        assert cells[f"fct_outcome_cohorts:survival_share:{where}"] == share(row["survival_share"])
        assert cells[f"fct_outcome_cohorts:ssb_survival_share:{where}"] == share(
            row["ssb_survival_share"]
        )
    # the figures differ: two sources, two definitions
    assert {r["survival_share"] for r in measurable} != {
        r["ssb_survival_share"] for r in measurable
    }


def test_both_definitions_are_written_out_as_the_mart_words_them(rendered):
    row = next(
        r for r in _cohorts(rendered["db"]) if r["horizon_years"] == 1 and r["org_form"] == "AS"
    )
    register, ssb = row["survival_definition"], row["ssb_survival_definition"]
    assert "verken slettet eller konkurs" in register and "avvikling" in register
    assert "omsetning eller sysselsetting" in ssb and "08316" in ssb
    pages = _pdf_pages(rendered)
    text = " ".join(pages[i] for i in _outcome_pages(pages))
    page = " ".join(html_lib.unescape(_html(rendered)).split())
    for definition in (register, ssb):
        assert definition in text
        assert definition in page


def test_a_cohort_not_measurable_yet_is_e_in_the_table_and_in_the_chart(rendered):
    """The 2025 AS cohort has not reached 2 years by the last observation: '–ᵉ' with n 0, in
    the HTML, the PDF and on the chart, where it has no bar; a hidden share is '–ᵖ' there too."""
    rows = _cohorts(rendered["db"])
    not_yet = next(r for r in rows if r["org_form"] == "AS" and r["horizon_years"] == 2)
    assert (not_yet["measurability"], not_yet["survival_share"], not_yet["survival_share_n"]) == (
        "not_measurable_yet",
        None,
        0,
    )
    page = _html(rendered)
    source = f"fct_outcome_cohorts:survival_share:{_where(not_yet)}"
    assert f'data-source="{source}">–<sup class="fn">e</sup>' in page
    pages = _pdf_pages(rendered)
    assert "–ᵉ" in " ".join(pages[i] for i in _outcome_pages(pages))

    data = read_marts(rendered["db"], YEAR)
    region_rows = [r for r in data.outcome_cohorts if r["region_id"] == REGION]
    year, categories, bars = outcomes.survival_chart_bars(region_rows)
    assert year == 2025
    by_category = dict(zip(categories, bars["register"], strict=True))
    expected_dash = {"not_measurable_yet": "–ᵉ", "suppressed": "–ᵖ"}
    for row in rows:
        value, printed = by_category[f"{row['org_form']}\n{row['horizon_years']} år"]
        if row["measurability"] == "measurable":
            assert (value, printed) == (row["survival_share"], share(row["survival_share"]) + S)
        else:
            assert (value, printed) == (None, expected_dash[row["measurability"]])
    assert by_category["AS\n2 år"] == (None, "–ᵉ")


def _pixels(png: bytes, colour: str) -> int:
    rgb = tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
    image = Image.open(io.BytesIO(png)).convert("RGB")
    return sum(1 for pixel in image.getdata() if pixel == rgb)


def test_a_share_without_a_figure_is_drawn_as_its_marker_never_as_a_bar():
    def chart(values: list) -> bytes:
        return charts.grouped_bars(
            ["AS\n1 år", "AS\n2 år"],
            {"Registeret": values, "SSB": [Decimal("0.7950"), Decimal("0.7100")]},
            texts={
                "Registeret": ["–ᵉ" if v is None else share(v) for v in values],
                "SSB": ["79,50 %", "71,00 %"],
            },
            kind="share",
        )

    register = charts.COLOURS[0]
    with_bars = _pixels(chart([Decimal("0.8333"), Decimal("0.5000")]), register)
    without = _pixels(chart([None, None]), register)
    assert with_bars > 5000
    assert without < 400  # the legend's patch only


def test_the_outcomes_page_and_its_charts_say_they_are_synthetic(rendered):
    """Every PDF page of the outcomes carries the banner strip (drawn, as the layout test reads
    it) and its text; the intro names the synthetic sources, each chart's title says it, and the
    figures carry ˢ."""
    path = rendered["folder"] / f"arsrapport_{REGION}_{YEAR}.pdf"
    pages = _pdf_pages(rendered)
    images = page_images.pages(path.read_bytes(), scale=0.5)
    for i in _outcome_pages(pages):
        assert page_images.has_banner(images[i]), i
        assert SYNTHETIC_BANNER in pages[i]
    text = " ".join(pages[i] for i in _outcome_pages(pages))
    assert "Registeruttrekket og SSBs tabell 08316 er syntetiske" in text
    assert "Overlevelse for kohort 2025: registeret mot SSB (syntetiske tall)" in text
    assert f"Nyetableringer per 10 000 innbyggere {YEAR} (syntetiske tall)" in text
    page = _html(rendered)
    captions = re.findall(
        r'<figure data-chart="(outcome_\w+)">.*?<figcaption>(.*?)</figcaption>', page
    )
    assert [key for key, _ in captions] == ["outcome_survival", "outcome_startups"]
    assert all("(syntetiske tall)" in caption for _, caption in captions)


def _measured(rows: list[dict], *columns: str) -> list[dict]:
    return [{**row, **{c: "measured" for c in columns if c in row}} for row in rows]


def test_the_register_or_ssb_alone_raise_the_synthetic_banner(rendered):
    """The report's standing follows the outcome marts: with every other figure measured, the
    register's synthetic snapshot alone, or SSB 08316's, still puts up the banner."""
    data = read_marts(rendered["db"], YEAR)
    others = {
        name: _measured(getattr(data, name), "data_standing")
        for name in (
            "regions", "region_kpis", "municipality_kpis", "funding", "payouts", "survey",
            "plan", "compliance", "municipalities",
        )
    }  # fmt: skip
    region = next(r for r in others["regions"] if r["region_id"] == REGION)

    def banners(**outcome_rows) -> list[str]:
        report = annual_report_content.build_region_report(
            replace(data, **others, **outcome_rows), region, generated_at="x"
        )
        return report.banners()

    cohorts = data.outcome_cohorts
    rest = {
        "outcome_startups": _measured(data.outcome_startups, "data_standing"),
        "outcome_businesses": _measured(data.outcome_businesses, "data_standing"),
        "linkage_findings": _measured(data.linkage_findings, "data_standing"),
    }
    assert banners(outcome_cohorts=cohorts, **rest) == [SYNTHETIC_BANNER]
    register_measured = _measured(cohorts, "data_standing")
    assert banners(outcome_cohorts=register_measured, **rest) == [SYNTHETIC_BANNER]
    all_measured = _measured(cohorts, "data_standing", "ssb_data_standing")
    assert banners(outcome_cohorts=all_measured, **rest) == []


def test_a_region_the_register_has_not_been_read_for_says_so(warehouse_copy, tmp_path):
    """No observation yet: the page says so, with no figures from the register and no chart; the
    reported businesses are counted, and their findings are not measurable yet."""
    with duckdb.connect(str(warehouse_copy)) as con:
        con.execute("delete from raw.brreg_units")
    build_register_models(warehouse_copy, tmp_path / "target")
    rendered = annual_report.render_annual_reports(warehouse_copy, YEAR, tmp_path, regions=[REGION])
    pages = [" ".join(p.extract_text().split()) for p in PdfReader(rendered[0].pdf_path).pages]
    outcome_text = " ".join(pages[i] for i in _outcome_pages(pages))
    assert " ".join(outcomes.NO_OBSERVATION.split()) in outcome_text
    assert "Overlevelse: registeret mot SSB" not in outcome_text
    assert "Rapporterte nyetableringer 37" in outcome_text
    page = rendered[0].path.read_text(encoding="utf-8")
    assert 'data-chart="outcome_' not in page
    findings = re.search(r'<table data-table="outcome_linkage">.*?</table>', page, re.S).group(0)
    assert findings.count('–<sup class="fn">e</sup>') == 8  # 4 kinds × 2 years, none checked
