with

source as (
    select * from {{ source('landing', 'capture_files') }}
),

final as (
    select
        left(sha256, 16) as capture_id,
        cast(sha256 as varchar) as sha256,
        cast(source_path as varchar) as source_path,
        cast(byte_size as bigint) as byte_size,
        cast(captured_at as timestamptz) as captured_at
    from source
)

select * from final
