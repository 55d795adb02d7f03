-- The operators' reported new businesses per region, reporting year and kind of finding
-- (int_linkage_findings), counted, and which counts a published figure or sentence hides:
-- fct_linkage_findings publishes them, int_compliance_register_linkage writes them in its
-- explanation. A small count (1 to threshold - 1, is_small_count) is hidden, and so is the count
-- that would give it away by subtraction, for the counts are two sums:
--   reported = checked + unchecked (looked up in the register, not yet),
--   checked = findings + checked without the finding.
-- When one side of a sum is small, the other is hidden too (if not zero), so neither can be
-- worked out from the total. A total that is small leaves each side zero or small, hidden. A
-- zero is shown, as everywhere.
with

findings as (
    select * from {{ ref('int_linkage_findings') }}
),

kinds as (
    select unnest({{ linkage_finding_kinds() }}) as finding_kind
),

counted as (
    select
        findings.region_id,
        findings.year,
        kinds.finding_kind,
        count(*) as reported,
        count_if(findings.is_checked) as checked,
        count_if(not findings.is_checked) as unchecked,
        count_if(
            case kinds.finding_kind
                when 'not_in_register' then findings.is_not_in_register
                when 'registration_date_off' then findings.is_registration_date_off
                when 'org_form_differs' then findings.is_org_form_different
                when 'nace_differs' then findings.is_nace_different
            end
        ) as findings,
        max(findings.register_observed_on) as register_observed_on,
        {{ weakest_standing_agg('findings.register_standing') }} as register_standing
    from findings
    cross join kinds
    group by findings.region_id, findings.year, kinds.finding_kind
),

-- reported = checked + unchecked
looked_up as (
    select
        *,
        {{ is_small_count('reported') }} as reported_hidden,
        {{ is_small_count('checked') }}
        or (checked > 0 and {{ is_small_count('unchecked') }}) as checked_hidden,
        {{ is_small_count('unchecked') }}
        or (unchecked > 0 and {{ is_small_count('checked') }}) as unchecked_hidden
    from counted
),

-- checked = findings + checked without the finding; a hidden checked gives nothing to subtract
-- from
final as (
    select
        region_id,
        year,
        finding_kind,
        reported,
        reported_hidden,
        checked,
        checked_hidden,
        unchecked,
        unchecked_hidden,
        findings,
        {{ is_small_count('findings') }}
        or (
            findings > 0
            and not checked_hidden
            and {{ is_small_count('checked - findings') }}
        ) as findings_hidden,
        register_observed_on,
        register_standing
    from looked_up
)

select * from final
