-- Each business an operator reported as a client's new business, once per region
-- (int_establishments_per_business), with the client's latest municipality and the conversion
-- window around the client's first contact, as int_new_businesses_linked has them. Unlike it,
-- every region: the outcome marts are rebuilt whole by any region's run, so no run's region
-- filter may be stored in them.
with

establishments as (
    select * from {{ ref('stg_operators__establishments') }}
),

clients as (
    select * from {{ ref('stg_operators__clients') }}
),

codes as (
    select * from {{ ref('int_municipality_codes_resolved') }}
),

standings as (
    select * from {{ ref('int_region_year_standings') }}
),

latest_client_record as (
    select
        clients.region_id,
        clients.client_key,
        arg_max(coalesce(codes.current_code, clients.municipality_code), clients.year)
            as municipality_code,
        min(clients.first_contact_date) as first_contact_date
    from clients
    left join codes
        on clients.municipality_code = codes.municipality_code
    group by clients.region_id, clients.client_key
),

-- what the business's reports rest on: the weakest of the operator's deliveries that carry it
-- and of the region's agreement
report_standings as (
    select
        establishments.region_id,
        establishments.business_key,
        {{ weakest_standing_agg(weakest_standing([
            'standings.operator_standing', 'standings.agreement_standing'
        ])) }} as input_standing
    from establishments
    left join standings
        on
            establishments.region_id = standings.region_id
            and establishments.year = standings.year
    group by establishments.region_id, establishments.business_key
),

businesses as (
    select * from {{ ref('int_establishments_per_business') }}
),

linked as (
    select
        businesses.region_id,
        businesses.business_key,
        businesses.client_key,
        businesses.registration_date,
        businesses.org_form,
        businesses.nace_code,
        latest_client_record.municipality_code,
        coalesce(
            {{ is_in_conversion_window(
                'businesses.registration_date', 'latest_client_record.first_contact_date'
            ) }},
            false
        ) as is_in_conversion_window,
        report_standings.input_standing
    from businesses
    inner join latest_client_record
        on
            businesses.region_id = latest_client_record.region_id
            and businesses.client_key = latest_client_record.client_key
    left join report_standings
        on
            businesses.region_id = report_standings.region_id
            and businesses.business_key = report_standings.business_key
)

select * from linked
