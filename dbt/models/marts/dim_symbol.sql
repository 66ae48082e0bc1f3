with

quotes as (
    select * from {{ ref('int_quotes_selected') }}
),

sectors as (
    select * from {{ ref('psx_sectors') }}
),

quoted_symbols as (
    select
        symbol,
        min(market_date) as first_market_date,
        max(market_date) as last_market_date
    from quotes
    group by symbol
),

all_symbols as (
    select symbol from quoted_symbols

    union

    select symbol from sectors
),

final as (
    select
        all_symbols.symbol,
        sectors.company_name,
        coalesce(sectors.sector, 'Unclassified') as sector,
        sectors.confidence as sector_confidence,
        sectors.source as sector_source,
        sectors.sector is not null as is_classified,
        quoted_symbols.first_market_date,
        quoted_symbols.last_market_date
    from all_symbols
    left join sectors
        on all_symbols.symbol = sectors.symbol
    left join quoted_symbols
        on all_symbols.symbol = quoted_symbols.symbol
)

select * from final
