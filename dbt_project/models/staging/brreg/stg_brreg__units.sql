with

source as (
    select * from {{ source('raw_brreg', 'brreg_units') }}
),

renamed as (
    select
        cast(observed_on as date) as observed_on,
        cast(business_key as varchar) as business_key,
        cast(status as varchar) as status,
        cast(org_form as varchar) as org_form,
        cast(nace_code as varchar) as nace_code,
        cast(founded_date as date) as founded_date,
        cast(registered_date as date) as registered_date,
        cast(employees as integer) as employees,
        cast(municipality_code as varchar) as municipality_code,
        cast(is_bankrupt as boolean) as is_bankrupt,
        cast(bankrupt_date as date) as bankrupt_date,
        cast(is_under_liquidation as boolean) as is_under_liquidation,
        cast(is_under_forced_liquidation as boolean) as is_under_forced_liquidation,
        cast(deleted_date as date) as deleted_date,
        cast(last_annual_accounts_year as integer) as last_annual_accounts_year,
        cast(source as varchar) as source,
        cast(source_sha256 as varchar) as source_sha256,
        cast(is_synthetic as boolean) as is_synthetic,
        cast(fetched_at as timestamp) as fetched_at
    from source
)

select * from renamed
