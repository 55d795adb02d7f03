"""Reading the marts for the deliverables: one read-only session, plain dicts, nothing computed."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

Row = dict[str, Any]


class MartsMissingError(RuntimeError):
    """The warehouse lacks a mart the deliverables read; the message says what to run."""


@dataclass
class MartData:
    year: int
    regions: list[Row]
    # fct_region_kpis for every year up to `year` (trends and last year's comparison).
    region_kpis: list[Row]
    municipality_kpis: list[Row]
    funding: list[Row]
    payouts: list[Row]
    survey: list[Row]
    # fct_plan_vs_actual for `year` and the year before (the plan review compares them).
    plan: list[Row]
    compliance: list[Row]
    municipalities: list[Row] = field(default_factory=list)
    # fct_payouts summed by DuckDB per region and payout month, by status (PAYOUT_SUMS_SQL).
    payout_sums: list[Row] = field(default_factory=list)
    # fct_agreement_amounts: every funder's amount for every year of its agreement's period.
    agreement_amounts: list[Row] = field(default_factory=list)
    # The register's outcomes (marts/outcomes): each region's cohorts up to `year` as of its
    # newest observation; start-ups, businesses and linkage findings for `year` and the year
    # before.
    outcome_cohorts: list[Row] = field(default_factory=list)
    outcome_startups: list[Row] = field(default_factory=list)
    outcome_businesses: list[Row] = field(default_factory=list)
    linkage_findings: list[Row] = field(default_factory=list)

    def kpis(self, region_id: str, year: int) -> Row | None:
        return next(
            (r for r in self.region_kpis if r["region_id"] == region_id and r["year"] == year),
            None,
        )

    def for_region(self, rows: list[Row], region_id: str, year: int | None = None) -> list[Row]:
        wanted = self.year if year is None else year
        return [r for r in rows if r.get("region_id") == region_id and r.get("year") == wanted]


MARTS = (
    "dim_region",
    "dim_municipality",
    "fct_region_kpis",
    "fct_municipality_kpis",
    "fct_funding",
    "fct_agreement_amounts",
    "fct_payouts",
    "fct_survey_results",
    "fct_plan_vs_actual",
    "fct_compliance",
    "fct_outcome_cohorts",
    "fct_outcome_startups",
    "fct_outcome_businesses",
    "fct_linkage_findings",
)


# Sums of the mart's decimal amounts per status: what may be paid counts `ready` rows only.
PAYOUT_SUMS_SQL = """
    select
        region_id,
        payout_month,
        coalesce(sum(amount_nok) filter (where status = 'ready'), 0) as ready_nok,
        coalesce(sum(amount_nok) filter (where status = 'ready_illustrative'), 0)
            as ready_illustrative_nok,
        coalesce(sum(amount_nok) filter (where status = 'blocked'), 0) as blocked_nok,
        count(*) filter (where status = 'ready') as ready_rows,
        count(*) filter (where status = 'ready_illustrative') as ready_illustrative_rows,
        count(*) filter (where status = 'blocked') as blocked_rows
    from marts.fct_payouts
    where year = ?
    group by region_id, payout_month
    order by region_id, payout_month
"""


def rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> list[Row]:
    cursor = con.execute(sql, params or [])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _check_marts(con: duckdb.DuckDBPyConnection, db_path: Path) -> None:
    present = {
        name
        for (name,) in con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts'"
        ).fetchall()
    }
    missing = [m for m in MARTS if m not in present]
    if missing:
        raise MartsMissingError(
            f"Datavarehuset {db_path} mangler {', '.join(missing)} i skjema marts. "
            "Kjør `etablerer run --year <år>` før rapportene lages."
        )


def read_marts(db_path: Path, year: int, *, outcomes: bool = True) -> MartData:
    """Everything the deliverables show for `year`, read from the marts in one read-only session.
    Without `outcomes`, the register's outcome marts (every observation day's cohorts, which only
    the annual report shows) are not read."""
    with duckdb.connect(str(db_path), read_only=True) as con:
        _check_marts(con, db_path)
        data = MartData(
            year=year,
            regions=rows(con, "select * from marts.dim_region order by is_illustrative, region_id"),
            region_kpis=rows(
                con,
                "select * from marts.fct_region_kpis where year <= ? order by region_id, year",
                [year],
            ),
            municipality_kpis=rows(
                con,
                "select * from marts.fct_municipality_kpis where year = ? "
                "order by region_id, municipality_code",
                [year],
            ),
            funding=rows(
                con,
                "select * from marts.fct_funding where year = ? "
                "order by region_id, funder_type desc, funder_id",
                [year],
            ),
            payouts=rows(
                con,
                "select * from marts.fct_payouts where year = ? "
                "order by region_id, payout_month, funder_id",
                [year],
            ),
            survey=rows(
                con,
                "select * from marts.fct_survey_results where year = ? "
                "order by region_id, question_id",
                [year],
            ),
            plan=rows(
                con,
                "select * from marts.fct_plan_vs_actual where year between ? and ? "
                "order by region_id, year, target_id",
                [year - 1, year],
            ),
            compliance=rows(
                con,
                "select * from marts.fct_compliance where year = ? "
                "order by scope, region_id, rule_id",
                [year],
            ),
            municipalities=rows(
                con, "select * from marts.dim_municipality order by municipality_code"
            ),
            payout_sums=rows(con, PAYOUT_SUMS_SQL, [year]),
            agreement_amounts=rows(
                con,
                "select * from marts.fct_agreement_amounts "
                "where ? between period_from_year and period_to_year "
                "order by region_id, funder_type desc, funder_id, year",
                [year],
            ),
        )
        if not outcomes:
            return data
        data.outcome_cohorts = rows(
            con,
            "select * from marts.fct_outcome_cohorts where registration_year <= ? "
            "qualify as_of_date = max(as_of_date) over (partition by region_id) "
            "order by region_id, registration_year, org_form, horizon_years",
            [year],
        )
        data.outcome_startups = rows(
            con,
            "select * from marts.fct_outcome_startups where year between ? and ? "
            "order by region_id, municipality_code, year",
            [year - 1, year],
        )
        data.outcome_businesses = rows(
            con,
            "select * from marts.fct_outcome_businesses where year between ? and ? "
            "order by region_id, year",
            [year - 1, year],
        )
        data.linkage_findings = rows(
            con,
            "select * from marts.fct_linkage_findings where year between ? and ? "
            "order by region_id, year, finding_kind",
            [year - 1, year],
        )
        return data


def payout_totals(db_path: Path, year: int, month: int) -> dict[str, tuple[Any, int]]:
    """Sum and count of fct_payouts per status for one payout date, summed by DuckDB over the
    mart's decimal(18,2) amounts: a total row, not a money rule."""
    with duckdb.connect(str(db_path), read_only=True) as con:
        found = con.execute(
            "select status, sum(amount_nok), count(*) from marts.fct_payouts "
            "where year = ? and payout_month = ? group by status",
            [year, month],
        ).fetchall()
    return {status: (amount, count) for status, amount, count in found}


def region_names(db_path: Path) -> dict[str, str]:
    with duckdb.connect(str(db_path), read_only=True) as con:
        return dict(con.execute("select region_id, region_name from marts.dim_region").fetchall())
