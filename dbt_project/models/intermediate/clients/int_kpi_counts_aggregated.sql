{{
    config(
        materialized='incremental',
        incremental_strategy='partition_replace',
        on_schema_change='append_new_columns',
    )
}}

-- Unsuppressed KPI counts per region-year (grain = 'region') and per region-year-municipality
-- (grain = 'municipality'), from one set of formulas (grouping sets). The marts add suppression.
-- A table of the run's region-years, not a view: three marts and a test read it, and as a view
-- each of them computed it again over the region's every year.
with

client_years as (
    select * from {{ ref('int_client_years_summarised') }}
),

activities as (
    select * from {{ ref('stg_operators__activities') }}
    where {{ region_partition_filter() }}
),

new_businesses as (
    select * from {{ ref('int_new_businesses_linked') }}
),

courses as (
    select * from {{ ref('stg_operators__courses') }}
    where {{ region_partition_filter() }}
),

codes as (
    select * from {{ ref('int_municipality_codes_resolved') }}
),

agreement_years as (
    select * from {{ ref('int_agreement_years_expanded') }}
),

agreements as (
    select * from {{ ref('agreements') }}
),

members as (
    select * from {{ ref('agreement_members') }}
),

populations as (
    select * from {{ ref('int_municipality_populations_mapped') }}
),

client_counts as (
    select
        case when grouping(municipality_code) = 1 then 'region' else 'municipality' end as grain,
        region_id,
        year,
        municipality_code,
        count(*) as unique_clients,
        count_if(is_new_client) as new_clients,
        count_if(sex = 'K') as clients_women,
        count_if(sex = 'M') as clients_men,
        count_if(sex is null or sex not in ('K', 'M')) as clients_sex_unknown,
        count_if(age_band = 'under_30') as clients_age_under_30,
        count_if(age_band = '30_49') as clients_age_30_49,
        count_if(age_band = '50_pluss') as clients_age_50_plus,
        count_if(age_band = 'ukjent') as clients_age_unknown,
        count_if(immigrant_background) as clients_immigrant_background,
        count_if(guidance_sessions > 0) as guidance_clients,
        sum(guidance_sessions) as guidance_sessions,
        sum(guidance_hours) as guidance_hours,
        sum(digital_guidance_sessions) as digital_guidance_sessions,
        count_if(reached_free_hours_cap) as clients_reached_free_hours_cap,
        sum(basic_course_participations) as basic_course_participations,
        sum(basic_course_completions) as basic_course_completions,
        sum(theme_course_participations) as theme_course_participations,
        sum(theme_course_fee_income_nok) as theme_course_fee_income_nok,
        count_if(basic_course_participations + theme_course_participations > 0)
            as course_participants,
        count_if(basic_course_participations + theme_course_participations > 0 and sex = 'K')
            as course_participants_women,
        count_if(
            basic_course_participations + theme_course_participations > 0
            and immigrant_background
        ) as course_participants_immigrant_background,
        sum(network_participations) as network_participations,
        sum(referrals_innovasjon_norge) as referrals_innovasjon_norge,
        sum(referrals_nav) as referrals_nav,
        sum(referrals_naeringsliv) as referrals_naeringsliv,
        sum(referrals_other) as referrals_other,
        sum(business_assessments) as business_assessments,
        sum(business_assessments_completed) as business_assessments_completed,
        sum(assessment_turnaround_days_total) as assessment_turnaround_days_total,
        sum(mentor_sessions) as mentor_sessions,
        count_if(is_converted_new_client) as converted_new_clients,
        -- the distinct persons behind each count that is not itself one of people: a figure
        -- from fewer than the threshold of them is suppressed (macros/kpi.sql, kpi_cells)
        count_if(basic_course_participations > 0) as basic_course_clients,
        count_if(theme_course_participations > 0) as theme_course_clients,
        count_if(network_participations > 0) as network_clients,
        count_if(referrals_innovasjon_norge > 0) as referred_innovasjon_norge_clients,
        count_if(referrals_nav > 0) as referred_nav_clients,
        count_if(referrals_naeringsliv > 0) as referred_naeringsliv_clients,
        count_if(referrals_other > 0) as referred_other_clients,
        count_if(business_assessments > 0) as assessment_clients,
        count_if(mentor_sessions > 0) as mentor_clients
    from client_years
    group by grouping sets ((region_id, year), (region_id, year, municipality_code))
),

-- A network event is an arrangement: the event id the operator exports (contract version 2),
-- one per event whoever attended (attendances are one row per client). Unknown while any
-- attendance lacks its id (a delivery under contract version 1): dates are not events.
network_events as (
    select
        case when grouping(client_years.municipality_code) = 1 then 'region' else 'municipality' end
            as grain,
        activities.region_id,
        activities.year,
        client_years.municipality_code,
        case
            when count_if(activities.event_id is null) = 0
                then count(distinct activities.event_id)
        end as network_events
    from activities
    inner join client_years
        on activities.region_id = client_years.region_id
        and activities.year = client_years.year
        and activities.client_key = client_years.client_key
    where activities.activity_type = 'nettverk'
    group by grouping sets (
        (activities.region_id, activities.year),
        (activities.region_id, activities.year, client_years.municipality_code)
    )
),

