-- Each business the operators reported as a client's new business, once per region: the same
-- business may be reported in several years' files. The earliest report's client and
-- registration date, the latest report's form and NACE code, and the latest ceased date given
-- (arg_max skips a blank: a later report that leaves it blank does not clear an earlier one).
-- Every region: a region-year model narrows it with its run's region filter, the outcome marts
-- read it whole.
with

establishments as (
    select * from {{ ref('stg_operators__establishments') }}
),

businesses as (
    select
        region_id,
        business_key,
        arg_min(client_key, registration_date) as client_key,
        min(registration_date) as registration_date,
        arg_max(ceased_date, year) as ceased_date,
        arg_max(org_form, year) as org_form,
        arg_max(nace_code, year) as nace_code
    from establishments
    group by region_id, business_key
)

select * from businesses
