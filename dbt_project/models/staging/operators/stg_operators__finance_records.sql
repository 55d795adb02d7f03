with

source as (
    select * from {{ source('operators', 'finance') }}
),

renamed as (
    select
        {{ operator_lineage_columns() }},
        cast(record_type as varchar) as record_type,
        cast(category as varchar) as category,
        cast(amount_nok as decimal(18, 2)) as amount_nok
    from source
)

select * from renamed
