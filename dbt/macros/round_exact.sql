{#
    `expression` (a double) rounded half up to `places` decimals as decimal(18, places), the way
    exact arithmetic rounds it. A double holds most decimals only approximately: 1.51 x 0.625 is
    0.94375 exactly, but 0.9437499999... in doubles, which `round` takes down to 0.9437. So the
    value first becomes a decimal of 13 significant digits (a double's error on a product of a
    few factors is below 1e-15 of the value), 0.9437500000000, and that decimal is rounded as
    decimals round: 0.9438. The scale of that decimal follows the value's magnitude (13 decimals
    below 1, 12 below 10, ...): a close times three factors, 1279.62045000033, must not become
    the half 1279.62045 at 13 decimals (a double cannot scale it by 1e13 exactly), nor
    29.64134999960 the half 29.64135 at 9. Spark's casts need constant scales, hence one branch
    a magnitude, each widened exactly to decimal(38, 13). The same on DuckDB and Spark (both
    round decimals half up).
#}
{% macro round_exact(expression, places) -%}
    {%- set value = '(' ~ expression ~ ')' -%}
    cast(round(case
    {%- for digits in range(0, 7) %}
        when abs({{ value }}) < {{ 10 ** digits }}
            then cast(cast({{ value }} as decimal(38, {{ 13 - digits }})) as decimal(38, 13))
    {%- endfor %}
        else cast(cast({{ value }} as decimal(38, 6)) as decimal(38, 13))
    end, {{ places }}) as decimal(18, {{ places }}))
{%- endmacro %}
