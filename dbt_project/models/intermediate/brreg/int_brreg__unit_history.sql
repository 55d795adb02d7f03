-- Each register unit's state over time (SCD2): one row per unbroken run of observations with the
-- same state, valid from its first observation to the first observation with another state
-- (valid_to null = current). A pure function of all observations in raw.brreg_units, so a rebuild
-- from the archive gives the same history (not a dbt snapshot: see the model's description).
-- A table, built after each refresh (the register's dbt step), not a view that every outcome
-- view and test computes again.
{{ config(materialized='table') }}

with

observations as (
    select * from {{ ref('stg_brreg__units') }}
),

compared as (
    select
        *,
        -- the register's state of the unit; the observation's own lineage is not state
        {
            'status': status,
            'org_form': org_form,
            'nace_code': nace_code,
            'founded_date': founded_date,
            'registered_date': registered_date,
            'employees': employees,
            'municipality_code': municipality_code,
            'is_bankrupt': is_bankrupt,
            'bankrupt_date': bankrupt_date,
            'is_under_liquidation': is_under_liquidation,
            'is_under_forced_liquidation': is_under_forced_liquidation,
            'deleted_date': deleted_date,
            'last_annual_accounts_year': last_annual_accounts_year
        } as unit_state
    from observations
),

flagged as (
    select
        *,
        coalesce(
            unit_state is distinct from lag(unit_state) over by_observation, true
        ) as starts_version
    from compared
    window by_observation as (partition by business_key order by observed_on)
),

numbered as (
    select
        *,
        sum(cast(starts_version as integer)) over (
            partition by business_key order by observed_on
            rows between unbounded preceding and current row
        ) as version_number
    from flagged
),

versions as (
    select
        business_key,
        version_number,
        min(observed_on) as valid_from,
        max(observed_on) as last_observed_on,
        count(*) as observations,
        any_value(unit_state) as unit_state,
        bool_or(is_synthetic) as is_synthetic
    from numbered
    group by business_key, version_number
),

final as (
    select
        business_key,
        valid_from,
        lead(valid_from) over (partition by business_key order by valid_from) as valid_to,
        last_observed_on,
        cast(observations as integer) as observations,
        -- the state's fields as columns (status, org_form, ... last_annual_accounts_year): a
        -- struct unnests into its named fields, so there is no alias to give
        unnest(unit_state),  -- noqa: AL03
        is_synthetic
    from versions
)

select * from final
