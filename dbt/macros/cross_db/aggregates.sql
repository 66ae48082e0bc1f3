{#
    Aggregates DuckDB writes with an ORDER BY inside the call, and a distinct count over a
    window (Spark has neither).
#}

{#
    The `value` of the first row in the order of `order_by`: a list of (expression, 'asc' or
    'desc') pairs, nulls last. On Spark, `min_by` over a struct of the keys (a desc key must be
    numeric: it is negated).
#}
{% macro first_by(value, order_by) -%}
    {{ return(adapter.dispatch('first_by', 'market_snapshots')(value, order_by)) }}
{%- endmacro %}

{% macro duckdb__first_by(value, order_by) -%}
    first({{ value }} order by
    {%- for expression, direction in order_by %} {{ expression }} {{ direction }} nulls last
        {%- if not loop.last %},{% endif -%}
    {%- endfor -%}
    )
{%- endmacro %}

{% macro spark__first_by(value, order_by) -%}
    min_by({{ value }}, struct(
    {%- for expression, direction in order_by -%}
        {{ expression }} is null, {{ '-' if direction == 'desc' }}({{ expression }})
        {%- if not loop.last %}, {% endif -%}
    {%- endfor -%}
    ))
{%- endmacro %}


{# `text` of every row joined by `separator`, in the order of `order_by` (SQL text). #}
{% macro ordered_string_agg(text, separator, order_by) -%}
    {{ return(adapter.dispatch('ordered_string_agg', 'market_snapshots')(text, separator, order_by)) }}
{%- endmacro %}

{% macro duckdb__ordered_string_agg(text, separator, order_by) -%}
    string_agg({{ text }}, {{ separator }} order by {{ order_by }})
{%- endmacro %}

{% macro spark__ordered_string_agg(text, separator, order_by) -%}
    listagg({{ text }}, {{ separator }}) within group (order by {{ order_by }})
{%- endmacro %}


{# How many distinct values of `expression` the window `partition by …` holds. #}
{% macro count_distinct_over(expression, partition_by) -%}
    {{ return(adapter.dispatch('count_distinct_over', 'market_snapshots')(expression, partition_by)) }}
{%- endmacro %}

{% macro duckdb__count_distinct_over(expression, partition_by) -%}
    count(distinct {{ expression }}) over (partition by {{ partition_by }})
{%- endmacro %}

{% macro spark__count_distinct_over(expression, partition_by) -%}
    size(collect_set({{ expression }}) over (partition by {{ partition_by }}))
{%- endmacro %}


{#
    The mean of a decimal column as a double, as DuckDB's `avg` of a decimal is (Spark's is an
    exact decimal: rounded to fewer places later, the two could differ in the last place).
#}
{% macro decimal_avg(expression) -%}
    {{ return(adapter.dispatch('decimal_avg', 'market_snapshots')(expression)) }}
{%- endmacro %}

{% macro duckdb__decimal_avg(expression) -%}
    avg({{ expression }})
{%- endmacro %}

{% macro spark__decimal_avg(expression) -%}
    (cast(sum({{ expression }}) as double) / count({{ expression }}))
{%- endmacro %}
