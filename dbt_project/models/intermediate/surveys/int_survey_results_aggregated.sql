-- Survey results per region, year and question, unsuppressed. Satisfied = 4 or 5 on a 1-5
-- scale, 7 or more on 0-10. NPS (0-10 questions) = % promoters (9-10) - % detractors (0-6).
with

responses as (
    select * from {{ ref('stg_operators__survey_responses') }}
    where {{ region_partition_filter() }}
),

aggregated as (
    select
        region_id,
        year,
        question_id,
        any_value(scale) as scale,
        count(*) as responses,
        avg(score) as mean_score,
        count_if(
            (scale = '1-5' and score >= 4) or (scale = '0-10' and score >= 7)
        ) as satisfied_responses,
        count_if(scale = '0-10' and score >= 9) as promoters,
        count_if(scale = '0-10' and score <= 6) as detractors,
        bool_and(scale = '0-10') as is_nps_question
    from responses
    where score is not null
    group by region_id, year, question_id
)

select * from aggregated
