{{
    config(
        materialized='incremental',
        incremental_strategy='partition_replace',
        on_schema_change='fail',
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

final as (
    select
        cast(counts.region_id as varchar) as region_id,
        cast(counts.municipality_code as varchar) as municipality_code,
        cast(municipalities.municipality_name as varchar) as municipality_name,
        cast(counts.year as integer) as year,
        {{ shared_kpi_columns() }}
    from counts
    left join municipalities
        on counts.municipality_code = municipalities.municipality_code
    where {{ year_partition_filter('counts.year', 'counts.region_id') }}
)

select * from final
