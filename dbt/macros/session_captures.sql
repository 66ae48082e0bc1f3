{#
    A predicate on `int_captures_classified`: the captures a market date's session shows, the
    captures fct_headlines and the intraday marts are made of. They are the loaded capture of
    the market date and the superseded captures of its session whose time is known; replays and
    rejected captures never. With `timed_only`, the loaded capture too only when its time is
    known (the intraday marts place every capture at its `captured_at`).
#}
{% macro is_session_capture(timed_only=false) -%}
    status in ('loaded', 'superseded')
    and (captured_at is not null{% if not timed_only %} or status = 'loaded'{% endif %})
{%- endmacro %}
