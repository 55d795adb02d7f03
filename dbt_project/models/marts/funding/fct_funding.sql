{{
    config(
        materialized='incremental',
        incremental_strategy='partition_replace',
        on_schema_change='fail',
    )
}}

-- Annual funding per agreement, funder and year: population basis x rate (§6).
-- A blank rate is missing (status rate_missing), never zero; a basis municipality without
-- population for the basis period gives status population_missing.
with

agreement_years as (
    select * from {{ ref('int_agreement_years_expanded') }}
),

agreements as (
    select * from {{ ref('agreements') }}
),

funders as (
    select * from {{ ref('agreement_funders') }}
),

population_bases as (
    select * from {{ ref('int_population_bases_summed') }}
),

joined as (
    select
        agreement_years.agreement_id,
        agreement_years.region_id,
        funders.funder_id,
        funders.funder_name,
        funders.funder_type,
        agreement_years.year,
        population_bases.population_table_id,
        population_bases.population_contents_code,
        population_bases.population_basis_period,
        population_bases.basis_municipality_codes,
        population_bases.population,
        population_bases.missing_population_municipalities,
        agreements.stated_basis_population,
        funders.rate_nok_per_inhabitant,
        funders.rate_clause,
        agreements.population_clause,
        funders.is_illustrative or agreements.is_illustrative as is_illustrative
    from agreement_years
    inner join agreements
        on agreement_years.agreement_id = agreements.agreement_id
    inner join funders
        on agreement_years.agreement_id = funders.agreement_id
    left join population_bases
        on
            funders.agreement_id = population_bases.agreement_id
            and funders.funder_id = population_bases.funder_id
    where {{ year_partition_filter('agreement_years.year', 'agreement_years.region_id') }}
),

computed as (
    select
        *,
        case
            when rate_nok_per_inhabitant is null then 'rate_missing'
            when population is null then 'population_missing'
            else 'ok'
        end as status,
        case
            when rate_nok_per_inhabitant is not null and population is not null
                then round(population * rate_nok_per_inhabitant, 2)
        end as amount
    from joined
),

final as (
    select
        cast(agreement_id as varchar) as agreement_id,
        cast(region_id as varchar) as region_id,
        cast(funder_id as varchar) as funder_id,
        cast(funder_name as varchar) as funder_name,
        cast(funder_type as varchar) as funder_type,
        cast(year as integer) as year,
        cast(population_table_id as varchar) as population_table_id,
        cast(population_contents_code as varchar) as population_contents_code,
        cast(population_basis_period as varchar) as population_basis_period,
        cast(basis_municipality_codes as varchar) as basis_municipality_codes,
        cast(population as bigint) as population,
        cast(stated_basis_population as bigint) as stated_basis_population,
        cast(rate_nok_per_inhabitant as decimal(18, 2)) as rate_nok_per_inhabitant,
        cast(amount as decimal(18, 2)) as amount_nok,
        cast(status as varchar) as status,
        cast(
            nullif(
                concat_ws(
                    ' ',
                    case
                        when rate_nok_per_inhabitant is null
                            then
                                'Stykkpris mangler for ' || funder_name || ' (' || funder_id
                                || ') i avtalen (' || rate_clause || ' er blank). Beløpet kan ikke'
                                || ' beregnes før satsen er avtalt.'
                    end,
                    case
                        when population is null
                            then 'Folketall mangler for ' || coalesce(
                                missing_population_municipalities, basis_municipality_codes
                            ) || ' i ' || population_basis_period || ' (SSB-tabell '
                            || population_table_id || ', ' || population_contents_code || ').'
                    end
                ),
                ''
            ) as varchar
        ) as status_reason,
        cast(rate_clause as varchar) as rate_clause,
        cast(population_clause as varchar) as population_clause,
        cast(is_illustrative as boolean) as is_illustrative
    from computed
)

select * from final
