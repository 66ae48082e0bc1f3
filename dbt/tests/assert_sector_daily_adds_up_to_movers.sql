-- Per market date the sectors' symbol counts add up to the movers, and each sector's
-- advancers + decliners + unchanged equals its symbol_count when no change is null.
{{ config(meta={'dagster': {'ref': {'name': 'fct_sector_daily'}}}) }}

with

sector_daily as (
    select * from {{ ref('fct_sector_daily') }}
),

movers as (
    select * from {{ ref('fct_daily_movers') }}
),

sector_totals as (
    select
        market_date,
        sum(symbol_count) as symbol_count,
        sum(advancers + decliners + unchanged) as classified_count
    from sector_daily
    group by market_date
),

mover_totals as (
    select
        market_date,
        count(*) as symbol_count
    from movers
    group by market_date
),

final as (
    select
        mover_totals.market_date,
        mover_totals.symbol_count as mover_count,
        sector_totals.symbol_count as sector_symbol_count,
        sector_totals.classified_count
    from mover_totals
    left join sector_totals
        on mover_totals.market_date = sector_totals.market_date
    where
        sector_totals.symbol_count is distinct from mover_totals.symbol_count
        or sector_totals.classified_count is distinct from mover_totals.symbol_count
)

select * from final
