{{ config(alias='daily_movers') }}

with

movers as (
    select * from {{ ref('fct_daily_movers') }}
),

final as (
    select
        market_date,
        symbol,
        company_name,
        sector,
        cast(close_price as double) as close_price,
        cast(change as double) as change,
        cast(change_pct as double) as change_pct,
        cast(prev_close as double) as prev_close,
        gainer_rank,
        loser_rank,
        capture_id,
        {{ to_local_time('UTC', 'captured_at') }} as captured_at_utc
    from movers
)

select * from final
