-- Start-ups among the clients per 10 000 inhabitants, per municipality of residence and year, as
-- Scotland's Business Gateway reports them: the clients' new businesses (the KPI's, inside the
-- conversion window) that the register knows, by the register's registration year and the
-- client's municipality (as fct_municipality_kpis), over SSB's population on 1 January of the
-- year (table 01222, Folketallet11 at the end of the year before). From the register's latest
-- observation. Every member municipality of the region's agreement has a row for each agreement
-- year begun by then, zero included.
with

businesses as (
    select * from {{ ref('int_client_businesses_observed') }}
),

agreement_years as (
    select * from {{ ref('int_agreement_years_expanded') }}
),

members as (
    select * from {{ ref('agreement_members') }}
),

populations as (
    select * from {{ ref('int_municipality_populations_mapped') }}
    where table_id = '01222' and contents_code = 'Folketallet11'
),

municipalities as (
    select * from {{ ref('municipalities') }}
    where valid_to is null
),

standings as (
    select * from {{ ref('int_region_year_standings') }}
),

latest as (
    select * from businesses
    qualify as_of_date = max(as_of_date) over ()
),

-- the register data behind every cell, zero ones too
register_standing as (
    select
        max(as_of_date) as as_of_date,
        {{ weakest_standing_agg('register_standing') }} as register_standing
    from latest
),

counts as (
    select
        region_id,
        municipality_code,
        registration_year as year,
        count(*) as startups,
        {{ weakest_standing_agg('input_standing') }} as input_standing
    from latest
    where is_found
    group by region_id, municipality_code, registration_year
),

-- the agreement years that have begun by the register's latest observation
member_years as (
    select
        agreement_years.region_id,
        members.municipality_code,
        agreement_years.year
    from agreement_years
    inner join members
        on agreement_years.agreement_id = members.agreement_id
    inner join register_standing
        on agreement_years.year <= year(register_standing.as_of_date)
),

cells as (
    select
        coalesce(counts.region_id, member_years.region_id) as region_id,
        coalesce(counts.municipality_code, member_years.municipality_code) as municipality_code,
        coalesce(counts.year, member_years.year) as year,
        coalesce(counts.startups, 0) as startups,
        counts.input_standing
    from counts
    full outer join member_years
        on
            counts.region_id = member_years.region_id
            and counts.municipality_code = member_years.municipality_code
            and counts.year = member_years.year
),

-- a count from 1 to threshold - 1 businesses is hidden; where exactly one municipality of a
-- region-year is hidden, the smallest non-zero one shown is hidden too (the first code on a
-- tie): the municipalities add up to the region's figure in fct_outcome_businesses
primary_suppression as (
    select
        *,
        {{ is_small_count('startups') }} as is_primarily_hidden
    from cells
),

secondary_suppression as (
    select
        *,
        count_if(is_primarily_hidden) over region_year as hidden_in_region_year,
        arg_min(
            municipality_code, { 'startups': startups, 'code': municipality_code }
        ) filter (
            where not is_primarily_hidden and startups > 0
        ) over region_year as smallest_shown
    from primary_suppression
    window region_year as (partition by region_id, year)
),

suppressed as (
    select
        *,
        is_primarily_hidden
        or (hidden_in_region_year = 1 and municipality_code = smallest_shown) as is_hidden
    from secondary_suppression
),

final as (
    select
        cast(suppressed.region_id as varchar) as region_id,
        cast(suppressed.municipality_code as varchar) as municipality_code,
        cast(municipalities.municipality_name as varchar) as municipality_name,
        cast(suppressed.year as integer) as year,
        cast(register_standing.as_of_date as date) as as_of_date,
        cast(case when not suppressed.is_hidden then suppressed.startups end as integer)
            as startups,
        cast(suppressed.is_hidden as boolean) as startups_suppressed,
        cast(populations.population as bigint) as population,
        cast(
            case
                when not suppressed.is_hidden and populations.population > 0
                    then round(10000.0 * suppressed.startups / populations.population, 2)
            end as decimal(9, 2)
        ) as startups_per_10000_inhabitants,
        cast(
            {{ weakest_standing([
                'suppressed.input_standing',
                'register_standing.register_standing',
                'standings.operator_standing',
                'standings.agreement_standing',
                'populations.data_standing',
            ]) }} as varchar
        ) as data_standing
    from suppressed
    left join populations
        on
            suppressed.municipality_code = populations.municipality_code
            and populations.period = (suppressed.year - 1) || 'K4'
    left join municipalities
        on suppressed.municipality_code = municipalities.municipality_code
    left join standings
        on
            suppressed.region_id = standings.region_id
            and suppressed.year = standings.year
    inner join register_standing
        on register_standing.as_of_date is not null
)

select * from final
