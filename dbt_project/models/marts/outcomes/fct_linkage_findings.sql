-- How the operators' reported new businesses match the register, per region, reporting year and
-- kind of finding (int_linkage_findings): a number the register does not know or has removed, a
-- registration date more than 30 days off, another form, another NACE code. Each count is of
-- clients' businesses, so a small one (1 to threshold - 1) is hidden like every published count
-- (is_small_count), with a <count>_suppressed flag; the operator sees each record in the
-- delivery's feedback (`etablerer validate --region`, from int_linkage_findings), never published.
with

findings as (
    select * from {{ ref('int_linkage_findings') }}
),

standings as (
    select * from {{ ref('int_region_year_standings') }}
),

kinds as (
    select
        unnest([
            'not_in_register', 'registration_date_off', 'org_form_differs', 'nace_differs'
        ]) as finding_kind
),

counted as (
    select
        findings.region_id,
        findings.year,
        kinds.finding_kind,
        count(*) as reported_businesses,
        count_if(findings.is_checked) as checked_businesses,
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

final as (
    select
        cast(counted.region_id as varchar) as region_id,
        cast(counted.year as integer) as year,
        cast(counted.finding_kind as varchar) as finding_kind,
        {% for count in ['findings', 'reported_businesses', 'checked_businesses'] -%}
            cast(
                case when not {{ is_small_count('counted.' ~ count) }} then counted.{{ count }} end
                as integer
            ) as {{ count }},
            cast({{ is_small_count('counted.' ~ count) }} as boolean) as {{ count }}_suppressed,
        {% endfor -%}
        cast(counted.register_observed_on as date) as register_observed_on,
        cast(
            {{ weakest_standing([
                'counted.register_standing',
                'standings.operator_standing',
                'standings.agreement_standing',
            ]) }} as varchar
        ) as data_standing
    from counted
    left join standings
        on
            counted.region_id = standings.region_id
            and counted.year = standings.year
)

select * from final
