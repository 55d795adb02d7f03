-- No small count of fct_linkage_findings is shown or can be worked out by subtraction from two
-- shown counts: reported - checked (not looked up yet) and checked - findings (checked without
-- the finding). Returns each row that shows one, with the sum that gives it away.
-- Attached to fct_linkage_findings as a Dagster asset check, the table that publishes them.
{{ config(meta={'dagster': {'ref': {'name': 'fct_linkage_findings'}}}) }}
with

published as (
    select * from {{ ref('fct_linkage_findings') }}
),

given_away as (
    select
        region_id,
        year,
        finding_kind,
        'reported - checked' as sum_shown,
        reported_businesses - checked_businesses as worked_out
    from published
    union all
    select
        region_id,
        year,
        finding_kind,
        'checked - findings' as sum_shown,
        checked_businesses - findings as worked_out
    from published
    {% for count in ['findings', 'reported_businesses', 'checked_businesses'] -%}
        union all
        select
            region_id,
            year,
            finding_kind,
            '{{ count }}' as sum_shown,
            {{ count }} as worked_out
        from published
    {% endfor %}
)

select * from given_away
where {{ is_small_count('worked_out') }}
