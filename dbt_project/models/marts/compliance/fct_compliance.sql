{{
    config(
        materialized='incremental',
        incremental_strategy='partition_replace',
        on_schema_change='append_new_columns',
    )
}}

-- Compliance rules of DOMAIN.md per agreement, year and rule, with pass/fail (or pending when a
-- deadline has not passed) and a Norwegian explanation. The county-wide coverage rule has no
-- agreement (scope 'fylke'). Findings are data, not crashes.
with

agreement_years as (
    select * from {{ ref('int_agreement_years_expanded') }}
),

agreements as (
    select * from {{ ref('agreements') }}
),

members as (
    select * from {{ ref('agreement_members') }}
),

funders as (
    select * from {{ ref('agreement_funders') }}
),

funder_basis as (
    select * from {{ ref('agreement_funder_basis') }}
),

municipalities as (
    select * from {{ ref('municipalities') }}
    where valid_to is null
),

population_bases as (
    select * from {{ ref('int_population_bases_summed') }}
),

approvals as (
    select * from {{ ref('agreement_plan_approvals') }}
),

receipts as (
    select * from {{ ref('agreement_report_receipts') }}
),

deadlines as (
    select * from {{ ref('agreement_deadlines') }}
),

schedule as (
    select * from {{ ref('payout_schedule') }}
),

plan as (
    select * from {{ ref('stg_operators__activity_plan_targets') }}
),

severities as (
    select * from {{ ref('compliance_rule_severities') }}
),

resolutions as (
    select * from {{ ref('agreement_finding_resolutions') }}
    where resolved_on is not null
),

standings as (
    select * from {{ ref('int_region_year_standings') }}
),

agreement_text as (
    select * from {{ ref('int_compliance_agreement_text') }}
),

stated_population as (
    select * from {{ ref('int_compliance_stated_population') }}
),

agreement_signed as (
    select * from {{ ref('int_compliance_agreement_signed') }}
),

finance_reconciled as (
    select * from {{ ref('int_compliance_finance_reconciled') }}
),

agreement_notice as (
    select * from {{ ref('int_compliance_agreement_notice') }}
),

-- §6: the county pays at least the minimum rate per inhabitant.
county_rate as (
    select
        agreement_years.agreement_id,
        agreement_years.region_id,
        agreement_years.year,
        'county_rate_minimum' as rule_id,
        '§6' as clause,
        case
            when funders.rate_nok_per_inhabitant >= {{ var('minimum_county_rate_nok') }}
                then 'pass'
            else 'fail'
        end as result,
        case
            when funders.funder_id is null
                then 'Buskerud fylkeskommune står ikke som finansierende part i avtalen.'
            when funders.rate_nok_per_inhabitant is null
                then 'Fylkeskommunens stykkpris mangler i avtalen.'
            else
                'Fylkeskommunens stykkpris er '
                || replace(cast(funders.rate_nok_per_inhabitant as varchar), '.', ',')
                || ' kr per innbygger; minstesatsen er '
                || replace(
                    cast(cast({{ var('minimum_county_rate_nok') }} as decimal(18, 2)) as varchar),
                    '.',
                    ','
                )
                || ' kr.'
        end as explanation,
        '33' as subject_id
    from agreement_years
    left join funders
        on
            agreement_years.agreement_id = funders.agreement_id
            and funders.funder_id = '33'
),

-- §6: every funder has a rate. A blank rate is missing, not zero.
rates_present as (
    select
        agreement_years.agreement_id,
        agreement_years.region_id,
        agreement_years.year,
        'rates_present' as rule_id,
        '§6' as clause,
        case when count_if(funders.rate_nok_per_inhabitant is null) = 0 then 'pass' else 'fail' end
            as result,
        case
            when count_if(funders.rate_nok_per_inhabitant is null) = 0
                then 'Alle finansierende parter har stykkpris.'
            else 'Stykkpris mangler for: ' || string_agg(
                case
                    when funders.rate_nok_per_inhabitant is null
                        then funders.funder_name || ' (' || funders.funder_id || ')'
                end,
                ', '
                order by funders.funder_id
            ) || '. Utbetalingene deres er stoppet til satsen er avtalt.'
        end as explanation,
        cast(null as varchar) as subject_id
    from agreement_years
    inner join funders
        on agreement_years.agreement_id = funders.agreement_id
    group by agreement_years.agreement_id, agreement_years.region_id, agreement_years.year
),

-- Every basis municipality has SSB population for the basis period.
population_available as (
    select
        agreement_years.agreement_id,
        agreement_years.region_id,
        agreement_years.year,
        'population_available' as rule_id,
        agreements.population_clause as clause,
        case when count_if(population_bases.population is null) = 0 then 'pass' else 'fail' end
            as result,
        case
            when count_if(population_bases.population is null) = 0
                then
                    'Folketall fra SSB finnes for alle kommuner i grunnlaget ('
                    || any_value(agreements.population_period) || ').'
            else 'Folketall mangler for ' || string_agg(
                distinct population_bases.missing_population_municipalities, ', '
            ) || ' i ' || any_value(agreements.population_period) || ' (SSB-tabell '
            || any_value(agreements.population_table_id) || ', '
            || any_value(agreements.population_contents_code) || ').'
        end as explanation,
        cast(null as varchar) as subject_id
    from agreement_years
    inner join agreements
        on agreement_years.agreement_id = agreements.agreement_id
    inner join population_bases
        on agreement_years.agreement_id = population_bases.agreement_id
    group by
        agreement_years.agreement_id,
        agreement_years.region_id,
        agreement_years.year,
        agreements.population_clause
),

