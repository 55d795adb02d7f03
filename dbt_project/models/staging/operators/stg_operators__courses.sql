with

source as (
    select * from {{ source('operators', 'courses') }}
),

renamed as (
    select
        {{ operator_lineage_columns() }},
        cast(course_id as varchar) as course_id,
        cast(course_type as varchar) as course_type,
        cast(title as varchar) as title,
        cast(start_date as date) as start_date,
        cast(end_date as date) as end_date,
        cast(fee_nok as decimal(18, 2)) as fee_nok,
        cast(target_group as varchar) as target_group,
        cast(municipality_code as varchar) as municipality_code,
        cast(channel as varchar) as channel
    from source
)

select * from renamed
