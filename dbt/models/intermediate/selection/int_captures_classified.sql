with

captures as (
    select * from {{ ref('int_captures_phased') }}
),

accepted_captures as (
    select * from captures
    where not is_rejected
),

rejected_captures as (
    select * from captures
    where is_rejected
),

-- A page taken on a session day before the open still shows the previous session:
-- its quotes equal those of a capture that belongs to that previous session.
equal_replays as (
    select distinct accepted_captures.sha256
    from accepted_captures
    inner join accepted_captures as previous_session_captures
        on
            accepted_captures.previous_session_date = previous_session_captures.session_date
            and accepted_captures.quote_fingerprint = previous_session_captures.quote_fingerprint
            and accepted_captures.sha256 != previous_session_captures.sha256
    where accepted_captures.is_session_day
),

replays_flagged as (
    select
        accepted_captures.*,
        not accepted_captures.is_session_day as is_date_replay,
        equal_replays.sha256 is not null as is_equal_replay
    from accepted_captures
    left join equal_replays
        on accepted_captures.sha256 = equal_replays.sha256
),

market_dated as (
    select
        *,
        is_date_replay or is_equal_replay as is_replay,
        case
            when is_equal_replay then previous_session_date
            else session_date
        end as market_date
    from replays_flagged
),

ranked as (
    select
        *,
        row_number() over (
            partition by market_date
            order by
                is_replay asc,
                {{ is_post_close('session_phase') }} desc,
                ordered_at desc,
                capture_id asc
        ) as market_date_rank
    from market_dated
),

winners as (
    select
        market_date,
        capture_id as winning_capture_id,
        ordered_at as winning_ordered_at,
        {{ is_post_close('session_phase') }} as is_winner_post_close
    from ranked
    where market_date_rank = 1
),

accepted_classified as (
    select
        ranked.capture_id,
        ranked.sha256,
        ranked.source_path,
        ranked.source_path_count,
        ranked.byte_size,
        ranked.captured_at,
        ranked.captured_at_source,
        ranked.session_phase,
        ranked.session_closes_at,
        ranked.ordered_at,
        ranked.file_modified_at,
        ranked.capture_format,
        ranked.page_date,
        ranked.file_date,
        ranked.dated_by,
        ranked.session_date,
        ranked.previous_session_date,
        ranked.is_session_day,
        ranked.market_date,
        case
            when ranked.market_date_rank = 1 then 'loaded'
            when ranked.is_replay then 'replay'
            else 'superseded'
        end as status,
        case
            when ranked.market_date_rank = 1 and not ranked.is_replay then null
            when ranked.market_date_rank = 1
                then {{ format_text(
                        'replay of {} loaded: no capture from that session',
                        'ranked.market_date'
                    ) }}
            when ranked.is_date_replay
                then {{ format_text(
                        'page dated {} {} (no PSX session): replays {}',
                        day_name('ranked.page_date'), 'ranked.page_date', 'ranked.session_date'
                    ) }}
            when ranked.is_equal_replay
                then {{ format_text(
                        'quotes identical to session {}: replays it',
                        'ranked.previous_session_date'
                    ) }}
            when
                winners.is_winner_post_close
                and not {{ is_post_close('ranked.session_phase') }}
                then {{ format_text(
                        'superseded by {} (captured after the close)',
                        'winners.winning_capture_id'
                    ) }}
            when winners.winning_ordered_at > ranked.ordered_at
                then {{ format_text(
                        'superseded by {} (captured later{})',
                        'winners.winning_capture_id',
                        "case when ranked.captured_at is null then ', by file time' else '' end"
                    ) }}
            else {{ format_text(
                    'superseded by {} (captured at the same time, lower capture_id)',
                    'winners.winning_capture_id'
                ) }}
        end as reason,
        ranked.is_replay,
        ranked.is_date_replay,
        ranked.is_equal_replay,
        winners.winning_capture_id,
        ranked.quote_fingerprint,
        ranked.line_count,
        ranked.quote_count,
        ranked.index_count,
        ranked.rejected_line_count
    from ranked
    inner join winners
        on ranked.market_date = winners.market_date
),

rejected_classified as (
    select
        capture_id,
        sha256,
        source_path,
        source_path_count,
        byte_size,
        captured_at,
        captured_at_source,
        session_phase,
        session_closes_at,
        ordered_at,
        file_modified_at,
        capture_format,
        page_date,
        file_date,
        dated_by,
        session_date,
        previous_session_date,
        is_session_day,
        cast(null as date) as market_date,
        'rejected' as status,
        reject_reason as reason,
        cast(null as boolean) as is_replay,
        cast(null as boolean) as is_date_replay,
        cast(null as boolean) as is_equal_replay,
        cast(null as {{ type_string() }}) as winning_capture_id,
        quote_fingerprint,
        line_count,
        quote_count,
        index_count,
        rejected_line_count
    from rejected_captures
),

final as (
    select * from accepted_classified

    union all

    select * from rejected_classified
)

select * from final
