with

quotes as (
    select * from {{ ref('int_quotes_selected') }}
    where {{ in_market_date_window('market_date') }}
),

symbols as (
    select * from {{ ref('dim_symbol') }}
),

gainers as (
    select
        market_date,
        symbol,
        cast(row_number() over (
            partition by market_date
            order by change_pct desc nulls last, symbol asc
        ) as integer) as gainer_rank
    from quotes
    where change > 0
),

losers as (
    select
        market_date,
        symbol,
        cast(row_number() over (
            partition by market_date
            order by change_pct asc nulls last, symbol asc
        ) as integer) as loser_rank
    from quotes
    where change < 0
),

final as (
    select
        quotes.market_date,
        quotes.symbol,
        symbols.company_name,
        symbols.sector,
        quotes.close_price,
        quotes.change,
        quotes.change_pct,
        cast(quotes.close_price - quotes.change as decimal(18, 2)) as prev_close,
        gainers.gainer_rank,
        losers.loser_rank,
        case quotes.session_phase
            when 'post_close' then 'close'
            when 'open' then 'intraday'
            when 'pre_open' then 'pre_open'
            else 'unknown_time'
        end as value_kind,
        coalesce(quotes.session_phase = 'post_close', false) as is_close,
        quotes.capture_id,
        quotes.captured_at
    from quotes
    left join symbols
        on quotes.symbol = symbols.symbol
    left join gainers
        on
            quotes.market_date = gainers.market_date
            and quotes.symbol = gainers.symbol
    left join losers
        on
            quotes.market_date = losers.market_date
            and quotes.symbol = losers.symbol
)

select * from final
