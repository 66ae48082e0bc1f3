{{ config(**daily_fact_config()) }}

-- A corporate action read from the exchange's own change: the strip prints a stock's change
-- against its adjusted previous close, so close_price - change differs from the previous
-- session's close by the adjustment (a bonus issue or a split: docs/warehouse.md).

with

closes as (
    select * from {{ ref('fct_daily_movers') }}
    where is_close
),

-- The PSX calendar's session before each market date, as the capture loaded for it was dated
-- (core/dating/calendar.py: exchange-calendars' XKAR and the holidays seed).
captures as (
    select * from {{ ref('int_captures_classified') }}
    where status = 'loaded' and market_date = session_date
),

limits as (
    select * from {{ ref('psx_price_limits') }}
),

window_closes as (
    select
        closes.market_date,
        closes.symbol,
        closes.close_price,
        closes.change,
        cast(closes.close_price - closes.change as decimal(18, 2)) as prev_close,
        closes.capture_id,
        captures.previous_session_date
    from closes
    inner join captures
        on closes.capture_id = captures.capture_id
    where {{ in_market_date_window('closes.market_date') }}
),

-- Only a close beside the close of the session just before counts: a symbol absent then, or a
-- value that is no close on either side, is no evidence.
pairs as (
    select
        window_closes.market_date,
        window_closes.symbol,
        window_closes.previous_session_date as previous_market_date,
        earlier.close_price as close_before,
        window_closes.prev_close as prev_close_printed,
        window_closes.close_price,
        window_closes.change,
        window_closes.capture_id
    from window_closes
    inner join closes as earlier
        on
            window_closes.symbol = earlier.symbol
            and window_closes.previous_session_date = earlier.market_date
),

-- A change beyond the day's price limit is a page error, not an adjusted reference price.
within_limits as (
    select pairs.*
    from pairs
    inner join limits
        on
            pairs.market_date >= limits.effective_from
            and (limits.effective_to is null or pairs.market_date <= limits.effective_to)
    where
        abs(pairs.change)
        <= greatest(limits.limit_pct * pairs.prev_close_printed / 100, limits.min_rupees) + 0.01
),

final as (
    select
        market_date,
        symbol,
        previous_market_date,
        close_before,
        prev_close_printed,
        -- In paisa: a ratio of two whole numbers, rounded once (the same double everywhere).
        cast(prev_close_printed * 100 as double)
        / cast(close_before * 100 as double) as adjustment_factor,
        case
            when prev_close_printed < close_before then 'bonus_or_split' else 'other'
        end as kind,
        close_price,
        change,
        capture_id
    from within_limits
    -- Beyond the page's rounding: prices and changes are printed to the paisa.
    where
        abs(prev_close_printed - close_before) > 0.01
        and close_before > 0
        and prev_close_printed > 0
)

select * from final
