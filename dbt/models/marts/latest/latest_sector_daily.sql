with

facts as (
    select * from {{ ref('fct_sector_daily') }}
),

final as (
    select *
    from facts
    where market_date = (select max(market_date) from facts)
)

select * from final
