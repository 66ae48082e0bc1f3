with

captures as (
    select * from {{ ref('int_captures_deduplicated') }}
),

normalised_captures as (
    select * from {{ ref('stg_brecorder__captures') }}
),

quotes as (
    select * from {{ ref('stg_brecorder__quotes') }}
),

index_levels as (
    select * from {{ ref('stg_brecorder__index_levels') }}
),

fingerprint_items as (
    select
        sha256,
        md5({{ concat_text("'q:'", 'symbol', "'='", 'close_price', "'/'", 'change') }}) as item_md5
    from quotes

    union all

    select
        sha256,
        md5({{ concat_text("'i:'", 'index_code', "'='", 'level', "'/'", 'change') }}) as item_md5
    from index_levels
),

fingerprints as (
    select
        sha256,
        {{ multiset_fingerprint('item_md5') }} as quote_fingerprint
    from fingerprint_items
    group by sha256
),

-- The page's own date bar dates a capture best; without one, its file (sidecar, name, trusted
-- file time). A file time that falls on the page's date is taken as the capture time.
dated as (
    select
        captures.capture_id,
        captures.sha256,
        captures.source_path,
        captures.source_path_count,
        captures.byte_size,
        captures.file_modified_at,
        normalised_captures.sha256 is not null as is_normalised,
        normalised_captures.reject_reason as normalised_reject_reason,
        normalised_captures.capture_format,
        normalised_captures.page_date,
        captures.file_date,
        case
            when normalised_captures.page_date is not null then 'page'
            else captures.file_dated_by
        end as dated_by,
        case
            when normalised_captures.page_date is not null then normalised_captures.session_date
            else captures.file_session_date
        end as session_date,
        case
            when normalised_captures.page_date is not null
                then normalised_captures.previous_session_date
            else captures.file_previous_session_date
        end as previous_session_date,
        case
            when normalised_captures.page_date is not null then normalised_captures.is_session_day
            else captures.file_is_session_day
        end as is_session_day,
        captures.captured_at as file_captured_at,
        captures.captured_at_source as file_captured_at_source,
        case
            when
                cast({{ to_local_time('Asia/Karachi', 'captures.file_modified_at') }} as date)
                = normalised_captures.page_date
                then captures.file_modified_at
        end as page_day_file_modified_at,
        normalised_captures.line_count,
        normalised_captures.quote_count,
        normalised_captures.index_count,
        normalised_captures.rejected_line_count
    from captures
    left join normalised_captures
        on captures.sha256 = normalised_captures.sha256
),

joined as (
    select
        dated.capture_id,
        dated.sha256,
        dated.source_path,
        dated.source_path_count,
        dated.byte_size,
        coalesce(dated.file_captured_at, dated.page_day_file_modified_at) as captured_at,
        case
            when dated.file_captured_at is not null then dated.file_captured_at_source
            when dated.page_day_file_modified_at is not null then 'file_time'
            else 'unknown'
        end as captured_at_source,
        -- Orders captures of one market date: the capture time, else the file time.
        coalesce(
            dated.file_captured_at, dated.page_day_file_modified_at, dated.file_modified_at
        ) as ordered_at,
        dated.file_modified_at,
        dated.capture_format,
        dated.page_date,
        dated.file_date,
        dated.dated_by,
        dated.session_date,
        dated.previous_session_date,
        dated.is_session_day,
        dated.line_count,
        dated.quote_count,
        dated.index_count,
        dated.rejected_line_count,
        fingerprints.quote_fingerprint,
        case
            -- Normalising skips a capture whose file no longer holds the bytes landing hashed
            -- (core/normalise/captures.py: CaptureChangedError), so that the next build lands
            -- the new bytes and parses them.
            when not dated.is_normalised
                then 'changed while being read (the next build loads it)'
            when dated.normalised_reject_reason is not null
                then dated.normalised_reject_reason
            when dated.dated_by is null
                then {{ text_literal(
                        "no date: the page shows no date bar and its file gives none (a "
                        ~ "print-edition date is the article's, not the strip's); rename the "
                        ~ "file with its date (e.g. brecorder_2024-10-18T1630.txt, Asia/Karachi "
                        ~ "time), keep the fetch sidecar beside it, or trust file times "
                        ~ "(MARKET_TRUST_FILE_TIMES=1 or --trust-file-times)"
                    ) }}
            when
                dated.session_date is null
                or dated.previous_session_date is null
                or dated.is_session_day is null
                then {{ format_text(
                        'no PSX session for {} (dated by {}): before the calendar starts',
                        'coalesce(dated.page_date, dated.file_date)', 'dated.dated_by'
                    ) }}
            when dated.session_date < cast('{{ history_start() }}' as date)
                then {{ format_text(
                        'market date {} is before the history start {}: set '
                        ~ 'MARKET_HISTORY_START to {} or earlier to keep it',
                        'dated.session_date', "'" ~ history_start() ~ "'", 'dated.session_date'
                    ) }}
        end as reject_reason
    from dated
    left join fingerprints
        on dated.sha256 = fingerprints.sha256
),

final as (
    select
        *,
        reject_reason is not null as is_rejected
    from joined
)

select * from final
