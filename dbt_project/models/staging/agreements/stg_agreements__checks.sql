with

source as (
    select * from {{ source('agreements', 'checks') }}
),

renamed as (
    select
        cast(agreement_id as varchar) as agreement_id,
        cast(source_document as varchar) as source_document,
        cast(document_sha256 as varchar) as document_sha256,
        cast(checked_at as timestamp) as checked_at,
        cast(n_findings as integer) as n_findings,
        cast(n_blocking as integer) as n_blocking,
        cast(error as varchar) as check_error
    from source
)

select * from renamed
