with

source as (
    select * from {{ source('operators', 'survey_responses') }}
),

renamed as (
    select
        cast(region_id as varchar) as region_id,
        cast(year as integer) as year,
        cast(source_file as varchar) as source_file,
        cast(source_sha256 as varchar) as source_sha256,
        cast(source_line as integer) as source_line,
        cast(loaded_at as timestamp) as loaded_at,
        cast(response_id as varchar) as response_id,
        cast(response_date as date) as response_date,
        cast(question_id as varchar) as question_id,
        cast(scale as varchar) as scale,
        cast(score as integer) as score
    from source
)

select * from renamed
