{#
    `expression` (a double) rounded half up to `places` decimals as decimal(18, places), the way
    exact arithmetic rounds it. A double holds most decimals only approximately: 1.51 x 0.625 is
    0.94375 exactly, but 0.9437499999... in doubles, which DuckDB's `round` takes down to 0.9437.
    So the value first becomes a decimal of 15 significant digits, 0.943750000000000, and that
    decimal is rounded as decimals round: 0.9438. Fifteen digits, because a price times a few
    factors (exp(sum(ln))) is off by a few units in the 16th digit at most, while the exact
    value of a price times printed-price ratios that is not a half lies further than that from
    one: with fewer digits 29.64134999960 (five factors) or 5836.3694499999649 (one factor)
    would become the half; with 16, some halves would be missed. Simulated on 460,000 prices
    of 1 to 30,000 with 1 to 5 factors: none wrong with 15 digits (13: 4, 14: 1, 16: 37, a plain
    round of the double: 0.3%). The scale of the decimal follows the value's magnitude (15
    decimals below 1, 14 below 10, ...); Spark's casts need constant scales, hence one branch a
    magnitude, each widened exactly to decimal(38, 15). The same on DuckDB and Spark (both
    round decimals half up).
#}
{% macro round_exact(expression, places) -%}
    {%- set value = '(' ~ expression ~ ')' -%}
    cast(round(case
    {%- for digits in range(0, 8) %}
        when abs({{ value }}) < {{ 10 ** digits }}
            then cast(cast({{ value }} as decimal(38, {{ 15 - digits }})) as decimal(38, 15))
    {%- endfor %}
        else cast(cast({{ value }} as decimal(38, 7)) as decimal(38, 15))
    end, {{ places }}) as decimal(18, {{ places }}))
{%- endmacro %}
