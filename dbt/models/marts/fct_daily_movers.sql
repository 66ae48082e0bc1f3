{{ config(**daily_fact_config()) }}

with

quotes as (
    select * from {{ ref('int_quotes_selected') }}
    where {{ in_market_date_window('market_date') }}
),

symbols as (
    select * from {{ ref('dim_symbol') }}
),

symbol_headlines as (
    select * from {{ ref('int_symbol_headlines_selected') }}
),

-- Gainers and losers each ranked per market date, the largest move first (gainers by
-- change_pct from the highest, losers from the lowest), ties A to Z; unchanged symbols neither.
move_ranks as (
    select
        market_date,
        symbol,
        change > 0 as is_gainer,
        cast(row_number() over (
            partition by market_date, change > 0
            order by
                case when change > 0 then change_pct else -change_pct end desc nulls last,
                symbol asc
        ) as integer) as move_rank
    from quotes
    where change != 0
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
        case when move_ranks.is_gainer then move_ranks.move_rank end as gainer_rank,
        case when not move_ranks.is_gainer then move_ranks.move_rank end as loser_rank,
        {{ value_kind('quotes.session_phase') }} as value_kind,
        {{ is_post_close('quotes.session_phase') }} as is_close,
        symbol_headlines.headline_id,
        symbol_headlines.headline,
        symbol_headlines.match_kind as headline_match,
        quotes.capture_id,
        quotes.captured_at
    from quotes
    left join symbols
        on quotes.symbol = symbols.symbol
    left join move_ranks
        on
            quotes.market_date = move_ranks.market_date
            and quotes.symbol = move_ranks.symbol
    left join symbol_headlines
        on
            quotes.market_date = symbol_headlines.market_date
            and quotes.symbol = symbol_headlines.symbol
)

select * from final
