"""`marts_funding` and `marts_kpis`: the money arithmetic and the KPI table's sanity.

Money stays exact: differences (amount - round(population x rate, 2), payouts - amount) are
computed in DuckDB on DECIMAL(18,2) and only the difference, which is 0 when right, reaches
pandas as a double. Every frame is an aggregate or a mart row per agreement, funder and year,
or per region and year: a few hundred rows at most.
"""

from __future__ import annotations

import duckdb
import great_expectations.expectations as gxe

from expectations import thresholds as t
from expectations.batch import (
    Batch,
    RegionIds,
    Years,
    as_list,
    fetch_frame,
    format_number,
    partition_filter,
    region_filter,
    require_table,
)

FUNDING = "marts.fct_funding"
PAYOUTS = "marts.fct_payouts"
REGION_KPIS = "marts.fct_region_kpis"
REGIONS = "marts.dim_region"


def build(
    con: duckdb.DuckDBPyConnection,
    *,
    mart: str,
    year: Years = None,
    region_id: RegionIds = None,
) -> list[Batch]:
    if mart == "funding":
        return _funding_batches(con, year, region_id)
    if mart == "kpis":
        return _kpi_batches(con, year, region_id)
    raise ValueError(f"Unknown mart suite {mart!r}")


# --- marts_funding ----------------------------------------------------------------------------


