with

source as (
    select * from {{ source('operators', 'clients') }}
),

renamed as (
    select
        cast(region_id as varchar) as region_id,
        cast(year as integer) as year,
        cast(source_file as varchar) as source_file,
        cast(source_sha256 as varchar) as source_sha256,
        cast(source_line as integer) as source_line,
        cast(loaded_at as timestamp) as loaded_at,
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
