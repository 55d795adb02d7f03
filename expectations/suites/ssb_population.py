"""`raw_ssb__population`: SSB population as loaded into `raw.ssb_population`.

Memory: both frames are aggregates small by construction. `cells` has one row per
(table, contents, region, period) - a few thousand rows however many age and sex cells
table 07459 holds - and `quarterly_series` one row per municipality, contents and quarter of
table 01222. The year and region filters do not apply: SSB data is loaded for all municipalities
and periods at once.
"""

from __future__ import annotations

import duckdb
import great_expectations.expectations as gxe

from expectations import thresholds as t
from expectations.batch import Batch, RegionIds, Years, fetch_frame, require_table

TABLE = "raw.ssb_population"

_CELLS_SQL = f"""
select
    table_id,
    contents_code,
    region_code,
    period,
    table_id || ' ' || contents_code || ' ' || region_code || ' ' || period as cell_label,
    sum(value) filter (where status is null) as total_value,
    min(value) filter (where status is null) as min_value,
    count(*) filter (where status is null and value is null) as unmarked_missing_values
from {TABLE}
group by all
order by all
"""

# Quarter index = year * 4 + quarter - 1, so consecutive quarters differ by exactly 1.
_QUARTERLY_SQL = f"""
with quarters as (
    select
        region_code,
        contents_code,
        period,
        cast(substr(period, 1, 4) as integer) * 4 + cast(substr(period, 6, 1) as integer) - 1
            as quarter_index,
        value
    from {TABLE}
    where table_id = ?
      and contents_code in ({", ".join("?" for _ in t.SSB_QUARTERLY_CONTENTS)})
      and regexp_full_match(period, '[0-9]{{4}}K[1-4]')
      and sex is null
      and age is null
)
select
    region_code || ' ' || contents_code || ' ' || period as series_label,
    region_code,
    contents_code,
    period,
    value,
    cast(value as double) / nullif(lag(value) over series, 0) - 1 as quarter_change,
    quarter_index - lag(quarter_index) over series as quarters_since_previous
from quarters
window series as (partition by region_code, contents_code order by quarter_index)
order by region_code, contents_code, quarter_index
"""


def build(
    con: duckdb.DuckDBPyConnection, *, year: Years = None, region_id: RegionIds = None
) -> list[Batch]:
    del year, region_id  # SSB population is not partitioned by reporting year or sub-region
    require_table(con, TABLE)
    cells = fetch_frame(con, _CELLS_SQL)
    quarterly = fetch_frame(con, _QUARTERLY_SQL, [t.SSB_QUARTERLY_TABLE, *t.SSB_QUARTERLY_CONTENTS])
    limit = t.SSB_MAX_QUARTER_CHANGE
    return [
        Batch(
            name="cells",
            table=TABLE,
            frame=cells,
            label_column="cell_label",
            expectations=[
                gxe.ExpectTableRowCountToBeBetween(
                    min_value=1, description="Tabellen har folketall fra SSB."
                ),
                gxe.ExpectColumnValuesToMatchRegex(
                    column="region_code",
                    regex=r"^\d{4}$",
                    description="Regionkoden er en firesifret kommunekode.",
                ),
                gxe.ExpectColumnValuesToBeInSet(
                    column="region_code",
                    value_set=sorted(t.SSB_REGION_CODES),
                    description="Regionkoden er en kommune i Buskerud (33xx) eller Jevnaker.",
                ),
                gxe.ExpectColumnValuesToBeBetween(
                    column="total_value",
                    min_value=1,
                    description="Folketallet er positivt der SSB ikke har satt statuskode.",
                ),
                gxe.ExpectColumnValuesToBeBetween(
                    column="min_value",
                    min_value=0,
                    description="Ingen celle har negativt folketall.",
                ),
                gxe.ExpectColumnValuesToBeBetween(
                    column="unmarked_missing_values",
                    min_value=0,
                    max_value=0,
                    description="Ingen celle mangler verdi uten at SSB har satt statuskode.",
                ),
            ],
        ),
        Batch(
            name="quarterly_series",
            table=TABLE,
            frame=quarterly,
            label_column="series_label",
            expectations=[
                gxe.ExpectColumnValuesToBeBetween(
                    column="quarter_change",
                    min_value=-limit,
                    max_value=limit,
                    description=(
                        f"Endringen fra forrige kvartal er innenfor ±{limit:.0%} "
                        "per kommune og innholdskode."
                    ),
                ),
                gxe.ExpectColumnValuesToBeBetween(
                    column="quarters_since_previous",
                    min_value=1,
                    max_value=1,
                    description="Ingen kvartal mangler i serien.",
                ),
            ],
        ),
    ]
