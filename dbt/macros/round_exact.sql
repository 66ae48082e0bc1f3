{#
    `expression` (a double) rounded half up to `places` decimals as decimal(18, places), the way
    exact arithmetic rounds it. A double holds most decimals only approximately: 1.51 x 0.625 is
    0.94375 exactly, but 0.9437499999... in doubles, which DuckDB's `round` takes down to 0.9437.
    So the value first becomes a decimal of 14 significant digits, 0.94375000000000, and that
    decimal is rounded as decimals round: 0.9438. Fourteen digits: a price times a few factors
    (exp(sum(ln))) is off by a few units in the 16th digit, so a true half is caught; with fewer
    digits more values that are merely close to a half are taken for one (13 digits took
    29.64134999960, a close times five factors, and 5836.36944999996 for halves). Simulated on
    460,000 prices of 1 to 30,000 with 1 to 5 factors: 14 digits 1 wrong, 13: 4, 15: 0 but
    too fine for the returns below a percent, 16: 37, a plain round of the double 0.3%. Give it
    expressions computed without cancellation (a return as 100 x (last - first) / first, the
    difference in decimals, not 100 x (last / first - 1)). The scale of the decimal follows the
    value's magnitude (14 decimals below 1, 13 below 10, ...); Spark's casts need constant
    scales, hence one branch a magnitude, each widened exactly to decimal(38, 14). The same on
    DuckDB and Spark (both round decimals half up).
#}
{% macro round_exact(expression, places) -%}
    {%- set value = '(' ~ expression ~ ')' -%}
    cast(round(case
    {%- for digits in range(0, 8) %}
        when abs({{ value }}) < {{ 10 ** digits }}
            then cast(cast({{ value }} as decimal(38, {{ 14 - digits }})) as decimal(38, 14))
    {%- endfor %}
        else cast(cast({{ value }} as decimal(38, 6)) as decimal(38, 14))
    end, {{ places }}) as decimal(18, {{ places }}))
{%- endmacro %}
