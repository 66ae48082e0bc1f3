{{ config(alias='captures') }}

with

captures as (
    select * from {{ ref('int_captures_classified') }}
),

skipped_files as (
    select * from {{ ref('stg_brecorder__skipped_files') }}
),

read_captures as (
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
),

-- A capture file that could not be read, or a directory that could not be listed: rejected,
-- with the reason, and without bytes there is no capture_id or sha256.
unread_files as (
    select
        cast(null as {{ type_string() }}) as capture_id,
        source_path,
        cast(null as {{ type_string() }}) as sha256,
        cast(null as {{ type_timestamptz() }}) as captured_at,
        'unknown' as captured_at_source,
        cast(null as {{ type_string() }}) as dated_by,
        cast(null as date) as page_date,
        cast(null as date) as file_date,
        cast(null as date) as market_date,
        'rejected' as status,
        skip_reason as reason,
        cast(null as {{ type_string() }}) as capture_format,
        cast(null as {{ type_timestamptz() }}) as file_modified_at,
        cast(null as bigint) as source_path_count,
        cast(null as bigint) as byte_size,
        cast(null as date) as session_date,
        cast(null as boolean) as is_session_day,
        cast(null as boolean) as is_replay,
        cast(null as boolean) as is_date_replay,
        cast(null as boolean) as is_equal_replay,
        cast(null as {{ type_string() }}) as winning_capture_id,
        cast(null as {{ type_string() }}) as quote_fingerprint,
        cast(null as integer) as line_count,
        cast(null as integer) as quote_count,
        cast(null as integer) as index_count,
        cast(null as integer) as rejected_line_count
    from skipped_files
),

final as (
    select * from read_captures

    union all

    select * from unread_files
)

select * from final
