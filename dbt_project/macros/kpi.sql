{#- Small-cell suppression (prikking), stated once. A count of people from 1 to threshold - 1 is
    hidden; zero is shown. int_kpi_counts_suppressed adds the secondary suppression that keeps a
    hidden count from being worked out from the figures shown; the marts read its flags. -#}

{% macro is_small_count(count_expr) -%}
    ({{ count_expr }} > 0 and {{ count_expr }} < {{ var('suppression_threshold') }})
{%- endmacro %}

{#- A count in a published sentence: a small count as "færre enn <threshold>" ("Færre enn ..." to
    begin a sentence), so no text shows what the published figures hide. `hidden`, where given,
    is the flag of a count hidden so that a small one cannot be worked out from it: not small
    itself, it reads "minst <threshold>". -#}
{% macro count_in_text(count_expr, sentence_start=false, hidden=none) -%}
    case
        when {{ is_small_count(count_expr) }}
            then '{{ "Færre" if sentence_start else "færre" }} enn {{ var('suppression_threshold') }}'
        {% if hidden -%}
            when {{ hidden }}
                then '{{ "Minst" if sentence_start else "minst" }} {{ var('suppression_threshold') }}'
        {% endif -%}
        else cast({{ count_expr }} as varchar)
    end
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

{#- The cells that suppression protects, in int_kpi_counts_suppressed: every count that is
    published, or that can be worked out from what is (a share's numerator is share x n;
    returning clients are unique minus new clients). `row_group` names the cells of one row that
    sum to a published total (unique_clients); `published` marks the counts the marts show. A
    share's numerator is hidden also when its n is small, since the numerators of a region's
    municipalities sum to the region's. `persons` names the count of distinct people a figure
    is derived from, whatever it counts (sessions, hours, participations, referrals): a figure
    from 1 to threshold - 1 persons is hidden, as a count of people would be. -#}
{% macro kpi_cells() -%}
    {%- set cells = [] -%}
    {%- for name, persons in [('unique_clients', none), ('clients_immigrant_background', none),
                              ('guidance_clients', none), ('clients_reached_free_hours_cap', none),
                              ('guidance_sessions', 'guidance_clients'),
                              ('guidance_hours', 'guidance_clients'),
                              ('basic_course_participations', 'basic_course_clients'),
                              ('theme_course_participations', 'theme_course_clients'),
                              ('course_participants', none),
                              ('network_participations', 'network_clients'),
                              ('network_events', 'network_clients'),
                              ('referrals_innovasjon_norge', 'referred_innovasjon_norge_clients'),
                              ('referrals_nav', 'referred_nav_clients'),
                              ('referrals_naeringsliv', 'referred_naeringsliv_clients'),
                              ('referrals_other', 'referred_other_clients'),
                              ('business_assessments', 'assessment_clients'),
                              ('mentor_sessions', 'mentor_clients'),
                              ('new_businesses', none)] -%}
        {%- do cells.append({'name': name, 'value': name, 'row_group': none, 'published': true,
                             'persons': persons}) -%}
    {%- endfor -%}
    {%- for name in ['businesses_1y_evaluable', 'businesses_3y_evaluable'] -%}
        {%- do cells.append({'name': name, 'value': name, 'row_group': none}) -%}
    {%- endfor -%}
    {%- for name in ['clients_women', 'clients_men', 'clients_sex_unknown'] -%}
        {%- do cells.append({'name': name, 'value': name, 'row_group': 'sex', 'published': true}) -%}
    {%- endfor -%}
    {%- for name in ['clients_age_under_30', 'clients_age_30_49', 'clients_age_50_plus',
                     'clients_age_unknown'] -%}
        {%- do cells.append({'name': name, 'value': name, 'row_group': 'age', 'published': true}) -%}
    {%- endfor -%}
    {%- do cells.append({'name': 'new_clients', 'value': 'new_clients', 'row_group': 'new',
                         'published': true}) -%}
    {%- do cells.append({'name': 'returning_clients', 'value': 'unique_clients - new_clients',
                         'row_group': 'new'}) -%}
    {%- for numerator, n, persons in [
            ('digital_guidance_sessions', 'guidance_sessions', 'guidance_clients'),
            ('basic_course_completions', 'basic_course_participations', 'basic_course_clients'),
            ('course_participants_women', 'course_participants', none),
            ('course_participants_immigrant_background', 'course_participants', none),
            ('founders_women', 'new_businesses', none),
            ('founders_immigrant_background', 'new_businesses', none),
            ('converted_new_clients', 'new_clients', none),
            ('businesses_survived_1y', 'businesses_1y_evaluable', none),
            ('businesses_survived_3y', 'businesses_3y_evaluable', none)] -%}
        {%- do cells.append({'name': numerator, 'value': numerator, 'row_group': none, 'n': n,
                             'persons': persons}) -%}
    {%- endfor -%}
    {{ return(cells) }}
{%- endmacro %}

{#- A cell's own (primary) suppression: a small count, a share's numerator with a small n, or a
    figure derived from a small number of persons. -#}
{% macro cell_primarily_suppressed(cell) -%}
    {%- if cell.get('n') -%}
        ({{ cell.value }} > 0 and ({{ is_small_count(cell.value) }} or {{ is_small_count(cell.n) }}
            {%- if cell.get('persons') %} or {{ is_small_count(cell.persons) }}{% endif %}))
    {%- elif cell.get('persons') -%}
        ({{ cell.value }} > 0 and {{ is_small_count(cell.persons) }})
    {%- else -%}
        {{ is_small_count(cell.value) }}
    {%- endif -%}
{%- endmacro %}

{#- One row per cell of each row of `relation`: its value and primary suppression, or, with
    from_flags, its flag after suppression (a relation of int_kpi_counts_suppressed's shape). -#}
{% macro kpi_cells_unpivoted(relation, from_flags=false) -%}
    {%- for cell in kpi_cells() %}
    select
        grain,
        region_id,
        year,
        municipality_code,
        '{{ cell.name }}' as cell,
        {{ loop.index }} as cell_order,
        {{ "'" ~ cell.row_group ~ "'" if cell.row_group else 'null' }} as row_group,
        {%- if from_flags %}
        {{ cell.name }}_hidden as is_hidden
        {%- else %}
        cast(ceil({{ cell.value }}) as bigint) as value,  -- hours: 0,5 counts as 1
        coalesce({{ cell_primarily_suppressed(cell) }}, false) as is_hidden
        {%- endif %}
    from {{ relation }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
{%- endmacro %}

{#- The flag of a cell after suppression (a column of int_kpi_counts_suppressed), or, for a
    figure that is not a cell (sessions), its own small-count test. -#}
{% macro hidden_flag(name) -%}
    {%- if name in kpi_cells() | map(attribute='name') | list -%}
        {{ name }}_hidden
    {%- else -%}
        {{ is_small_count(name) }}
    {%- endif -%}
{%- endmacro %}

{#- Output columns for a count KPI: <name> (null when suppressed) and <name>_suppressed. -#}
{% macro kpi_count(name) -%}
    cast(case when not {{ hidden_flag(name) }} then {{ name }} end as integer) as {{ name }},
        cast({{ hidden_flag(name) }} as boolean) as {{ name }}_suppressed
{%- endmacro %}

{#- Whether a share is hidden: its n is below the threshold or hidden, or its numerator is
    hidden. A share of nobody (n = 0) is not hidden. -#}
{% macro share_suppressed(numerator, denominator) -%}
    ({{ denominator }} > 0
            and ({{ denominator }} < {{ var('suppression_threshold') }}
                or {{ hidden_flag(numerator) }} or {{ hidden_flag(denominator) }}))
{%- endmacro %}

{#- Output columns for a share KPI: <name> (0-1), <name>_n and <name>_suppressed. The share is
    hidden when n is below the threshold or hidden, or the numerator is hidden: with n shown,
    share x n gives the numerator, and with the numerator shown, numerator / share gives n.
    A share of nobody (n = 0) is not hidden but not measurable yet: null, n 0, not suppressed
    (e.g. survival before any business is a year old). -#}
{% macro kpi_share(name, numerator, denominator) -%}
    {%- set flag = share_suppressed(numerator, denominator) -%}
    cast(
        case
            when {{ denominator }} > 0 and not {{ flag }}
                then round(cast({{ numerator }} as decimal(18, 4)) / {{ denominator }}, 4)
        end as decimal(9, 4)
    ) as {{ name }},
        cast(case when not {{ hidden_flag(denominator) }} then {{ denominator }} end as integer)
            as {{ name }}_n,
        cast({{ flag }} as boolean) as {{ name }}_suppressed
{%- endmacro %}