def _funding_batches(
    con: duckdb.DuckDBPyConnection, year: Years, region_id: RegionIds
) -> list[Batch]:
    for table in (FUNDING, PAYOUTS):
        require_table(con, table)
    where, params = partition_filter(year, region_id)
    funding = fetch_frame(
        con,
        f"""
        select
            agreement_id || '/' || funder_id || '/' || year as funding_label,
            status,
            cast(
                case when funder_id = ? then rate_nok_per_inhabitant end as double
            ) as county_rate_nok,
            cast(
                case
                    when status = 'ok'
                        then amount_nok - round(population * rate_nok_per_inhabitant, 2)
                end as double
            ) as amount_difference_nok,
            status = 'ok' and amount_nok is null as ok_without_amount,
            status <> 'ok' and amount_nok is not null as amount_without_ok,
            is_illustrative
        from {FUNDING}
        where {where}
        order by all
        """,
        [t.COUNTY_FUNDER_ID, *params],
    )
    payout_totals = fetch_frame(
        con,
        f"""
        with funding as (select * from {FUNDING} where {where}),
        payouts as (select * from {PAYOUTS} where {where})
        select
            funding.agreement_id || '/' || funding.funder_id || '/' || funding.year
                as funding_label,
            count(payouts.payout_month) as payouts,
            cast(
                case
                    when funding.status = 'ok' then sum(payouts.amount_nok) - funding.amount_nok
                end as double
            ) as payouts_minus_amount_nok,
            count(*) filter (
                where payouts.annual_amount_nok is distinct from funding.amount_nok
            ) as annual_amount_mismatches
        from funding
        left join payouts
            on funding.agreement_id = payouts.agreement_id
            and funding.funder_id = payouts.funder_id
            and funding.year = payouts.year
        group by funding.agreement_id, funding.funder_id, funding.year, funding.status,
            funding.amount_nok
        order by all
        """,
        [*params, *params],
    )
    payouts = fetch_frame(
        con,
        f"""
        select
            agreement_id || '/' || funder_id || '/' || year || '/' || payout_month
                as payout_label,
            status,
            payout_month,
            cast(amount_nok as double) as amount_nok,
            status = 'ready' and amount_nok is null as ready_without_amount,
            status = 'blocked' and coalesce(blocked_reason, '') = '' as blocked_without_reason
        from {PAYOUTS}
        where {where}
        order by all
        """,
        params,
    )
    tolerance = float(t.MONEY_TOLERANCE_NOK)
    months = " og ".join(str(month) for month in t.PAYOUT_MONTHS)
    return [
        Batch(
            name="funding",
            table=FUNDING,
            frame=funding,
            label_column="funding_label",
            expectations=[
                gxe.ExpectTableRowCountToBeBetween(
                    # a baseline year (before any agreement) has nothing to fund
                    min_value=1 if _agreements_in_force(con, year, region_id) else 0,
                    description="Det finnes finansiering for utvalget når en avtale gjelder.",
                ),
                gxe.ExpectColumnValuesToBeInSet(
                    column="status",
                    value_set=list(t.FUNDING_STATUSES),
                    description="Status er " + ", ".join(t.FUNDING_STATUSES) + ".",
                ),
                gxe.ExpectColumnValuesToBeBetween(
                    column="amount_difference_nok",
                    min_value=-tolerance,
                    max_value=tolerance,
                    meta={"column": "amount_nok"},
                    description="Beløpet er folketall × sats, avrundet til øre, der status er ok.",
                ),
                gxe.ExpectColumnValuesToBeInSet(
                    column="ok_without_amount",
                    value_set=[False],
                    meta={"column": "amount_nok"},
                    description="Rader med status ok har beløp.",
                ),
                gxe.ExpectColumnValuesToBeInSet(
                    column="amount_without_ok",
                    value_set=[False],
                    meta={"column": "amount_nok"},
                    description="Rader uten status ok har ikke beløp (mangler er ikke null).",
                ),
                gxe.ExpectColumnValuesToBeBetween(
                    column="county_rate_nok",
                    min_value=float(t.COUNTY_MIN_RATE_NOK),
                    meta={"column": "rate_nok_per_inhabitant"},
                    description=(
                        "Fylkeskommunens sats er minst "
                        f"{format_number(t.COUNTY_MIN_RATE_NOK)} kr per innbygger (§6)."
                    ),
                ),
                gxe.ExpectColumnValuesToNotBeNull(
                    column="is_illustrative",
                    description="Hver rad sier om den er illustrativ.",
                ),
            ],
        ),
        Batch(
            name="payout_totals",
            table=f"{FUNDING}, {PAYOUTS}",
            frame=payout_totals,
            label_column="funding_label",
            expectations=[
                gxe.ExpectColumnValuesToBeBetween(
                    column="payouts",
                    min_value=len(t.PAYOUT_MONTHS),
                    max_value=len(t.PAYOUT_MONTHS),
                    meta={"column": "payout_month"},
                    description=(f"Hvert årsbeløp har {len(t.PAYOUT_MONTHS)} utbetalinger (§7)."),
                ),
                gxe.ExpectColumnValuesToBeBetween(
                    column="payouts_minus_amount_nok",
                    min_value=-tolerance,
                    max_value=tolerance,
                    meta={"column": "amount_nok"},
                    description="Utbetalingene summerer til årsbeløpet, på øret.",
                ),
                gxe.ExpectColumnValuesToBeBetween(
                    column="annual_amount_mismatches",
                    min_value=0,
                    max_value=0,
                    meta={"column": "annual_amount_nok"},
                    description="Årsbeløpet i utbetalingene er det samme som i fct_funding.",
                ),
            ],
        ),
        Batch(
            name="payouts",
            table=PAYOUTS,
            frame=payouts,
            label_column="payout_label",
            expectations=[
                gxe.ExpectColumnValuesToBeInSet(
                    column="status",
                    value_set=list(t.PAYOUT_STATUSES),
                    description="Status er " + " eller ".join(t.PAYOUT_STATUSES) + ".",
                ),
                gxe.ExpectColumnValuesToBeInSet(
                    column="payout_month",
                    value_set=list(t.PAYOUT_MONTHS),
                    description=f"Utbetalingsmåned er {months} (§7).",
                ),
                gxe.ExpectColumnValuesToBeBetween(
                    column="amount_nok",
                    min_value=0,
                    description="Utbetalingen er ikke negativ.",
                ),
                gxe.ExpectColumnValuesToBeInSet(
                    column="ready_without_amount",
                    value_set=[False],
                    meta={"column": "amount_nok"},
                    description="En klar utbetaling har beløp.",
                ),
                gxe.ExpectColumnValuesToBeInSet(
                    column="blocked_without_reason",
                    value_set=[False],
                    meta={"column": "blocked_reason"},
                    description="En stoppet utbetaling sier hvorfor.",
                ),
            ],
        ),
    ]


# --- marts_kpis -------------------------------------------------------------------------------


def _kpi_columns(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Column name -> DuckDB type of fct_region_kpis, read at run time so the suite follows
    the model's contract."""
    schema, table = REGION_KPIS.split(".")
    rows = con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = ? and table_name = ? order by ordinal_position",
        [schema, table],
    ).fetchall()
    return {name: data_type.upper() for name, data_type in rows}


def _is_numeric(data_type: str) -> bool:
    return data_type.startswith(("DECIMAL", "DOUBLE", "FLOAT", "REAL", "NUMERIC")) or (
        data_type in {"INTEGER", "BIGINT", "SMALLINT", "TINYINT", "HUGEINT", "UBIGINT"}
    )


def _is_integer(data_type: str) -> bool:
    return data_type in {"INTEGER", "BIGINT", "SMALLINT", "TINYINT", "HUGEINT", "UBIGINT"}


