with

facts as (
    select * from {{ ref('fct_index_changes') }}
),

final as (
    select *
    from facts
    where market_date = (select max(market_date) from facts)
)

select * from final
