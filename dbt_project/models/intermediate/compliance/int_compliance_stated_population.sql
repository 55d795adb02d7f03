-- The population stated in the agreement text against SSB's figure for the same cells, per
-- agreement-year. The stated figure governs the amount until the parties amend it (fct_funding);
-- a difference is a finding in inhabitants and kroner at the county's rate. Against synthetic SSB
-- figures nothing can be verified.
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

standings as (
    select * from {{ ref('int_region_year_standings') }}
),

stated_population as (
    select
        agreement_years.agreement_id,
        agreement_years.region_id,
        agreement_years.year,
        'stated_population_matches_ssb' as rule_id,
        agreements.population_clause as clause,
        case
            when population_bases.data_standing = 'synthetic' then 'unverified'
            when population_bases.population = agreements.stated_basis_population then 'pass'
            else 'fail'
        end as result,
        'Avtalen oppgir ' || {{ int_text('agreements.stated_basis_population') }}
        || ' innbyggere for ' || replace(population_bases.basis_municipality_codes, ',', ', ')
        || '; SSB har '
        || coalesce({{ int_text('population_bases.population') }}, 'ingen tall') || ' i '
        || agreements.population_period || '.'
        || case
            when population_bases.data_standing = 'synthetic'
                then
                    ' SSB-tallene er syntetiske, så avtalens tall er ikke kontrollert mot SSB.'
            when population_bases.population <> agreements.stated_basis_population
                then
                    ' Forskjellen er '
                    || {{ int_text('population_bases.population - agreements.stated_basis_population') }}
                    || ' innbyggere, '
                    || {{ nok_text(
                        'cast((population_bases.population - agreements.stated_basis_population)'
                        ~ ' * county_funders.rate_nok_per_inhabitant as decimal(18, 2))'
                    ) }}
                    || ' kr i året med fylkets sats. Avtalens tall gjelder til partene endrer '
                    || 'avtalen.'
            else ''
        end as explanation,
        '33' as subject_id,
        -- the rule reads SSB's cells for the region's municipalities
        standings.population_standing as input_standing
    from agreement_years
    inner join agreements
        on agreement_years.agreement_id = agreements.agreement_id
    inner join population_bases
        on
            agreement_years.agreement_id = population_bases.agreement_id
            and population_bases.funder_id = '33'
    left join funders as county_funders
        on
            agreement_years.agreement_id = county_funders.agreement_id
            and county_funders.funder_id = '33'
    left join standings
        on
            agreement_years.region_id = standings.region_id
            and agreement_years.year = standings.year
    where agreements.stated_basis_population is not null
)

select * from stated_population
