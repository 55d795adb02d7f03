{{
    config(
        materialized='incremental',
        incremental_strategy='partition_replace',
        on_schema_change='append_new_columns',
    )
}}

-- Payouts per agreement, funder, year and payout month (§7: 50 % in January, 50 % in August).
-- Rounding rule, stated once: each payout is the annual amount x cumulative share rounded to
-- øre (half away from zero), minus what earlier payouts already took. The payouts of a year
-- therefore always sum exactly to the annual amount. A payout is ready only when its amount is
-- known, the year's activity plan and budget were approved (recorded, not illustrative) before
-- the due date, the agreement has not terminated by the due date (§10), and no blocking finding
-- is open for the agreement-year in fct_compliance (the agreement signed, among them; which
-- rules block is the seed compliance_rule_severities). It is
-- then ready_illustrative when an input is illustrative or synthetic; never ready on an
-- assumption. Otherwise blocked, with every reason.
with

funding as (
    select * from {{ ref('fct_funding') }}
),

schedule as (
    select * from {{ ref('payout_schedule') }}
),

agreements as (
    select * from {{ ref('agreements') }}
),

approvals as (
    select * from {{ ref('agreement_plan_approvals') }}
),

compliance as (
    select * from {{ ref('fct_compliance') }}
),

-- Blocking findings open for an agreement-year, each with its explanation; the agreement text's
-- findings by rule and clause only (they are many and long; fct_compliance has them whole). The
-- plan approval is checked per payout below.
open_blocking_findings as (
    select
        agreement_id,
        year,
        nullif(
            concat_ws(
                ' ',
                string_agg(
                    case
                        when rule_id not like 'agreement_text\_\_%' escape '\'
                            then rule_id || ' (' || clause || '): ' || explanation
                    end,
                    ' '
                    order by rule_id
                ),
                'Avtaleteksten (se fct_compliance): ' || string_agg(
                    case
                        when rule_id like 'agreement_text\_\_%' escape '\'
                            then replace(rule_id, 'agreement_text__', '') || ' (' || clause || ')'
                    end,
                    ', '
                    order by rule_id
                ) || '.'
            ),
            ''
        ) as findings
    from compliance
    where
        severity = 'blokkerer_utbetaling'
        and result = 'fail'
        and rule_id <> 'plan_approved_before_payout'
    group by agreement_id, year
),

cumulative_schedule as (
    select
        payout_month,
        due_day,
        share,
        sum(share) over (order by payout_month) as cumulative_share,
        coalesce(
            sum(share) over (
                order by payout_month rows between unbounded preceding and 1 preceding
            ),
            0
        ) as previous_cumulative_share
    from schedule
),

scheduled as (
    select
        funding.agreement_id,
        funding.region_id,
        funding.funder_id,
        funding.funder_name,
        funding.year,
        cumulative_schedule.payout_month,
        cumulative_schedule.share,
        make_date(funding.year, cumulative_schedule.payout_month, cumulative_schedule.due_day)
            as due_date,
        funding.amount_nok as annual_amount_nok,
        round(funding.amount_nok * cumulative_schedule.cumulative_share, 2)
        - round(funding.amount_nok * cumulative_schedule.previous_cumulative_share, 2)
            as amount_nok,
        funding.status as funding_status,
        funding.status_reason as funding_status_reason,
        agreements.terminates_on as agreement_terminates_on,
        -- an approval date entered for illustration makes the payout illustrative too
        funding.is_illustrative or coalesce(approvals.is_illustrative, false) as is_illustrative,
        approvals.approved_date as plan_approved_date,
        coalesce(approvals.is_illustrative, false) as plan_approval_is_illustrative,
        open_blocking_findings.findings as open_findings,
        {{ weakest_standing([
            'funding.data_standing',
            illustrative_standing('approvals.is_illustrative'),
        ]) }} as data_standing
    from funding
    cross join cumulative_schedule
    left join agreements
        on funding.agreement_id = agreements.agreement_id
    left join approvals
        on
            funding.agreement_id = approvals.agreement_id
            and funding.year = approvals.year
    left join open_blocking_findings
        on
            funding.agreement_id = open_blocking_findings.agreement_id
            and funding.year = open_blocking_findings.year
    where {{ year_partition_filter('funding.year', 'funding.region_id') }}
),

reasons as (
    select
        *,
        nullif(
            concat_ws(
                ' ',
                case
                    when plan_approved_date is null
                        then
                            'Aktivitetsplan og budsjett for ' || year
                            || ' er ikke godkjent av fylkeskommunen (§7).'
                    when plan_approval_is_illustrative
                        then
                            'Godkjenningen av aktivitetsplan og budsjett for ' || year
                            || ' er ikke ført inn: datoen '
                            || strftime(plan_approved_date, '%d.%m.%Y')
                            || ' er illustrativ (§7).'
                    -- approval on the due date itself is not before it
                    when plan_approved_date >= due_date
                        then
                            'Aktivitetsplan og budsjett for ' || year || ' ble godkjent '
                            || strftime(plan_approved_date, '%d.%m.%Y')
                            || ', ikke før forfallsdatoen ' || strftime(due_date, '%d.%m.%Y')
                            || ' (§7).'
                end,
                case
                    when due_date > agreement_terminates_on
                        then
                            'Avtalen opphører ' || strftime(agreement_terminates_on, '%d.%m.%Y')
                            || ' (§10), før forfall ' || strftime(due_date, '%d.%m.%Y')
                            || '. Avtalen sier ikke hvordan et avbrutt år skal gjøres opp; '
                            || 'partene må avklare det.'
                end,
                case
                    when funding_status = 'rate_missing'
                        then 'Stykkpris mangler: ' || funding_status_reason
                    when funding_status = 'population_missing'
                        then 'Folketall mangler: ' || funding_status_reason
                end,
                case
                    when data_standing = 'assumed'
                        then
                            'Beløpet bygger på en antatt verdi som ingen kilde oppgir; ingen '
                            || 'utbetaling hviler på en antakelse.'
                end,
                'Åpne blokkerende funn: ' || open_findings
            ),
            ''
        ) as blocked_reason
    from scheduled
),

final as (
    select
        cast(agreement_id as varchar) as agreement_id,
        cast(region_id as varchar) as region_id,
        cast(funder_id as varchar) as funder_id,
        cast(funder_name as varchar) as funder_name,
        cast(year as integer) as year,
        cast(payout_month as integer) as payout_month,
        cast(share as decimal(9, 4)) as share,
        cast(due_date as date) as due_date,
        cast(annual_amount_nok as decimal(18, 2)) as annual_amount_nok,
        cast(amount_nok as decimal(18, 2)) as amount_nok,
        cast(
            case
                when blocked_reason is not null then 'blocked'
                when data_standing in ('synthetic', 'illustrative') then 'ready_illustrative'
                else 'ready'
            end as varchar
        ) as status,
        cast(blocked_reason as varchar) as blocked_reason,
        cast(plan_approved_date as date) as plan_approved_date,
        cast(is_illustrative as boolean) as is_illustrative,
        cast(data_standing as varchar) as data_standing
    from reasons
)

select * from final
