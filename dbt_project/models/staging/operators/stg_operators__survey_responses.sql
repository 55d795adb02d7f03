with

source as (
    select * from {{ source('operators', 'survey_responses') }}
),

renamed as (
    select
        {{ operator_lineage_columns() }},
        cast(response_id as varchar) as response_id,
        cast(response_date as date) as response_date,
        cast(question_id as varchar) as question_id,
        cast(scale as varchar) as scale,
        cast(score as integer) as score
    from source
)

select * from renamed
