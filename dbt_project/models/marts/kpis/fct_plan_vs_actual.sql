{{
    config(
        materialized='incremental',
        incremental_strategy='partition_replace',
        on_schema_change='append_new_columns',
    )
}}

-- Each activity-plan target against the outcome, per region and year. Actuals come from the
-- same counts as fct_region_kpis, suppressed as there.
with

plan as (
    select * from {{ ref('stg_operators__activity_plan_targets') }}
),

counts as (
    select * from {{ ref('int_kpi_counts_suppressed') }}
    where grain = 'region'
),

survey_responses as (
    select * from {{ ref('stg_operators__survey_responses') }}
),

survey_respondents as (
    select
        region_id,
        year,
        count(distinct response_id) as responses
    from survey_responses
    group by region_id, year
),

actuals as (
    select
        counts.region_id,
        counts.year,
        target.target_id,
        target.actual_value,
        target.is_hidden
    from counts
    left join survey_respondents
        on
            counts.region_id = survey_respondents.region_id
            and counts.year = survey_respondents.year
    cross join lateral (
        values
        ('unike_klienter', cast(counts.unique_clients as decimal(18, 2)), counts.unique_clients_hidden),
        ('nye_klienter', cast(counts.new_clients as decimal(18, 2)), counts.new_clients_hidden),
        ('veiledningstimer', cast(counts.guidance_hours as decimal(18, 2)), counts.guidance_hours_hidden),
        ('grunnkurs', cast(counts.basic_courses_held as decimal(18, 2)), false),
        ('temakurs', cast(counts.theme_courses_held as decimal(18, 2)), false),
        ('kursdeltakere', cast(counts.course_participants as decimal(18, 2)), counts.course_participants_hidden),
        ('nyetableringer', cast(counts.new_businesses as decimal(18, 2)), counts.new_businesses_hidden),
        ('nettverkssamlinger', cast(counts.network_events as decimal(18, 2)), counts.network_events_hidden),
        (
            'brukerundersokelse_svar',
            cast(coalesce(survey_respondents.responses, 0) as decimal(18, 2)),
            coalesce({{ is_small_count('survey_respondents.responses') }}, false)
        )
    ) as target (target_id, actual_value, is_hidden)
),

joined as (
    select
        plan.region_id,
        plan.year,
        plan.target_id,
        plan.planned_value,
        actuals.actual_value,
        coalesce(actuals.is_hidden, false) as is_suppressed
    from plan
    left join actuals
        on
            plan.region_id = actuals.region_id
            and plan.year = actuals.year
            and plan.target_id = actuals.target_id
    where {{ year_partition_filter('plan.year', 'plan.region_id') }}
),

standings as (
    select * from {{ ref('int_region_year_standings') }}
),

-- what the figures rest on: the operator's records, in the region of the agreement
joined_with_standing as (
    select
        joined.*,
        {{ weakest_standing([
            'standings.operator_standing',
            'standings.agreement_standing',
        ]) }} as data_standing
    from joined
    left join standings
        on
            joined.region_id = standings.region_id
            and joined.year = standings.year
),

final as (
    select
        cast(region_id as varchar) as region_id,
        cast(year as integer) as year,
        cast(target_id as varchar) as target_id,
        cast(planned_value as decimal(18, 2)) as planned_value,
        cast(case when not is_suppressed then coalesce(actual_value, 0) end as decimal(18, 2))
            as actual_value,
        cast(
            case when not is_suppressed then coalesce(actual_value, 0) - planned_value end
            as decimal(18, 2)
        ) as deviation,
        cast(
            case
                when not is_suppressed and planned_value > 0
                    then round(coalesce(actual_value, 0) / planned_value, 4)
            end as decimal(9, 4)
        ) as achievement_share,
        cast(is_suppressed as boolean) as is_suppressed,
        cast(data_standing as varchar) as data_standing
    from joined_with_standing
)

select * from final
