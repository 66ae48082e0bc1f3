{{ config(alias='sector_daily') }}

with

sectors as (
    select * from {{ ref('fct_sector_daily') }}
),

final as (
    select
        market_date,
        sector,
        symbol_count,
        advancers,
        decliners,
        unchanged,
        cast(avg_change_pct as double) as avg_change_pct,
        best_symbol,
        worst_symbol
    from sectors
)

select * from final
