{#- The KPI columns shared by fct_region_kpis and fct_municipality_kpis, computed from
    int_kpi_counts_suppressed (aliased `counts`), whose *_hidden flags say what is suppressed. -#}

{% macro shared_kpi_columns() -%}
        {{ kpi_count('unique_clients') }},
        {{ kpi_count('new_clients') }},
    {%- for cell in ['clients_women', 'clients_men', 'clients_sex_unknown', 'clients_age_under_30',
                     'clients_age_30_49', 'clients_age_50_plus', 'clients_age_unknown'] %}
        {{ kpi_count(cell) }},
    {%- endfor %}
        {{ kpi_count('clients_immigrant_background') }},
        {{ kpi_share('share_women_clients', 'clients_women', 'unique_clients') }},
        {{ kpi_share('share_immigrant_clients', 'clients_immigrant_background', 'unique_clients') }},
        {{ kpi_count('guidance_sessions') }},
        cast(case when not guidance_hours_hidden then guidance_hours end as decimal(18, 2))
            as guidance_hours,
        cast(guidance_hours_hidden as boolean) as guidance_hours_suppressed,
        {{ kpi_count('guidance_clients') }},
        cast(
            case
                when guidance_clients >= {{ var('suppression_threshold') }}
                    and not guidance_clients_hidden
                    then round(cast(guidance_hours as decimal(18, 4)) / guidance_clients, 2)
            end as decimal(18, 2)
        ) as guidance_hours_per_client,
        {{ kpi_count('clients_reached_free_hours_cap') }},
        {{ kpi_share('digital_share_of_guidance_sessions', 'digital_guidance_sessions',
                     'guidance_sessions') }},
        cast(basic_courses_held as integer) as basic_courses_held,
        {{ kpi_count('basic_course_participations') }},
        {{ kpi_share('basic_course_completion_share', 'basic_course_completions',
                     'basic_course_participations') }},
        cast(theme_courses_held as integer) as theme_courses_held,
        {{ kpi_count('theme_course_participations') }},
        cast(
            case when not theme_course_participations_hidden
                then theme_course_fee_income_nok end as decimal(18, 2)
        ) as theme_course_fee_income_nok,
        {{ kpi_count('course_participants') }},
        {{ kpi_share('share_women_participants', 'course_participants_women',
                     'course_participants') }},
        {{ kpi_share('share_immigrant_participants', 'course_participants_immigrant_background',
                     'course_participants') }},
        {{ kpi_count('network_events') }},
        {{ kpi_count('network_participations') }},
        {{ kpi_count('referrals_innovasjon_norge') }},
        {{ kpi_count('referrals_nav') }},
        {{ kpi_count('referrals_naeringsliv') }},
        {{ kpi_count('referrals_other') }},
        {{ kpi_count('business_assessments') }},
        cast(
            case
                when business_assessments_completed >= {{ var('suppression_threshold') }}
                    and not business_assessments_hidden
                    then round(
                        cast(assessment_turnaround_days_total as decimal(18, 4))
                        / business_assessments_completed,
                        1
                    )
            end as decimal(9, 1)
        ) as assessment_turnaround_days_mean,
        {{ kpi_count('mentor_sessions') }},
        {{ kpi_count('new_businesses') }},
        cast(
            case
                when not new_businesses_hidden and population > 0
                    then round(1000.0 * new_businesses / population, 2)
            end as decimal(9, 2)
        ) as new_businesses_per_1000_inhabitants,
        {{ kpi_share('share_women_founders', 'founders_women', 'new_businesses') }},
        {{ kpi_share('share_immigrant_founders', 'founders_immigrant_background',
                     'new_businesses') }},
        {{ kpi_share('conversion_share', 'converted_new_clients', 'new_clients') }},
        {{ kpi_share('survival_1y_share', 'businesses_survived_1y', 'businesses_1y_evaluable') }},
        {{ kpi_share('survival_3y_share', 'businesses_survived_3y', 'businesses_3y_evaluable') }},
        cast(population as bigint) as population,
        cast(
            case
                when not unique_clients_hidden and population > 0
                    then round(1000.0 * unique_clients / population, 2)
            end as decimal(9, 2)
        ) as clients_per_1000_inhabitants
{%- endmacro %}