-- Every party municipality is in the population basis of its own county council's funding.
member_basis as (
    select
        members.agreement_id,
        members.municipality_code,
        municipalities.municipality_name,
        municipalities.county_code,
        funder_basis.municipality_code is not null as is_in_county_basis
    from members
    left join municipalities
        on members.municipality_code = municipalities.municipality_code
    left join funder_basis
        on
            members.agreement_id = funder_basis.agreement_id
            and municipalities.county_code = funder_basis.funder_id
            and members.municipality_code = funder_basis.municipality_code
),

parties_in_basis as (
    select
        agreement_years.agreement_id,
        agreement_years.region_id,
        agreement_years.year,
        'parties_in_population_basis' as rule_id,
        '§1, §6' as clause,
        case when count_if(not member_basis.is_in_county_basis) = 0 then 'pass' else 'fail' end
            as result,
        case
            when count_if(not member_basis.is_in_county_basis) = 0
                then 'Alle kommunene som er parter, er med i fylkeskommunens befolkningsgrunnlag.'
            else string_agg(
                case
                    when not member_basis.is_in_county_basis
                        then
                            member_basis.municipality_name || ' (' || member_basis.municipality_code
                            || ')'
                end,
                ', '
                order by member_basis.municipality_code
            ) || ' er part i avtalen, men er ikke med i befolkningsgrunnlaget for '
            || 'fylkeskommunens tilskudd. Avklar om grunnlaget eller partslisten er feil.'
        end as explanation,
        string_agg(
            case when not member_basis.is_in_county_basis then member_basis.municipality_code end,
            ','
            order by member_basis.municipality_code
        ) as subject_id
    from agreement_years
    inner join member_basis
        on agreement_years.agreement_id = member_basis.agreement_id
    group by agreement_years.agreement_id, agreement_years.region_id, agreement_years.year
),

first_due_dates as (
    select
        min(payout_month) as payout_month,
        min_by(due_day, payout_month) as due_day
    from schedule
),

-- §7: the year's activity plan and budget are approved before the first payout.
plan_approved as (
    select
        agreement_years.agreement_id,
        agreement_years.region_id,
        agreement_years.year,
        'plan_approved_before_payout' as rule_id,
        '§7' as clause,
        -- approval on the due date itself is not before it; an illustrative date is no record
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
),

plan_submissions as (
    select
        region_id,
        year,
        min(submitted_date) as submitted_date
    from plan
    group by region_id, year
),

-- Each agreement year's §7 deadlines as dates.
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

-- §7: the activity plan and budget arrive by 1 December the year before.
plan_submitted as (
    select
        deadline_dates.agreement_id,
        deadline_dates.region_id,
        deadline_dates.year,
        'plan_submitted_by_deadline' as rule_id,
        deadline_dates.clause,
        case
            when plan_submissions.submitted_date <= deadline_dates.deadline_date then 'pass'
            when
                plan_submissions.submitted_date is null
                and deadline_dates.deadline_date >= {{ as_of_date() }}
                then 'pending'
            else 'fail'
        end as result,
        case
            when plan_submissions.submitted_date is null
                then
                    'Aktivitetsplan for ' || deadline_dates.year || ' er ikke mottatt (frist '
                    || strftime(deadline_dates.deadline_date, '%d.%m.%Y') || ').'
            else
                'Aktivitetsplan levert ' || strftime(plan_submissions.submitted_date, '%d.%m.%Y')
                || ' (frist ' || strftime(deadline_dates.deadline_date, '%d.%m.%Y') || ').'
        end as explanation,
        cast(null as varchar) as subject_id
    from deadline_dates
    left join plan_submissions
        on
            deadline_dates.region_id = plan_submissions.region_id
            and deadline_dates.year = plan_submissions.year
    where deadline_dates.deadline_id = 'activity_plan_and_budget'
),

