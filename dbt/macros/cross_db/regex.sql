{#
    Regular expressions. Both engines take the patterns written here (RE2 on DuckDB, Java on
    Spark: the same `\p{L}` classes, leftmost-first matching); what differs is how a pattern is
    written as a literal (Spark's literals treat a backslash as an escape: a raw literal keeps
    it), the flags, and which group regexp_extract_all returns.
#}

{# `pattern` (a Jinja string, no quote in it) as a string literal that keeps every backslash. #}
{% macro regex(pattern) -%}
    {{ return(adapter.dispatch('regex', 'market_snapshots')(pattern)) }}
{%- endmacro %}

{% macro duckdb__regex(pattern) -%}
    '{{ pattern }}'
{%- endmacro %}

{% macro spark__regex(pattern) -%}
    r'{{ pattern }}'
{%- endmacro %}


{# Every match of `pattern` (a Jinja string) in `text`, in order, as a list. #}
{% macro regexp_extract_all(text, pattern) -%}
    {{ return(adapter.dispatch('regexp_extract_all', 'market_snapshots')(text, pattern)) }}
{%- endmacro %}

{% macro duckdb__regexp_extract_all(text, pattern) -%}
    regexp_extract_all({{ text }}, {{ regex(pattern) }})
{%- endmacro %}

{% macro spark__regexp_extract_all(text, pattern) -%}
    regexp_extract_all({{ text }}, {{ regex(pattern) }}, 0)
{%- endmacro %}


{# True when `pattern` (a Jinja string) matches somewhere in `text`. #}
{% macro regexp_matches(text, pattern) -%}
    {{ return(adapter.dispatch('regexp_matches', 'market_snapshots')(text, pattern)) }}
{%- endmacro %}

{% macro duckdb__regexp_matches(text, pattern) -%}
    regexp_matches({{ text }}, {{ regex(pattern) }})
{%- endmacro %}

{% macro spark__regexp_matches(text, pattern) -%}
    ({{ text }} rlike {{ regex(pattern) }})
{%- endmacro %}


{#
    `text` without the first match of `pattern` (a Jinja string), letter case ignored with
    `ignore_case`. Only for anchored patterns (one match at most): Spark replaces every match.
#}
{% macro regexp_remove(text, pattern, ignore_case=false) -%}
    {{ return(adapter.dispatch('regexp_remove', 'market_snapshots')(text, pattern, ignore_case)) }}
{%- endmacro %}

{% macro duckdb__regexp_remove(text, pattern, ignore_case) -%}
    regexp_replace({{ text }}, {{ regex(pattern) }}, ''{{ ", 'i'" if ignore_case }})
{%- endmacro %}

{% macro spark__regexp_remove(text, pattern, ignore_case) -%}
    regexp_replace({{ text }}, {{ regex(('(?i)' if ignore_case else '') ~ pattern) }}, '')
{%- endmacro %}
