-- SSB table 08316, one row per cohort and year after it. SSB's contents codes (ingestion/ssb/
-- queries.yaml): Foretak counts enterprises (the new ones in the establishment year, years_after
-- 0; the survivors after), OverlevdProsent is the survivors as a percentage of the new ones.
with

source as (
    select * from {{ source('ssb', 'enterprise_survival') }}
),

cohorts as (
    select
        region_code,
        org_form,
        nace,
        cohort_year,
        value as new_enterprises
    from source
    where value_code = 'Foretak' and years_after = 0
),

cells as (
    select
        region_code,
        org_form,
        nace,
        cohort_year,
        years_after,
        max(case when value_code = 'Foretak' then value end) as surviving,
        max(case when value_code = 'OverlevdProsent' then value end) as survival_percent,
        bool_or(is_synthetic) as is_synthetic
    from source
    group by region_code, org_form, nace, cohort_year, years_after
),

renamed as (
    select
        cast(cells.region_code as varchar) as region_code,
        cast(cells.org_form as varchar) as org_form,
        cast(cells.nace as varchar) as nace,
        cast(cells.cohort_year as integer) as cohort_year,
        cast(cells.years_after as integer) as years_after,
        cast(cohorts.new_enterprises as integer) as new_enterprises,
        cast(cells.surviving as integer) as surviving,
        cast(cells.survival_percent / 100 as decimal(9, 6)) as survival_share,
        cast(cells.is_synthetic as boolean) as is_synthetic
    from cells
    left join cohorts
        on
            cells.region_code = cohorts.region_code
            and cells.org_form = cohorts.org_form
            and cells.nace = cohorts.nace
            and cells.cohort_year = cohorts.cohort_year
)

select * from renamed
