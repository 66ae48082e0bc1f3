{{ config(**period_fact_config()) }}

-- Each symbol's return over every week, month, quarter and year it was quoted in, adjusted for
-- the corporate actions inside the period; ranked among the symbols seen on half its sessions.

with

closes as (
    select * from {{ ref('fct_daily_movers') }}
    where is_close
),

actions as (
    select * from {{ ref('fct_corporate_actions') }}
),

sessions as (
    select * from {{ ref('stg_landing__psx_sessions') }}
),

touched as (
    {{ touched_periods('sessions') }}
),

period_closes as (
    select
        touched.period_kind,
        touched.period_start,
        touched.period_end,
        closes.market_date,
        closes.symbol,
        closes.close_price
    from touched
    inner join closes
        on closes.market_date between touched.period_start and touched.period_end
),

observed as (
    select
        period_kind,
        period_start,
        symbol,
        min(market_date) as first_market_date,
        max(market_date) as last_market_date,
        count(*) as sessions_observed
    from period_closes
    group by period_kind, period_start, symbol
),

loaded as (
    select
        period_kind,
        period_start,
        max(market_date) as last_loaded
    from period_closes
    group by period_kind, period_start
),

-- The sessions from the period's start to its last loaded market date (to date for the
-- current period), whatever the symbol.
period_sessions as (
    select
        loaded.period_kind,
        loaded.period_start,
        count(*) as sessions_in_period
    from loaded
    inner join sessions
        on sessions.session_date between loaded.period_start and loaded.last_loaded
    group by loaded.period_kind, loaded.period_start
),

-- The first close in the money of the period's last session: times every action after it up
-- to that session (a later action would change both ends alike).
period_factors as (
    select
        observed.period_kind,
        observed.period_start,
        observed.symbol,
        exp(sum(ln(actions.adjustment_factor))) as adjustment_factor
    from observed
    inner join actions
        on
            observed.symbol = actions.symbol
            and observed.first_market_date < actions.market_date
            and observed.last_market_date >= actions.market_date
    group by observed.period_kind, observed.period_start, observed.symbol
),

measured as (
    select
        observed.period_kind,
        observed.period_start,
        observed.symbol,
        observed.first_market_date,
        observed.last_market_date,
        {{ round_exact(
            'first_close.close_price * coalesce(period_factors.adjustment_factor, 1.0)', 4
        ) }} as first_adjusted_close,
        cast(last_close.close_price as decimal(18, 4)) as last_adjusted_close,
        observed.sessions_observed,
        period_sessions.sessions_in_period
    from observed
    inner join period_closes as first_close
        on
            observed.period_kind = first_close.period_kind
            and observed.period_start = first_close.period_start
            and observed.symbol = first_close.symbol
            and observed.first_market_date = first_close.market_date
    inner join period_closes as last_close
        on
            observed.period_kind = last_close.period_kind
            and observed.period_start = last_close.period_start
            and observed.symbol = last_close.symbol
            and observed.last_market_date = last_close.market_date
    inner join period_sessions
        on
            observed.period_kind = period_sessions.period_kind
            and observed.period_start = period_sessions.period_start
    left join period_factors
        on
            observed.period_kind = period_factors.period_kind
            and observed.period_start = period_factors.period_start
            and observed.symbol = period_factors.symbol
),

returns as (
    select
        *,
        -- The difference in decimals (exact), then one division: (last / first - 1) in doubles
        -- loses digits to the subtraction when the return is small.
        {{ round_exact(
            'cast(100 * (last_adjusted_close - first_adjusted_close) as double)'
            ~ ' / cast(first_adjusted_close as double)',
            4
        ) }} as return_pct,
        2 * sessions_observed >= sessions_in_period as is_ranked
    from measured
    where first_adjusted_close > 0
),

-- Gainers and losers per period among the ranked symbols, the largest return first, ties A→Z.
ranks as (
    select
        period_kind,
        period_start,
        symbol,
        return_pct > 0 as is_gainer,
        cast(row_number() over (
            partition by period_kind, period_start, return_pct > 0
            order by
                case when return_pct > 0 then return_pct else -return_pct end desc,
                symbol asc
        ) as integer) as move_rank
    from returns
    where is_ranked and return_pct != 0
),

final as (
    select
        returns.period_kind,
        returns.period_start,
        returns.symbol,
        returns.first_market_date,
        returns.last_market_date,
        returns.first_adjusted_close,
        returns.last_adjusted_close,
        returns.return_pct,
        cast(returns.sessions_observed as integer) as sessions_observed,
        cast(returns.sessions_in_period as integer) as sessions_in_period,
        case when ranks.is_gainer then ranks.move_rank end as gainer_rank,
        case when not ranks.is_gainer then ranks.move_rank end as loser_rank
    from returns
    left join ranks
        on
            returns.period_kind = ranks.period_kind
            and returns.period_start = ranks.period_start
            and returns.symbol = ranks.symbol
)

select * from final
