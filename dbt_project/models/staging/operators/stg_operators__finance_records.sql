with

source as (
    select * from {{ source('operators', 'finance') }}
),

renamed as (
    select
        cast(region_id as varchar) as region_id,
        cast(year as integer) as year,
        cast(source_file as varchar) as source_file,
        cast(source_sha256 as varchar) as source_sha256,
        cast(source_line as integer) as source_line,
        cast(loaded_at as timestamp) as loaded_at,
        cast(record_type as varchar) as record_type,
        cast(category as varchar) as category,
        cast(amount_nok as decimal(18, 2)) as amount_nok
    from source
)

select * from renamed
