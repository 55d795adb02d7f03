-- Compliance rows from the agreement's own text, for the version the county has configured
-- (agreements.document_sha256): one row per rule of the agreement check, with every finding of
-- it, and agreement_text_checked, which fails while that exact text has not been checked.
with

agreement_years as (
    select * from {{ ref('int_agreement_years_expanded') }}
),

agreements as (
    select * from {{ ref('agreements') }}
),

checks as (
    select * from {{ ref('stg_agreements__checks') }}
),

findings as (
    select * from {{ ref('stg_agreements__findings') }}
),

text_rules as (
    select
        agreements.agreement_id,
        'agreement_text__' || findings.text_rule_id as rule_id,
        string_agg(distinct findings.clause, ', ' order by findings.clause) as clause,
        -- the check's own severity, unless the seed compliance_rule_severities overrides it
        case
            when bool_or(findings.severity = 'blokkerer_utbetaling') then 'blokkerer_utbetaling'
            else 'merknad'
        end as text_severity,
        string_agg(
            findings.clause || ': ' || findings.message || ' ' || findings.action,
            ' ' order by findings.line nulls last, findings.finding_id
        ) as explanation
    from agreements
    inner join findings
        on
            agreements.agreement_id = findings.agreement_id
            and agreements.document_sha256 = findings.document_sha256
    group by agreements.agreement_id, findings.text_rule_id
),

text_checked as (
    select
        agreements.agreement_id,
        'agreement_text_checked' as rule_id,
        'Avtaletekst' as clause,
        case
            when checks.document_sha256 is not null and checks.check_error is null then 'pass'
            else 'fail'
        end as result,
        case
            when agreements.document_sha256 is null
                then 'Ingen avtaletekst er ført inn for avtalen (document_sha256 er tom).'
            when checks.document_sha256 is null
                then
                    'Avtaleteksten for versjonen «' || agreements.agreement_version || '» (sha256 '
                    || left(agreements.document_sha256, 12) || '…) er ikke kontrollert. Legg '
                    || 'filen i data/agreements/ som ' || agreements.source_document
                    || ' og kjør avtalekontrollen.'
            when checks.check_error is not null
                then 'Avtaleteksten kunne ikke leses: ' || checks.check_error
            else
                'Avtaleteksten ' || checks.source_document || ' er kontrollert '
                || strftime(checks.checked_at, '%d.%m.%Y') || ': ' || checks.n_findings
                || ' funn, ' || checks.n_blocking || ' blokkerer utbetaling.'
        end as explanation
    from agreements
    left join checks
        on
            agreements.agreement_id = checks.agreement_id
            and agreements.document_sha256 = checks.document_sha256
),

final as (
    select
        agreement_years.agreement_id,
        agreement_years.region_id,
        agreement_years.year,
        text_rules.rule_id,
        text_rules.clause,
        'fail' as result,
        text_rules.explanation,
        cast(null as varchar) as subject_id,
        text_rules.text_severity
    from agreement_years
    inner join text_rules
        on agreement_years.agreement_id = text_rules.agreement_id
    union all by name
    select
        agreement_years.agreement_id,
        agreement_years.region_id,
        agreement_years.year,
        text_checked.rule_id,
        text_checked.clause,
        text_checked.result,
        text_checked.explanation,
        cast(null as varchar) as subject_id,
        cast(null as varchar) as text_severity
    from agreement_years
    inner join text_checked
        on agreement_years.agreement_id = text_checked.agreement_id
)

select * from final
