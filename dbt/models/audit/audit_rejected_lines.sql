{{ config(alias='rejected_lines') }}

with

captures as (
    select * from {{ ref('int_captures_deduplicated') }}
),

rejected_lines as (
    select * from {{ ref('stg_brecorder__rejected_lines') }}
),

final as (
    select
        captures.capture_id,
        rejected_lines.line_no,
        rejected_lines.line,
        rejected_lines.reason,
        captures.source_path,
        captures.sha256
    from rejected_lines
    inner join captures
        on rejected_lines.sha256 = captures.sha256
)

select * from final
