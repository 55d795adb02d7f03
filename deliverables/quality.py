"""Data-quality status for the reports: which checks ran on the marts a report reads, and how
they ended. The orchestration layer fills this in from the run's check results; deliverables
only print it."""

from __future__ import annotations

from dataclasses import dataclass

from deliverables.formatting import integer
from deliverables.model import Cell, Section, Table, figure, text


@dataclass(frozen=True)
class CheckStatus:
    name: str  # e.g. gx_marts_funding
    asset: str  # the checked table, e.g. fct_funding
    passed: bool | None  # None: no result for this year
    evaluated: int | None = None  # expectations or tests evaluated
    successful: int | None = None
    description: str = ""


def _result(check: CheckStatus):
    if check.passed is None:
        return text("ikke kjørt", tone="warn")
    return text("bestått", tone="ok") if check.passed else text("feilet", tone="fail")


def _count(check: CheckStatus) -> str:
    if check.evaluated is None:
        return ""
    return f"{check.successful} av {check.evaluated}"


# The tables a report's checks guard, as a reader knows them.
TABLE_LABELS = {
    "dim_region": "Regioner",
    "dim_municipality": "Kommuner",
    "fct_funding": "Finansiering",
    "fct_payouts": "Utbetalinger",
    "fct_region_kpis": "Nøkkeltall per region",
    "fct_municipality_kpis": "Nøkkeltall per kommune",
    "fct_survey_results": "Brukerundersøkelsen",
    "fct_plan_vs_actual": "Aktivitetsplan mot resultat",
    "fct_compliance": "Avtalekrav",
    "fct_outcome_cohorts": "Overlevelse: registeret mot SSB",
    "fct_outcome_startups": "Nyetableringer per 10 000 innbyggere",
    "fct_outcome_businesses": "Ansatte og årsregnskap",
    "fct_linkage_findings": "Rapportene mot registeret",
}


def _table_label(asset: str) -> str:
    name = asset.rsplit("/", 1)[-1]
    return TABLE_LABELS.get(name, name)


def _summary_rows(checks: list[CheckStatus]) -> list[list[Cell]]:
    """One row per checked table: its checks, how many passed, failed and did not run."""
    by_table: dict[str, list[CheckStatus]] = {}
    for check in checks:
        by_table.setdefault(check.asset, []).append(check)
    rows = []
    for asset, own in sorted(by_table.items(), key=lambda item: _table_label(item[0])):
        passed = sum(1 for c in own if c.passed)
        failed = sum(1 for c in own if c.passed is False)
        not_run = sum(1 for c in own if c.passed is None)
        rows.append(
            [
                text(_table_label(asset)),
                figure(len(own), "int"),
                figure(passed, "int"),
                Cell(integer(failed), numeric=True, tone="fail" if failed else ""),
                Cell(integer(not_run), numeric=True, tone="warn" if not_run else ""),
            ]
        )
    return rows


def _check_table(key: str, checks: list[CheckStatus], caption: str, html_only: bool = False):
    return Table(
        key=key,
        headers=["Kontroll", "Tabell", "Resultat", "Forventninger bestått"],
        rows=[
            [text(c.name), text(_table_label(c.asset)), _result(c), text(_count(c))]
            for c in sorted(checks, key=lambda c: (not c.name.startswith("gx_"), c.asset, c.name))
        ],
        widths=[3, 2, 1.2, 1.6],
        caption=caption,
        html_only=html_only,
    )


def quality_section(checks: list[CheckStatus] | None) -> Section:
    """A short summary per table; the checks that did not pass by name; the full list of
    checks (dbt test ids, GX suites) in the HTML only, where a reader can search it."""
    section = Section(
        title="Datakvalitet",
        intro=(
            "Rapporten lages bare når de blokkerende kontrollene på tallene den bygger på har "
            "bestått (Great Expectations-suiter og dbt-tester i datavarehuset)."
        ),
    )
    if not checks:
        section.notes.append(
            "Kontrollstatus er ikke oppgitt: rapporten ble laget utenfor den vanlige kjøringen."
        )
        return section
    passed = sum(1 for c in checks if c.passed)
    section.notes.append(
        f"{passed} av {len(checks)} kontroller bestått. Hele listen, med hver kontrolls navn, "
        "står i HTML-utgaven av rapporten."
    )
    section.tables.append(
        Table(
            key="quality",
            headers=["Tabell", "Kontroller", "Bestått", "Feilet", "Ikke kjørt"],
            rows=_summary_rows(checks),
            widths=[3, 1.2, 1.2, 1.2, 1.2],
        )
    )
    not_passed = [c for c in checks if not c.passed]
    if not_passed:
        section.tables.append(
            _check_table("quality_not_passed", not_passed, "Kontroller som ikke har bestått")
        )
    section.tables.append(_check_table("quality_all", checks, "Alle kontroller", html_only=True))
    return section
