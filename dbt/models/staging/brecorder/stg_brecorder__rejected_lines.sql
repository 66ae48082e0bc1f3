with

source as (
    select * from {{ source('normalised', 'rejected_lines') }}
),

final as (
    select
        left(sha256, 16) as capture_id,
        cast(sha256 as {{ type_string() }}) as sha256,
        cast(line_no as integer) as line_no,
        cast(line as {{ type_string() }}) as line,
        cast(reason as {{ type_string() }}) as reason
    from source
)

select * from final
