-- Every market date of an accepted capture has exactly one loaded capture.
with

captures as (
    select * from {{ ref('audit_captures') }}
),

loaded_per_market_date as (
    select
        market_date,
        count(*) filter (where status = 'loaded') as loaded_count
    from captures
    where status != 'rejected'
    group by market_date
),

final as (
    select * from loaded_per_market_date
    where loaded_count != 1
)

select * from final
