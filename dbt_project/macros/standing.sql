{#- What a figure rests on, weakest first: synthetic (generated), illustrative (an example
    agreement, rate, region or date), assumed (a value no document gives), measured (real source
    data). A row takes the weakest standing of its inputs. -#}

{% macro standing_rank(expr) -%}
    case {{ expr }}
        when 'synthetic' then 1
        when 'illustrative' then 2
        when 'assumed' then 3
        when 'measured' then 4
    end
{%- endmacro %}

{% macro standing_of_rank(rank_expr) -%}
    case {{ rank_expr }}
        when 1 then 'synthetic'
        when 2 then 'illustrative'
        when 3 then 'assumed'
        else 'measured'
    end
{%- endmacro %}

{#- The weakest of several standings in one row; null inputs are ignored, none at all is
    measured. -#}
{% macro weakest_standing(exprs) -%}
    {%- set ranks = [] -%}
    {%- for expr in exprs -%}
        {%- do ranks.append(standing_rank(expr)) -%}
    {%- endfor -%}
    {{ standing_of_rank('least(' ~ ranks | join(', ') ~ ')') }}
{%- endmacro %}

{#- The weakest standing over the rows of a group (an aggregate). -#}
{% macro weakest_standing_agg(expr) -%}
    {{ standing_of_rank('min(' ~ standing_rank(expr) ~ ')') }}
{%- endmacro %}

{#- `illustrative` when the flag is true, else measured: for seed rows marked is_illustrative. -#}
{% macro illustrative_standing(flag_expr) -%}
    case when {{ flag_expr }} then 'illustrative' else 'measured' end
{%- endmacro %}
