{#
    Generic test: none of the given columns holds a null. One test per model instead of one
    not_null test per column: a build runs (and Dagster records) a check per model, not per
    column, and dbt's cost is per test node, not per row. Fails with one row per null found,
    naming its column.
#}
{% test not_null_columns(model, column_names) %}

with

{% for column in column_names %}
null_{{ loop.index }} as (
    select '{{ column }}' as null_column
    from {{ model }}
    where {{ column }} is null
),

{% endfor %}
final as (
{%- for column in column_names %}
    select * from null_{{ loop.index }}
    {%- if not loop.last %}
    union all
    {%- endif %}
{%- endfor %}
)

select * from final

{% endtest %}
