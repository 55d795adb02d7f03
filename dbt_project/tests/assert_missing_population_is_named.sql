-- A funding row without population names the municipality (code and name) and the period.
select
    agreement_id,
    funder_id,
    year,
    status_reason
from {{ ref('fct_funding') }}
where
    population is null
    and (
        status_reason is null
        or not contains(status_reason, 'Folketall mangler for')
        or not contains(status_reason, population_basis_period)
    )
