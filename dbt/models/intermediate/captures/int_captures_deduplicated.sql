with

capture_files as (
    select * from {{ ref('stg_brecorder__capture_files') }}
),

-- Of the files holding the same bytes, the one that dates the capture best speaks for it:
-- a fetch sidecar, then a date in the name, then a trusted file time; then the earliest.
files_ordered as (
    select
        *,
        row_number() over (
            partition by sha256
            order by
                case file_dated_by
                    when 'sidecar' then 1
                    when 'file_name' then 2
                    when 'file_time' then 3
                    else 4
                end asc,
                captured_at asc nulls last,
                file_modified_at asc,
                source_path asc
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
        file_modified_at,
        file_date,
        file_dated_by,
        captured_at,
        captured_at_source,
        file_session_date,
        file_previous_session_date,
        file_is_session_day
    from files_ordered
    where file_order = 1
)

select * from final
