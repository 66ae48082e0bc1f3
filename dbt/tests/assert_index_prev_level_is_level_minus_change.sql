-- prev_level must be exactly level - change on every row of fct_index_changes.
with

index_changes as (
    select * from {{ ref('fct_index_changes') }}
),

final as (
    select
        market_date,
        index_code,
        level,
        change,
        prev_level
    from index_changes
    where prev_level is distinct from level - change
)

select * from final
