-- The county wants the service in the whole county: every Buskerud municipality is covered by
-- exactly one agreement each year (municipality_coverage, §2). One county-wide row per year,
-- without an agreement or region.
with

agreement_years as (
    select * from {{ ref('int_agreement_years_expanded') }}
),

members as (
    select * from {{ ref('agreement_members') }}
),

municipalities as (
    select * from {{ ref('municipalities') }}
    where valid_to is null
),

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
)

select * from municipality_coverage
