-- Each business an operator reported (region, reporting year, business key), checked against the
-- register as last observed: whether it has been looked up since its reported registration date,
-- and a flag per finding:
-- - not_in_register: the register does not know the number (404) or has removed it (410);
-- - registration_date_off: the reported registration date is more than 30 days from
--   registreringsdatoEnhetsregisteret;
-- - org_form_differs / nace_differs: the reported form or NACE code is not the register's.
-- A deleted unit's small body has no form, NACE or dates: the last values the register gave are
-- compared. Carries the business key, for the operator's feedback: never published (only
-- fct_linkage_findings' counts are).
with

establishments as (
    select * from {{ ref('stg_operators__establishments') }}
),

history as (
    select * from {{ ref('int_brreg__unit_history') }}
),

units as (
    select
        business_key,
        arg_max(status, valid_from) as status,
        arg_max(registered_date, valid_from) filter (where registered_date is not null)
            as registered_date,
        arg_max(org_form, valid_from) filter (where org_form is not null) as org_form,
        arg_max(nace_code, valid_from) filter (where nace_code is not null) as nace_code,
        max(last_observed_on) as last_observed_on,
        bool_or(is_synthetic) as is_synthetic
    from history
    group by business_key
),

-- one row per business and reporting year: a file reports a business once
reported as (
    select
        region_id,
        year,
        business_key,
        min(registration_date) as registration_date,
        any_value(org_form) as org_form,
        any_value(nace_code) as nace_code
    from establishments
    group by region_id, year, business_key
),

checked as (
    select
        reported.region_id,
        reported.year,
        reported.business_key,
        -- a number the register did not know before the reported registration date may simply
        -- not have been issued yet: not checked until an observation after that date
        coalesce(
            units.status <> 'not_found' or units.last_observed_on >= reported.registration_date,
            false
        ) as is_checked,
        units.last_observed_on as register_observed_on,
        units.status as register_status,
        coalesce(
            units.status = 'removed'
            or (
                units.status = 'not_found'
                and units.last_observed_on >= reported.registration_date
            ),
            false
        ) as is_not_in_register,
        coalesce(
            abs(date_diff('day', reported.registration_date, units.registered_date)) > 30, false
        ) as is_registration_date_off,
        coalesce(reported.org_form <> units.org_form, false) as is_org_form_different,
        coalesce(reported.nace_code <> units.nace_code, false) as is_nace_different,
        case when units.is_synthetic then 'synthetic' when not units.is_synthetic then 'measured' end
            as register_standing,
        -- both sides of each comparison, for the operator's feedback (`etablerer validate`)
        reported.registration_date as reported_registration_date,
        units.registered_date as register_registration_date,
        date_diff('day', reported.registration_date, units.registered_date)
            as registration_date_difference_days,
        reported.org_form as reported_org_form,
        units.org_form as register_org_form,
        reported.nace_code as reported_nace_code,
        units.nace_code as register_nace_code
    from reported
    left join units
        on reported.business_key = units.business_key
),

final as (
    select * from checked
)

select * from final
