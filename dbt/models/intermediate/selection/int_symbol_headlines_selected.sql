{{ config(materialized='ephemeral') }}

-- The most relevant headline naming each symbol on each market date of the run's window: of
-- that date, or of the evening before (seen after the previous session's close); for
-- fct_daily_movers. Ephemeral: dbt compiles it into that model as a CTE, so it is computed in
-- that model's run, within its market-date window; no table of its own, and no data tests
-- (they would run with the base models, before the headline facts it reads are built).
with

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

final as (
    select
        market_date,
        symbol,
        headline_id,
        headline,
        match_kind
    from headline_candidates_ranked
    where headline_rank = 1
)

select * from final
