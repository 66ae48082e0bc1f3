{{ config(**daily_fact_config()) }}

-- Which symbols and indices each headline names, precise before broad: a false link is worse
-- than none. Words are runs of letters and digits ("KSE-100" is "KSE 100"), compared whole and
-- case-sensitively. A headline names a symbol by
--   * its code (PRL, KSE100), unless the headline is written all in capitals;
--   * its company name without "The" and legal words (Hub Power, Pakistan Refinery), two words
--     or more, unless the headline is in title case (where every word looks like a name);
--   * an alias of psx_symbol_aliases (K-Electric, PTCL).
-- Words that two symbols claim name neither; a match inside a longer one is dropped (Fauji
-- Fertilizer Bin Qasim is FFBL, not FFC); refused aliases (PSX, POL, HBL PSL) drop every
-- match of their symbol inside them.
with

headlines as (
    select distinct
        market_date,
        headline_id,
        headline
    from {{ ref('fct_headlines') }}
    where {{ in_market_date_window('market_date') }}
),

symbols as (
    select * from {{ ref('dim_symbol') }}
),

index_codes as (
    select * from {{ ref('psx_index_codes') }}
),

aliases as (
    select * from {{ ref('psx_symbol_aliases') }}
),

names as (
    select
        symbol,
        false as is_index,
        symbol as symbol_name,
        'symbol' as match_kind
    from symbols

    union all

    select
        index_code as symbol,
        true as is_index,
        index_code as symbol_name,
        'symbol' as match_kind
    from index_codes

    union all

    select
        symbol,
        false as is_index,
        {{ regexp_remove(
            regexp_remove('company_name', '^The\s+'),
            '(\s+(Limited|Ltd\.?|Company|Co\.?|Corporation|Corp\.?|Inc\.?|PLC|'
            ~ '\(Pvt\.?\)|Pvt\.?))+\s*$',
            ignore_case=true
        ) }} as symbol_name,
        'company_name' as match_kind
    from symbols
    where company_name is not null

    union all

    select
        aliases.symbol,
        index_codes.index_code is not null as is_index,
        aliases.alias as symbol_name,
        case when aliases.is_refused then 'refused' else 'alias' end as match_kind
    from aliases
    left join index_codes
        on aliases.symbol = index_codes.index_code
),

name_words as (
    select
        *,
        {{ regexp_extract_all('symbol_name', '[\p{L}\p{N}]+') }} as words
    from names
),

name_keys as (
    select
        symbol,
        is_index,
        match_kind,
        words,
        {{ list_join('words', "' '") }} as name_key,
        {{ list_length('words') }} as word_count
    from name_words
    where {{ list_length('words') }} >= case match_kind when 'company_name' then 2 else 1 end
),

name_claims as (
    select
        *,
        {{ count_distinct_over('symbol', 'name_key') }} as name_symbol_count
    from name_keys
),

usable_names as (
    select
        symbol,
        is_index,
        match_kind,
        words,
        name_key,
        word_count
    from name_claims
    where name_symbol_count = 1
),

headline_words as (
    select
        *,
        {{ regexp_extract_all('headline', '[\p{L}\p{N}]+') }} as words,
        -- The headline cut into words and the runs between them, in order: word k is token
        -- 2k - 1 when the headline starts with a word, else token 2k.
        {{ regexp_extract_all('headline', '[\p{L}\p{N}]+|[^\p{L}\p{N}]+') }} as tokens,
        {{ regexp_matches('headline', '^[\p{L}\p{N}]') }} as starts_with_word,
        not {{ regexp_matches('headline', '\p{Ll}') }} as is_all_caps
    from headlines
),

headline_cases as (
    select
        *,
        -- Title case: two or more words of five letters or more, none of them lower-case.
        (
            not is_all_caps
            and {{ list_count_matching('words', '^\p{L}{5,}$') }} >= 2
            and {{ list_count_matching('words', '^\p{Ll}\p{L}{4,}$') }} = 0
        ) as is_title_case
    from headline_words
),

span_lengths as (
    select {{ unnest_range('1', 'max(word_count) + 1') }} as span_length
    from usable_names
),

spans as (
    select
        headline_cases.market_date,
        headline_cases.headline_id,
        headline_cases.headline,
        headline_cases.words,
        headline_cases.tokens,
        headline_cases.starts_with_word,
        headline_cases.is_all_caps,
        headline_cases.is_title_case,
        span_lengths.span_length,
        {{ unnest_range(
            '1', list_length('headline_cases.words') ~ ' - span_lengths.span_length + 2'
        ) }} as span_start
    from headline_cases
    cross join span_lengths
),

spans_keyed as (
    select
        *,
        {{ list_join(
            list_slice('words', 'span_start', 'span_start + span_length - 1'), "' '"
        ) }} as span_key
    from spans
),

matches as (
    select
        spans_keyed.market_date,
        spans_keyed.headline_id,
        spans_keyed.headline,
        spans_keyed.span_start,
        spans_keyed.span_length,
        spans_keyed.tokens,
        spans_keyed.starts_with_word,
        usable_names.symbol,
        usable_names.is_index,
        usable_names.match_kind
    from spans_keyed
    inner join usable_names
        on
            spans_keyed.span_length = usable_names.word_count
            and spans_keyed.span_key = usable_names.name_key
    where
        not (usable_names.match_kind = 'symbol' and spans_keyed.is_all_caps)
        and not (usable_names.match_kind = 'company_name' and spans_keyed.is_title_case)
),

kept as (
    select * from matches
    where
        match_kind != 'refused'
        and not exists (
            select 1
            from matches as covering
            where
                covering.market_date = matches.market_date
                and covering.headline_id = matches.headline_id
                and covering.span_start <= matches.span_start
                and covering.span_start + covering.span_length
                >= matches.span_start + matches.span_length
                and (
                    covering.span_length > matches.span_length
                    or (covering.match_kind = 'refused' and covering.symbol = matches.symbol)
                )
        )
),

ranked as (
    select
        *,
        row_number() over (
            partition by market_date, headline_id, symbol
            order by
                case match_kind when 'symbol' then 1 when 'company_name' then 2 else 3 end asc,
                span_start asc
        ) as link_rank
    from kept
),

final as (
    select
        market_date,
        headline_id,
        symbol,
        is_index,
        match_kind,
        -- The span's words and what separates them, as the headline writes them (a pattern
        -- built per row would be compiled per row: 18 s on ten years of headlines).
        {{ list_join(list_slice(
            'tokens',
            '2 * span_start - cast(starts_with_word as integer)',
            '2 * (span_start + span_length - 1) - cast(starts_with_word as integer)'
        ), "''") }} as matched_text,
        headline
    from ranked
    where link_rank = 1
)

select * from final
