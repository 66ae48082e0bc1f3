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
        case session_phase
            when 'post_close' then 'close'
            when 'open' then 'intraday'
            when 'pre_open' then 'pre_open'
            else 'unknown_time'
        end as value_kind,
        coalesce(session_phase = 'post_close', false) as is_close,
        capture_id,
        captured_at
    from index_levels
)

select * from final
