-- What a region-year's figures rest on, per kind of input: the operator's records (the files
-- that fill its raw partitions now), SSB's population for its municipalities, and its agreement
-- and region (illustrative where the seeds say so). Marts take the weakest of the inputs they
-- use (macro weakest_standing).
with

loads as (
    select * from {{ ref('stg_operators__loads') }}
),

agreements as (
    select * from {{ ref('agreements') }}
),

agreement_years as (
    select * from {{ ref('int_agreement_years_expanded') }}
),

members as (
    select * from {{ ref('agreement_members') }}
),

regions as (
    select * from {{ ref('regions') }}
),

populations as (
    select * from {{ ref('int_municipality_populations_mapped') }}
),

current_loads as (
    select
        region_id,
        year,
        kind,
        data_standing
    from loads
    where load_status = 'loaded'
    qualify row_number() over (partition by region_id, year, kind order by loaded_at desc) = 1
),

operator_standings as (
    select
        region_id,
        year,
        {{ weakest_standing_agg('data_standing') }} as operator_standing
    from current_loads
    group by region_id, year
),

population_standings as (
    select
        agreements.region_id,
        {{ weakest_standing_agg('populations.data_standing') }} as population_standing
    from members
    inner join agreements
        on members.agreement_id = agreements.agreement_id
    inner join populations
        on members.municipality_code = populations.municipality_code
    group by agreements.region_id
),

region_years as (
    select
        region_id,
        year
    from operator_standings
    union
    select
        region_id,
        year
    from agreement_years
),

final as (
    select
        region_years.region_id,
        region_years.year,
        operator_standings.operator_standing,
        population_standings.population_standing,
        {{ weakest_standing([
            illustrative_standing('regions.is_illustrative'),
            illustrative_standing('agreements.is_illustrative'),
        ]) }} as agreement_standing
    from region_years
    left join operator_standings
        on
            region_years.region_id = operator_standings.region_id
            and region_years.year = operator_standings.year
    left join population_standings
        on region_years.region_id = population_standings.region_id
    left join regions
        on region_years.region_id = regions.region_id
    left join agreements
        on
            region_years.region_id = agreements.region_id
            and region_years.year between agreements.valid_from_year and agreements.valid_to_year
)

select * from final
