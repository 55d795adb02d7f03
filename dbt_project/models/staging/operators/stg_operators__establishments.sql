with

source as (
    select * from {{ source('operators', 'establishments') }}
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
        cast(org_number as varchar) as org_number,
        cast(registration_date as date) as registration_date,
        cast(org_form as varchar) as org_form,
        cast(nace_code as varchar) as nace_code,
        cast(ceased_date as date) as ceased_date
    from source
)

select * from renamed
