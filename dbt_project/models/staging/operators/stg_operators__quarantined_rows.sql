with

source as (
    select * from {{ source('operators', 'quarantine') }}
),

renamed as (
    select
        cast(region_id as varchar) as region_id,
        cast(year as integer) as year,
        cast(kind as varchar) as kind,
        cast(source_file as varchar) as source_file,
        cast(source_sha256 as varchar) as source_sha256,
        cast(source_line as integer) as source_line,
        cast(column_name as varchar) as column_name,
        cast(value_masked as varchar) as value_masked,
        cast(reason_code as varchar) as reason_code,
        cast(message as varchar) as message,
        cast(loaded_at as timestamp) as loaded_at
    from source
)

select * from renamed
