-- The audit trail of each funding amount: one row per agreement, funder, year and basis
-- municipality, with the SSB cell behind the municipality's population (table, content code,
-- period, value, the response's sha256 and fetch time, synthetic or not), the basis sum, the
-- population the agreement states and which of the two governs, the rate and its clause, the
-- amount, and the agreement version and document it was read from. Every year of the agreement
-- (a table rebuilt whole on every run); the figures are those of int_funding_amounts_computed.
with

amounts as (
    select * from {{ ref('int_funding_amounts_computed') }}
),

basis_cells as (
    select * from {{ ref('int_population_basis_cells_traced') }}
),

final as (
    select
        cast(amounts.agreement_id as varchar) as agreement_id,
        cast(amounts.region_id as varchar) as region_id,
        cast(amounts.funder_id as varchar) as funder_id,
        cast(amounts.funder_name as varchar) as funder_name,
        cast(amounts.year as integer) as year,
        cast(basis_cells.municipality_code as varchar) as municipality_code,
        cast(basis_cells.municipality_name as varchar) as municipality_name,
        cast(basis_cells.population_table_id as varchar) as population_table_id,
        cast(basis_cells.population_contents_code as varchar) as population_contents_code,
        cast(basis_cells.population_period as varchar) as population_period,
        cast(basis_cells.population as bigint) as municipality_population,
        cast(basis_cells.ssb_region_codes as varchar) as ssb_region_codes,
        cast(basis_cells.ssb_status as varchar) as ssb_status,
        cast(basis_cells.response_sha256 as varchar) as response_sha256,
        cast(basis_cells.fetched_at as timestamp) as fetched_at,
        cast(basis_cells.is_synthetic as boolean) as is_synthetic,
        cast(amounts.ssb_population as bigint) as ssb_population,
        cast(amounts.stated_basis_population as bigint) as stated_basis_population,
        cast(amounts.basis_population_source as varchar) as basis_population_source,
        cast(amounts.population as bigint) as population,
        cast(amounts.ssb_population_difference as bigint) as ssb_population_difference,
        cast(amounts.ssb_amount_difference_nok as decimal(18, 2)) as ssb_amount_difference_nok,
        cast(amounts.population_clause as varchar) as population_clause,
        cast(amounts.rate_clause as varchar) as rate_clause,
        cast(amounts.rate_nok_per_inhabitant as decimal(18, 2)) as rate_nok_per_inhabitant,
        cast(amounts.amount_nok as decimal(18, 2)) as amount_nok,
        cast(amounts.status as varchar) as status,
        cast(amounts.agreement_version as varchar) as agreement_version,
        cast(amounts.agreement_document_sha256 as varchar) as agreement_document_sha256,
        cast(amounts.agreement_status as varchar) as agreement_status,
        cast(basis_cells.data_standing as varchar) as population_standing,
        cast(amounts.data_standing as varchar) as amount_standing,
        -- the row shows the cell and the amount: the weaker of the two
        cast(
            {{ weakest_standing(['basis_cells.data_standing', 'amounts.data_standing']) }}
            as varchar
        ) as data_standing
    from amounts
    inner join basis_cells
        on
            amounts.agreement_id = basis_cells.agreement_id
            and amounts.funder_id = basis_cells.funder_id
)

select * from final
