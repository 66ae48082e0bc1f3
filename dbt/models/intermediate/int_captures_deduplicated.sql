with

capture_files as (
    select * from {{ ref('stg_brecorder__capture_files') }}
),

files_ordered as (
    select
        capture_id,
        sha256,
        source_path,
        byte_size,
        captured_at,
        row_number() over (
            partition by sha256
            order by captured_at asc, source_path asc
        ) as file_order,
        count(*) over (partition by sha256) as source_path_count
    from capture_files
),

final as (
    select
        capture_id,
        sha256,
        source_path,
        source_path_count,
        byte_size,
        captured_at
    from files_ordered
    where file_order = 1
)

select * from final
