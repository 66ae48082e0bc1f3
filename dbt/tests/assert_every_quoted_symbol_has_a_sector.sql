-- Warning only: a symbol quoted on the ticker strip but missing from seeds/psx_sectors.csv
-- gets sector 'Unclassified'. Add it to the seed with its PSX sector.
{{ config(severity='warn') }}

with

symbols as (
    select * from {{ ref('dim_symbol') }}
),

final as (
    select
        symbol,
        sector,
        first_market_date,
        last_market_date
    from symbols
    where not is_classified
)

select * from final
