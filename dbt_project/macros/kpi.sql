{#- Small-cell suppression (prikking), stated once. A count of people from 1 to threshold - 1 is
    hidden; zero is shown. A share is hidden when its numerator is hidden or its n is below the
    threshold. -#}

{% macro is_small_count(count_expr) -%}
    ({{ count_expr }} > 0 and {{ count_expr }} < {{ var('suppression_threshold') }})
{%- endmacro %}

{% macro suppressed_count(count_expr) -%}
    case when not {{ is_small_count(count_expr) }} then {{ count_expr }} end
{%- endmacro %}

{#- A new business counts as the service's result when registered from N days before the
    client's first contact to M months after it (inclusive). -#}
{% macro is_in_conversion_window(registration_date, first_contact_date) -%}
    (
        {{ registration_date }} >= {{ first_contact_date }}
            - to_days({{ var('conversion_days_before_first_contact') | int }})
        and {{ registration_date }} <= {{ first_contact_date }}
            + to_months({{ var('conversion_months_after_first_contact') | int }})
    )
{%- endmacro %}

{#- The reference date for survival at 1 and 3 years: var('as_of_date'), or today. -#}
{% macro as_of_date() -%}
    {%- if var('as_of_date', none) -%}
        cast('{{ var("as_of_date") }}' as date)
    {%- else -%}
        current_date
    {%- endif -%}
{%- endmacro %}

{#- Secondary suppression inside a partition (cells that sum to a shown total, e.g. women, men,
    unknown): when exactly one cell is hidden, also hide the smallest non-zero other cell, so the
    hidden one cannot be recovered by subtraction. Returns the flag expression for `cell`. -#}
{% macro partition_cell_suppressed(cell, cells) -%}
    {%- set others = [] -%}
    {%- for c in cells -%}{%- if c != cell -%}{%- do others.append(c) -%}{%- endif -%}{%- endfor -%}
    (
        {{ is_small_count(cell) }}
        or (
            (
                {%- for c in cells %}
                cast({{ is_small_count(c) }} as integer){% if not loop.last %} +{% endif %}
                {%- endfor %}
            ) = 1
            and {{ cell }} > 0
            and {{ cell }} = least(
                {%- for c in cells %}
                case when not {{ is_small_count(c) }} and {{ c }} > 0 then {{ c }} end
                {%- if not loop.last %},{% endif %}
                {%- endfor %}
            )
            {#- ties: only the first cell in list order with the minimum is hidden -#}
            {%- for c in cells -%}
                {%- if loop.index0 < cells.index(cell) %}
            and not (not {{ is_small_count(c) }} and {{ c }} = {{ cell }})
                {%- endif -%}
            {%- endfor %}
        )
    )
{%- endmacro %}

{#- Output columns for a count KPI: <name> (null when suppressed) and <name>_suppressed. -#}
{% macro kpi_count(name, suppressed_flag=none) -%}
    {%- set flag = suppressed_flag if suppressed_flag else is_small_count(name) -%}
    cast(case when not {{ flag }} then {{ name }} end as integer) as {{ name }},
        cast({{ flag }} as boolean) as {{ name }}_suppressed
{%- endmacro %}

{#- Output columns for a share KPI: <name> (0-1), <name>_n and <name>_suppressed. The share is
    hidden when n is below the threshold or the numerator is hidden. -#}
{% macro kpi_share(name, numerator, denominator, numerator_suppressed=none) -%}
    {%- set num_flag = numerator_suppressed if numerator_suppressed else is_small_count(numerator) -%}
    cast(
        case
            when {{ denominator }} >= {{ var('suppression_threshold') }} and not {{ num_flag }}
                then round(cast({{ numerator }} as decimal(18, 4)) / {{ denominator }}, 4)
        end as decimal(9, 4)
    ) as {{ name }},
        cast({{ suppressed_count(denominator) }} as integer) as {{ name }}_n,
        cast(
            {{ denominator }} < {{ var('suppression_threshold') }} or {{ num_flag }} as boolean
        ) as {{ name }}_suppressed
{%- endmacro %}
