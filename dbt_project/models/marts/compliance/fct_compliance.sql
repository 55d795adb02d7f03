{{
    config(
        materialized='incremental',
        incremental_strategy='partition_replace',
        on_schema_change='append_new_columns',
    )
}}

-- Compliance rules of DOMAIN.md per agreement, year and rule, with pass/fail (or pending when a
-- deadline has not passed) and a Norwegian explanation. The county-wide coverage rule has no
-- agreement (scope 'fylke'). Findings are data, not crashes. The rules live in
-- models/intermediate/compliance/, one model per family; here each finding gets its severity, a
-- county decision that resolves it, and the weakest standing of what it rests on (the agreement
-- always, and the rule's own input_standing).
with

rates as (
    select * from {{ ref('int_compliance_rates_checked') }}
),

population_basis as (
    select * from {{ ref('int_compliance_population_basis_checked') }}
),

stated_population as (
    select * from {{ ref('int_compliance_stated_population') }}
),

plan_approved as (
    select * from {{ ref('int_compliance_plan_approved') }}
),

deadlines_met as (
    select * from {{ ref('int_compliance_deadlines_met') }}
),

municipalities_covered as (
    select * from {{ ref('int_compliance_municipalities_covered') }}
),

agreement_signed as (
    select * from {{ ref('int_compliance_agreement_signed') }}
),

agreement_text as (
    select * from {{ ref('int_compliance_agreement_text') }}
),

finance_reconciled as (
    select * from {{ ref('int_compliance_finance_reconciled') }}
),

agreement_notice as (
    select * from {{ ref('int_compliance_agreement_notice') }}
),

register_linkage as (
    select * from {{ ref('int_compliance_register_linkage') }}
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

unioned as (
    select * from rates
    union all by name
    select * from population_basis
    union all by name
    select * from stated_population
    union all by name
    select * from plan_approved
    union all by name
    select * from deadlines_met
    union all by name
    select * from municipalities_covered
    union all by name
    select * from agreement_signed
    union all by name
    select * from agreement_text
    union all by name
    select * from finance_reconciled
    union all by name
    select * from agreement_notice
    union all by name
    select * from register_linkage
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
        {{ weakest_standing(['unioned.input_standing', 'standings.agreement_standing']) }}
            as data_standing
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
