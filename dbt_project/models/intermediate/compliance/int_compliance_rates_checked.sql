-- The funders' rates per agreement-year (§6): the county pays at least the minimum rate per
-- inhabitant (county_rate_minimum), and every funder has a rate (rates_present). A blank rate is
-- missing, not zero.
with

agreement_years as (
    select * from {{ ref('int_agreement_years_expanded') }}
),

funders as (
    select * from {{ ref('agreement_funders') }}
),

county_rate as (
    select
        agreement_years.agreement_id,
        agreement_years.region_id,
        agreement_years.year,
        'county_rate_minimum' as rule_id,
        '§6' as clause,
        case
            when funders.rate_nok_per_inhabitant >= {{ var('minimum_county_rate_nok') }}
                then 'pass'
            else 'fail'
        end as result,
        case
            when funders.funder_id is null
                then 'Buskerud fylkeskommune står ikke som finansierende part i avtalen.'
            when funders.rate_nok_per_inhabitant is null
                then 'Fylkeskommunens stykkpris mangler i avtalen.'
            else
                'Fylkeskommunens stykkpris er '
                || replace(cast(funders.rate_nok_per_inhabitant as varchar), '.', ',')
                || ' kr per innbygger; minstesatsen er '
                || replace(
                    cast(cast({{ var('minimum_county_rate_nok') }} as decimal(18, 2)) as varchar),
                    '.',
                    ','
                )
                || ' kr.'
        end as explanation,
        '33' as subject_id
    from agreement_years
    left join funders
        on
            agreement_years.agreement_id = funders.agreement_id
            and funders.funder_id = '33'
),

rates_present as (
    select
        agreement_years.agreement_id,
        agreement_years.region_id,
        agreement_years.year,
        'rates_present' as rule_id,
        '§6' as clause,
        case when count_if(funders.rate_nok_per_inhabitant is null) = 0 then 'pass' else 'fail' end
            as result,
        case
            when count_if(funders.rate_nok_per_inhabitant is null) = 0
                then 'Alle finansierende parter har stykkpris.'
            else 'Stykkpris mangler for: ' || string_agg(
                case
                    when funders.rate_nok_per_inhabitant is null
                        then funders.funder_name || ' (' || funders.funder_id || ')'
                end,
                ', '
                order by funders.funder_id
            ) || '. Utbetalingene deres er stoppet til satsen er avtalt.'
        end as explanation,
        cast(null as varchar) as subject_id
    from agreement_years
    inner join funders
        on agreement_years.agreement_id = funders.agreement_id
    group by agreement_years.agreement_id, agreement_years.region_id, agreement_years.year
),

final as (
    select * from county_rate
    union all by name
    select * from rates_present
)

select * from final
