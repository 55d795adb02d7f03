with

regions as (
    select * from {{ ref('regions') }}
),

agreements as (
    select * from {{ ref('agreements') }}
),

members as (
    select * from {{ ref('agreement_members') }}
),

member_lists as (
    select
        agreement_id,
        count(*) as n_member_municipalities,
        string_agg(municipality_code, ',' order by municipality_code) as member_municipality_codes
    from members
    group by agreement_id
),

final as (
    select
        cast(regions.region_id as varchar) as region_id,
        cast(regions.region_name as varchar) as region_name,
        cast(regions.county_code as varchar) as county_code,
        cast(agreements.agreement_id as varchar) as agreement_id,
        cast(agreements.valid_from_year as integer) as agreement_valid_from_year,
        cast(agreements.valid_to_year as integer) as agreement_valid_to_year,
        cast(agreements.lead_municipality_code as varchar) as lead_municipality_code,
        cast(member_lists.n_member_municipalities as integer) as n_member_municipalities,
        cast(member_lists.member_municipality_codes as varchar) as member_municipality_codes,
        cast(regions.is_illustrative as boolean) as is_illustrative,
        cast(regions.note as varchar) as note,
        cast(agreements.agreement_status as varchar) as agreement_status,
        cast(agreements.agreement_version as varchar) as agreement_version,
        cast(
            {{ weakest_standing([
                illustrative_standing('regions.is_illustrative'),
                illustrative_standing('agreements.is_illustrative'),
            ]) }} as varchar
        ) as data_standing
    from regions
    left join agreements
        on regions.region_id = agreements.region_id
    left join member_lists
        on agreements.agreement_id = member_lists.agreement_id
)

select * from final
