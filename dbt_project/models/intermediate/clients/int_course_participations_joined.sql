-- One row per client and course attended in the year (activities of type kurs joined to courses).
with

activities as (
    select * from {{ ref('stg_operators__activities') }}
    where {{ region_partition_filter() }}
),

courses as (
    select * from {{ ref('stg_operators__courses') }}
    where {{ region_partition_filter() }}
),

attendances as (
    select
        region_id,
        year,
        client_key,
        course_id,
        count(*) as n_sessions,
        coalesce(bool_or(course_completed), false) as is_completed
    from activities
    where activity_type = 'kurs'
    group by region_id, year, client_key, course_id
),

joined as (
    select
        attendances.region_id,
        attendances.year,
        attendances.client_key,
        attendances.course_id,
        courses.course_type,
        courses.fee_nok,
        courses.municipality_code as course_municipality_code,
        attendances.n_sessions,
        attendances.is_completed
    from attendances
    left join courses
        on
            attendances.region_id = courses.region_id
            and attendances.year = courses.year
            and attendances.course_id = courses.course_id
)

select * from joined
