-- One row per client and reporting year: who they are and what they received. KPI marts
-- aggregate these rows; every count below is defined here, once.
with

clients as (
    select * from {{ ref('int_clients_mapped') }}
),

activities as (
    select * from {{ ref('stg_operators__activities') }}
    where {{ region_partition_filter() }}
),

course_participations as (
    select * from {{ ref('int_course_participations_joined') }}
),

new_businesses as (
    select * from {{ ref('int_new_businesses_linked') }}
),

activity_counts as (
    select
        region_id,
        year,
        client_key,
        count_if(activity_type = 'veiledning') as guidance_sessions,
        coalesce(sum(hours) filter (where activity_type = 'veiledning'), 0) as guidance_hours,
        count_if(activity_type = 'veiledning' and channel = 'digital')
            as digital_guidance_sessions,
        count_if(activity_type = 'nettverk') as network_participations,
        count_if(activity_type = 'henvisning' and referred_to = 'innovasjon_norge')
            as referrals_innovasjon_norge,
        count_if(activity_type = 'henvisning' and referred_to = 'nav') as referrals_nav,
        count_if(activity_type = 'henvisning' and referred_to = 'naeringsliv')
            as referrals_naeringsliv,
        count_if(activity_type = 'henvisning' and referred_to = 'annet') as referrals_other,
        count_if(activity_type = 'naeringsfaglig_vurdering') as business_assessments,
        count_if(
            activity_type = 'naeringsfaglig_vurdering' and assessment_completed_date is not null
        ) as business_assessments_completed,
        coalesce(
            sum(assessment_completed_date - activity_date)
            filter (where activity_type = 'naeringsfaglig_vurdering'),
            0
        ) as assessment_turnaround_days_total,
        count_if(activity_type = 'mentor') as mentor_sessions
    from activities
    group by region_id, year, client_key
),

course_counts as (
    select
        region_id,
        year,
        client_key,
        count_if(course_type = 'grunnkurs') as basic_course_participations,
        count_if(course_type = 'grunnkurs' and is_completed) as basic_course_completions,
        count_if(course_type = 'temakurs') as theme_course_participations,
        coalesce(sum(fee_nok) filter (where course_type = 'temakurs'), 0)
            as theme_course_fee_income_nok
    from course_participations
    group by region_id, year, client_key
),

conversions as (
    select
        region_id,
        client_key,
        bool_or(is_in_conversion_window) as has_business_in_conversion_window
    from new_businesses
    group by region_id, client_key
),

summarised as (
    select
        clients.region_id,
        clients.year,
        clients.client_key,
        clients.municipality_code,
        clients.sex,
        clients.age_band,
        clients.immigrant_background,
        clients.is_new_client,
        coalesce(activity_counts.guidance_sessions, 0) as guidance_sessions,
        coalesce(activity_counts.guidance_hours, 0) as guidance_hours,
        coalesce(activity_counts.digital_guidance_sessions, 0) as digital_guidance_sessions,
        coalesce(activity_counts.guidance_hours, 0) >= {{ var('free_guidance_hours_cap') }}
            as reached_free_hours_cap,
        coalesce(activity_counts.network_participations, 0) as network_participations,
        coalesce(activity_counts.referrals_innovasjon_norge, 0) as referrals_innovasjon_norge,
        coalesce(activity_counts.referrals_nav, 0) as referrals_nav,
        coalesce(activity_counts.referrals_naeringsliv, 0) as referrals_naeringsliv,
        coalesce(activity_counts.referrals_other, 0) as referrals_other,
        coalesce(activity_counts.business_assessments, 0) as business_assessments,
        coalesce(activity_counts.business_assessments_completed, 0)
            as business_assessments_completed,
        coalesce(activity_counts.assessment_turnaround_days_total, 0)
            as assessment_turnaround_days_total,
        coalesce(activity_counts.mentor_sessions, 0) as mentor_sessions,
        coalesce(course_counts.basic_course_participations, 0) as basic_course_participations,
        coalesce(course_counts.basic_course_completions, 0) as basic_course_completions,
        coalesce(course_counts.theme_course_participations, 0) as theme_course_participations,
        coalesce(course_counts.theme_course_fee_income_nok, 0) as theme_course_fee_income_nok,
        clients.is_new_client and coalesce(conversions.has_business_in_conversion_window, false)
            as is_converted_new_client
    from clients
    left join activity_counts
        on
            clients.region_id = activity_counts.region_id
            and clients.year = activity_counts.year
            and clients.client_key = activity_counts.client_key
    left join course_counts
        on
            clients.region_id = course_counts.region_id
            and clients.year = course_counts.year
            and clients.client_key = course_counts.client_key
    left join conversions
        on
            clients.region_id = conversions.region_id
            and clients.client_key = conversions.client_key
)

select * from summarised
