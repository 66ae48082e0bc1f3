{{ config(alias='index_changes') }}

with

index_changes as (
    select * from {{ ref('fct_index_changes') }}
),

final as (
    select
        market_date,
        index_code,
        cast(level as double) as level,
        cast(change as double) as change,
        cast(change_pct as double) as change_pct,
        cast(prev_level as double) as prev_level,
        capture_id,
        {{ to_local_time('UTC', 'captured_at') }} as captured_at_utc
    from index_changes
)

select * from final
