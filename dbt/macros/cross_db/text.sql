{#
    Text: literals, formatting, concatenation and hashing. DuckDB's literals are standard SQL
    (a quote is doubled, a backslash is a character); Spark's use backslash escapes, and two
    quotes in a row are two literals run together (`'it''s'` is `its`).
#}

{# `text` (a Jinja string) as an SQL string literal. #}
{% macro text_literal(text) -%}
    {{ return(adapter.dispatch('text_literal', 'market_snapshots')(text)) }}
{%- endmacro %}

{% macro duckdb__text_literal(text) -%}
    '{{ text | replace("'", "''") }}'
{%- endmacro %}

{% macro spark__text_literal(text) -%}
    '{{ text | replace("\\", "\\\\") | replace("'", "\\'") }}'
{%- endmacro %}


{#
    `template` (a Jinja string) with each `{}` replaced by the next of the SQL expressions after
    it, as text; null when any of them is null (DuckDB's `format`).
#}
{% macro format_text(template) -%}
    {{ return(adapter.dispatch('format_text', 'market_snapshots')(template, varargs)) }}
{%- endmacro %}

{% macro duckdb__format_text(template, values) -%}
    format({{ text_literal(template) }}, {{ values | join(', ') }})
{%- endmacro %}

{% macro spark__format_text(template, values) -%}
    {%- set pieces = template.split('{}') -%}
    {%- if pieces | length != values | length + 1 -%}
        {{ exceptions.raise_compiler_error(
            "format_text: " ~ (pieces | length - 1) ~ " placeholders, " ~ (values | length) ~ " values"
        ) }}
    {%- endif -%}
    concat(
    {%- for piece in pieces -%}
        {{ text_literal(piece) }}
        {%- if not loop.last %}, cast({{ values[loop.index0] }} as string), {% endif -%}
    {%- endfor -%}
    )
{%- endmacro %}


{# The SQL expressions as one text, a null counting as empty (DuckDB's `concat`). #}
{% macro concat_text() -%}
    {{ return(adapter.dispatch('concat_text', 'market_snapshots')(varargs)) }}
{%- endmacro %}

{% macro duckdb__concat_text(values) -%}
    concat({{ values | join(', ') }})
{%- endmacro %}

{% macro spark__concat_text(values) -%}
    concat_ws(''
    {%- for value in values -%}
        , cast({{ value }} as string)
    {%- endfor -%}
    )
{%- endmacro %}


{# The SHA-256 of a text's UTF-8 bytes, 64 lowercase hex characters. #}
{% macro sha256_hex(expression) -%}
    {{ return(adapter.dispatch('sha256_hex', 'market_snapshots')(expression)) }}
{%- endmacro %}

{% macro duckdb__sha256_hex(expression) -%}
    sha256({{ expression }})
{%- endmacro %}

{% macro spark__sha256_hex(expression) -%}
    sha2({{ expression }}, 256)
{%- endmacro %}
