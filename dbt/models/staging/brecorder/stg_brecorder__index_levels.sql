with

source as (
    select * from {{ source('normalised', 'index_levels') }}
),

final as (
    select
        left(sha256, 16) as capture_id,
        cast(sha256 as {{ type_string() }}) as sha256,
        cast(line_no as integer) as line_no,
        cast(index_code as {{ type_string() }}) as index_code,
        cast(level as decimal(18, 2)) as level,
        cast(change as decimal(18, 2)) as change,
        cast(change_pct as decimal(18, 2)) as change_pct
    from source
)

select * from final
