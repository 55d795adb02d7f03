with

source as (
    select * from {{ source('operators', 'establishments') }}
),

renamed as (
    select
        {{ operator_lineage_columns() }},
        cast(client_key as varchar) as client_key,
        cast(business_key as varchar) as business_key,
        cast(registration_date as date) as registration_date,
        cast(org_form as varchar) as org_form,
        cast(nace_code as varchar) as nace_code,
        cast(ceased_date as date) as ceased_date
    from source
)

select * from renamed
