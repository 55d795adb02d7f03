-- Growth of the clients' new businesses (the KPI's, inside the conversion window) per region and
-- registration year (the register's): employees at the first observation of each business and
-- at the latest (antallAnsatte; absent is not zero, so each sum has its n), and the share that
-- has filed annual accounts (sisteInnsendteAarsregnskap) among those whose first accounts were
-- due (31 July after the registration year) by the latest observation. An ENK has no duty to
-- file below the thresholds of regnskapsloven, so the share follows the mix of forms.
with

businesses as (
    select * from {{ ref('int_client_businesses_observed') }}
),

history as (
    select * from {{ ref('int_brreg__unit_history') }}
),

latest as (
    select * from businesses
    where is_found
    qualify as_of_date = max(as_of_date) over ()
),

unit_figures as (
    select
        business_key,
        -- the figure at the first and the latest observation, null when absent then
        arg_min_null(employees, valid_from) as employees_first_observed,
        arg_max_null(employees, valid_from) as employees_latest,
        -- a deleted unit's small body has none: the latest year it gave
        max(last_annual_accounts_year) as last_annual_accounts_year
    from history
    group by business_key
),

joined as (
    select
        latest.*,
        unit_figures.employees_first_observed,
        unit_figures.employees_latest,
        unit_figures.last_annual_accounts_year,
        make_date(latest.registration_year + 1, 7, 31) <= latest.as_of_date as accounts_were_due
    from latest
    inner join unit_figures
        on latest.business_key = unit_figures.business_key
),

counts as (
    select
        region_id,
        registration_year as year,
        max(as_of_date) as as_of_date,
        count(*) as businesses,
        sum(employees_first_observed) as employees_first_observed,
        count(employees_first_observed) as businesses_with_employees_first_observed,
        sum(employees_latest) as employees_latest,
        count(employees_latest) as businesses_with_employees_latest,
        count_if(accounts_were_due) as businesses_accounts_due,
        count_if(accounts_were_due and last_annual_accounts_year is not null)
            as businesses_accounts_filed,
        {{ weakest_standing_agg('input_standing') }} as data_standing
    from joined
    group by region_id, registration_year
),

final as (
    select
        cast(region_id as varchar) as region_id,
        cast(year as integer) as year,
        cast(as_of_date as date) as as_of_date,
        {{ kpi_count('businesses') }},
        cast(
            case
                when not {{ is_small_count('businesses_with_employees_first_observed') }}
                    then employees_first_observed
            end as integer
        ) as employees_first_observed,
        {{ kpi_count('businesses_with_employees_first_observed') }},
        cast(
            case
                when not {{ is_small_count('businesses_with_employees_latest') }}
                    then employees_latest
            end as integer
        ) as employees_latest,
        {{ kpi_count('businesses_with_employees_latest') }},
        {{ kpi_share('annual_accounts_share', 'businesses_accounts_filed',
                     'businesses_accounts_due') }},
        cast(data_standing as varchar) as data_standing
    from counts
)

select * from final
