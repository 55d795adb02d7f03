with

source as (
    select * from {{ source('operators', 'load_log') }}
),

renamed as (
    select
        cast(region_id as varchar) as region_id,
        cast(year as integer) as year,
        cast(kind as varchar) as kind,
        cast(source_file as varchar) as source_file,
        cast(source_sha256 as varchar) as source_sha256,
        cast(rows_in as integer) as rows_in,
        cast(loaded as integer) as rows_loaded,
        cast(rejected as integer) as rows_rejected,
        cast(loaded_at as timestamp) as loaded_at,
        cast(status as varchar) as load_status,
        -- a log from before origins were kept: the safe reading, a delivery
        cast(coalesce(origin, 'delivery') as varchar) as load_origin,
        cast(note as varchar) as load_note,
        -- loaded before the platform recorded what a file rests on: not known, so assumed
        cast(coalesce(data_standing, 'assumed') as varchar) as data_standing
    from source
)

select * from renamed
