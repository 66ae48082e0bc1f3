-- prev_close must be exactly close_price - change on every row of fct_daily_movers.
with

movers as (
    select * from {{ ref('fct_daily_movers') }}
),

final as (
    select
        market_date,
        symbol,
        close_price,
        change,
        prev_close
    from movers
    where prev_close is distinct from close_price - change
)

select * from final