def _kpi_batches(con: duckdb.DuckDBPyConnection, year: Years, region_id: RegionIds) -> list[Batch]:
    for table in (REGION_KPIS, REGIONS):
        require_table(con, table)
    columns = _kpi_columns(con)
    shares = [
        name
        for name, data_type in columns.items()
        if "share" in name and _is_numeric(data_type) and not name.endswith("_n")
    ]
    counts = [
        name
        for name, data_type in columns.items()
        if _is_integer(data_type) and name not in {"year", "population"} and name not in shares
    ]
    # Rates and hours that cannot be negative either.
    non_negative = [
        name
        for name, data_type in columns.items()
        if _is_numeric(data_type)
        and name not in shares
        and name not in counts
        and ("_per_" in name or name.endswith(("_hours", "_days_mean")))
    ]
    where, params = partition_filter(year, region_id)
    selected = [*shares, *counts, *non_negative, *(["nps"] if "nps" in columns else [])]
    kpis = fetch_frame(
        con,
        f"""
        select
            region_id || '/' || year as region_year,
            {", ".join(f'cast("{name}" as double) as "{name}"' for name in selected)}
        from {REGION_KPIS}
        where {where}
        order by region_year
        """,
        params,
    )
    region_years = _expected_region_years(con, year, region_id)
    expectations: list[object] = [
        gxe.ExpectColumnValuesToBeBetween(
            column=name,
            min_value=0,
            max_value=1,
            description=f"{name} er en andel mellom 0 og 1.",
        )
        for name in shares
    ]
    expectations += [
        gxe.ExpectColumnValuesToBeBetween(
            column=name, min_value=0, description=f"{name} er ikke negativ."
        )
        for name in [*counts, *non_negative]
    ]
    if "nps" in columns:
        low, high = t.NPS_RANGE
        expectations.append(
            gxe.ExpectColumnValuesToBeBetween(
                column="nps",
                min_value=low,
                max_value=high,
                description=f"NPS er mellom {low:.0f} og {high:.0f}.",
            )
        )
    return [
        Batch(
            name="region_years",
            table=f"{REGION_KPIS}, {REGIONS}",
            frame=region_years,
            label_column="region_year",
            expectations=[
                gxe.ExpectTableRowCountToBeBetween(
                    min_value=1,
                    description="Minst én region har avtale (eller basisår) i utvalget.",
                ),
                gxe.ExpectColumnValuesToBeBetween(
                    column="kpi_rows",
                    min_value=1,
                    max_value=1,
                    meta={"column": "region_id"},
                    description=(
                        "Hver region med avtale eller basisår har nøyaktig én KPI-rad per år "
                        "(0 betyr at regionåret mangler)."
                    ),
                ),
            ],
        ),
        Batch(
            name="kpis",
            table=REGION_KPIS,
            frame=kpis,
            label_column="region_year",
            expectations=expectations,
        ),
    ]


def _agreements_in_force(con: duckdb.DuckDBPyConnection, year: Years, region_id: RegionIds) -> bool:
    """Whether an agreement is in force for a checked region in a checked year (any year when
    `year` is None)."""
    region_clause, region_params = region_filter(region_id, "region_id")
    years = as_list(year)
    in_force = (
        "true"
        if years is None
        else "exists (select 1 from unnest(?::integer[]) as y(year) "
        "where y.year between agreement_valid_from_year and agreement_valid_to_year)"
    )
    found = con.execute(
        f"select count(*) from {REGIONS} where {region_clause} and {in_force}",
        [*region_params, *([] if years is None else [years])],
    ).fetchone()[0]
    return found > 0


def _expected_region_years(con: duckdb.DuckDBPyConnection, year: Years, region_id: RegionIds):
    """Every region whose agreement is in force in a checked year, or begins the year after
    (the baseline year the operators deliver, which the first year's report compares with),
    with its KPI row count.

    The checked years are `year`, or every year fct_region_kpis or fct_funding holds.
    """
    region_clause, region_params = region_filter(region_id, "r.region_id")
    if year is not None:
        years_sql, years_params = "select unnest(?::integer[]) as year", [as_list(year)]
    else:
        years_sql = (
            f"select distinct year from {REGION_KPIS} union select distinct year from {FUNDING}"
        )
        years_params = []
        require_table(con, FUNDING)
    return fetch_frame(
        con,
        f"""
        with checked_years as ({years_sql}),
        expected as (
            select r.region_id, y.year
            from {REGIONS} as r
            cross join checked_years as y
            where y.year between r.agreement_valid_from_year - 1 and r.agreement_valid_to_year
              and {region_clause}
        ),
        kpi_rows as (
            select region_id, year, count(*) as kpi_rows from {REGION_KPIS} group by all
        )
        select
            e.region_id || '/' || e.year as region_year,
            coalesce(k.kpi_rows, 0) as kpi_rows
        from expected as e
        left join kpi_rows as k on e.region_id = k.region_id and e.year = k.year
        order by region_year
        """,
        [*years_params, *region_params],
    )
