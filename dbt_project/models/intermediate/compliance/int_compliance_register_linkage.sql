-- The operator's reported new businesses against the register (register_linkage, §2 and §7: the
-- service's results are reported, and the county follows them to the register), per
-- agreement-year, from int_linkage_findings: a number the register does not know or has
-- removed, a registration date more than 30 days off, another form or NACE code. Any finding:
-- fail (a remark, merknad, in compliance_rule_severities), with the count of each kind, a small
-- count as "færre enn 5" (count_in_text): the explanation is published.
-- Nothing reported: pass. Reported, but none looked up in the register yet: pending.
with

agreement_years as (
    select * from {{ ref('int_agreement_years_expanded') }}
),

findings as (
    select * from {{ ref('int_linkage_findings') }}
),

standings as (
    select * from {{ ref('int_region_year_standings') }}
),

counted as (
    select
        region_id,
        year,
        count(*) as reported,
        count_if(is_checked) as checked,
        count_if(is_not_in_register) as not_in_register,
        count_if(is_registration_date_off) as registration_date_off,
        count_if(is_org_form_different) as org_form_differs,
        count_if(is_nace_different) as nace_differs,
        max(register_observed_on) as register_observed_on,
        {{ weakest_standing_agg('register_standing') }} as register_standing
    from findings
    group by region_id, year
),

joined as (
    select
        agreement_years.agreement_id,
        agreement_years.region_id,
        agreement_years.year,
        coalesce(counted.reported, 0) as reported,
        coalesce(counted.checked, 0) as checked,
        counted.not_in_register,
        counted.registration_date_off,
        counted.org_form_differs,
        counted.nace_differs,
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
                    || year || ' er ' || {{ count_in_text('checked') }}
                    || ' kontrollert mot Enhetsregisteret ('
                    || strftime(register_observed_on, '%d.%m.%Y') || ').',
                    case when total_findings = 0 then 'De kontrollerte stemmer med registeret.' end,
                    case
                        when not_in_register > 0
                            then
                                {{ count_in_text('not_in_register', sentence_start=true) }}
                                || ' finnes ikke i registeret (ukjent eller '
                                || 'fjernet organisasjonsnummer).'
                    end,
                    case
                        when registration_date_off > 0
                            then
                                {{ count_in_text('registration_date_off', sentence_start=true) }}
                                || ' har en registreringsdato mer enn '
                                || '30 dager fra registerets.'
                    end,
                    case
                        when org_form_differs > 0
                            then
                                {{ count_in_text('org_form_differs', sentence_start=true) }}
                                || ' har en annen organisasjonsform enn '
                                || 'registerets.'
                    end,
                    case
                        when nace_differs > 0
                            then
                                {{ count_in_text('nace_differs', sentence_start=true) }}
                                || ' har en annen næringskode enn registerets.'
                    end,
                    case
                        when checked < reported
                            then
                                {{ count_in_text('reported - checked', sentence_start=true) }}
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
