-- The clients' new businesses (the KPI's: inside the conversion window) as the register showed
-- them on each observation day (as_of_date): only the history known on that day is used, so a
-- later observation never changes an earlier day's figures. A business is in an as_of_date's
-- cohorts once it has been looked up and registered by then.
-- - registration_date: the register's registreringsdatoEnhetsregisteret, else the reported date
--   (a number the register does not know); org_form likewise.
-- - is_found: the register has known the number (active or deleted) by the as_of_date.
-- - ended_on: when the register says it ended: slettedato or konkursdato (the first
--   observation showing the bankruptcy when the register gives no date). Liquidation
--   (underAvvikling, tvangsavvikling) is not an end: such a unit lives until it is deleted.
-- - last_found_on: for a unit that has gone without a date (removed, 410), the last observation
--   that found it; it counts as surviving only to that day.
with

businesses as (
    select * from {{ ref('int_client_businesses_reported') }}
    where is_in_conversion_window
),

history as (
    select * from {{ ref('int_brreg__unit_history') }}
),

observations as (
    select * from {{ ref('stg_brreg__units') }}
),

as_of_dates as (
    select distinct observed_on as as_of_date from observations
),

-- every version of each unit that had begun by the as_of_date; the last of them is the one
-- valid on that day
known_versions as (
    select
        as_of_dates.as_of_date,
        history.*,
        least(history.last_observed_on, as_of_dates.as_of_date) as last_observed_by_then
    from as_of_dates
    inner join history
        on as_of_dates.as_of_date >= history.valid_from
),

units_as_of as (
    select
        as_of_date,
        business_key,
        arg_max(status, valid_from) as status,
        -- the valid version's flag, even when absent (arg_max would skip a null)
        coalesce(arg_max_null(is_bankrupt, valid_from), false) as is_bankrupt,
        arg_max(registered_date, valid_from) filter (where registered_date is not null)
            as registered_date,
        arg_max(org_form, valid_from) filter (where org_form is not null) as org_form,
        bool_or(status in ('active', 'deleted')) as is_found,
        max(deleted_date) as deleted_date,
        min(coalesce(bankrupt_date, valid_from)) filter (where is_bankrupt) as bankrupt_on,
        max(last_observed_by_then) filter (where status in ('active', 'deleted'))
            as last_found_on,
        bool_or(is_synthetic) as is_synthetic
    from known_versions
    group by as_of_date, business_key
),

ended as (
    select
        *,
        case
            when status = 'active' and not is_bankrupt then null
            else least(deleted_date, bankrupt_on)
        end as ended_on
    from units_as_of
),

observed as (
    select
        ended.as_of_date,
        businesses.region_id,
        businesses.business_key,
        businesses.municipality_code,
        coalesce(ended.registered_date, businesses.registration_date) as registration_date,
        cast(year(coalesce(ended.registered_date, businesses.registration_date)) as integer)
            as registration_year,
        case when ended.registered_date is null then 'reported' else 'register' end
            as registration_date_source,
        coalesce(ended.org_form, businesses.org_form) as org_form,
        ended.status,
        ended.is_found,
        ended.ended_on,
        case
            when ended.status <> 'active' and ended.ended_on is null then ended.last_found_on
        end as last_found_on,
        case when ended.is_synthetic then 'synthetic' else 'measured' end as register_standing,
        {{ weakest_standing([
            'businesses.input_standing',
            "case when ended.is_synthetic then 'synthetic' else 'measured' end",
        ]) }} as input_standing
    from businesses
    inner join ended
        on businesses.business_key = ended.business_key
),

-- a business registered after the as_of_date did not exist yet on that day (the register did not
-- know a number it issued later)
existing as (
    select * from observed
    where registration_date <= as_of_date
)

select * from existing
