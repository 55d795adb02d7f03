-- Where each funder's population basis comes from, per basis municipality: the SSB cells at the
-- agreement's basis (table, content code, period) with the response they were loaded from
-- (sha256 of the archived response, fetch time) and whether they are synthetic. Cells under an
-- old municipality code count for today's code (int_municipality_codes_resolved), as in
-- int_municipality_populations_mapped; the figure is the same sum.
with

agreements as (
    select * from {{ ref('agreements') }}
),

funder_basis as (
    select * from {{ ref('agreement_funder_basis') }}
),

municipalities as (
    select * from {{ ref('municipalities') }}
    where valid_to is null
),

population_cells as (
    select * from {{ ref('stg_ssb__population') }}
),

codes as (
    select * from {{ ref('int_municipality_codes_resolved') }}
),

cells_mapped as (
    select
        population_cells.*,
        coalesce(codes.current_code, population_cells.region_code) as municipality_code
    from population_cells
    left join codes
        on population_cells.region_code = codes.municipality_code
),

traced as (
    select
        funder_basis.agreement_id,
        funder_basis.funder_id,
        funder_basis.municipality_code,
        any_value(municipalities.municipality_name) as municipality_name,
        any_value(agreements.population_table_id) as population_table_id,
        any_value(agreements.population_contents_code) as population_contents_code,
        any_value(agreements.population_period) as population_period,
        -- a municipality without any cell with a value has no population: missing, not zero
        case when count(cells_mapped.population) > 0 then sum(cells_mapped.population) end
            as population,
        count(cells_mapped.region_code) as n_cells,
        string_agg(distinct cells_mapped.region_code, ',' order by cells_mapped.region_code)
            as ssb_region_codes,
        string_agg(distinct cells_mapped.ssb_status, ',' order by cells_mapped.ssb_status)
            as ssb_status,
        string_agg(
            distinct cells_mapped.response_sha256, ',' order by cells_mapped.response_sha256
        ) as response_sha256,
        max(cells_mapped.fetched_at) as fetched_at,
        bool_or(cells_mapped.is_synthetic) as is_synthetic
    from funder_basis
    inner join agreements
        on funder_basis.agreement_id = agreements.agreement_id
    left join municipalities
        on funder_basis.municipality_code = municipalities.municipality_code
    left join cells_mapped
        on
            funder_basis.municipality_code = cells_mapped.municipality_code
            and agreements.population_table_id = cells_mapped.table_id
            and agreements.population_contents_code = cells_mapped.contents_code
            and agreements.population_period = cells_mapped.period
    group by funder_basis.agreement_id, funder_basis.funder_id, funder_basis.municipality_code
),

final as (
    select
        *,
        case
            when is_synthetic then 'synthetic'
            when population is not null then 'measured'
        end as data_standing
    from traced
)

select * from final
