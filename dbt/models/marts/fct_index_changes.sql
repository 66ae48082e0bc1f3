{{ config(**daily_fact_config()) }}

with

index_levels as (
    select * from {{ ref('int_index_levels_selected') }}
    where {{ in_market_date_window('market_date') }}
),

final as (
    select
        market_date,
        index_code,
        level,
        change,
        change_pct,
        cast(level - change as decimal(18, 2)) as prev_level,
        {{ value_kind('session_phase') }} as value_kind,
        {{ is_post_close('session_phase') }} as is_close,
        capture_id,
        captured_at
    from index_levels
)

select * from final
