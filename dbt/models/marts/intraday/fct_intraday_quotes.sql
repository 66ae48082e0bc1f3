{{ config(**daily_fact_config()) }}

-- Every capture taken during a session, at its time: the market as the page showed it then.
with

captures as (
    select * from {{ ref('int_captures_classified') }}
    where
        {{ is_session_capture(timed_only=true) }}
        and {{ in_market_date_window('market_date') }}
),

quotes as (
    select * from {{ ref('stg_brecorder__quotes') }}
),

final as (
    select
        captures.market_date,
        captures.captured_at,
        captures.captured_at_source,
        captures.session_phase,
        quotes.symbol,
        quotes.close_price as price,
        quotes.change,
        quotes.change_pct,
        captures.status = 'loaded' as is_daily_value,
        captures.capture_id
    from captures
    inner join quotes
        on captures.sha256 = quotes.sha256
)

select * from final
