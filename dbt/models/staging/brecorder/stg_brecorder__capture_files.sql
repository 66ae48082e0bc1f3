with

source as (
    select * from {{ source('landing', 'capture_files') }}
),

final as (
    select
        left(sha256, 16) as capture_id,
        cast(sha256 as {{ type_string() }}) as sha256,
        cast(source_path as {{ type_string() }}) as source_path,
        cast(byte_size as bigint) as byte_size,
        cast(file_modified_at as {{ type_timestamptz() }}) as file_modified_at,
        cast(fetched_at as {{ type_timestamptz() }}) as fetched_at,
        cast(file_date as date) as file_date,
        cast(file_dated_by as {{ type_string() }}) as file_dated_by,
        cast(captured_at as {{ type_timestamptz() }}) as captured_at,
        cast(captured_at_source as {{ type_string() }}) as captured_at_source,
        cast(file_session_date as date) as file_session_date,
        cast(file_previous_session_date as date) as file_previous_session_date,
        cast(file_is_session_day as boolean) as file_is_session_day
    from source
)

select * from final
