"""The population an agreement's funding rests on: present for every municipality, or an error.

This only looks the figures up and refuses gaps; the money itself is computed in dbt.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from ingestion.ssb.municipalities import MUNICIPALITY_NAMES

STATUS_MEANING = {".": "ikke mulig å føre opp", "..": "mangler", ":": "konfidensielt"}


class MissingPopulationError(LookupError):
    """A municipality in a funding basis has no population for the basis period."""

    def __init__(self, message: str, *, period: str, municipalities: list[tuple[str, str]]):
        super().__init__(message)
        self.period = period
        self.municipalities = municipalities


def population_basis(
    population: pl.DataFrame,
    municipality_codes: Sequence[str],
    period: str,
    *,
    table_id: str = "01222",
    contents_code: str = "Folketallet11",
) -> dict[str, int]:
    """Population per municipality for the basis period, from rows shaped like raw.ssb_population.

    Raises `MissingPopulationError` naming every municipality (code and name) that has no figure,
    or only a null one, for `period`.
    """
    rows = population.filter(
        (pl.col("table_id") == table_id)
        & (pl.col("contents_code") == contents_code)
        & pl.col("sex").is_null()
        & pl.col("age").is_null()
    )
    names = dict(MUNICIPALITY_NAMES)
    names.update(dict(rows.select("region_code", "region_label").unique("region_code").iter_rows()))
    in_period = {
        code: (value, status)
        for code, value, status in rows.filter(pl.col("period") == period)
        .select("region_code", "value", "status")
        .iter_rows()
    }

    basis: dict[str, int] = {}
    missing: list[tuple[str, str]] = []
    reasons: list[str] = []
    for code in municipality_codes:
        name = names.get(code, "ukjent kommune")
        value, status = in_period.get(code, (None, None))
        if value is None:
            missing.append((code, name))
            why = (
                f" (SSB: «{status}», {STATUS_MEANING.get(status, 'ukjent symbol')})"
                if status
                else ""
            )
            reasons.append(f"{code} {name}{why}")
        else:
            basis[code] = value
    if missing:
        subject = "Kommunen" if len(missing) == 1 else "Kommunene"
        raise MissingPopulationError(
            f"{subject} {', '.join(reasons)} mangler folketall for {period} (tabell {table_id}, "
            f"{contents_code}). Finansieringsgrunnlaget kan ikke regnes ut før tallet finnes. "
            "Hent SSB-tallene på nytt (etablerer ssb fetch), eller rett grunnlagsperioden "
            "i avtalen.",
            period=period,
            municipalities=missing,
        )
    return basis
