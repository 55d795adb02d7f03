{#- Year-partitioned marts rebuild the run's years (var('year'): one year or a list of years),
    optionally some regions (var('region_id'): one id or a list of ids). -#}

{% macro _as_list(value) -%}
    {%- if value is none or value == '' or value == [] -%}
        {{ return(none) }}
    {%- elif value is string or value is number -%}
        {{ return([value]) }}
    {%- else -%}
        {{ return(value | list) }}
    {%- endif -%}
{%- endmacro %}

{% macro region_ids() -%}
    {{ return(_as_list(var('region_id', none))) }}
{%- endmacro %}

{% macro partition_years() -%}
    {{ return(_as_list(var('year'))) }}
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

{#- delete+insert key: the run's years, or (region, year) when some regions are rebuilt. -#}
{% macro year_partition_key(with_region=true) -%}
    {%- if with_region and region_ids() -%}
        {{ return(['region_id', 'year']) }}
    {%- else -%}
        {{ return(['year']) }}
    {%- endif -%}
{%- endmacro %}
