with

source as (
    select * from {{ source('landing', 'psx_sessions') }}
),

final as (
    select cast(session_date as date) as session_date
    from source
)

select * from final
