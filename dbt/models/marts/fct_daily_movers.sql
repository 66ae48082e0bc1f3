{{ config(**daily_fact_config()) }}

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

-- A headline of each market date (or of the evening before) for each symbol it names.
headline_sightings as (
    select
        market_date,
        headline_id,
        max(captured_at) as last_seen_at,
        min(position) as best_position,
        bool_or({{ is_post_close('session_phase') }}) as is_seen_after_close
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
headline_candidates_ranked as (
    select
        headline_candidates.market_date,
        headline_candidates.symbol,
        headline_candidates.headline_id,
        headline_candidates.headline,
        headline_candidates.match_kind,
        row_number() over (
            partition by headline_candidates.market_date, headline_candidates.symbol
            order by
                headline_candidates.days_before asc,
                headline_breadth.named_symbol_count asc,
                headline_sightings.last_seen_at desc nulls last,
                headline_sightings.best_position asc nulls last,
                headline_candidates.headline asc
        ) as headline_rank
    from headline_candidates
    inner join headline_sightings
        on
            headline_candidates.seen_on = headline_sightings.market_date
            and headline_candidates.headline_id = headline_sightings.headline_id
    inner join headline_breadth
        on
            headline_candidates.seen_on = headline_breadth.market_date
            and headline_candidates.headline_id = headline_breadth.headline_id
),

symbol_headlines as (
    select
        market_date,
        symbol,
        headline_id,
        headline,
        match_kind
    from headline_candidates_ranked
    where headline_rank = 1
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
