{{ config(alias='period_movers') }}

with

movers as (
    select * from {{ ref('fct_period_movers') }}
),

final as (
    select
        period_kind,
        period_start,
        symbol,
        first_market_date,
        last_market_date,
        cast(first_adjusted_close as double) as first_adjusted_close,
        cast(last_adjusted_close as double) as last_adjusted_close,
        cast(return_pct as double) as return_pct,
        sessions_observed,
        sessions_in_period,
        gainer_rank,
        loser_rank
    from movers
)

select * from final
