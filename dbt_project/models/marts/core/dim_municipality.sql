-- Municipalities valid today, with the agreement and region that cover them (if any).
with

municipalities as (
    select * from {{ ref('municipalities') }}
),

members as (
    select * from {{ ref('agreement_members') }}
),

agreements as (
    select * from {{ ref('agreements') }}
),

coverage as (
    select
        members.municipality_code,
        count(*) as n_agreements,
        min(agreements.agreement_id) as agreement_id,
        min(agreements.region_id) as region_id,
        bool_or(members.is_illustrative) as is_illustrative
    from members
    inner join agreements
        on members.agreement_id = agreements.agreement_id
    group by members.municipality_code
),

final as (
    select
        cast(municipalities.municipality_code as varchar) as municipality_code,
        cast(municipalities.municipality_name as varchar) as municipality_name,
        cast(municipalities.county_code as varchar) as county_code,
        cast(municipalities.county_name as varchar) as county_name,
        cast(municipalities.valid_from as date) as valid_from,
        cast(case when coverage.n_agreements = 1 then coverage.region_id end as varchar)
            as region_id,
        cast(case when coverage.n_agreements = 1 then coverage.agreement_id end as varchar)
            as agreement_id,
        cast(coalesce(coverage.n_agreements, 0) as integer) as n_agreements,
        cast(coalesce(coverage.is_illustrative, false) as boolean) as is_illustrative,
        -- the codes are KLASS's; an illustrative agreement makes the region illustrative
        cast({{ illustrative_standing('coalesce(coverage.is_illustrative, false)') }} as varchar)
            as data_standing
    from municipalities
    left join coverage
        on municipalities.municipality_code = coverage.municipality_code
    where municipalities.valid_to is null
)

select * from final
