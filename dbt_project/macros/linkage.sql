{#- The kinds of finding when a reported new business is held against the register
    (int_linkage_findings' flags), in the order they are shown. -#}
{% macro linkage_finding_kinds() -%}
    {{ return(['not_in_register', 'registration_date_off', 'org_form_differs', 'nace_differs']) }}
{%- endmacro %}
