-- §7: the year's activity plan and budget are approved before the first payout, per
-- agreement-year (plan_approved_before_payout). Approval on the due date itself is not before
-- it, and an illustrative date is no record.
with

agreement_years as (
    select * from {{ ref('int_agreement_years_expanded') }}
),

approvals as (
    select * from {{ ref('agreement_plan_approvals') }}
),

schedule as (
    select * from {{ ref('payout_schedule') }}
),

first_due_dates as (
    select
        min(payout_month) as payout_month,
        min_by(due_day, payout_month) as due_day
    from schedule
),

plan_approved as (
    select
        agreement_years.agreement_id,
        agreement_years.region_id,
        agreement_years.year,
        'plan_approved_before_payout' as rule_id,
        '§7' as clause,
        case
            when approvals.is_illustrative then 'fail'
            when
                approvals.approved_date
                < make_date(
                    agreement_years.year, first_due_dates.payout_month, first_due_dates.due_day
                )
                then 'pass'
            else 'fail'
        end as result,
        case
            when approvals.approved_date is null
                then
                    'Aktivitetsplan og budsjett for ' || agreement_years.year
                    || ' er ikke godkjent. Utbetalingene er stoppet.'
            when approvals.is_illustrative
                then
                    'Godkjenningen av aktivitetsplan og budsjett for ' || agreement_years.year
                    || ' er ikke ført inn: datoen '
                    || strftime(approvals.approved_date, '%d.%m.%Y')
                    || ' er illustrativ. Før inn fylkets faktiske vedtak '
                    || '(seed agreement_plan_approvals).'
            when
                approvals.approved_date
                >= make_date(
                    agreement_years.year, first_due_dates.payout_month, first_due_dates.due_day
                )
                then
                    'Aktivitetsplan og budsjett ble godkjent '
                    || strftime(approvals.approved_date, '%d.%m.%Y')
                    || ', ikke før første utbetaling.'
            else
                'Aktivitetsplan og budsjett godkjent '
                || strftime(approvals.approved_date, '%d.%m.%Y') || '.'
        end as explanation,
        cast(null as varchar) as subject_id,
        -- the rule rests on the approval date as entered: illustrative while it is
        {{ illustrative_standing('approvals.is_illustrative') }} as input_standing
    from agreement_years
    cross join first_due_dates
    left join approvals
        on
            agreement_years.agreement_id = approvals.agreement_id
            and agreement_years.year = approvals.year
)

select * from plan_approved
