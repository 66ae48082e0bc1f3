{#
    Generic test: the given columns together identify a row of the model.
    Fails with one row per duplicated key. Null key parts are compared as values,
    so pair it with not_null tests where nulls are not allowed.
#}
{% test unique_combination(model, combination_of_columns) %}

with

keyed as (
    select
        {{ combination_of_columns | join(',\n        ') }},
        count(*) as row_count
    from {{ model }}
    group by all
),

final as (
    select * from keyed
    where row_count > 1
)

select * from final

{% endtest %}
