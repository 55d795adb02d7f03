-- One row per agreement and year it is in force.
with

agreements as (
    select * from {{ ref('agreements') }}
),

expanded as (
    select
        agreement_id,
        region_id,
        cast(unnest(generate_series(valid_from_year, valid_to_year)) as integer) as year
    from agreements
)

select * from expanded
