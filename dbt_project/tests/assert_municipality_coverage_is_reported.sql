-- Every Buskerud municipality is covered by exactly one agreement each year. Where it is not,
-- that must show as a failed municipality_coverage finding in fct_compliance naming the
-- municipality (a finding, not a crash). Returns municipalities whose gap is not reported.
-- Attached to fct_compliance as a Dagster asset check (it reads more than one model).
{{ config(meta={'dagster': {'ref': {'name': 'fct_compliance'}}}) }}
with

municipalities as (
    select * from {{ ref('municipalities') }}
    where valid_to is null and county_code = '33'
),

agreement_years as (
    select * from {{ ref('int_agreement_years_expanded') }}
),

members as (
    select * from {{ ref('agreement_members') }}
),

compliance as (
    select * from {{ ref('fct_compliance') }}
    where rule_id = 'municipality_coverage'
),

coverage as (
    select
        compliance.year,
        municipalities.municipality_code,
        count(members.agreement_id) as n_agreements
    from compliance
    cross join municipalities
    left join agreement_years
        on compliance.year = agreement_years.year
    left join members
        on
            agreement_years.agreement_id = members.agreement_id
            and municipalities.municipality_code = members.municipality_code
    group by compliance.year, municipalities.municipality_code
)

select
    coverage.year,
    coverage.municipality_code,
    coverage.n_agreements
from coverage
inner join compliance
    on coverage.year = compliance.year
where
    coverage.n_agreements <> 1
    and (
        compliance.result <> 'fail'
        or not contains(coalesce(compliance.subject_id, ''), coverage.municipality_code)
    )
