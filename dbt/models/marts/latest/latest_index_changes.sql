with

facts as (
    select * from {{ ref('fct_index_changes') }}
),

latest_market_date as (
    select max(market_date) as market_date from facts
),

final as (
    select facts.*
    from facts
    inner join latest_market_date
        on facts.market_date = latest_market_date.market_date
)

select * from final
