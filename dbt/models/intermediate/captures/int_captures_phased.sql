-- When in its session each capture was taken: before the open, during trading, or after the
-- close, from PSX's trading hours of that date (Friday and Ramadan hours differ).
with

captures as (
    select * from {{ ref('int_captures_fingerprinted') }}
),

trading_hours as (
    select * from {{ ref('psx_trading_hours') }}
),

timed as (
    select
        capture_id,
        session_date,
        {{ to_local_time('Asia/Karachi', 'captured_at') }} as captured_at_local,
        case
            when {{ iso_day_of_week('session_date') }} = 5 then 'fri' else 'mon-thu'
        end as day_group
    from captures
    where captured_at is not null and session_date is not null
),

hours_matched as (
    select
        timed.capture_id,
        timed.captured_at_local,
        {{ date_at_time('timed.session_date', 'trading_hours.open_at') }} as opens_at_local,
        {{ date_at_time('timed.session_date', 'trading_hours.close_at') }} as closes_at_local,
        row_number() over (
            partition by timed.capture_id
            order by case trading_hours.period when 'ramadan' then 0 else 1 end asc
        ) as hours_rank
    from timed
    inner join trading_hours
        on
            timed.session_date >= trading_hours.effective_from
            and (
                trading_hours.effective_to is null
                or timed.session_date <= trading_hours.effective_to
            )
            and trading_hours.days in (timed.day_group, 'mon-fri')
),

phased as (
    select
        capture_id,
        case
            when captured_at_local >= closes_at_local then 'post_close'
            when captured_at_local >= opens_at_local then 'open'
            else 'pre_open'
        end as session_phase,
        {{ from_local_time('Asia/Karachi', 'closes_at_local') }} as session_closes_at
    from hours_matched
    where hours_rank = 1
),

final as (
    select
        captures.*,
        phased.session_phase,
        phased.session_closes_at
    from captures
    left join phased
        on captures.capture_id = phased.capture_id
)

select * from final
