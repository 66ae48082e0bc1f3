{#
    Dates and times. A timestamptz (DuckDB) or timestamp (Spark) is an instant; a wall-clock
    time of a place is DuckDB's `timestamp` and Spark's `timestamp_ntz`. Spark's session time
    zone is UTC (profiles.yml), so its casts between the two are the UTC wall clock, as
    DuckDB's `timezone('UTC', …)` is.
#}

{# The wall-clock time in `zone` (an IANA name, a Jinja string) of the instant `instant`. #}
{% macro to_local_time(zone, instant) -%}
    {{ return(adapter.dispatch('to_local_time', 'market_snapshots')(zone, instant)) }}
{%- endmacro %}

{% macro duckdb__to_local_time(zone, instant) -%}
    timezone('{{ zone }}', {{ instant }})
{%- endmacro %}

{% macro spark__to_local_time(zone, instant) -%}
    cast(from_utc_timestamp({{ instant }}, '{{ zone }}') as timestamp_ntz)
{%- endmacro %}


{# The instant at which the wall clock of `zone` (a Jinja string) shows `local_time`. #}
{% macro from_local_time(zone, local_time) -%}
    {{ return(adapter.dispatch('from_local_time', 'market_snapshots')(zone, local_time)) }}
{%- endmacro %}

{% macro duckdb__from_local_time(zone, local_time) -%}
    timezone('{{ zone }}', {{ local_time }})
{%- endmacro %}

{% macro spark__from_local_time(zone, local_time) -%}
    to_utc_timestamp({{ local_time }}, '{{ zone }}')
{%- endmacro %}


{# The wall-clock time of a date at a time of day given as text (`09:32`). #}
{% macro date_at_time(date, time_text) -%}
    {{ return(adapter.dispatch('date_at_time', 'market_snapshots')(date, time_text)) }}
{%- endmacro %}

{% macro duckdb__date_at_time(date, time_text) -%}
    {{ date }} + cast({{ time_text }} as time)
{%- endmacro %}

{% macro spark__date_at_time(date, time_text) -%}
    cast(concat(cast({{ date }} as string), ' ', {{ time_text }}) as timestamp_ntz)
{%- endmacro %}


{# The ISO day of the week of a date: 1 for Monday to 7 for Sunday. #}
{% macro iso_day_of_week(date) -%}
    {{ return(adapter.dispatch('iso_day_of_week', 'market_snapshots')(date)) }}
{%- endmacro %}

{% macro duckdb__iso_day_of_week(date) -%}
    isodow({{ date }})
{%- endmacro %}

{% macro spark__iso_day_of_week(date) -%}
    (weekday({{ date }}) + 1)
{%- endmacro %}


{# The English name of a date's day of the week (`Friday`). #}
{% macro day_name(date) -%}
    {{ return(adapter.dispatch('day_name', 'market_snapshots')(date)) }}
{%- endmacro %}

{% macro duckdb__day_name(date) -%}
    dayname({{ date }})
{%- endmacro %}

{% macro spark__day_name(date) -%}
    date_format({{ date }}, 'EEEE')
{%- endmacro %}
