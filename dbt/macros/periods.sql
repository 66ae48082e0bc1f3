{#
    Periods of market dates: a Monday-based `week`, a `month`, a `quarter` and a `year`. The
    period facts (fct_period_movers, fct_index_period_changes) are incremental on the periods a
    run's market-date window touches: the pre-hook clears those periods (DuckDB: a delete;
    Spark: their (period_kind, period_start) partitions are dropped) and the model writes them
    again from every close they hold, inside the window or not.
#}
{% macro period_kinds() -%}
    {{ return(['week', 'month', 'quarter', 'year']) }}
{%- endmacro %}


{# The first day of the `kind` period (a literal) that holds `date`. #}
{% macro period_start(kind, date) -%}
    {{ return(adapter.dispatch('period_start', 'market_snapshots')(kind, date)) }}
{%- endmacro %}

{% macro duckdb__period_start(kind, date) -%}
    cast(date_trunc('{{ kind }}', {{ date }}) as date)
{%- endmacro %}

{% macro spark__period_start(kind, date) -%}
    trunc({{ date }}, '{{ kind }}')
{%- endmacro %}


{# The last day of the `kind` period (a literal) that starts on `start`. #}
{% macro period_end(kind, start) -%}
    {{ return(adapter.dispatch('period_end', 'market_snapshots')(kind, start)) }}
{%- endmacro %}

{% macro duckdb__period_end(kind, start) -%}
    {%- set length = {'week': '7 day', 'month': '1 month', 'quarter': '3 month', 'year': '1 year'}[kind] -%}
    cast({{ start }} + interval {{ length }} - interval 1 day as date)
{%- endmacro %}

{% macro spark__period_end(kind, start) -%}
    {%- if kind == 'week' -%}
        date_add({{ start }}, 6)
    {%- else -%}
        date_sub(add_months({{ start }}, {{ {'month': 1, 'quarter': 3, 'year': 12}[kind] }}), 1)
    {%- endif -%}
{%- endmacro %}


{#
    The periods the run's window touches: one row per (period_kind, period_start, period_end)
    whose start lies between the starts of the periods holding the window's first and last day
    (every period of `sessions` without a window). The same periods the pre-hook clears: a
    window ending on a Sunday 2 February clears and writes again February, though it holds no
    session of February.
#}
{% macro touched_periods(sessions) -%}
    {%- set bounds = market_date_window_bounds() -%}
    {%- for kind in period_kinds() %}
    select distinct
        '{{ kind }}' as period_kind,
        {{ period_start(kind, 'session_date') }} as period_start,
        {{ period_end(kind, period_start(kind, 'session_date')) }} as period_end
    from {{ sessions }}
    {%- if bounds is not none %}
    where {{ period_start(kind, 'session_date') }} between
        {{ period_start(kind, "date '" ~ bounds[0] ~ "'") }}
        and {{ period_start(kind, "date '" ~ bounds[1] ~ "'") }}
    {%- endif %}
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}
{%- endmacro %}


{# The config of a period fact: `{{ config(**period_fact_config()) }}` at the top of its file. #}
{% macro period_fact_config() -%}
    {%- set on_spark = target.type == 'spark' -%}
    {{ return({
        'materialized': 'incremental',
        'incremental_strategy': 'insert_overwrite' if on_spark else 'append',
        'partition_by': ['period_kind', 'period_start'] if on_spark else '',
        'on_schema_change': 'fail',
        'tags': ['daily'],
        'pre_hook': '{{ delete_period_window() }}',
    }) }}
{%- endmacro %}


{% macro delete_period_window() -%}
    {%- if is_incremental() -%}
        {{ return(adapter.dispatch('delete_period_window', 'market_snapshots')()) }}
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}

{% macro duckdb__delete_period_window() -%}
    {%- set bounds = market_date_window_bounds() -%}
    {%- if bounds is none -%}
        delete from {{ this }}
    {%- else -%}
        delete from {{ this }} where
        {%- for kind in period_kinds() %}
            (period_kind = '{{ kind }}' and period_start between
                {{ period_start(kind, "date '" ~ bounds[0] ~ "'") }}
                and {{ period_start(kind, "date '" ~ bounds[1] ~ "'") }})
            {% if not loop.last %}or{% endif %}
        {%- endfor %}
    {%- endif -%}
{%- endmacro %}

{% macro spark__delete_period_window() -%}
    {%- set bounds = market_date_window_bounds() -%}
    {%- set dropped = [] -%}
    {%- for row in run_query('show partitions ' ~ this) -%}
        {%- set parts = {} -%}
        {%- for part in row[0].split('/') -%}
            {%- do parts.update({part.split('=', 1)[0]: part.split('=', 1)[1]}) -%}
        {%- endfor -%}
        {%- set kind, start = parts['period_kind'], parts['period_start'] -%}
        {%- if bounds is none or period_touched(kind, start, bounds) -%}
            {%- do dropped.append(
                "partition (period_kind = '" ~ kind ~ "', period_start = '" ~ start ~ "')"
            ) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if dropped -%}
        alter table {{ this }} drop if exists {{ dropped | join(', ') }}
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}


{# Whether the `kind` period starting on `start` (ISO text) holds a date of `bounds`. #}
{% macro period_touched(kind, start, bounds) -%}
    {%- set first = modules.datetime.date.fromisoformat(bounds[0]) -%}
    {%- set last = modules.datetime.date.fromisoformat(bounds[1]) -%}
    {%- set begin = modules.datetime.date.fromisoformat(start) -%}
    {%- if kind == 'week' -%}
        {%- set first_start = first - modules.datetime.timedelta(days=first.weekday()) -%}
        {%- set last_start = last - modules.datetime.timedelta(days=last.weekday()) -%}
    {%- elif kind == 'month' -%}
        {%- set first_start = first.replace(day=1) -%}
        {%- set last_start = last.replace(day=1) -%}
    {%- elif kind == 'quarter' -%}
        {%- set first_start = first.replace(month=((first.month - 1) // 3) * 3 + 1, day=1) -%}
        {%- set last_start = last.replace(month=((last.month - 1) // 3) * 3 + 1, day=1) -%}
    {%- else -%}
        {%- set first_start = first.replace(month=1, day=1) -%}
        {%- set last_start = last.replace(month=1, day=1) -%}
    {%- endif -%}
    {{ return(first_start <= begin <= last_start) }}
{%- endmacro %}
