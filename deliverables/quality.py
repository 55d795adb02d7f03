"""Data-quality status for the reports: which checks ran on the marts a report reads, and how
they ended. The orchestration layer fills this in from the run's check results; deliverables
only print it."""

from __future__ import annotations

from dataclasses import dataclass

from deliverables.model import Section, Table, text


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


def quality_section(checks: list[CheckStatus] | None) -> Section:
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
    section.notes.append(f"{passed} av {len(checks)} kontroller bestått.")
    section.tables.append(
        Table(
            key="quality",
            headers=["Kontroll", "Tabell", "Resultat", "Forventninger bestått"],
            rows=[
                [text(c.name), text(c.asset), _result(c), text(_count(c))]
                for c in sorted(
                    checks, key=lambda c: (not c.name.startswith("gx_"), c.asset, c.name)
                )
            ],
            widths=[3, 2, 1.2, 1.6],
        )
    )
    return section
