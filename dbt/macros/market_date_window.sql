{#
    The market-date window of a partitioned run, from `--vars`:
    `{"min_market_date": "2024-10-14", "max_market_date": "2024-10-18"}` (inclusive, ISO dates).
    Without both vars the window is every date (a full build).
#}
{% macro market_date_window_bounds() -%}
    {%- set lower = var('min_market_date', none) -%}
    {%- set upper = var('max_market_date', none) -%}
    {%- if lower is none and upper is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set iso = '^\d{4}-\d{2}-\d{2}$' -%}
    {%- if lower is none or upper is none
        or not modules.re.match(iso, lower | string)
        or not modules.re.match(iso, upper | string) -%}
        {{ exceptions.raise_compiler_error(
            "min_market_date and max_market_date must both be ISO dates (YYYY-MM-DD), got "
            ~ lower ~ " and " ~ upper
        ) }}
    {%- endif -%}
    {{ return([lower | string, upper | string]) }}
{%- endmacro %}


{# A predicate keeping the rows of `column` inside the run's window. #}
{% macro in_market_date_window(column) -%}
    {%- set bounds = market_date_window_bounds() -%}
    {%- if bounds is none -%}
        true
    {%- else -%}
        {{ column }} between date '{{ bounds[0] }}' and date '{{ bounds[1] }}'
    {%- endif -%}
{%- endmacro %}


{#
    Pre-hook of the incremental facts: clear the window before its rows are inserted again,
    so a market date whose capture changed or vanished never keeps stale rows.
#}
{% macro delete_market_date_window() -%}
    {%- if is_incremental() -%}
        delete from {{ this }} where {{ in_market_date_window('market_date') }}
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}
