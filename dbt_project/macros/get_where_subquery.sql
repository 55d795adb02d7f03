{#- Data tests on year × region models check the partition the run built, not every year: the
    other partitions were tested when they were built. Tests configured with `where: __partition__`
    (dbt_project.yml per folder, or per test) get the run's year_partition_filter(), and
    `__regions__` (models without a year) its region_partition_filter(); dbt's documented way to
    use a macro in a test's `where`. -#}
{% macro duckdb__get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- if where -%}
        {%- set where = where | replace('__partition__', year_partition_filter()) -%}
        {%- set where = where | replace('__regions__', region_partition_filter()) -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ where }}) dbt_subquery
        {%- endset -%}
        {%- do return(filtered) -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}
