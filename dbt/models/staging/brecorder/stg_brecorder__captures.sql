with

source as (
    select * from {{ source('normalised', 'captures') }}
),

final as (
    select
        left(sha256, 16) as capture_id,
        cast(sha256 as {{ type_string() }}) as sha256,
        cast(capture_format as {{ type_string() }}) as capture_format,
        cast(page_date as date) as page_date,
        cast(session_date as date) as session_date,
        cast(previous_session_date as date) as previous_session_date,
        cast(is_session_day as boolean) as is_session_day,
        cast(reject_reason as {{ type_string() }}) as reject_reason,
        cast(line_count as integer) as line_count,
        cast(quote_count as integer) as quote_count,
        cast(index_count as integer) as index_count,
        cast(rejected_line_count as integer) as rejected_line_count
    from source
)

select * from final
