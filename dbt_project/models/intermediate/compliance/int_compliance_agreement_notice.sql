-- Notice of termination (§10: «kan sies opp av en av partene med ett års varsel»), per
-- agreement-year: a termination earlier than the notice period allows, or a notice without the
-- date the agreement ends, is a finding. No notice given: pass.
with

agreement_years as (
    select * from {{ ref('int_agreement_years_expanded') }}
),

agreements as (
    select * from {{ ref('agreements') }}
),

notice as (
    select
        agreement_years.agreement_id,
        agreement_years.region_id,
        agreement_years.year,
        'termination_notice_period' as rule_id,
        '§10' as clause,
        agreements.notice_given_on,
        agreements.terminates_on,
        agreements.notice_period_months,
        cast(
            agreements.notice_given_on + to_months(agreements.notice_period_months) as date
        ) as earliest_end
    from agreement_years
    inner join agreements
        on agreement_years.agreement_id = agreements.agreement_id
),

assessed as (
    select
        agreement_id,
        region_id,
        year,
        rule_id,
        clause,
        case
            when notice_given_on is null then 'pass'
            when terminates_on is null or notice_period_months is null then 'fail'
            when terminates_on < earliest_end then 'fail'
            else 'pass'
        end as result,
        case
            when notice_given_on is null
                then 'Avtalen er ikke sagt opp.'
            when terminates_on is null
                then
                    'Avtalen ble sagt opp ' || strftime(notice_given_on, '%d.%m.%Y')
                    || ', men datoen den opphører er ikke ført inn (agreements.terminates_on).'
            when notice_period_months is null
                then
                    'Avtalen ble sagt opp ' || strftime(notice_given_on, '%d.%m.%Y')
                    || ', men oppsigelsestiden er ikke ført inn '
                    || '(agreements.notice_period_months).'
            when terminates_on < earliest_end
                then
                    'Avtalen ble sagt opp ' || strftime(notice_given_on, '%d.%m.%Y')
                    || ' og opphører ' || strftime(terminates_on, '%d.%m.%Y')
                    || ', før oppsigelsestiden på ' || notice_period_months
                    || ' måneder er ute (' || strftime(earliest_end, '%d.%m.%Y')
                    || '). Avklar med partene hvilken dato som gjelder.'
            else
                'Avtalen ble sagt opp ' || strftime(notice_given_on, '%d.%m.%Y')
                || ' og opphører ' || strftime(terminates_on, '%d.%m.%Y') || '.'
        end as explanation,
        cast(null as varchar) as subject_id
    from notice
)

select * from assessed
