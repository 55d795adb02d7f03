-- Each new business (business_key: the keyed pseudonym of its organisation number), once per
-- region (int_establishments_per_business), linked to the region's client who started it, with
-- whether it falls inside the conversion window around the client's first contact.
with

businesses as (
    select * from {{ ref('int_establishments_per_business') }}
    where {{ region_partition_filter() }}
),

clients as (
    select * from {{ ref('int_clients_mapped') }}
),

latest_client_record as (
    select
        region_id,
        client_key,
        arg_max(municipality_code, year) as municipality_code,
        arg_max(sex, year) as sex,
        arg_max(immigrant_background, year) as immigrant_background,
        min(first_contact_date) as first_contact_date
    from clients
    group by region_id, client_key
),

linked as (
    select
        businesses.region_id,
        businesses.business_key,
        businesses.client_key,
        businesses.registration_date,
        cast(year(businesses.registration_date) as integer) as registration_year,
        businesses.ceased_date,
        businesses.org_form,
        businesses.nace_code,
        latest_client_record.first_contact_date,
        latest_client_record.municipality_code,
        latest_client_record.sex,
        latest_client_record.immigrant_background,
        coalesce(
            {{ is_in_conversion_window(
                'businesses.registration_date', 'latest_client_record.first_contact_date'
            ) }},
            false
        ) as is_in_conversion_window
    from businesses
    inner join latest_client_record
        on
            businesses.region_id = latest_client_record.region_id
            and businesses.client_key = latest_client_record.client_key
)

select * from linked
