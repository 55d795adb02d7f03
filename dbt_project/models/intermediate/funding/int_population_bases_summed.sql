-- The population basis per agreement and funder: the sum over the funder's basis municipalities
-- at the agreement's basis (table, content code, period). If any basis municipality has no
-- population for that period, the basis is null and the gap is named.
with

agreements as (
    select * from {{ ref('agreements') }}
),

funder_basis as (
    select * from {{ ref('agreement_funder_basis') }}
),

municipalities as (
    select * from {{ ref('municipalities') }}
),

populations as (
    select * from {{ ref('int_municipality_populations_mapped') }}
),

basis_rows as (
    select
        funder_basis.agreement_id,
        funder_basis.funder_id,
        funder_basis.municipality_code,
        municipalities.municipality_name,
        agreements.population_table_id,
        agreements.population_contents_code,
        agreements.population_period,
        case
            when populations.n_cells_with_value > 0 then populations.population
        end as population,
        populations.data_standing
    from funder_basis
    inner join agreements
        on funder_basis.agreement_id = agreements.agreement_id
    left join municipalities
        on
            funder_basis.municipality_code = municipalities.municipality_code
            and municipalities.valid_to is null
    left join populations
        on
            funder_basis.municipality_code = populations.municipality_code
            and agreements.population_table_id = populations.table_id
            and agreements.population_contents_code = populations.contents_code
            and agreements.population_period = populations.period
),

summed as (
    select
        agreement_id,
        funder_id,
        any_value(population_table_id) as population_table_id,
        any_value(population_contents_code) as population_contents_code,
        any_value(population_period) as population_basis_period,
        string_agg(municipality_code, ',' order by municipality_code) as basis_municipality_codes,
        count(*) as n_basis_municipalities,
        count(population) as n_basis_municipalities_with_population,
        case
            when count(population) = count(*) then sum(population)
        end as population,
        string_agg(
            case
                when population is null
                    then municipality_code || ' ' || coalesce(municipality_name, '(ukjent kommune)')
            end,
            ', '
            order by municipality_code
        ) as missing_population_municipalities,
        {{ weakest_standing_agg('data_standing') }} as data_standing
    from basis_rows
    group by agreement_id, funder_id
)

select * from summed
