-- The KPI counts with, for each cell that suppression protects (macros/kpi.sql, kpi_cells), a
-- flag <cell>_hidden. A small count is hidden (primary). Then, so that no hidden count can be
-- worked out by subtraction, secondary suppression: wherever exactly one cell of a sum is
-- hidden, the smallest non-zero cell shown beside it is hidden too (the first in order on ties).
-- The sums are the cells of one row that make up its unique clients (sex, age, new and
-- returning), and a cell over a region's municipalities, which makes up the region's figure.
-- Each round can make a new sum with one hidden cell, so the rule is repeated; the test
-- assert_suppressed_cells_cannot_be_worked_out checks that none is left.
{%- set rounds = 4 %}
{%- set cells = kpi_cells() %}

-- noqa: disable=LT02
-- (sqlfluff cannot lay out the Jinja loops that write a CTE or column per cell or round)
with

counts as (
    select * from {{ ref('int_kpi_counts_aggregated') }}
),

-- round 0: a row per cell, with its primary suppression
round_0 as (
    {{ kpi_cells_unpivoted('counts') }}
),
{%- for round in range(1, rounds + 1) %}

-- round {{ round }}: the smallest non-zero shown value of each sum with exactly one hidden cell
round_{{ round }}_minima as (
    select
        *,
        count_if(is_hidden) over across_municipalities as hidden_across,
        min(value) filter (where not is_hidden and value > 0) over across_municipalities
            as smallest_across,
        count_if(is_hidden) over within_row as hidden_within,
        min(value) filter (where not is_hidden and value > 0) over within_row as smallest_within
    from round_{{ round - 1 }}
    window
        across_municipalities as (partition by grain, region_id, year, cell),
        within_row as (partition by grain, region_id, year, municipality_code, row_group)
),

round_{{ round }}_picks as (
    select
        *,
        min(municipality_code) filter (
            where not is_hidden and value = smallest_across
        ) over (partition by grain, region_id, year, cell) as picked_across,
        min(cell_order) filter (
            where not is_hidden and value = smallest_within
        ) over (partition by grain, region_id, year, municipality_code, row_group) as picked_within
    from round_{{ round }}_minima
),

round_{{ round }} as (
    select
        grain,
        region_id,
        year,
        municipality_code,
        cell,
        cell_order,
        row_group,
        value,
        is_hidden
        or (grain = 'municipality' and hidden_across = 1 and municipality_code = picked_across)
        or (row_group is not null and hidden_within = 1 and cell_order = picked_within)
            as is_hidden
    from round_{{ round }}_picks
),
{%- endfor %}

flags as (
    select
        grain,
        region_id,
        year,
        municipality_code,
        {%- for cell in cells %}
        bool_or(is_hidden) filter (where cell = '{{ cell.name }}') as {{ cell.name }}_hidden
        {{- "," if not loop.last }}
        {%- endfor %}
    from round_{{ rounds }}
    group by grain, region_id, year, municipality_code
),

final as (
    select
        counts.*,
        {%- for cell in cells %}
        flags.{{ cell.name }}_hidden{{ "," if not loop.last }}
        {%- endfor %}
    from counts
    inner join flags
        on
            counts.grain = flags.grain
            and counts.region_id = flags.region_id
            and counts.year = flags.year
            and counts.municipality_code is not distinct from flags.municipality_code
)

-- the counts' columns, and a flag per cell
select * from final  -- noqa: AM04
