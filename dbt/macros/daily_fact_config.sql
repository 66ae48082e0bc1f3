{#
    The config of a daily fact, written once; each daily fact declares itself with
    `{{ config(**daily_fact_config()) }}` at the top of its file.

    The daily facts are incremental on market_date: a run rebuilds the dates of its window
    (`--vars` min_market_date / max_market_date, or the environment: market_date_window.sql),
    or every date without them. Dagster partitions them by market date (tag `daily`). The
    pre-hook clears the window first (DuckDB: a delete; Spark: its partitions are dropped); then
    DuckDB appends the window's rows and Spark overwrites the window's market_date partitions
    (dynamic partition overwrite of a table partitioned by market_date). The pre-hook is a
    string that dbt renders when the model runs, not here.
#}
{% macro daily_fact_config() -%}
    {%- set on_spark = target.type == 'spark' -%}
    {{ return({
        'materialized': 'incremental',
        'incremental_strategy': 'insert_overwrite' if on_spark else 'append',
        'partition_by': 'market_date' if on_spark else '',
        'on_schema_change': 'fail',
        'tags': ['daily'],
        'pre_hook': '{{ delete_market_date_window() }}',
    }) }}
{%- endmacro %}
