-- One row per agreement and year it is in force: from valid_from_year to valid_to_year, and no
-- year that begins after the agreement terminates (terminates_on, after notice under §10). A year
-- it terminates in stays; its payouts due after the last day are blocked in fct_payouts.
with

agreements as (
    select * from {{ ref('agreements') }}
),

expanded as (
    select
        agreement_id,
        region_id,
        cast(unnest(generate_series(valid_from_year, valid_to_year)) as integer) as year,
        terminates_on
    from agreements
),

in_force as (
    select
        agreement_id,
        region_id,
        year
    from expanded
    where terminates_on is null or make_date(year, 1, 1) <= terminates_on
)

select * from in_force
