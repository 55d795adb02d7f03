-- The operator's reported new businesses against the register (register_linkage, §2 and §7: the
-- service's results are reported, and the county follows them to the register), per
-- agreement-year, from int_linkage_findings: a number the register does not know or has
-- removed, a registration date more than 30 days off, another form or NACE code. Any finding:
-- fail (a remark, merknad, in compliance_rule_severities), with the count of each kind. The
-- explanation is published: the counts are int_linkage_counts', hidden as fct_linkage_findings
-- hides them, a small one as "færre enn 5", one hidden so a small one cannot be worked out as
-- "minst 5" (count_in_text).
-- Nothing reported: pass. Reported, but none looked up in the register yet: pending.
with

agreement_years as (
    select * from {{ ref('int_agreement_years_expanded') }}
),

counts as (
    select * from {{ ref('int_linkage_counts') }}
),

standings as (
    select * from {{ ref('int_region_year_standings') }}
),

-- one row per region-year: reported, checked and unchecked are the same in each kind's row
counted as (
    select
        region_id,
        year,
        max(reported) as reported,
        max(checked) as checked,
        bool_or(checked_hidden) as checked_hidden,
        max(unchecked) as unchecked,
        bool_or(unchecked_hidden) as unchecked_hidden,
        {% for kind in linkage_finding_kinds() -%}
            max(findings) filter (where finding_kind = '{{ kind }}') as {{ kind }},
            bool_or(findings_hidden) filter (
                where finding_kind = '{{ kind }}'
            ) as {{ kind }}_hidden,
        {% endfor -%}
        max(register_observed_on) as register_observed_on,
        {{ weakest_standing_agg('register_standing') }} as register_standing
    from counts
    group by region_id, year
),

joined as (
    select
        agreement_years.agreement_id,
        agreement_years.region_id,
        agreement_years.year,
        coalesce(counted.reported, 0) as reported,
        coalesce(counted.checked, 0) as checked,
        counted.checked_hidden,
        counted.unchecked,
        counted.unchecked_hidden,
        {% for kind in linkage_finding_kinds() -%}
            counted.{{ kind }},
            counted.{{ kind }}_hidden,
        {% endfor -%}
        counted.not_in_register + counted.registration_date_off + counted.org_form_differs
        + counted.nace_differs as total_findings,
        counted.register_observed_on,
        counted.register_standing,
        standings.operator_standing
    from agreement_years
    left join counted
        on
            agreement_years.region_id = counted.region_id
            and agreement_years.year = counted.year
    left join standings
        on
            agreement_years.region_id = standings.region_id
            and agreement_years.year = standings.year
),

assessed as (
    select
        agreement_id,
        region_id,
        year,
        'register_linkage' as rule_id,
        '§2, §7' as clause,
        case
            when reported = 0 then 'pass'
            when checked = 0 then 'pending'
            when total_findings > 0 then 'fail'
            else 'pass'
        end as result,
        case
            when reported = 0
                then 'Ingen nyetableringer er rapportert for ' || year || '.'
            when checked = 0
                then
                    'Nyetableringene rapportert for ' || year || ' ('
                    || {{ count_in_text('reported') }}
                    || ') er ikke slått opp i Enhetsregisteret ennå.'
            else
                concat_ws(
                    ' ',
                    'Av ' || {{ count_in_text('reported') }} || ' rapporterte nyetableringer for '
                    || year || ' er '
                    || {{ count_in_text('checked', hidden='checked_hidden') }}
                    || ' kontrollert mot Enhetsregisteret ('
                    || strftime(register_observed_on, '%d.%m.%Y') || ').',
                    case when total_findings = 0 then 'De kontrollerte stemmer med registeret.' end,
                    case
                        when not_in_register > 0
                            then
                                {{ count_in_text('not_in_register', true, 'not_in_register_hidden') }}
                                || ' finnes ikke i registeret (ukjent eller '
                                || 'fjernet organisasjonsnummer).'
                    end,
                    case
                        when registration_date_off > 0
                            then
                                {{ count_in_text(
                                    'registration_date_off', true, 'registration_date_off_hidden'
                                ) }}
                                || ' har en registreringsdato mer enn '
                                || '30 dager fra registerets.'
                    end,
                    case
                        when org_form_differs > 0
                            then
                                {{ count_in_text('org_form_differs', true, 'org_form_differs_hidden') }}
                                || ' har en annen organisasjonsform enn '
                                || 'registerets.'
                    end,
                    case
                        when nace_differs > 0
                            then
                                {{ count_in_text('nace_differs', true, 'nace_differs_hidden') }}
                                || ' har en annen næringskode enn registerets.'
                    end,
                    case
                        when unchecked > 0
                            then
                                {{ count_in_text('unchecked', true, 'unchecked_hidden') }}
                                || ' er ikke slått opp i registeret etter '
                                || 'registreringsdatoen ennå.'
                    end,
                    case
                        when total_findings > 0
                            then
                                'Operatøren kontrollerer opplysningene og retter dem i neste '
                                || 'levering.'
                    end
                )
        end as explanation,
        nullif(
            concat_ws(
                ',',
                case when not_in_register > 0 then 'not_in_register' end,
                case when registration_date_off > 0 then 'registration_date_off' end,
                case when org_form_differs > 0 then 'org_form_differs' end,
                case when nace_differs > 0 then 'nace_differs' end
            ),
            ''
        ) as subject_id,
        {{ weakest_standing(['operator_standing', 'register_standing']) }} as input_standing
    from joined
)

select * from assessed
