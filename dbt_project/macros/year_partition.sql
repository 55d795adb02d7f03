{#- Year-partitioned marts rebuild one year (var('year')), optionally one region (var('region_id')). -#}

{% macro year_partition_filter(year_column='year', region_column='region_id') -%}
    {{ year_column }} = {{ var('year') | int }}
    {%- if var('region_id', none) and region_column %}
    and {{ region_column }} = '{{ var("region_id") }}'
    {%- endif %}
{%- endmacro %}

{#- delete+insert key: the whole year, or (region, year) when one region is rebuilt. -#}
{% macro year_partition_key(with_region=true) -%}
    {%- if with_region and var('region_id', none) -%}
        {{ return(['region_id', 'year']) }}
    {%- else -%}
        {{ return(['year']) }}
    {%- endif -%}
{%- endmacro %}
