{#
    What a capture's values are, from its `session_phase` (`int_captures_phased`): written once
    for every fact that says whether its values are the session's close.
#}

{# `close`, `intraday`, `pre_open` or `unknown_time` (the `value_kind` doc block). #}
{% macro value_kind(session_phase) -%}
    case {{ session_phase }}
        when 'post_close' then 'close'
        when 'open' then 'intraday'
        when 'pre_open' then 'pre_open'
        else 'unknown_time'
    end
{%- endmacro %}


{# True when the capture was taken after the session's close; false when its time is unknown. #}
{% macro is_post_close(session_phase) -%}
    coalesce({{ session_phase }} = 'post_close', false)
{%- endmacro %}
