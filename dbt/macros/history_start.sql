{#
    The first market date the warehouse keeps (`MARKET_HISTORY_START`, ISO date; the daily
    partitions start there too). Captures of earlier sessions are rejected with a reason.
#}
{% macro history_start() -%}
    {%- set value = env_var('MARKET_HISTORY_START', '2000-01-01') -%}
    {%- if not modules.re.match('^\d{4}-\d{2}-\d{2}$', value) -%}
        {{ exceptions.raise_compiler_error(
            "MARKET_HISTORY_START must be an ISO date (YYYY-MM-DD), got " ~ value
        ) }}
    {%- endif -%}
    {{ return(value) }}
{%- endmacro %}
