-- SSB population per current municipality code and period. Old codes are summed into today's
-- code through int_municipality_codes_resolved; a missing cell (null) is not counted.
with

population as (
    select * from {{ ref('stg_ssb__population') }}
),

codes as (
    select * from {{ ref('int_municipality_codes_resolved') }}
),

mapped as (
    select
        population.table_id,
        population.contents_code,
        population.period,
        coalesce(codes.current_code, population.region_code) as municipality_code,
        population.population,
        case when population.is_synthetic then 'synthetic' else 'measured' end as data_standing
    from population
    left join codes
        on population.region_code = codes.municipality_code
),

summed as (
    select
        table_id,
        contents_code,
        period,
        municipality_code,
        sum(population) as population,
        count(population) as n_cells_with_value,
        {{ weakest_standing_agg('data_standing') }} as data_standing
    from mapped
    group by table_id, contents_code, period, municipality_code
)

select * from summed
