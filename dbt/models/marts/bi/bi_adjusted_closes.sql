{{ config(alias='adjusted_closes') }}

with

adjusted as (
    select * from {{ ref('fct_adjusted_closes') }}
),

final as (
    select
        market_date,
        symbol,
        cast(close_price as double) as close_price,
        adjustment_factor,
        cast(adjusted_close as double) as adjusted_close
    from adjusted
)

select * from final
