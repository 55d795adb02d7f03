-- Each linked unit as the register showed it on each observation day (as_of_date), from the
-- history known on that day only, so a later observation never changes an earlier day's state.
-- A unit is in an as_of_date once it has been looked up by then.
-- - is_found: the register has known the number (active or deleted) by the as_of_date.
-- - ended_on: when the register says it ended: slettedato or konkursdato (the first
--   observation showing the bankruptcy when the register gives no date). Liquidation
--   (underAvvikling, tvangsavvikling) is not an end: such a unit lives until it is deleted.
-- - last_found_on: for a unit that has gone without a date (removed, 410), the last observation
--   that found it; it counts as surviving only to that day.
-- A table, built with the history after each refresh: the outcome marts and their tests read it
-- instead of computing every day's state again (docs/performance.md, Issue 21).
{{ config(materialized='table') }}

with

history as (
    select * from {{ ref('int_brreg__unit_history') }}
),

as_of_dates as (
    select distinct observed_on as as_of_date from {{ ref('stg_brreg__units') }}
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

final as (
    select
        as_of_date,
        business_key,
        status,
        registered_date,
        org_form,
        is_found,
        ended_on,
        case when status <> 'active' and ended_on is null then last_found_on end
            as last_found_on,
        is_synthetic
    from ended
)

select * from final
