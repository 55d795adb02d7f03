{{
    config(
        materialized='incremental',
        incremental_strategy='partition_replace',
        on_schema_change='append_new_columns',
    )
}}

-- The county's KPI set (DOMAIN.md) per region and year, one column per KPI. Counts of people
-- below the suppression threshold are null with a *_suppressed flag; each share has its n.
with

counts as (
    select * from {{ ref('int_kpi_counts_suppressed') }}
    where grain = 'region'
),

survey_results as (
    select * from {{ ref('int_survey_results_aggregated') }}
),

finance as (
    select * from {{ ref('stg_operators__finance_records') }}
),

funding as (
    select * from {{ ref('fct_funding') }}
),

regions as (
    select * from {{ ref('regions') }}
),

satisfaction as (
    select
        region_id,
        year,
        responses,
        mean_score,
        satisfied_responses
    from survey_results
    where question_id = 'fornoyd'
),

recommendation as (
    select
        region_id,
        year,
        responses,
        promoters,
        detractors
    from survey_results
    where question_id = 'anbefale'
),

money as (
    select
        region_id,
        year,
        sum(amount_nok) filter (
            where record_type = 'regnskap' and not starts_with(category, 'inntekt_')
        ) as cost_actual_nok,
        sum(amount_nok) filter (
            where record_type = 'budsjett' and not starts_with(category, 'inntekt_')
        ) as cost_budget_nok,
        sum(amount_nok) filter (
            where record_type = 'regnskap' and starts_with(category, 'inntekt_')
        ) as income_actual_nok,
        sum(amount_nok) filter (
            where record_type = 'regnskap' and category = 'inntekt_egenandel'
        ) as fee_income_actual_nok
    from finance
    group by region_id, year
),

funding_totals as (
    select
        region_id,
        year,
        -- unknown while any funder's amount is: a sum of the known ones is not the total
        case when bool_and(status = 'ok') then sum(amount_nok) end as funding_total_nok,
        -- what is known of it: a report shows this with the missing parts marked
        sum(amount_nok) filter (where status = 'ok') as funding_known_nok,
        count_if(status <> 'ok') as funding_rows_not_ok,
        bool_or(is_illustrative and status = 'ok') as funding_has_illustrative_rates,
        {{ weakest_standing_agg('data_standing') }} as funding_standing
    from funding
    group by region_id, year
),

standings as (
    select * from {{ ref('int_region_year_standings') }}
),

final as (
    select
        cast(counts.region_id as varchar) as region_id,
        cast(counts.year as integer) as year,
        {{ shared_kpi_columns() }},
        cast(coalesce(satisfaction.responses, 0) as integer) as satisfaction_responses,
        cast(
            case
                when satisfaction.responses >= {{ var('suppression_threshold') }}
                    then round(satisfaction.mean_score, 2)
            end as decimal(9, 2)
        ) as satisfaction_mean_score,
        cast(
            case
                when satisfaction.responses >= {{ var('suppression_threshold') }}
                    then round(
                        cast(satisfaction.satisfied_responses as decimal(18, 4))
                        / satisfaction.responses,
                        4
                    )
            end as decimal(9, 4)
        ) as satisfaction_share_satisfied,
        cast(coalesce(satisfaction.responses, 0) < {{ var('suppression_threshold') }} as boolean)
            as satisfaction_suppressed,
        cast(coalesce(recommendation.responses, 0) as integer) as nps_n,
        cast(
            case
                when recommendation.responses >= {{ var('suppression_threshold') }}
                    then round(
                        100.0 * (recommendation.promoters - recommendation.detractors)
                        / recommendation.responses,
                        1
                    )
            end as decimal(9, 1)
        ) as nps,
        cast(coalesce(recommendation.responses, 0) < {{ var('suppression_threshold') }} as boolean)
            as nps_suppressed,
        cast(funding_totals.funding_total_nok as decimal(18, 2)) as funding_total_nok,
        cast(funding_totals.funding_known_nok as decimal(18, 2)) as funding_known_nok,
        cast(coalesce(funding_totals.funding_rows_not_ok, 0) as integer) as funding_rows_not_ok,
        cast(money.cost_actual_nok as decimal(18, 2)) as cost_actual_nok,
        cast(money.cost_budget_nok as decimal(18, 2)) as cost_budget_nok,
        cast(money.cost_actual_nok - money.cost_budget_nok as decimal(18, 2)) as cost_deviation_nok,
        cast(money.income_actual_nok as decimal(18, 2)) as income_actual_nok,
        cast(money.fee_income_actual_nok as decimal(18, 2)) as fee_income_actual_nok,
        cast(
            case
                when not counts.unique_clients_hidden and counts.unique_clients > 0
                    then round(money.cost_actual_nok / counts.unique_clients, 2)
            end as decimal(18, 2)
        ) as cost_per_client_nok,
        cast(
            case
                when not counts.new_businesses_hidden and counts.new_businesses > 0
                    then round(money.cost_actual_nok / counts.new_businesses, 2)
            end as decimal(18, 2)
        ) as cost_per_new_business_nok,
        cast(
            regions.is_illustrative or coalesce(funding_totals.funding_has_illustrative_rates, false)
            as boolean
        ) as is_illustrative,
        cast(
            {{ weakest_standing([
                'standings.operator_standing',
                'standings.population_standing',
                'standings.agreement_standing',
                'funding_totals.funding_standing',
            ]) }} as varchar
        ) as data_standing
    from counts
    left join satisfaction
        on
            counts.region_id = satisfaction.region_id
            and counts.year = satisfaction.year
    left join recommendation
        on
            counts.region_id = recommendation.region_id
            and counts.year = recommendation.year
    left join money
        on
            counts.region_id = money.region_id
            and counts.year = money.year
    left join funding_totals
        on
            counts.region_id = funding_totals.region_id
            and counts.year = funding_totals.year
    left join regions
        on counts.region_id = regions.region_id
    left join standings
        on
            counts.region_id = standings.region_id
            and counts.year = standings.year
    where {{ year_partition_filter('counts.year', 'counts.region_id') }}
)

select * from final
