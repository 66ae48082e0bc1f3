-- Price-limit regimes follow one another day after day: no gap, no overlap, one open-ended.
with

limits as (
    select * from {{ ref('psx_price_limits') }}
),

ordered as (
    select
        effective_from,
        effective_to,
        lead(effective_from) over (order by effective_from) as next_from
    from limits
),

final as (
    select *
    from ordered
    where
        (next_from is not null and effective_to is distinct from next_from - interval 1 day)
        or (next_from is null and effective_to is not null)
        or effective_to < effective_from
)

select * from final
