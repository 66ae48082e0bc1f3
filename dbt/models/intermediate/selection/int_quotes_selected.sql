with

loaded_captures as (
    select * from {{ ref('int_captures_classified') }}
    where status = 'loaded'
),

quotes as (
    select * from {{ ref('stg_brecorder__quotes') }}
),

final as (
    select
        loaded_captures.market_date,
        quotes.symbol,
        quotes.close_price,
        quotes.change,
        quotes.change_pct,
        quotes.line_no,
        loaded_captures.capture_id,
        loaded_captures.captured_at,
        loaded_captures.captured_at_source,
        loaded_captures.session_phase
    from loaded_captures
    inner join quotes
        on loaded_captures.sha256 = quotes.sha256
)

select * from final
