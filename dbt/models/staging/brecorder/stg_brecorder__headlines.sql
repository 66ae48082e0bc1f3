with

source as (
    select * from {{ source('normalised', 'headlines') }}
),

final as (
    select
        left(sha256, 16) as capture_id,
        cast(sha256 as varchar) as sha256,
        left(sha256(cast(headline as varchar)), 16) as headline_id,
        cast(position as integer) as position,
        cast(headline_kind as varchar) as headline_kind,
        cast(headline as varchar) as headline,
        cast(section as varchar) as section,
        cast(news_source as varchar) as news_source,
        cast(published_date as date) as published_date,
        cast(published_at as timestamptz) as published_at
    from source
)

select * from final
