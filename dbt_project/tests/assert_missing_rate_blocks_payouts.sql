-- A missing rate is never paid: every payout of a rate_missing funding row is blocked with a
-- Norwegian reason.
-- Attached to fct_payouts as a Dagster asset check (it reads more than one model).
{{ config(meta={'dagster': {'ref': {'name': 'fct_payouts'}}}) }}
select
    payouts.agreement_id,
    payouts.funder_id,
    payouts.year,
    payouts.payout_month,
    payouts.status,
    payouts.blocked_reason
from {{ ref('fct_payouts') }} as payouts
inner join {{ ref('fct_funding') }} as funding
    on
        payouts.agreement_id = funding.agreement_id
        and payouts.funder_id = funding.funder_id
        and payouts.year = funding.year
where
    funding.status = 'rate_missing'
    and (payouts.status <> 'blocked' or not contains(payouts.blocked_reason, 'Stykkpris mangler'))
