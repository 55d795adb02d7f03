{{
    config(
        materialized='incremental',
        incremental_strategy='partition_replace',
        on_schema_change='append_new_columns',
    )
}}

-- Annual funding per agreement, funder and year for the run's partition: the money rule of §6
-- as int_funding_amounts_computed states it once (population basis x rate; a blank rate is
-- rate_missing, never zero; the agreement's stated basis governs where it gives one).
with

amounts as (
    select * from {{ ref('int_funding_amounts_computed') }}
),

final as (
    select
        agreement_id,
        region_id,
        funder_id,
        funder_name,
        funder_type,
        year,
        population_table_id,
        population_contents_code,
        population_basis_period,
        basis_municipality_codes,
        population,
        basis_population_source,
        ssb_population,
        stated_basis_population,
        rate_nok_per_inhabitant,
        amount_nok,
        status,
        status_reason,
        rate_clause,
        population_clause,
        is_illustrative,
        agreement_version,
        agreement_document_sha256,
        agreement_status,
        data_standing
    from amounts
    where {{ year_partition_filter('year', 'region_id') }}
)

select * from final
