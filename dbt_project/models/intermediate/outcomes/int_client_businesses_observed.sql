-- The clients' new businesses (the KPI's: inside the conversion window) as the register showed
-- them on each observation day (as_of_date), from int_brreg__units_as_of: only the history known
-- on that day, so a later observation never changes an earlier day's figures. A business is in an
-- as_of_date's cohorts once it has been looked up and registered by then.
-- - registration_date: the register's registreringsdatoEnhetsregisteret, else the reported date
--   (a number the register does not know); org_form likewise.
-- - is_found, ended_on, last_found_on: the register's, as int_brreg__units_as_of defines them.
with

businesses as (
    select * from {{ ref('int_client_businesses_reported') }}
    where is_in_conversion_window
),

units as (
    select * from {{ ref('int_brreg__units_as_of') }}
),

observed as (
    select
        units.as_of_date,
        businesses.region_id,
        businesses.business_key,
        businesses.municipality_code,
        coalesce(units.registered_date, businesses.registration_date) as registration_date,
        cast(year(coalesce(units.registered_date, businesses.registration_date)) as integer)
            as registration_year,
        case when units.registered_date is null then 'reported' else 'register' end
            as registration_date_source,
        coalesce(units.org_form, businesses.org_form) as org_form,
        units.status,
        units.is_found,
        units.ended_on,
        units.last_found_on,
        case when units.is_synthetic then 'synthetic' else 'measured' end as register_standing,
        {{ weakest_standing([
            'businesses.input_standing',
            "case when units.is_synthetic then 'synthetic' else 'measured' end",
        ]) }} as input_standing
    from businesses
    inner join units
        on businesses.business_key = units.business_key
),

-- a business registered after the as_of_date did not exist yet on that day (the register did not
-- know a number it issued later)
existing as (
    select * from observed
    where registration_date <= as_of_date
)

select * from existing
