{{ config(**daily_fact_config()) }}

-- The headlines each capture's page showed: the loaded capture of every market date, and the
-- other captures of its session whose time is known. Replays and rejected captures never.
with

captures as (
    select * from {{ ref('int_captures_classified') }}
    where
        {{ is_session_capture() }}
        and {{ in_market_date_window('market_date') }}
),

headlines as (
    select * from {{ ref('stg_brecorder__headlines') }}
),

final as (
    select
        captures.market_date,
        headlines.headline_id,
        headlines.headline,
        headlines.headline_kind,
        headlines.position,
        headlines.section,
        headlines.news_source,
        headlines.published_date,
        headlines.published_at,
        captures.captured_at,
        captures.session_phase,
        captures.status = 'loaded' as is_daily_value,
        captures.capture_id
    from captures
    inner join headlines
        on captures.sha256 = headlines.sha256
)

select * from final
