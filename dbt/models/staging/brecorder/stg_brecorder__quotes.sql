with

source as (
    select * from {{ source('normalised', 'quotes') }}
),

final as (
    select
        left(sha256, 16) as capture_id,
        cast(sha256 as {{ type_string() }}) as sha256,
        cast(line_no as integer) as line_no,
        cast(symbol as {{ type_string() }}) as symbol,
        cast(close_price as decimal(18, 2)) as close_price,
        cast(change as decimal(18, 2)) as change,
        cast(change_pct as decimal(18, 2)) as change_pct
    from source
)

select * from final
