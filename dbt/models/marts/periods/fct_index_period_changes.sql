{{ config(**period_fact_config()) }}

-- Each index's change over every week, month, quarter and year (levels need no adjustment).

with

levels as (
    select * from {{ ref('fct_index_changes') }}
    where is_close
),

sessions as (
    select * from {{ ref('stg_landing__psx_sessions') }}
),

touched as (
    {{ touched_periods('sessions') }}
),

period_levels as (
    select
        touched.period_kind,
        touched.period_start,
        levels.market_date,
        levels.index_code,
        levels.level
    from touched
    inner join levels
        on levels.market_date between touched.period_start and touched.period_end
),

observed as (
    select
        period_kind,
        period_start,
        index_code,
        min(market_date) as first_market_date,
        max(market_date) as last_market_date,
        count(*) as sessions_observed
    from period_levels
    group by period_kind, period_start, index_code
),

loaded as (
    select
        period_kind,
        period_start,
        max(market_date) as last_loaded
    from period_levels
    group by period_kind, period_start
),

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

final as (
    select
        observed.period_kind,
        observed.period_start,
        observed.index_code,
        observed.first_market_date,
        observed.last_market_date,
        first_level.level as first_level,
        last_level.level as last_level,
        cast(last_level.level - first_level.level as decimal(18, 2)) as change,
        {{ round_exact(
            'cast(100 * (last_level.level - first_level.level) as double)'
            ~ ' / cast(first_level.level as double)',
            4
        ) }} as change_pct,
        cast(observed.sessions_observed as integer) as sessions_observed,
        cast(period_sessions.sessions_in_period as integer) as sessions_in_period
    from observed
    inner join period_levels as first_level
        on
            observed.period_kind = first_level.period_kind
            and observed.period_start = first_level.period_start
            and observed.index_code = first_level.index_code
            and observed.first_market_date = first_level.market_date
    inner join period_levels as last_level
        on
            observed.period_kind = last_level.period_kind
            and observed.period_start = last_level.period_start
            and observed.index_code = last_level.index_code
            and observed.last_market_date = last_level.market_date
    inner join period_sessions
        on
            observed.period_kind = period_sessions.period_kind
            and observed.period_start = period_sessions.period_start
    where first_level.level > 0
)

select * from final
