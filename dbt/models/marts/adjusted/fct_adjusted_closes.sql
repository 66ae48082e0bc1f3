-- Every loaded close adjusted for the corporate actions after it, as of the latest market date:
-- a view, since each new action changes the factor of every earlier close of its symbol.

with

closes as (
    select * from {{ ref('fct_daily_movers') }}
    where is_close
),

actions as (
    select * from {{ ref('fct_corporate_actions') }}
),

later_actions as (
    select
        closes.market_date,
        closes.symbol,
        exp(sum(ln(actions.adjustment_factor))) as adjustment_factor
    from closes
    inner join actions
        on
            closes.symbol = actions.symbol
            and closes.market_date < actions.market_date
    group by closes.market_date, closes.symbol
),

final as (
    select
        closes.market_date,
        closes.symbol,
        closes.close_price,
        coalesce(later_actions.adjustment_factor, 1.0) as adjustment_factor,
        {{ round_exact(
            'closes.close_price * coalesce(later_actions.adjustment_factor, 1.0)', 4
        ) }} as adjusted_close
    from closes
    left join later_actions
        on
            closes.market_date = later_actions.market_date
            and closes.symbol = later_actions.symbol
)

select * from final
