{{ config(alias='index_period_changes') }}

with

changes as (
    select * from {{ ref('fct_index_period_changes') }}
),

final as (
    select
        period_kind,
        period_start,
        index_code,
        first_market_date,
        last_market_date,
        cast(first_level as double) as first_level,
        cast(last_level as double) as last_level,
        cast(change as double) as change,
        cast(change_pct as double) as change_pct,
        sessions_observed,
        sessions_in_period
    from changes
)

select * from final
