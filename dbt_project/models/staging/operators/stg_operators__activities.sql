with

source as (
    select * from {{ source('operators', 'activities') }}
),

renamed as (
    select
        {{ operator_lineage_columns() }},
        cast(activity_id as varchar) as activity_id,
        cast(client_key as varchar) as client_key,
        cast(activity_date as date) as activity_date,
        cast(activity_type as varchar) as activity_type,
        cast(channel as varchar) as channel,
        cast(hours as decimal(9, 2)) as hours,
        cast(course_id as varchar) as course_id,
        cast(event_id as varchar) as event_id,
        cast(course_completed as boolean) as course_completed,
        cast(referred_to as varchar) as referred_to,
        cast(assessment_completed_date as date) as assessment_completed_date
    from source
)

select * from renamed
