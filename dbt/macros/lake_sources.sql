{#
    on-run-start: the sources `landing` and `normalised` as tables over the lake's Parquet files
    ($MARKET_LAKE, default $MARKET_STATE_DIR/lake), on Spark. On DuckDB the Python side makes
    them (tables of the working database that mirror the files): nothing to do.

    The lake holds `<lake>/<table>/capture_date=YYYY-MM-DD/data.parquet` for each table of the
    `normalised` source (Hive-partitioned: capture_date is in the path only) and
    `<lake>/capture_files/data.parquet` for landing's. Each run drops and recreates the tables
    (external tables: dropping one leaves its files alone) with the columns and types of the
    sources' YAML, then registers the partitions found on disk: the metastore then matches the
    lake however the Python side changed it since the last run (new capture dates, a table
    that had no file yet), and a table without any file is an empty table, not an error
    (Spark cannot infer the schema of no file).
#}
{% macro create_lake_sources() -%}
    {{ return(adapter.dispatch('create_lake_sources', 'market_snapshots')()) }}
{%- endmacro %}

{% macro duckdb__create_lake_sources() -%}
{%- endmacro %}

{% macro spark__create_lake_sources() -%}
    {%- if execute -%}
        {%- set lake = env_var('MARKET_LAKE', '') or env_var('MARKET_STATE_DIR') ~ '/lake' -%}
        {%- for node in graph.sources.values() | sort(attribute='unique_id') -%}
            {%- set partition_column = node.meta.get('lake_partition_column') -%}
            {%- set relation = node.schema ~ '.' ~ node.name -%}
            {%- set columns = [] -%}
            {%- for column in node.columns.values() -%}
                {%- if not column.data_type -%}
                    {{ exceptions.raise_compiler_error(
                        "source " ~ relation ~ ": column " ~ column.name ~ " has no data_type"
                    ) }}
                {%- endif -%}
                {%- do columns.append(column.name ~ ' ' ~ spark_type(column.data_type)) -%}
            {%- endfor -%}
            {%- if partition_column -%}
                {%- do columns.append(partition_column ~ ' date') -%}
            {%- endif -%}
            {%- do run_query('create database if not exists ' ~ node.schema) -%}
            {%- do run_query('drop table if exists ' ~ relation) -%}
            {%- call statement('create_lake_source') -%}
                create table {{ relation }} ({{ columns | join(', ') }})
                using parquet
                {% if partition_column -%} partitioned by ({{ partition_column }}) {%- endif %}
                location '{{ lake }}/{{ node.name }}'
            {%- endcall -%}
            {%- if partition_column -%}
                {%- do run_query('alter table ' ~ relation ~ ' recover partitions') -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}
