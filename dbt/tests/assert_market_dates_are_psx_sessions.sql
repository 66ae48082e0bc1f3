-- A market date is a PSX session: never a weekend nor a holiday of the psx_holidays seed.
{{ config(meta={'dagster': {'ref': {'name': 'audit_captures'}}}) }}

with

captures as (
    select * from {{ ref('audit_captures') }}
),

holidays as (
    select * from {{ ref('psx_holidays') }}
),

final as (
    select
        captures.capture_id,
        captures.market_date,
        holidays.holiday_name
    from captures
    left join holidays
        on captures.market_date = holidays.holiday_date
    where
        captures.market_date is not null
        and (
            {{ iso_day_of_week('captures.market_date') }} in (6, 7)
            or holidays.holiday_date is not null
        )
)

select * from final
