{{ config(alias='captures') }}

with

captures as (
    select * from {{ ref('int_captures_classified') }}
),

final as (
    select
        capture_id,
        source_path,
        sha256,
        captured_at,
        captured_at_source,
        dated_by,
        page_date,
        file_date,
        market_date,
        status,
        reason,
        capture_format,
        file_modified_at,
        source_path_count,
        byte_size,
        session_date,
        is_session_day,
        is_replay,
        is_date_replay,
        is_equal_replay,
        winning_capture_id,
        quote_fingerprint,
        line_count,
        quote_count,
        index_count,
        rejected_line_count
    from captures
)

select * from final
