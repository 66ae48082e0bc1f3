{#
    Aggregates DuckDB writes with an ORDER BY inside the call, an order-free fingerprint, and a
    distinct count over a window (Spark has neither).
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


{#
    A fingerprint of the multiset of a group's items, whatever their order, from `item_md5`,
    each item's md5 (hex): md5 of the item count and of two sums of 60-bit slices of the items'
    md5s (120 bits of hash; sums as decimal(38, 0), which neither engine overflows). The same
    value on DuckDB and Spark. Sums stream with one small state a group; an ordered
    `string_agg` buffers every row of the group instead, and over the 100x ten-year history
    (~90 M quote rows) it exhausted DuckDB's memory_limit (docs/scaling.md).
#}
{% macro multiset_fingerprint(item_md5) -%}
    md5({{ concat_text(
        'count(*)',
        "':'", 'sum(' ~ hex_slice_number(item_md5, 1) ~ ')',
        "':'", 'sum(' ~ hex_slice_number(item_md5, 16) ~ ')'
    ) }})
{%- endmacro %}

{# The 15 hex digits of `hex` from position `start` (1-based) as a decimal(38, 0): 60 bits. #}
{% macro hex_slice_number(hex, start) -%}
    {{ return(adapter.dispatch('hex_slice_number', 'market_snapshots')(hex, start)) }}
{%- endmacro %}

{% macro duckdb__hex_slice_number(hex, start) -%}
    cast(cast('0x' || substr({{ hex }}, {{ start }}, 15) as bigint) as decimal(38, 0))
{%- endmacro %}

{% macro spark__hex_slice_number(hex, start) -%}
    cast(conv(substr({{ hex }}, {{ start }}, 15), 16, 10) as decimal(38, 0))
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
