{{
    config(
        materialized='incremental',
        incremental_strategy='partition_replace',
        on_schema_change='append_new_columns',
    )
}}

-- The KPI set per municipality of residence and year (within the region that served the
-- client). Small municipalities are suppressed more often; that is intended.
with

counts as (
    select * from {{ ref('int_kpi_counts_suppressed') }}
    where grain = 'municipality'
),

municipalities as (
    select * from {{ ref('municipalities') }}
    where valid_to is null
),

standings as (
    select * from {{ ref('int_region_year_standings') }}
),

final as (
    select
        cast(counts.region_id as varchar) as region_id,
        cast(counts.municipality_code as varchar) as municipality_code,
        cast(municipalities.municipality_name as varchar) as municipality_name,
        cast(counts.year as integer) as year,
        {{ shared_kpi_columns() }},
        -- counts of the operator's records; per-1000 figures on SSB's population
        cast(
            {{ weakest_standing([
                'standings.operator_standing',
                'standings.population_standing',
                'standings.agreement_standing',
            ]) }} as varchar
        ) as data_standing
    from counts
    left join municipalities
        on counts.municipality_code = municipalities.municipality_code
    left join standings
        on
            counts.region_id = standings.region_id
            and counts.year = standings.year
    where {{ year_partition_filter('counts.year', 'counts.region_id') }}
)

select * from final
