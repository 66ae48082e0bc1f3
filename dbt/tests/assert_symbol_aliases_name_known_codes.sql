-- Every alias names a symbol of the sector seed or an index of the index-code seed.
{{ config(meta={'dagster': {'ref': {'name': 'psx_symbol_aliases'}}}) }}

with

aliases as (
    select * from {{ ref('psx_symbol_aliases') }}
),

sectors as (
    select * from {{ ref('psx_sectors') }}
),

index_codes as (
    select * from {{ ref('psx_index_codes') }}
),

final as (
    select
        aliases.alias,
        aliases.symbol
    from aliases
    left join sectors
        on aliases.symbol = sectors.symbol
    left join index_codes
        on aliases.symbol = index_codes.index_code
    where sectors.symbol is null and index_codes.index_code is null
)

select * from final
