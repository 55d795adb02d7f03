-- Every known municipality code (current or old) with the code valid today, following the
-- versioned chain in seed municipality_code_changes (e.g. 0605 -> 3007 -> 3305).
with recursive

municipalities as (
    select * from {{ ref('municipalities') }}
),

code_changes as (
    select * from {{ ref('municipality_code_changes') }}
),

chain (municipality_code, current_code, steps) as (
    select
        municipality_code,
        municipality_code as current_code,
        0 as steps
    from municipalities

    union all

    select
        chain.municipality_code,
        code_changes.new_code as current_code,
        chain.steps + 1 as steps
    from chain
    inner join code_changes
        on chain.current_code = code_changes.old_code
    where chain.steps < 10
),

resolved as (
    select
        municipality_code,
        arg_max(current_code, steps) as current_code,
        max(steps) as n_changes
    from chain
    group by municipality_code
)

select * from resolved
