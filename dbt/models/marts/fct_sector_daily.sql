{{ config(**daily_fact_config()) }}

with

movers as (
    select * from {{ ref('fct_daily_movers') }}
    where {{ in_market_date_window('market_date') }}
),

final as (
    select
        market_date,
        sector,
        cast(count(*) as integer) as symbol_count,
        cast(count(*) filter (where change > 0) as integer) as advancers,
        cast(count(*) filter (where change < 0) as integer) as decliners,
        cast(count(*) filter (where change = 0) as integer) as unchanged,
        cast({{ decimal_avg('change_pct') }} as decimal(18, 4)) as avg_change_pct,
        {{ first_by('symbol', [('change_pct', 'desc'), ('symbol', 'asc')]) }} as best_symbol,
        {{ first_by('symbol', [('change_pct', 'asc'), ('symbol', 'asc')]) }} as worst_symbol
    from movers
    group by market_date, sector
)

select * from final
