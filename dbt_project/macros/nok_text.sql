{#- A decimal(18,2) amount as Norwegian text for an explanation: 953520.00 -> '953 520,00',
    -11600.00 -> '-11 600,00'. Exact: the whole kroner are formatted as an integer and the øre
    taken from the decimal's own text, never through a float. -#}
{% macro nok_text(expr) -%}
    case when {{ expr }} < 0 then '-' else '' end
    || replace(format('{:,}', cast(trunc(abs({{ expr }})) as bigint)), ',', ' ')
    || ',' || right(cast(cast(abs({{ expr }}) as decimal(18, 2)) as varchar), 2)
{%- endmacro %}

{#- A whole number as Norwegian text for an explanation: 46790 -> '46 790', -22 -> '-22'. -#}
{% macro int_text(expr) -%}
    replace(format('{:,}', cast({{ expr }} as bigint)), ',', ' ')
{%- endmacro %}
