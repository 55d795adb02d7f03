-- The payouts of a year sum exactly to the annual funding, per agreement and funder.
-- Attached to fct_payouts as a Dagster asset check (it reads more than one model).
{{ config(meta={'dagster': {'ref': {'name': 'fct_payouts'}}}) }}
with

funding as (
    select * from {{ ref('fct_funding') }}
),

payouts as (
    select * from {{ ref('fct_payouts') }}
),

payout_sums as (
    select
        agreement_id,
        funder_id,
        year,
        sum(amount_nok) as paid_nok,
        count(*) as n_payouts
    from payouts
    group by agreement_id, funder_id, year
)

select
    funding.agreement_id,
    funding.funder_id,
    funding.year,
    funding.amount_nok,
    payout_sums.paid_nok,
    payout_sums.n_payouts
from funding
left join payout_sums
    on
        funding.agreement_id = payout_sums.agreement_id
        and funding.funder_id = payout_sums.funder_id
        and funding.year = payout_sums.year
where
    funding.amount_nok is distinct from payout_sums.paid_nok
    or payout_sums.n_payouts is distinct from 2
