-- The agreement's own table (§6): each funder's amount for every year of the agreement period,
-- and the period total. All years come from the agreement (seeds), not from the run's year: a
-- table rebuilt whole on every run. The amounts are int_funding_amounts_computed's (the money
-- rule, stated once); the basis is fixed at the agreement's basis period for every year. The
-- period total is unknown while any year's amount is.
with

amounts as (
    select * from {{ ref('int_funding_amounts_computed') }}
),

agreements as (
    select * from {{ ref('agreements') }}
),

period_totals as (
    select
        *,
        case
            when bool_and(status = 'ok') over agreement_period
                then sum(amount_nok) over agreement_period
        end as period_total_nok,
        -- the row shows the period total, so it rests on every year's inputs
        min({{ standing_rank('data_standing') }}) over agreement_period as period_standing_rank
    from amounts
    window agreement_period as (partition by agreement_id, funder_id)
),

final as (
    select
        cast(period_totals.agreement_id as varchar) as agreement_id,
        cast(period_totals.region_id as varchar) as region_id,
        cast(period_totals.funder_id as varchar) as funder_id,
        cast(period_totals.funder_name as varchar) as funder_name,
        cast(period_totals.funder_type as varchar) as funder_type,
        cast(period_totals.year as integer) as year,
        cast(agreements.valid_from_year as integer) as period_from_year,
        cast(agreements.valid_to_year as integer) as period_to_year,
        cast(period_totals.population_basis_period as varchar) as population_basis_period,
        cast(period_totals.population as bigint) as population,
        cast(period_totals.basis_population_source as varchar) as basis_population_source,
        cast(period_totals.ssb_population as bigint) as ssb_population,
        cast(period_totals.rate_nok_per_inhabitant as decimal(18, 2)) as rate_nok_per_inhabitant,
        cast(period_totals.amount_nok as decimal(18, 2)) as amount_nok,
        cast(period_totals.status as varchar) as status,
        cast(period_totals.status_reason as varchar) as status_reason,
        cast(period_totals.period_total_nok as decimal(18, 2)) as period_total_nok,
        cast(period_totals.rate_clause as varchar) as rate_clause,
        cast(period_totals.agreement_version as varchar) as agreement_version,
        cast(period_totals.agreement_document_sha256 as varchar) as agreement_document_sha256,
        cast(period_totals.agreement_status as varchar) as agreement_status,
        cast(period_totals.is_illustrative as boolean) as is_illustrative,
        cast({{ standing_of_rank('period_totals.period_standing_rank') }} as varchar)
            as data_standing
    from period_totals
    inner join agreements
        on period_totals.agreement_id = agreements.agreement_id
)

select * from final
