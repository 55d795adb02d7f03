{#- The partition and lineage columns every operator record table carries (docs/raw_tables.md). -#}

{% macro operator_lineage_columns() -%}
    cast(region_id as varchar) as region_id,
        cast(year as integer) as year,
        cast(source_file as varchar) as source_file,
        cast(source_sha256 as varchar) as source_sha256,
        cast(source_line as integer) as source_line,
        cast(loaded_at as timestamp) as loaded_at
{%- endmacro %}