business_counts as (
    select
        case when grouping(municipality_code) = 1 then 'region' else 'municipality' end as grain,
        region_id,
        registration_year as year,
        municipality_code,
        count(*) as new_businesses,
        count_if(sex = 'K') as founders_women,
        count_if(immigrant_background) as founders_immigrant_background,
        count_if(registration_date + interval 1 year <= {{ as_of_date() }})
            as businesses_1y_evaluable,
        count_if(
            registration_date + interval 1 year <= {{ as_of_date() }}
            and (ceased_date is null or ceased_date > registration_date + interval 1 year)
        ) as businesses_survived_1y,
        count_if(registration_date + interval 3 year <= {{ as_of_date() }})
            as businesses_3y_evaluable,
        count_if(
            registration_date + interval 3 year <= {{ as_of_date() }}
            and (ceased_date is null or ceased_date > registration_date + interval 3 year)
        ) as businesses_survived_3y
    from new_businesses
    where is_in_conversion_window
    group by grouping sets ((region_id, registration_year), (region_id, registration_year, municipality_code))
),

courses_mapped as (
    select
        courses.region_id,
        courses.year,
        coalesce(codes.current_code, courses.municipality_code) as municipality_code,
        courses.course_id,
        courses.course_type
    from courses
    left join codes
        on courses.municipality_code = codes.municipality_code
),

course_counts as (
    select
        case when grouping(municipality_code) = 1 then 'region' else 'municipality' end as grain,
        region_id,
        year,
        municipality_code,
        count(distinct course_id) filter (where course_type = 'grunnkurs') as basic_courses_held,
        count(distinct course_id) filter (where course_type = 'temakurs') as theme_courses_held
    from courses_mapped
    group by grouping sets ((region_id, year), (region_id, year, municipality_code))
),

-- Population for "per 1 000 inhabitants": the agreement's basis period, per municipality, and
-- summed over the agreement's member municipalities for the region.
member_populations as (
    select
        agreement_years.region_id,
        agreement_years.year,
        members.municipality_code,
        populations.population
    from agreement_years
    inner join agreements
        on agreement_years.agreement_id = agreements.agreement_id
    inner join members
        on agreement_years.agreement_id = members.agreement_id
    left join populations
        on members.municipality_code = populations.municipality_code
        and agreements.population_table_id = populations.table_id
        and agreements.population_contents_code = populations.contents_code
        and agreements.population_period = populations.period
        and populations.n_cells_with_value > 0
),

population_counts as (
    select
        case when grouping(municipality_code) = 1 then 'region' else 'municipality' end as grain,
        region_id,
        year,
        municipality_code,
        case when count(population) = count(*) then sum(population) end as population
    from member_populations
    group by grouping sets ((region_id, year), (region_id, year, municipality_code))
),

joined as (
    select
        client_counts.*,
        coalesce(business_counts.new_businesses, 0) as new_businesses,
        coalesce(business_counts.founders_women, 0) as founders_women,
        coalesce(business_counts.founders_immigrant_background, 0)
            as founders_immigrant_background,
        coalesce(business_counts.businesses_1y_evaluable, 0) as businesses_1y_evaluable,
        coalesce(business_counts.businesses_survived_1y, 0) as businesses_survived_1y,
        coalesce(business_counts.businesses_3y_evaluable, 0) as businesses_3y_evaluable,
        coalesce(business_counts.businesses_survived_3y, 0) as businesses_survived_3y,
        -- none held: 0; held, with attendances lacking an event id: unknown (null)
        case
            when network_events.grain is null then 0 else network_events.network_events
        end as network_events,
        coalesce(course_counts.basic_courses_held, 0) as basic_courses_held,
        coalesce(course_counts.theme_courses_held, 0) as theme_courses_held,
        population_counts.population
    from client_counts
    left join business_counts
        on client_counts.grain = business_counts.grain
        and client_counts.region_id = business_counts.region_id
        and client_counts.year = business_counts.year
        and client_counts.municipality_code is not distinct from business_counts.municipality_code
    left join network_events
        on client_counts.grain = network_events.grain
        and client_counts.region_id = network_events.region_id
        and client_counts.year = network_events.year
        and client_counts.municipality_code is not distinct from network_events.municipality_code
    left join course_counts
        on client_counts.grain = course_counts.grain
        and client_counts.region_id = course_counts.region_id
        and client_counts.year = course_counts.year
        and client_counts.municipality_code is not distinct from course_counts.municipality_code
    left join population_counts
        on client_counts.grain = population_counts.grain
        and client_counts.region_id = population_counts.region_id
        and client_counts.year = population_counts.year
        and client_counts.municipality_code
        is not distinct from population_counts.municipality_code
),

final as (
    select * from joined
    where {{ year_partition_filter() }}
)

select * from final
