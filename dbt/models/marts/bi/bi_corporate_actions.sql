{{ config(alias='corporate_actions') }}

with

actions as (
    select * from {{ ref('fct_corporate_actions') }}
),

final as (
    select
        market_date,
        symbol,
        previous_market_date,
        cast(close_before as double) as close_before,
        cast(prev_close_printed as double) as prev_close_printed,
        adjustment_factor,
        kind
    from actions
)

select * from final
