with

source as (
    select * from {{ source('operators', 'clients') }}
),

renamed as (
    select
        {{ operator_lineage_columns() }},
        cast(client_key as varchar) as client_key,
        cast(person_key as varchar) as person_key,
        cast(municipality_code as varchar) as municipality_code,
        cast(sex as varchar) as sex,
        cast(birth_year as integer) as birth_year,
        cast(immigrant_background as boolean) as immigrant_background,
        cast(first_contact_date as date) as first_contact_date,
        cast(referred_by as varchar) as referred_by,
        cast(has_email as boolean) as has_email,
        cast(has_phone as boolean) as has_phone
    from source
)

select * from renamed
