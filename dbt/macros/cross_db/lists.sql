{#
    Lists (DuckDB) and arrays (Spark). Both count from 1; DuckDB slices `list[start:stop]`
    (inclusive), Spark `slice(array, start, length)`; DuckDB's `range` stops before its end,
    Spark's `sequence` at it (and counts down when the end is lower).
#}

{% macro list_length(list) -%}
    {{ return(adapter.dispatch('list_length', 'market_snapshots')(list)) }}
{%- endmacro %}

{% macro duckdb__list_length(list) -%}
    len({{ list }})
{%- endmacro %}

{% macro spark__list_length(list) -%}
    size({{ list }})
{%- endmacro %}


{# The list's items joined by `separator` (an SQL expression). #}
{% macro list_join(list, separator) -%}
    {{ return(adapter.dispatch('list_join', 'market_snapshots')(list, separator)) }}
{%- endmacro %}

{% macro duckdb__list_join(list, separator) -%}
    array_to_string({{ list }}, {{ separator }})
{%- endmacro %}

{% macro spark__list_join(list, separator) -%}
    array_join({{ list }}, {{ separator }})
{%- endmacro %}


{# Items `start` to `stop` of the list, both included, counting from 1 (stop >= start). #}
{% macro list_slice(list, start, stop) -%}
    {{ return(adapter.dispatch('list_slice', 'market_snapshots')(list, start, stop)) }}
{%- endmacro %}

{% macro duckdb__list_slice(list, start, stop) -%}
    {{ list }}[{{ start }}:{{ stop }}]
{%- endmacro %}

{% macro spark__list_slice(list, start, stop) -%}
    slice({{ list }}, {{ start }}, ({{ stop }}) - ({{ start }}) + 1)
{%- endmacro %}


{# How many items of a list of texts `pattern` (a Jinja string) matches. #}
{% macro list_count_matching(list, pattern) -%}
    {{ return(adapter.dispatch('list_count_matching', 'market_snapshots')(list, pattern)) }}
{%- endmacro %}

{% macro duckdb__list_count_matching(list, pattern) -%}
    len(list_filter({{ list }}, lambda item: {{ regexp_matches('item', pattern) }}))
{%- endmacro %}

{% macro spark__list_count_matching(list, pattern) -%}
    size(filter({{ list }}, item -> {{ regexp_matches('item', pattern) }}))
{%- endmacro %}


{#
    One row per integer from `start` up to `stop`, `stop` excluded (none when stop <= start):
    a set-returning expression for a select list, as DuckDB's `unnest(range(start, stop))`.
#}
{% macro unnest_range(start, stop) -%}
    {{ return(adapter.dispatch('unnest_range', 'market_snapshots')(start, stop)) }}
{%- endmacro %}

{% macro duckdb__unnest_range(start, stop) -%}
    unnest(range({{ start }}, {{ stop }}))
{%- endmacro %}

{% macro spark__unnest_range(start, stop) -%}
    explode(
        case
            when ({{ stop }}) > ({{ start }}) then sequence(cast({{ start }} as bigint), cast(({{ stop }}) - 1 as bigint))
            else cast(array() as array<bigint>)
        end
    )
{%- endmacro %}
