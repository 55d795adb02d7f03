{#- Year-partitioned marts rebuild one year (var('year')), optionally some regions
    (var('region_id'): one id or a list of ids). -#}

{% macro region_ids() -%}
    {%- set regions = var('region_id', none) -%}
    {%- if regions is none or regions == '' or regions == [] -%}
        {{ return(none) }}
    {%- elif regions is string -%}
        {{ return([regions]) }}
    {%- else -%}
        {{ return(regions | list) }}
    {%- endif -%}
{%- endmacro %}

{% macro year_partition_filter(year_column='year', region_column='region_id') -%}
    {{ year_column }} = {{ var('year') | int }}
    {%- if region_ids() and region_column %}
    and {{ region_column }} in ({% for r in region_ids() %}'{{ r }}'{{ ", " if not loop.last }}{% endfor %})
    {%- endif %}
{%- endmacro %}

{#- delete+insert key: the whole year, or (region, year) when some regions are rebuilt. -#}
{% macro year_partition_key(with_region=true) -%}
    {%- if with_region and region_ids() -%}
        {{ return(['region_id', 'year']) }}
    {%- else -%}
        {{ return(['year']) }}
    {%- endif -%}
{%- endmacro %}
