with

source as (
    select * from {{ source('ssb', 'population') }}
),

renamed as (
    select
        cast(table_id as varchar) as table_id,
        cast(contents_code as varchar) as contents_code,
        cast(region_code as varchar) as region_code,
        cast(region_label as varchar) as region_label,
        cast(period as varchar) as period,
        cast(sex as varchar) as sex,
        cast(age as varchar) as age,
        cast(value as bigint) as population,
        cast(status as varchar) as ssb_status,
        cast(response_sha256 as varchar) as response_sha256,
        cast(fetched_at as timestamp) as fetched_at,
        cast(is_synthetic as boolean) as is_synthetic
    from source
)

select * from renamed
