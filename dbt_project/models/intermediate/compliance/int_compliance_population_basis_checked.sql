-- The population basis per agreement-year (§1, §6): every basis municipality has SSB population
-- for the basis period (population_available), and every party municipality is in the basis of
-- its own county council's funding (parties_in_population_basis).
with

agreement_years as (
    select * from {{ ref('int_agreement_years_expanded') }}
),

agreements as (
    select * from {{ ref('agreements') }}
),

members as (
    select * from {{ ref('agreement_members') }}
),

funder_basis as (
    select * from {{ ref('agreement_funder_basis') }}
),

municipalities as (
    select * from {{ ref('municipalities') }}
    where valid_to is null
),

population_bases as (
    select * from {{ ref('int_population_bases_summed') }}
),

standings as (
    select * from {{ ref('int_region_year_standings') }}
),

population_available as (
    select
        agreement_years.agreement_id,
        agreement_years.region_id,
        agreement_years.year,
        'population_available' as rule_id,
        agreements.population_clause as clause,
        case when count_if(population_bases.population is null) = 0 then 'pass' else 'fail' end
            as result,
        case
            when count_if(population_bases.population is null) = 0
                then
                    'Folketall fra SSB finnes for alle kommuner i grunnlaget ('
                    || any_value(agreements.population_period) || ').'
            else 'Folketall mangler for ' || string_agg(
                distinct population_bases.missing_population_municipalities, ', '
            ) || ' i ' || any_value(agreements.population_period) || ' (SSB-tabell '
            || any_value(agreements.population_table_id) || ', '
            || any_value(agreements.population_contents_code) || ').'
        end as explanation,
        cast(null as varchar) as subject_id,
        -- the rule reads SSB's cells
        standings.population_standing as input_standing
    from agreement_years
    inner join agreements
        on agreement_years.agreement_id = agreements.agreement_id
    inner join population_bases
        on agreement_years.agreement_id = population_bases.agreement_id
    left join standings
        on
            agreement_years.region_id = standings.region_id
            and agreement_years.year = standings.year
    group by
        agreement_years.agreement_id,
        agreement_years.region_id,
        agreement_years.year,
        agreements.population_clause,
        standings.population_standing
),

member_basis as (
    select
        members.agreement_id,
        members.municipality_code,
        municipalities.municipality_name,
        municipalities.county_code,
        funder_basis.municipality_code is not null as is_in_county_basis
    from members
    left join municipalities
        on members.municipality_code = municipalities.municipality_code
    left join funder_basis
        on
            members.agreement_id = funder_basis.agreement_id
            and municipalities.county_code = funder_basis.funder_id
            and members.municipality_code = funder_basis.municipality_code
),

parties_in_basis as (
    select
        agreement_years.agreement_id,
        agreement_years.region_id,
        agreement_years.year,
        'parties_in_population_basis' as rule_id,
        '§1, §6' as clause,
        case when count_if(not member_basis.is_in_county_basis) = 0 then 'pass' else 'fail' end
            as result,
        case
            when count_if(not member_basis.is_in_county_basis) = 0
                then 'Alle kommunene som er parter, er med i fylkeskommunens befolkningsgrunnlag.'
            else string_agg(
                case
                    when not member_basis.is_in_county_basis
                        then
                            member_basis.municipality_name || ' (' || member_basis.municipality_code
                            || ')'
                end,
                ', '
                order by member_basis.municipality_code
            ) || ' er part i avtalen, men er ikke med i befolkningsgrunnlaget for '
            || 'fylkeskommunens tilskudd. Avklar om grunnlaget eller partslisten er feil.'
        end as explanation,
        string_agg(
            case when not member_basis.is_in_county_basis then member_basis.municipality_code end,
            ','
            order by member_basis.municipality_code
        ) as subject_id
    from agreement_years
    inner join member_basis
        on agreement_years.agreement_id = member_basis.agreement_id
    group by agreement_years.agreement_id, agreement_years.region_id, agreement_years.year
),

final as (
    select * from population_available
    union all by name
    select * from parties_in_basis
)

select * from final
