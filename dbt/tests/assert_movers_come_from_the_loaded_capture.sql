-- Each mover row comes from the capture audit.captures marks as loaded for that market date.
{{ config(meta={'dagster': {'ref': {'name': 'fct_daily_movers'}}}) }}

with

movers as (
    select * from {{ ref('fct_daily_movers') }}
),

captures as (
    select * from {{ ref('audit_captures') }}
),

final as (
    select
        movers.market_date,
        movers.symbol,
        movers.capture_id
    from movers
    left join captures
        on
            movers.capture_id = captures.capture_id
            and movers.market_date = captures.market_date
            and captures.status = 'loaded'
    where captures.capture_id is null
)

select * from final
