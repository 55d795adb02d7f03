{{
    config(
        materialized='incremental',
        incremental_strategy='partition_replace',
        on_schema_change='append_new_columns',
    )
}}

-- Survey results per region, year and question. Results are suppressed (null) when the number of
-- responses is below the threshold; the number of responses itself is shown.
with

survey_results as (
    select * from {{ ref('int_survey_results_aggregated') }}
),

standings as (
    select * from {{ ref('int_region_year_standings') }}
),

-- what the figures rest on: the operator's records, in the region of the agreement
survey_results_with_standing as (
    select
        survey_results.*,
        {{ weakest_standing([
            'standings.operator_standing',
            'standings.agreement_standing',
        ]) }} as data_standing
    from survey_results
    left join standings
        on
            survey_results.region_id = standings.region_id
            and survey_results.year = standings.year
),

final as (
    select
        cast(region_id as varchar) as region_id,
        cast(year as integer) as year,
        cast(question_id as varchar) as question_id,
        cast(scale as varchar) as scale,
        cast(responses as integer) as responses,
        cast(
            case when responses >= {{ var('suppression_threshold') }} then round(mean_score, 2) end
            as decimal(9, 2)
        ) as mean_score,
        cast(
            case
                when responses >= {{ var('suppression_threshold') }}
                    then round(cast(satisfied_responses as decimal(18, 4)) / responses, 4)
            end as decimal(9, 4)
        ) as share_satisfied,
        cast(
            case
                when responses >= {{ var('suppression_threshold') }} and is_nps_question
                    then round(100.0 * (promoters - detractors) / responses, 1)
            end as decimal(9, 1)
        ) as nps,
        cast(is_nps_question as boolean) as is_nps_question,
        cast(responses < {{ var('suppression_threshold') }} as boolean) as is_suppressed,
        cast(data_standing as varchar) as data_standing
    from survey_results_with_standing
    where {{ year_partition_filter() }}
)

select * from final
