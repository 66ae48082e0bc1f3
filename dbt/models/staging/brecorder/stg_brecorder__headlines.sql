with

source as (
    select * from {{ source('normalised', 'headlines') }}
),

final as (
    select
        left(sha256, 16) as capture_id,
        cast(sha256 as {{ type_string() }}) as sha256,
        left({{ sha256_hex('cast(headline as ' ~ type_string() ~ ')') }}, 16) as headline_id,
        cast(position as integer) as position,
        cast(headline_kind as {{ type_string() }}) as headline_kind,
        cast(headline as {{ type_string() }}) as headline,
        cast(section as {{ type_string() }}) as section,
        cast(news_source as {{ type_string() }}) as news_source,
        cast(published_date as date) as published_date,
        cast(published_at as {{ type_timestamptz() }}) as published_at
    from source
)

select * from final
