{#
    The market-date window of a partitioned run (inclusive ISO dates), from `--vars`
    `{"min_market_date": "2024-10-14", "max_market_date": "2024-10-18"}`, or else from the
    environment variables `MARKET_MIN_MARKET_DATE` and `MARKET_MAX_MARKET_DATE` (what the Dagster
    asset sets). Without either the window is every date (a full build).

    The environment is read only when dbt executes, never while it parses: dbt would otherwise
    note the variables and re-parse the models whenever the window moves (a changed `--vars`
    makes dbt parse the whole project again at every run; docs/performance.md has the cost).
#}
{% macro market_date_window_bounds() -%}
    {%- set lower = var('min_market_date', market_date_window_env('MARKET_MIN_MARKET_DATE')) -%}
    {%- set upper = var('max_market_date', market_date_window_env('MARKET_MAX_MARKET_DATE')) -%}
    {%- if lower is none and upper is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set iso = '^\d{4}-\d{2}-\d{2}$' -%}
    {%- if lower is none or upper is none
        or not modules.re.match(iso, lower | string)
        or not modules.re.match(iso, upper | string) -%}
        {{ exceptions.raise_compiler_error(
            "min_market_date and max_market_date (or MARKET_MIN_MARKET_DATE and "
            ~ "MARKET_MAX_MARKET_DATE) must both be ISO dates (YYYY-MM-DD), got "
            ~ lower ~ " and " ~ upper
        ) }}
    {%- endif -%}
    {{ return([lower | string, upper | string]) }}
{%- endmacro %}


{# One bound of the window from the environment, or none (and always none while parsing). #}
{% macro market_date_window_env(name) -%}
    {%- set value = env_var(name, '') if execute else '' -%}
    {{ return(value if value else none) }}
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
    so a market date whose capture changed or vanished never keeps stale rows. DuckDB deletes
    the window's rows; Spark (a Parquet table partitioned by market_date, which cannot delete
    rows) drops the window's partitions, and its insert_overwrite then writes the window's.
#}
{% macro delete_market_date_window() -%}
    {%- if is_incremental() -%}
        {{ return(adapter.dispatch('delete_market_date_window', 'market_snapshots')()) }}
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}

{% macro duckdb__delete_market_date_window() -%}
    delete from {{ this }} where {{ in_market_date_window('market_date') }}
{%- endmacro %}

{% macro spark__delete_market_date_window() -%}
    {%- set bounds = market_date_window_bounds() -%}
    {%- set dropped = [] -%}
    {%- for row in run_query('show partitions ' ~ this) -%}
        {%- set market_date = row[0].split('=', 1)[1] -%}
        {%- if bounds is none or bounds[0] <= market_date <= bounds[1] -%}
            {%- do dropped.append("partition (market_date = '" ~ market_date ~ "')") -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if dropped -%}
        alter table {{ this }} drop if exists {{ dropped | join(', ') }}
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}
