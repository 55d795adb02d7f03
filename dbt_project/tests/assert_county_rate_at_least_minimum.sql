-- §6: Buskerud fylkeskommune pays at least the minimum rate per inhabitant. A configured county
-- rate below it is a configuration error. (A missing rate is a compliance finding, not this.)
select
    agreement_id,
    funder_id,
    rate_nok_per_inhabitant
from {{ ref('agreement_funders') }}
where
    funder_id = '33'
    and rate_nok_per_inhabitant < {{ var('minimum_county_rate_nok') }}