-- §7: the annual report and accounts arrive by 1 May the year after.
report_received as (
    select
        deadline_dates.agreement_id,
        deadline_dates.region_id,
        deadline_dates.year,
        'report_received_by_deadline' as rule_id,
        deadline_dates.clause,
        case
            when receipts.received_date <= deadline_dates.deadline_date then 'pass'
            when
                receipts.received_date is null
                and deadline_dates.deadline_date >= {{ as_of_date() }}
                then 'pending'
            else 'fail'
        end as result,
        case
            when receipts.received_date is null
                then
                    'Årsrapport og regnskap for ' || deadline_dates.year || ' er ikke mottatt (frist '
                    || strftime(deadline_dates.deadline_date, '%d.%m.%Y') || ').'
            else
                'Årsrapport og regnskap mottatt ' || strftime(receipts.received_date, '%d.%m.%Y')
                || ' (frist ' || strftime(deadline_dates.deadline_date, '%d.%m.%Y') || ').'
        end as explanation,
        cast(null as varchar) as subject_id
    from deadline_dates
    left join receipts
        on
            deadline_dates.agreement_id = receipts.agreement_id
            and deadline_dates.year = receipts.year
    where deadline_dates.deadline_id = 'annual_report_and_accounts'
),

-- The county wants the service in the whole county: every Buskerud municipality is covered by
-- exactly one agreement each year.
coverage_years as (
    select distinct year from agreement_years
),

coverage as (
    select
        coverage_years.year,
        municipalities.municipality_code,
        municipalities.municipality_name,
        count(members.agreement_id) as n_agreements
    from coverage_years
    cross join municipalities
    left join agreement_years
        on coverage_years.year = agreement_years.year
    left join members
        on
            agreement_years.agreement_id = members.agreement_id
            and municipalities.municipality_code = members.municipality_code
    where municipalities.county_code = '33'
    group by coverage_years.year, municipalities.municipality_code, municipalities.municipality_name
),

municipality_coverage as (
    select
        cast(null as varchar) as agreement_id,
        cast(null as varchar) as region_id,
        year,
        'municipality_coverage' as rule_id,
        '§2' as clause,
        case when count_if(n_agreements <> 1) = 0 then 'pass' else 'fail' end as result,
        case
            when count_if(n_agreements <> 1) = 0
                then 'Alle kommunene i Buskerud er dekket av nøyaktig én avtale i ' || year || '.'
            else concat_ws(
                ' ',
                'Ikke dekket av noen avtale i ' || year || ': ' || string_agg(
                    case
                        when n_agreements = 0
                            then municipality_name || ' (' || municipality_code || ')'
                    end,
                    ', '
                    order by municipality_code
                ) || '.',
                'Dekket av flere avtaler i ' || year || ': ' || string_agg(
                    case
                        when n_agreements > 1
                            then municipality_name || ' (' || municipality_code || ')'
                    end,
                    ', '
                    order by municipality_code
                ) || '.'
            )
        end as explanation,
        string_agg(
            case when n_agreements <> 1 then municipality_code end, ',' order by municipality_code
        ) as subject_id
    from coverage
    group by year
),

unioned as (
    select * from county_rate
    union all by name
    select * from rates_present
    union all by name
    select * from population_available
    union all by name
    select * from stated_population
    union all by name
    select * from parties_in_basis
    union all by name
    select * from plan_approved
    union all by name
    select * from plan_submitted
    union all by name
    select * from report_received
    union all by name
    select * from municipality_coverage
    union all by name
    select * from agreement_signed
    union all by name
    select * from agreement_text
    union all by name
    select * from finance_reconciled
    union all by name
    select * from agreement_notice
),

assessed as (
    select
        unioned.*,
        coalesce(severities.severity, unioned.text_severity, 'merknad') as severity,
        case
            when unioned.result = 'fail' and resolutions.agreement_id is not null
                then 'resolved'
            else unioned.result
        end as assessed_result,
        unioned.explanation || coalesce(
            ' Avgjort ' || strftime(resolutions.resolved_on, '%d.%m.%Y') || ': '
            || resolutions.decision,
            ''
        ) as assessed_explanation,
        -- what the rule's figures rest on: the agreement always; SSB's cells or the operator's
        -- records where the rule reads them
        {{ weakest_standing([
            'unioned.input_standing',
            'standings.agreement_standing',
            "case when unioned.rule_id in ('population_available', 'stated_population_matches_ssb')
                then standings.population_standing end",
            "case when unioned.rule_id = 'plan_submitted_by_deadline'
                then standings.operator_standing end",
        ]) }} as data_standing
    from unioned
    left join severities
        on unioned.rule_id = severities.rule_id
    left join resolutions
        on
            unioned.agreement_id = resolutions.agreement_id
            and unioned.rule_id = resolutions.rule_id
            and coalesce(unioned.subject_id, '') = coalesce(resolutions.subject_id, '')
    left join standings
        on
            unioned.region_id = standings.region_id
            and unioned.year = standings.year
),

final as (
    select
        cast(agreement_id as varchar) as agreement_id,
        cast(region_id as varchar) as region_id,
        cast(year as integer) as year,
        cast(rule_id as varchar) as rule_id,
        cast(case when agreement_id is null then 'fylke' else 'avtale' end as varchar) as scope,
        cast(clause as varchar) as clause,
        cast(assessed_result as varchar) as result,
        cast(assessed_explanation as varchar) as explanation,
        cast(subject_id as varchar) as subject_id,
        cast(severity as varchar) as severity,
        cast(data_standing as varchar) as data_standing
    from assessed
    where {{ year_partition_filter() }}
)

select * from final
