"""`etablerer run` on the bundled sample, as `make run` does it, end to end through Dagster."""

import re
from datetime import date
from decimal import Decimal

import duckdb
import pytest

from tests.deliverables.helpers_html import sourced_cells
from tests.helpers import run_etablerer

REGIONS = {
    "ringeriksregionen",
    "drammensregionen",
    "kongsberg_numedal",
    "hallingdal",
    "midt_buskerud",
}
COUNTY_FUNDING_SQL = """
    select amount_nok, typeof(amount_nok)
    from marts.fct_funding
    where region_id = 'ringeriksregionen' and year = 2026 and funder_id = '33'
"""


def funding_snapshot(db_path) -> list[tuple]:
    with duckdb.connect(str(db_path), read_only=True) as con:
        return con.execute(
            "select agreement_id, funder_id, year, population, rate_nok_per_inhabitant, "
            "amount_nok, status from marts.fct_funding order by all"
        ).fetchall()


@pytest.fixture(scope="module")
def pipeline(sample_pipeline):
    completed = sample_pipeline["completed"]
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return sample_pipeline


def test_run_writes_the_warehouse_and_prints_a_summary(pipeline):
    db_path = pipeline["root"] / "warehouse" / "etablerer.duckdb"
    assert db_path.is_file()
    out = pipeline["completed"].stdout
    assert "=== Oppsummering ===" in out
    assert "yearly_pipeline_job [2025, alle regioner]: OK" in out
    assert "yearly_pipeline_job [2026, alle regioner]: OK" in out
    assert "county_reports_job [2026]: OK" in out
    assert f"Datavarehus: {db_path}" in out


def test_county_owes_257345_for_ringeriksregionen_2026(pipeline):
    db_path = pipeline["root"] / "warehouse" / "etablerer.duckdb"
    with duckdb.connect(str(db_path), read_only=True) as con:
        rows = con.execute(COUNTY_FUNDING_SQL).fetchall()
    assert rows == [(Decimal("257345.00"), "DECIMAL(18,2)")]


def test_one_html_report_per_region(pipeline):
    report_dir = pipeline["root"] / "reports" / "2026"
    written = {p.name for p in report_dir.glob("*.html")}
    assert written >= {f"arsrapport_{region}_2026.html" for region in REGIONS}
    ringerike = (report_dir / "arsrapport_ringeriksregionen_2026.html").read_text()
    assert "257 345,00" in ringerike


def test_county_overview_made_by_the_run_states_its_checks(pipeline):
    """county_reports_job's county overview prints the marts' check results, as the annual
    reports do (it said «Kontrollstatus er ikke oppgitt: … utenfor den vanlige kjøringen», since
    that job's asset graph holds no checks)."""
    report_dir = pipeline["root"] / "reports" / "2026"
    overview = (report_dir / "fellesrapport_2026.html").read_text()
    annual = (report_dir / "arsrapport_ringeriksregionen_2026.html").read_text()
    assert "Kontrollstatus er ikke oppgitt" not in overview
    passed = re.search(r"(\d+) av (\d+) kontroller bestått", overview)
    assert passed, "the county overview states no check results"
    assert int(passed.group(2)) > 50
    assert passed.group(1) == passed.group(2)
    assert re.search(r"(\d+) av (\d+) kontroller bestått", annual)


def test_second_run_succeeds_with_the_same_figures(pipeline):
    db_path = pipeline["root"] / "warehouse" / "etablerer.duckdb"
    before = funding_snapshot(db_path)
    again = run_etablerer(["run", "--year", "2026", "--sample"], pipeline["env"])
    assert again.returncode == 0, again.stdout + again.stderr
    assert funding_snapshot(db_path) == before
    assert len(before) > 0


def test_deadline_rules_read_the_agreement_calendar(pipeline):
    db_path = pipeline["root"] / "warehouse" / "etablerer.duckdb"
    with duckdb.connect(str(db_path), read_only=True) as con:
        rules = dict(
            (rule, (result, explanation))
            for rule, result, explanation in con.execute(
                "select rule_id, result, explanation from marts.fct_compliance "
                "where region_id = 'ringeriksregionen' and year = 2026 and rule_id in "
                "('plan_submitted_by_deadline', 'report_received_by_deadline')"
            ).fetchall()
        )
    # The sample's plan for 2026 was submitted before 1 December 2025.
    result, explanation = rules["plan_submitted_by_deadline"]
    assert result == "pass" and "(frist 01.12.2025)" in explanation
    # No annual report for 2026 is recorded: pending until 1 May 2027, then failed.
    result, explanation = rules["report_received_by_deadline"]
    assert result == ("pending" if date.today() <= date(2027, 5, 1) else "fail")
    assert explanation == "Årsrapport og regnskap for 2026 er ikke mottatt (frist 01.05.2027)."


def test_every_published_mart_says_what_it_rests_on(pipeline):
    """Issue 18: the standing reaches the BI copy (a column on every mart, described in
    docs.columns) and the Parquet files. On the bundled sample the county's amount rests on the
    agreement's stated figure (measured), the rest on synthetic or illustrative inputs."""
    published = pipeline["root"] / "warehouse" / "published"
    with duckdb.connect(str(published / "etablerer_bi.duckdb"), read_only=True) as con:
        marts = {
            table: has_standing
            for table, has_standing in con.execute(
                "select table_name, bool_or(column_name = 'data_standing') "
                "from information_schema.columns where table_schema = 'marts' group by 1"
            ).fetchall()
        }
        described = con.execute(
            "select count(distinct table_name), min(description) from docs.columns "
            "where column_name = 'data_standing'"
        ).fetchall()[0]
        standings = dict(
            con.execute(
                "select funder_id, data_standing from marts.fct_funding "
                "where region_id = 'ringeriksregionen' and year = 2026"
            ).fetchall()
        )
        parquet = con.execute(
            "select distinct data_standing from read_parquet(?) order by 1",
            [str(published / "parquet" / "fct_payouts.parquet")],
        ).fetchall()
    assert len(marts) >= 9 and all(marts.values()), marts
    assert described[0] == len(marts)
    assert "synthetic" in described[1] and "measured" in described[1]
    assert standings["33"] == "measured"
    assert {standing for funder, standing in standings.items() if funder != "33"} == {"synthetic"}
    assert parquet == [("illustrative",), ("synthetic",)]


def test_the_2026_report_compares_with_the_2025_baseline(pipeline):
    """`make run` built only 2026, so every «last year» figure was '–ᵐ'. It builds 2025, the
    baseline year the operators deliver, first: the 2026 report's 2025 column is its figures."""
    report = pipeline["root"] / "reports" / "2026" / "arsrapport_ringeriksregionen_2026.html"
    cells = sourced_cells(report.read_text(encoding="utf-8")).cells
    last_year = {
        source.split(":")[1]: shown for source, shown in cells if source.endswith("year=2025")
    }
    assert len(last_year) > 30
    db_path = pipeline["root"] / "warehouse" / "etablerer.duckdb"
    with duckdb.connect(str(db_path), read_only=True) as con:
        clients_2025 = con.execute(
            "select unique_clients from marts.fct_region_kpis "
            "where region_id = 'ringeriksregionen' and year = 2025"
        ).fetchone()[0]
    assert last_year["unique_clients"] == str(clients_2025)
    shown = [value for value in last_year.values() if value != "–"]
    assert len(shown) > 0.8 * len(last_year)
