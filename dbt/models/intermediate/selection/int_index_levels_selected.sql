with

loaded_captures as (
    select * from {{ ref('int_captures_classified') }}
    where status = 'loaded'
),

index_levels as (
    select * from {{ ref('stg_brecorder__index_levels') }}
),

final as (
    select
        loaded_captures.market_date,
        index_levels.index_code,
        index_levels.level,
        index_levels.change,
        index_levels.change_pct,
        index_levels.line_no,
        loaded_captures.capture_id,
        loaded_captures.captured_at,
        loaded_captures.captured_at_source,
        loaded_captures.session_phase
    from loaded_captures
    inner join index_levels
        on loaded_captures.sha256 = index_levels.sha256
)

select * from final
