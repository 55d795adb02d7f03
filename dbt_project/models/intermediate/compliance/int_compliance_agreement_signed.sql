-- The agreement is signed by every party (a date per party in agreement_signatures), with status
-- signert, and not terminated, per agreement-year. No payout on a draft.
with

agreement_years as (
    select * from {{ ref('int_agreement_years_expanded') }}
),

agreements as (
    select * from {{ ref('agreements') }}
),

signatures as (
    select * from {{ ref('agreement_signatures') }}
),

agreement_signed as (
    select
        agreement_years.agreement_id,
        agreement_years.region_id,
        agreement_years.year,
        'agreement_signed' as rule_id,
        'Signaturer' as clause,
        case
            when
                agreements.agreement_status = 'signert'
                and count_if(signatures.party_id is not null and signatures.signed_on is null) = 0
                and count(signatures.party_id) > 0
                then 'pass'
            else 'fail'
        end as result,
        case
            when agreements.agreement_status = 'opphørt'
                then 'Avtalen er opphørt.'
            when count(signatures.party_id) = 0
                then 'Avtalen har ingen parter ført inn i agreement_signatures.'
            when agreements.agreement_status = 'utkast'
                then 'Avtalen er et utkast (status utkast), ikke signert. '
            else ''
        end
        || case
            when count_if(signatures.party_id is not null and signatures.signed_on is null) > 0
                then 'Ikke signert av: ' || string_agg(
                    case when signatures.signed_on is null then signatures.party_name end,
                    ', '
                    order by signatures.party_id
                ) || '.'
            when agreements.agreement_status = 'signert'
                then
                    'Signert av alle parter, sist '
                    || strftime(max(signatures.signed_on), '%d.%m.%Y') || '.'
            else ''
        end as explanation,
        cast(null as varchar) as subject_id
    from agreement_years
    inner join agreements
        on agreement_years.agreement_id = agreements.agreement_id
    left join signatures
        on agreement_years.agreement_id = signatures.agreement_id
    group by
        agreement_years.agreement_id,
        agreement_years.region_id,
        agreement_years.year,
        agreements.agreement_status
)

select * from agreement_signed
