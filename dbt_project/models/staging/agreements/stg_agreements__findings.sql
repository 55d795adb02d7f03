with

source as (
    select * from {{ source('agreements', 'findings') }}
),

renamed as (
    select
        cast(agreement_id as varchar) as agreement_id,
        cast(document_sha256 as varchar) as document_sha256,
        cast(finding_id as varchar) as finding_id,
        cast(rule_id as varchar) as text_rule_id,
        cast(clause as varchar) as clause,
        cast(severity as varchar) as severity,
        cast(message as varchar) as message,
        cast(action as varchar) as action,
        cast(evidence as varchar) as evidence,
        cast(line as integer) as line
    from source
)

select * from renamed
