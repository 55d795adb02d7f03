-- The §7 deadlines per agreement-year, one rule for each (seed agreement_deadlines): the activity
-- plan and budget by 1 December the year before (plan_submitted_by_deadline), the annual report
-- and accounts by 1 May the year after (report_received_by_deadline). Delivered by the deadline:
-- pass; not delivered while the deadline has not passed (as of var as_of_date): pending; else fail.
with

agreement_years as (
    select * from {{ ref('int_agreement_years_expanded') }}
),

deadlines as (
    select * from {{ ref('agreement_deadlines') }}
),

plan as (
    select * from {{ ref('stg_operators__activity_plan_targets') }}
),

receipts as (
    select * from {{ ref('agreement_report_receipts') }}
),

standings as (
    select * from {{ ref('int_region_year_standings') }}
),

-- The rule for each deadline and how its explanation names the deliverable. A plan's date comes
-- from the operator's own files, so the rule rests on them; the county records the report's.
deadline_rules as (
    select
        rules.deadline_id,
        rules.rule_id,
        rules.deliverable,
        rules.delivered_verb,
        rules.reads_operator_files
    from (
        values
        ('activity_plan_and_budget', 'plan_submitted_by_deadline', 'Aktivitetsplan', 'levert', true),
        (
            'annual_report_and_accounts',
            'report_received_by_deadline',
            'Årsrapport og regnskap',
            'mottatt',
            false
        )
    ) as rules (deadline_id, rule_id, deliverable, delivered_verb, reads_operator_files)
),

-- What arrived for each agreement-year and deadline: the region's earliest plan submission, and
-- the annual report's receipt.
deliveries as (
    select
        agreement_years.agreement_id,
        agreement_years.year,
        'activity_plan_and_budget' as deadline_id,
        min(plan.submitted_date) as delivered_date
    from agreement_years
    inner join plan
        on
            agreement_years.region_id = plan.region_id
            and agreement_years.year = plan.year
    group by agreement_years.agreement_id, agreement_years.year
    union all
    select
        agreement_id,
        year,
        'annual_report_and_accounts' as deadline_id,
        received_date as delivered_date
    from receipts
),

deadline_dates as (
    select
        agreement_years.agreement_id,
        agreement_years.region_id,
        agreement_years.year,
        deadlines.deadline_id,
        deadlines.clause,
        make_date(
            agreement_years.year + deadlines.year_offset,
            deadlines.deadline_month,
            deadlines.deadline_day
        ) as deadline_date
    from agreement_years
    cross join deadlines
),

deadlines_met as (
    select
        deadline_dates.agreement_id,
        deadline_dates.region_id,
        deadline_dates.year,
        deadline_rules.rule_id,
        deadline_dates.clause,
        case
            when deliveries.delivered_date <= deadline_dates.deadline_date then 'pass'
            when
                deliveries.delivered_date is null
                and deadline_dates.deadline_date >= {{ as_of_date() }}
                then 'pending'
            else 'fail'
        end as result,
        case
            when deliveries.delivered_date is null
                then
                    deadline_rules.deliverable || ' for ' || deadline_dates.year
                    || ' er ikke mottatt (frist '
                    || strftime(deadline_dates.deadline_date, '%d.%m.%Y') || ').'
            else
                deadline_rules.deliverable || ' ' || deadline_rules.delivered_verb || ' '
                || strftime(deliveries.delivered_date, '%d.%m.%Y')
                || ' (frist ' || strftime(deadline_dates.deadline_date, '%d.%m.%Y') || ').'
        end as explanation,
        cast(null as varchar) as subject_id,
        case when deadline_rules.reads_operator_files then standings.operator_standing end
            as input_standing
    from deadline_dates
    inner join deadline_rules
        on deadline_dates.deadline_id = deadline_rules.deadline_id
    left join deliveries
        on
            deadline_dates.agreement_id = deliveries.agreement_id
            and deadline_dates.year = deliveries.year
            and deadline_dates.deadline_id = deliveries.deadline_id
    left join standings
        on
            deadline_dates.region_id = standings.region_id
            and deadline_dates.year = standings.year
)

select * from deadlines_met
