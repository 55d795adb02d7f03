-- The money rule of §6, stated once: each funder's annual amount per agreement and every year
-- the agreement is in force (all years; marts filter to what they show). Amount = population
-- basis x rate, rounded to øre. A blank rate is missing (rate_missing), never zero; a basis
-- municipality without population for the basis period gives population_missing. Where the
-- agreement states the basis population for a funder (uses_stated_basis), the stated figure
-- governs until the parties amend it; SSB's sum for the same cells stays beside it, with what
-- the amount would be on SSB's figure.
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
        population_bases.population as ssb_population,
        population_bases.missing_population_municipalities,
        agreements.stated_basis_population,
        funders.uses_stated_basis and agreements.stated_basis_population is not null
            as stated_basis_governs,
        funders.rate_nok_per_inhabitant,
        funders.rate_clause,
        agreements.population_clause,
        agreements.agreement_version,
        agreements.document_sha256 as agreement_document_sha256,
        agreements.agreement_status,
        funders.is_illustrative or agreements.is_illustrative as is_illustrative,
        {{ weakest_standing([
            illustrative_standing('funders.is_illustrative'),
            'standings.agreement_standing',
        ]) }} as agreement_standing,
        population_bases.data_standing as ssb_standing
    from agreement_years
    inner join agreements
        on agreement_years.agreement_id = agreements.agreement_id
    inner join funders
        on agreement_years.agreement_id = funders.agreement_id
    left join population_bases
        on
            funders.agreement_id = population_bases.agreement_id
            and funders.funder_id = population_bases.funder_id
    left join standings
        on
            agreement_years.region_id = standings.region_id
            and agreement_years.year = standings.year
),

governing as (
    select
        *,
        case when stated_basis_governs then stated_basis_population else ssb_population end
            as population,
        -- the stated figure rests on the agreement's text, SSB's on its cells
        case
            when stated_basis_governs then agreement_standing
            else {{ weakest_standing(['agreement_standing', 'ssb_standing']) }}
        end as data_standing
    from joined
),

computed as (
    select
        *,
        case
            when rate_nok_per_inhabitant is null then 'rate_missing'
            when population is null then 'population_missing'
            else 'ok'
        end as status,
        round(population * rate_nok_per_inhabitant, 2) as amount,
        round(ssb_population * rate_nok_per_inhabitant, 2) as amount_on_ssb
    from governing
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
        cast(missing_population_municipalities as varchar) as missing_population_municipalities,
        cast(population as bigint) as population,
        cast(case when stated_basis_governs then 'avtale' else 'ssb' end as varchar)
            as basis_population_source,
        cast(ssb_population as bigint) as ssb_population,
        cast(stated_basis_population as bigint) as stated_basis_population,
        cast(ssb_population - population as bigint) as ssb_population_difference,
        cast(rate_nok_per_inhabitant as decimal(18, 2)) as rate_nok_per_inhabitant,
        cast(amount as decimal(18, 2)) as amount_nok,
        cast(amount_on_ssb - amount as decimal(18, 2)) as ssb_amount_difference_nok,
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
        cast(is_illustrative as boolean) as is_illustrative,
        cast(agreement_version as varchar) as agreement_version,
        cast(agreement_document_sha256 as varchar) as agreement_document_sha256,
        cast(agreement_status as varchar) as agreement_status,
        cast(data_standing as varchar) as data_standing
    from computed
)

select * from final
