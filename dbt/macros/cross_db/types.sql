{#
    Type names for casts. The models speak DuckDB's types; Spark has no bare `varchar` (it needs
    a length) and its `timestamp` is an instant, as DuckDB's `timestamptz` is (our timestamps are
    UTC; the session time zone is UTC too).
#}

{% macro type_string() -%}
    {{ return(adapter.dispatch('type_string', 'market_snapshots')()) }}
{%- endmacro %}

{% macro duckdb__type_string() -%}
    varchar
{%- endmacro %}

{% macro spark__type_string() -%}
    string
{%- endmacro %}


{% macro type_timestamptz() -%}
    {{ return(adapter.dispatch('type_timestamptz', 'market_snapshots')()) }}
{%- endmacro %}

{% macro duckdb__type_timestamptz() -%}
    timestamptz
{%- endmacro %}

{% macro spark__type_timestamptz() -%}
    timestamp
{%- endmacro %}


{# A type name of DuckDB's vocabulary (the seeds' column_types, the sources' data_type) in Spark's. #}
{% macro spark_type(data_type) -%}
    {%- set name = data_type | trim | lower -%}
    {%- set renamed = {'varchar': 'string', 'text': 'string', 'timestamptz': 'timestamp',
        'timestamp with time zone': 'timestamp', 'integer': 'int'} -%}
    {{ return(renamed.get(name, name)) }}
{%- endmacro %}
