-- Clients per region and reporting year, with today's municipality code, age band and whether
-- they are new this year. first_contact_date is the earliest the operator reported in any year.
with

clients as (
    select * from {{ ref('stg_operators__clients') }}
    where {{ region_partition_filter() }}
),

codes as (
    select * from {{ ref('int_municipality_codes_resolved') }}
),

first_contacts as (
    select
        region_id,
        client_key,
        min(first_contact_date) as first_contact_date
    from clients
    group by region_id, client_key
),

mapped as (
    select
        clients.region_id,
        clients.year,
        clients.client_key,
        clients.person_key,
        clients.municipality_code as municipality_code_as_delivered,
        coalesce(codes.current_code, clients.municipality_code) as municipality_code,
        clients.sex,
        clients.birth_year,
        clients.year - clients.birth_year as age,
        case
            when clients.birth_year is null then 'ukjent'
            when clients.year - clients.birth_year < 30 then 'under_30'
            when clients.year - clients.birth_year < 50 then '30_49'
            else '50_pluss'
        end as age_band,
        clients.immigrant_background,
        first_contacts.first_contact_date,
        year(first_contacts.first_contact_date) = clients.year as is_new_client,
        clients.referred_by
    from clients
    left join codes
        on clients.municipality_code = codes.municipality_code
    inner join first_contacts
        on
            clients.region_id = first_contacts.region_id
            and clients.client_key = first_contacts.client_key
)

select * from mapped
