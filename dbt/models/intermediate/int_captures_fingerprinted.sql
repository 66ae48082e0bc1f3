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
        1 as item_group,
        symbol as item_key,
        concat('q:', symbol, '=', close_price, '/', change) as item
    from quotes

    union all

    select
        sha256,
        2 as item_group,
        index_code as item_key,
        concat('i:', index_code, '=', level, '/', change) as item
    from index_levels
),

fingerprints as (
    select
        sha256,
        md5(string_agg(item, '|' order by item_group asc, item_key asc)) as quote_fingerprint
    from fingerprint_items
    group by sha256
),

joined as (
    select
        captures.capture_id,
        captures.sha256,
        captures.source_path,
        captures.source_path_count,
        captures.byte_size,
        captures.captured_at,
        normalised_captures.capture_format,
        normalised_captures.page_date,
        normalised_captures.session_date,
        normalised_captures.previous_session_date,
        normalised_captures.is_session_day,
        normalised_captures.line_count,
        normalised_captures.quote_count,
        normalised_captures.index_count,
        normalised_captures.rejected_line_count,
        fingerprints.quote_fingerprint,
        case
            when normalised_captures.sha256 is null
                then 'not normalised'
            when normalised_captures.reject_reason is not null
                then normalised_captures.reject_reason
            when
                normalised_captures.session_date is null
                or normalised_captures.previous_session_date is null
                or normalised_captures.is_session_day is null
                then 'no PSX session resolved for the page date'
        end as reject_reason
    from captures
    left join normalised_captures
        on captures.sha256 = normalised_captures.sha256
    left join fingerprints
        on captures.sha256 = fingerprints.sha256
),

final as (
    select
        *,
        reject_reason is not null as is_rejected
    from joined
)

select * from final
