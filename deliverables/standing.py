"""What a report rests on, read from the marts' `data_standing` of the rows it shows: the
banners, and whom the population figures are credited to.

Standings, weakest first: synthetic < illustrative < assumed < measured (dbt macro
weakest_standing). Nothing here computes a figure; it only reads the standing beside one.
"""

from __future__ import annotations

from collections.abc import Iterable

from deliverables.marts import Row

ORDER = ("synthetic", "illustrative", "assumed", "measured")

BANNERS: dict[str, str] = {
    "synthetic": "SYNTETISKE TALL – ikke SSBs tall",
    "illustrative": "Illustrativt eksempel",
}

SSB_CREDIT = "Befolkningstall fra SSB (tabell 01222), lisens CC BY 4.0."
SYNTHETIC_POPULATION = (
    "Befolkningstallene er syntetiske, laget for demonstrasjon av tjenesten: de er ikke SSBs tall."
)


def of(*row_lists: Iterable[Row | None], column: str = "data_standing") -> frozenset[str]:
    """The standings of the rows a report shows (rows without the column count as nothing).
    `column` names another standing column, e.g. fct_outcome_cohorts.ssb_data_standing."""
    return frozenset(
        row[column] for rows in row_lists for row in rows if row is not None and row.get(column)
    )


def weakest(standings: Iterable[str]) -> str | None:
    present = set(standings)
    return next((s for s in ORDER if s in present), None)


def banners(standings: Iterable[str]) -> list[str]:
    present = set(standings)
    return [text for standing, text in BANNERS.items() if standing in present]


def population_standing(funding: list[Row], kpis: list[Row]) -> str | None:
    """What the population figures shown rest on.

    SSB's cells are measured or synthetic, nothing between. A fct_funding row that uses SSB's sum
    (basis_population_source 'ssb') takes the weaker of its agreement (never synthetic) and those
    cells, so it is synthetic exactly when the cells are. Without such a row, the KPI rows'
    standing is the bound: it may be their operator records that are synthetic, and then SSB is
    not credited either, to be safe."""
    on_ssb = [f for f in funding if f.get("basis_population_source") == "ssb"]
    rows = on_ssb or [k for k in kpis if k and k.get("population") is not None]
    return weakest(r["data_standing"] for r in rows if r.get("data_standing"))


def population_credit(standing: str | None) -> str:
    """SSB is credited only for measured SSB figures."""
    if standing is None:
        return ""
    return SYNTHETIC_POPULATION if standing == "synthetic" else SSB_CREDIT


def population_source(standing: str | None) -> str:
    """Short name of the population's source, for a table cell or an intro."""
    return "syntetiske tall" if standing == "synthetic" else "SSB"
