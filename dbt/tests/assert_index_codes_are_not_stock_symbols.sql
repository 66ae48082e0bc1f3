-- A code is an index or a stock, never both: the seeds must not disagree.
{{ config(meta={'dagster': {'ref': {'name': 'psx_index_codes'}}}) }}

with

index_codes as (
    select * from {{ ref('psx_index_codes') }}
),

sectors as (
    select * from {{ ref('psx_sectors') }}
),

final as (
    select index_codes.index_code
    from index_codes
    inner join sectors
        on index_codes.index_code = sectors.symbol
)

select * from final
