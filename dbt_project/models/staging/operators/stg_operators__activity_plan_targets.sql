with

source as (
    select * from {{ source('operators', 'activity_plan') }}
),

renamed as (
    select
        {{ operator_lineage_columns() }},
        cast(target_id as varchar) as target_id,
        cast(planned_value as decimal(18, 2)) as planned_value,
        cast(submitted_date as date) as submitted_date
    from source
)

select * from renamed
