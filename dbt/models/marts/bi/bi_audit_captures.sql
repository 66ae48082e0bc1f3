{{ config(alias='audit_captures') }}

with

captures as (
    select * from {{ ref('audit_captures') }}
),

final as (
    select
        capture_id,
        source_path,
        {{ to_local_time('UTC', 'captured_at') }} as captured_at_utc,
        captured_at_source,
        dated_by,
        page_date,
        file_date,
        market_date,
        status,
        reason,
        capture_format,
        {{ to_local_time('UTC', 'file_modified_at') }} as file_modified_at_utc,
        byte_size,
        quote_count,
        index_count,
        rejected_line_count
    from captures
)

select * from final
