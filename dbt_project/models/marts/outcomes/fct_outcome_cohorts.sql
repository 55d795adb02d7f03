-- Survival of the clients' new businesses by cohort, from the register, beside SSB 08316's for
-- the county, the same form and horizon. One row per observation day (as_of_date), region,
-- registration year, organisation form and horizon (1, 2, 3, 5 years). A business survives h
-- years when the register, as it was on the as_of_date, knows it (found), and it was neither
-- deleted nor bankrupt on its registration date + h (int_client_businesses_observed). Only the
-- businesses that have reached that date count (survival_share_n); none yet: not measurable yet.
with

businesses as (
    select * from {{ ref('int_client_businesses_observed') }}
),

regions as (
    select * from {{ ref('regions') }}
),

ssb as (
    select * from {{ ref('stg_ssb__enterprise_survival') }}
    where nace = 'ALLE' and survival_share is not null
),

horizons as (
    select unnest([1, 2, 3, 5]) as horizon_years
),

evaluated as (
    select
        businesses.*,
        horizons.horizon_years,
        businesses.registration_date + to_years(horizons.horizon_years) as horizon_date
    from businesses
    cross join horizons
),

survival as (
    select
        *,
        horizon_date <= as_of_date as has_reached_horizon,
        horizon_date <= as_of_date
        and is_found
        and (ended_on is null or ended_on > horizon_date)
        and (last_found_on is null or last_found_on >= horizon_date) as has_survived
    from evaluated
),

cohorts as (
    select
        as_of_date,
        region_id,
        registration_year,
        org_form,
        horizon_years,
        count(*) as cohort_size,
        count_if(has_reached_horizon) as businesses_evaluated,
        count_if(has_survived) as survivors,
        {{ weakest_standing_agg('input_standing') }} as data_standing
    from survival
    group by as_of_date, region_id, registration_year, org_form, horizon_years
),

-- SSB's cohort nearest the registration year (the later on a tie) with a figure for the
-- county, the form and the horizon
ssb_nearest as (
    select
        cohorts.as_of_date,
        cohorts.region_id,
        cohorts.registration_year,
        cohorts.org_form,
        cohorts.horizon_years,
        ssb.region_code,
        ssb.cohort_year,
        ssb.survival_share,
        ssb.new_enterprises,
        case when ssb.is_synthetic then 'synthetic' else 'measured' end as ssb_data_standing
    from cohorts
    inner join regions
        on cohorts.region_id = regions.region_id
    inner join ssb
        on
            regions.county_code = ssb.region_code
            and cohorts.org_form = ssb.org_form
            and cohorts.horizon_years = ssb.years_after
    qualify row_number() over (
        partition by
            cohorts.as_of_date, cohorts.region_id, cohorts.registration_year, cohorts.org_form,
            cohorts.horizon_years
        order by abs(ssb.cohort_year - cohorts.registration_year), ssb.cohort_year desc
    ) = 1
),

joined as (
    select
        cohorts.*,
        ssb_nearest.region_code as ssb_region_code,
        ssb_nearest.cohort_year as ssb_cohort_year,
        ssb_nearest.survival_share as ssb_survival_share,
        ssb_nearest.new_enterprises as ssb_new_enterprises,
        ssb_nearest.ssb_data_standing,
        {{ share_suppressed('cohorts.survivors', 'cohorts.businesses_evaluated') }}
            as is_share_suppressed
    from cohorts
    left join ssb_nearest
        on
            cohorts.as_of_date = ssb_nearest.as_of_date
            and cohorts.region_id = ssb_nearest.region_id
            and cohorts.registration_year = ssb_nearest.registration_year
            and cohorts.org_form = ssb_nearest.org_form
            and cohorts.horizon_years = ssb_nearest.horizon_years
),

final as (
    select
        cast(as_of_date as date) as as_of_date,
        cast(region_id as varchar) as region_id,
        cast(registration_year as integer) as registration_year,
        cast(org_form as varchar) as org_form,
        cast(horizon_years as integer) as horizon_years,
        {{ kpi_count('cohort_size') }},
        cast(case when not is_share_suppressed then survivors end as integer) as survivors,
        cast(is_share_suppressed as boolean) as survivors_suppressed,
        {{ kpi_share('survival_share', 'survivors', 'businesses_evaluated') }},
        cast(
            case
                when businesses_evaluated = 0 then 'not_measurable_yet'
                when is_share_suppressed then 'suppressed'
                else 'measurable'
            end as varchar
        ) as measurability,
        cast(
            'Registeret: kjent i Enhetsregisteret, verken slettet eller konkurs på '
            || 'registreringsdato + ' || horizon_years || ' år (avvikling teller ikke '
            || 'som opphør), slik registeret var ' || strftime(as_of_date, '%d.%m.%Y')
            || '.' as varchar
        ) as survival_definition,
        cast(ssb_region_code as varchar) as ssb_region_code,
        cast(ssb_cohort_year as integer) as ssb_cohort_year,
        cast(ssb_survival_share as decimal(9, 4)) as ssb_survival_share,
        cast(ssb_new_enterprises as integer) as ssb_new_enterprises,
        cast(
            case
                when ssb_cohort_year is not null
                    then
                        'SSB (tabell 08316): nye foretak i ' || ssb_cohort_year
                        || ' som har omsetning eller sysselsetting ' || horizon_years
                        || ' år etter.'
            end as varchar
        ) as ssb_survival_definition,
        cast(ssb_data_standing as varchar) as ssb_data_standing,
        cast(data_standing as varchar) as data_standing
    from joined
)

select * from final
