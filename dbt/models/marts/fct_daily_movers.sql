with

quotes as (
    select * from {{ ref('int_quotes_selected') }}
    where {{ in_market_date_window('market_date') }}
),

symbols as (
    select * from {{ ref('dim_symbol') }}
),

headline_links as (
    select * from {{ ref('bridge_headline_symbol') }}
    where not is_index
),

headlines as (
    select * from {{ ref('fct_headlines') }}
),

captures as (
    select * from {{ ref('int_captures_classified') }}
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

-- A headline of each market date (or of the evening before) for each symbol it names.
headline_sightings as (
    select
        market_date,
        headline_id,
        max(captured_at) as last_seen_at,
        min(position) as best_position,
        coalesce(bool_or(session_phase = 'post_close'), false) as is_seen_after_close
    from headlines
    group by market_date, headline_id
),

headline_breadth as (
    select
        market_date,
        headline_id,
        count(*) as named_symbol_count
    from headline_links
    group by market_date, headline_id
),

previous_sessions as (
    select distinct
        market_date,
        previous_session_date
    from captures
    where
        status = 'loaded'
        and session_date = market_date
        and {{ in_market_date_window('market_date') }}
),

headline_candidates as (
    select
        market_date,
        market_date as seen_on,
        0 as days_before,
        symbol,
        headline_id,
        headline,
        match_kind
    from headline_links
    where {{ in_market_date_window('market_date') }}

    union all

    select
        previous_sessions.market_date,
        headline_links.market_date as seen_on,
        1 as days_before,
        headline_links.symbol,
        headline_links.headline_id,
        headline_links.headline,
        headline_links.match_kind
    from previous_sessions
    inner join headline_links
        on previous_sessions.previous_session_date = headline_links.market_date
    inner join headline_sightings
        on
            headline_links.market_date = headline_sightings.market_date
            and headline_links.headline_id = headline_sightings.headline_id
    where headline_sightings.is_seen_after_close
),

-- The most relevant: the day's own before the evening before, a headline naming fewer symbols
-- before a roundup, the latest seen, the highest on the page, then A to Z.
symbol_headlines as (
    select
        headline_candidates.market_date,
        headline_candidates.symbol,
        headline_candidates.headline_id,
        headline_candidates.headline,
        headline_candidates.match_kind
    from headline_candidates
    inner join headline_sightings
        on
            headline_candidates.seen_on = headline_sightings.market_date
            and headline_candidates.headline_id = headline_sightings.headline_id
    inner join headline_breadth
        on
            headline_candidates.seen_on = headline_breadth.market_date
            and headline_candidates.headline_id = headline_breadth.headline_id
    qualify row_number() over (
        partition by headline_candidates.market_date, headline_candidates.symbol
        order by
            headline_candidates.days_before asc,
            headline_breadth.named_symbol_count asc,
            headline_sightings.last_seen_at desc nulls last,
            headline_sightings.best_position asc,
            headline_candidates.headline asc
    ) = 1
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
        symbol_headlines.headline_id,
        symbol_headlines.headline,
        symbol_headlines.match_kind as headline_match,
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
    left join symbol_headlines
        on
            quotes.market_date = symbol_headlines.market_date
            and quotes.symbol = symbol_headlines.symbol
)

select * from final
