-- How the operators' reported new businesses match the register, per region, reporting year and
-- kind of finding (int_linkage_findings): a number the register does not know or has removed, a
-- registration date more than 30 days off, another form, another NACE code. Each count is of
-- clients' businesses, so a small one, and one that would give a small one away by subtraction,
-- is hidden (int_linkage_counts), with a <count>_suppressed flag; the operator sees each record in
-- the delivery's feedback (`etablerer validate --region`, from int_linkage_findings), never
-- published.
with

counts as (
    select * from {{ ref('int_linkage_counts') }}
),

standings as (
    select * from {{ ref('int_region_year_standings') }}
),

final as (
    select
        cast(counts.region_id as varchar) as region_id,
        cast(counts.year as integer) as year,
        cast(counts.finding_kind as varchar) as finding_kind,
        {% for count, counted in [
            ('findings', 'findings'),
            ('reported_businesses', 'reported'),
            ('checked_businesses', 'checked'),
        ] -%}
            cast(
                case when not counts.{{ counted }}_hidden then counts.{{ counted }} end as integer
            ) as {{ count }},
            cast(counts.{{ counted }}_hidden as boolean) as {{ count }}_suppressed,
        {% endfor -%}
        cast(counts.register_observed_on as date) as register_observed_on,
        cast(
            {{ weakest_standing([
                'counts.register_standing',
                'standings.operator_standing',
                'standings.agreement_standing',
            ]) }} as varchar
        ) as data_standing
    from counts
    left join standings
        on
            counts.region_id = standings.region_id
            and counts.year = standings.year
)

select * from final
