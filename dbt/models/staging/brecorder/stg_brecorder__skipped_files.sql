with

source as (
    select * from {{ source('landing', 'skipped_files') }}
),

final as (
    select
        cast(source_path as {{ type_string() }}) as source_path,
        cast(reason as {{ type_string() }}) as skip_reason
    from source
)

select * from final
