"""`raw_brreg__units`: the register's observations of the linked businesses (`raw.brreg_units`).

Memory: `observations` has one row per observation day and `columns` one per column of the
table, whatever the number of businesses. Business keys are counted in SQL, never pulled. The year
and region filters do not apply: each observation covers every linked business.
"""

from __future__ import annotations

import duckdb
import great_expectations.expectations as gxe

from expectations import thresholds as t
from expectations.batch import (
    Batch,
    MissingTableError,
    RegionIds,
    Years,
    fetch_frame,
    require_table,
)
from ingestion.brreg.load import RAW_SCHEMA

TABLE = "raw.brreg_units"
ESTABLISHMENTS = "raw.establishments"

# Per observation day: the businesses the operators say were registered by then (a number issued
# later is 404 on that day, as the register would answer, and is not counted), how many of them
# the register knew (active or deleted), and how many days after today the day is.
_REPORTED_SQL = f"""
    select business_key, min(registration_date) as registration_date
    from {ESTABLISHMENTS}
    group by business_key
"""
# Before any establishments are loaded nothing is linked, so nothing is observed either.
_NONE_REPORTED_SQL = """
    select null::varchar as business_key, null::date as registration_date where false
"""
_OBSERVATIONS_SQL = f"""
with reported as (
    {{reported}}
),

observed as (
    select
        units.observed_on,
        reported.registration_date <= units.observed_on as is_registered_by_then,
        units.status in ('active', 'deleted') as is_found,
        not regexp_full_match(units.business_key, '[0-9a-f]{{64}}') as is_clear_key
    from {TABLE} as units
    left join reported on units.business_key = reported.business_key
)

select
    strftime(observed_on, '%Y-%m-%d') as observation_label,
    count(*) filter (where is_registered_by_then) as registered_by_then,
    count(*) filter (where is_registered_by_then and is_found) as found,
    cast(count(*) filter (where is_registered_by_then and is_found) as double)
        / nullif(count(*) filter (where is_registered_by_then), 0) as found_share,
    date_diff('day', current_date, observed_on) as days_after_today,
    count(*) filter (where is_clear_key) as clear_keys
from observed
group by observed_on
order by observed_on
"""

_COLUMNS_SQL = """
select column_name
from information_schema.columns
where table_schema = 'raw' and table_name = 'brreg_units'
order by ordinal_position
"""


def build(
    con: duckdb.DuckDBPyConnection, *, year: Years = None, region_id: RegionIds = None
) -> list[Batch]:
    del year, region_id  # an observation covers every linked business at once
    require_table(con, TABLE)
    try:
        require_table(con, ESTABLISHMENTS)
        reported = _REPORTED_SQL
    except MissingTableError:
        reported = _NONE_REPORTED_SQL
    observations = fetch_frame(con, _OBSERVATIONS_SQL.replace("{reported}", reported))
    columns = fetch_frame(con, _COLUMNS_SQL)
    minimum = t.brreg_min_found_share()
    percent = f"{minimum * 100:g}".replace(".", ",")
    return [
        Batch(
            name="observations",
            table=f"{TABLE}, {ESTABLISHMENTS}",
            frame=observations,
            label_column="observation_label",
            expectations=[
                gxe.ExpectColumnValuesToBeBetween(
                    column="found_share",
                    min_value=minimum,
                    max_value=1,
                    description=(
                        f"Minst {percent} % av de koblede foretakene som var registrert på "
                        "observasjonsdagen (etter operatørens registreringsdato), finnes i "
                        "Enhetsregisteret (aktive eller slettet)."
                    ),
                ),
                gxe.ExpectColumnValuesToBeBetween(
                    column="days_after_today",
                    max_value=0,
                    description="Ingen observasjonsdag ligger fram i tid.",
                ),
                gxe.ExpectColumnValuesToBeBetween(
                    column="clear_keys",
                    min_value=0,
                    max_value=0,
                    description=(
                        "Hver virksomhetsnøkkel er et pseudonym (64 heksadesimale tegn), aldri "
                        "et organisasjonsnummer."
                    ),
                ),
            ],
        ),
        Batch(
            name="columns",
            table=TABLE,
            frame=columns,
            label_column="column_name",
            expectations=[
                gxe.ExpectColumnValuesToBeInSet(
                    column="column_name",
                    value_set=sorted(RAW_SCHEMA),
                    description=(
                        "Tabellen har bare kontraktens kolonner (docs/raw_tables.md): ingen "
                        "kolonne med organisasjonsnummer eller navn i klartekst."
                    ),
                ),
            ],
        ),
    ]
