-- No hidden count can be worked out by subtraction: no sum that is published, or can be worked
-- out, has exactly one hidden cell (a row's sex, age, or new and returning split of its unique
-- clients; a cell over a region's municipalities, where the region's is shown). Returns the
-- sums with one hidden cell, and the counts fct_municipality_kpis shows against their flags.
-- Attached to fct_municipality_kpis as a Dagster asset check, the table that publishes them.
{{ config(meta={'dagster': {'ref': {'name': 'fct_municipality_kpis'}}}) }}
-- noqa: disable=LT02
-- (sqlfluff cannot lay out the Jinja loops that write a CTE or column per cell or round)
with

-- the run's partitions, as the marts' other checks: a year built by an older release is checked
-- when it is built again
counts as (
    select * from {{ ref('int_kpi_counts_suppressed') }}
    where {{ year_partition_filter() }}
),

municipality_kpis as (
    select * from {{ ref('fct_municipality_kpis') }}
    where {{ year_partition_filter() }}
),

cells as (
    {{ kpi_cells_unpivoted('counts', from_flags=true) }}
),

-- a region's cell is the sum of its municipalities' cells; a hidden one gives nothing away
region_cells_shown as (
    select * from cells
    where grain = 'region' and not is_hidden
),

across_municipalities as (
    select
        'across municipalities' as sum_kind,
        cells.region_id,
        cells.year,
        cells.cell as sum_name,
        count_if(cells.is_hidden) as hidden_cells
    from cells
    inner join region_cells_shown
        on
            cells.region_id = region_cells_shown.region_id
            and cells.year = region_cells_shown.year
            and cells.cell = region_cells_shown.cell
    where cells.grain = 'municipality'
    group by cells.region_id, cells.year, cells.cell
),

within_rows as (
    select
        'within a row of ' || coalesce(municipality_code, 'the region') as sum_kind,
        region_id,
        year,
        row_group as sum_name,
        count_if(is_hidden) as hidden_cells
    from cells
    where row_group is not null
    group by grain, region_id, year, municipality_code, row_group
),

shown_against_flags as (
    {%- for cell in kpi_cells() if cell.published %}
    select
        'fct_municipality_kpis against the flags' as sum_kind,
        counts.region_id,
        counts.year,
        '{{ cell.name }}' as sum_name,
        null as hidden_cells
    from counts
    inner join municipality_kpis
        on
            counts.region_id = municipality_kpis.region_id
            and counts.year = municipality_kpis.year
            and counts.municipality_code = municipality_kpis.municipality_code
    where
        counts.grain = 'municipality'
        and (
            municipality_kpis.{{ cell.name }}_suppressed is distinct from counts.{{ cell.name }}_hidden
            or (municipality_kpis.{{ cell.name }} is null) <> counts.{{ cell.name }}_hidden
        )
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

final as (
    select * from shown_against_flags
    union all
    select * from across_municipalities
    where hidden_cells = 1
    union all
    select * from within_rows
    where hidden_cells = 1
)

select * from final
