{#- Values below min_value or above max_value (either bound may be left out); nulls pass. A range
    test without a package dependency (no network at run time). -#}
{% test accepted_range(model, column_name, min_value=none, max_value=none) %}
select {{ column_name }}
from {{ model }}
where {{ column_name }} is not null
    and (
        {% if min_value is not none %}{{ column_name }} < {{ min_value }}{% else %}false{% endif %}
        or {% if max_value is not none %}{{ column_name }} > {{ max_value }}{% else %}false{% endif %}
    )
{% endtest %}
