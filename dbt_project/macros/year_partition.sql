{#- Year-partitioned marts rebuild the run's years, one year or a list, optionally only some
    regions (one id or a list). The scope comes from var('year') and var('region_id'), or, in
    pipeline runs, from the environment variable ETABLERER_DBT_SCOPE (JSON with the same two keys),
    which is read only while executing. Changed --vars make dbt parse the whole project again
    (docs/performance.md); a scope dbt never sees while parsing keeps its partial parse. -#}

{% macro _as_list(value) -%}
    {%- if value is none or value == '' or value == [] -%}
        {{ return(none) }}
    {%- elif value is string or value is number -%}
        {{ return([value]) }}
    {%- else -%}
        {{ return(value | list) }}
    {%- endif -%}
{%- endmacro %}

{% macro run_scope() -%}
    {%- set from_env = env_var('ETABLERER_DBT_SCOPE', '') if execute else '' -%}
    {%- if from_env -%}
        {{ return(fromjson(from_env)) }}
    {%- endif -%}
    {{ return({'year': var('year'), 'region_id': var('region_id', none)}) }}
{%- endmacro %}

{% macro region_ids() -%}
    {{ return(_as_list(run_scope().get('region_id'))) }}
{%- endmacro %}

{% macro partition_years() -%}
    {{ return(_as_list(run_scope()['year'])) }}
{%- endmacro %}

{% macro year_partition_filter(year_column='year', region_column='region_id') -%}
    {{ year_column }} in ({% for y in partition_years() %}{{ y | int }}{{ ", " if not loop.last }}{% endfor %})
    {%- if region_column %}
    and {{ region_partition_filter(region_column) }}
    {%- endif %}
{%- endmacro %}

{#- The run's regions, every year: intermediate models that follow clients across years read
    only these regions' operator rows (a region's figures depend on its own rows alone; client
    keys are per region). `true` when the run builds every region. -#}
{% macro region_partition_filter(region_column='region_id') -%}
    {%- if region_ids() -%}
        {{ region_column }} in ({% for r in region_ids() %}'{{ r }}'{{ ", " if not loop.last }}{% endfor %})
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

{#- incremental_strategy='partition_replace': the run's partition is deleted and the new rows
    inserted, in the model's transaction. The model selects only the run's years and regions
    (year_partition_filter); a region-year that now has no rows is emptied, not left stale. -#}
{% macro get_incremental_partition_replace_sql(arg_dict) -%}
    {%- set columns = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
    delete from {{ arg_dict['target_relation'] }} where {{ year_partition_filter() }};
    insert into {{ arg_dict['target_relation'] }} ({{ columns }})
    select {{ columns }} from {{ arg_dict['temp_relation'] }}
{%- endmacro %}
