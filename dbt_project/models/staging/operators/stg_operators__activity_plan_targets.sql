with

source as (
    select * from {{ source('operators', 'activity_plan') }}
),

renamed as (
    select
        cast(region_id as varchar) as region_id,
        cast(year as integer) as year,
        cast(source_file as varchar) as source_file,
        cast(source_sha256 as varchar) as source_sha256,
        cast(source_line as integer) as source_line,
        cast(loaded_at as timestamp) as loaded_at,
        cast(target_id as varchar) as target_id,
        cast(planned_value as decimal(18, 2)) as planned_value,
        cast(submitted_date as date) as submitted_date
    from source
)

select * from renamed
