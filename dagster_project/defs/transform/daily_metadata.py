"""Metadata for the daily facts: row counts, the day's movers as Markdown tables and its
headlines as a Markdown list in the UI."""

from collections.abc import Iterable, Iterator
from typing import Any

import dagster as dg
import duckdb

from dagster_project.defs.metadata import (
    headline_items,
    markdown_escape,
    markdown_list,
    query_frame,
    query_markdown,
)
from dagster_project.settings import Settings


def _fact_metadata(
    con: duckdb.DuckDBPyConnection, table: str, dbt_vars: dict[str, str]
) -> dict[str, Any]:
    window = [dbt_vars["min_market_date"], dbt_vars["max_market_date"]]
    in_window = "market_date between cast(? as date) and cast(? as date)"
    rows = con.execute(f"select count(*) from marts.{table}").fetchall()[0][0]
    latest = con.execute(
        f"select max(market_date) from marts.{table} where {in_window}", window
    ).fetchall()[0][0]
    metadata: dict[str, Any] = {
        "dagster/row_count": rows,
        "window": f"{window[0]} … {window[1]}",
        "latest_market_date_in_window": str(latest) if latest else "none",
    }
    if latest is None:
        return metadata
    day = [latest]
    if table == "fct_daily_movers":
        for label, rank in (("top_gainers", "gainer_rank"), ("top_losers", "loser_rank")):
            metadata[label] = dg.MetadataValue.md(
                query_markdown(
                    con,
                    f"select {rank} as rank, symbol, sector, close_price, change, change_pct, "
                    "headline "
                    f"from marts.fct_daily_movers where market_date = ? and {rank} <= 5 "
                    f"order by {rank}",
                    day,
                )
            )
    elif table == "fct_index_changes":
        metadata["index_moves"] = dg.MetadataValue.md(
            query_markdown(
                con,
                "select index_code, level, change, change_pct, prev_level "
                "from marts.fct_index_changes where market_date = ? order by index_code",
                day,
            )
        )
    elif table in _HEADLINE_METADATA:
        metadata |= _HEADLINE_METADATA[table](con, latest)
    elif table == "fct_sector_daily":
        metadata["sectors"] = dg.MetadataValue.md(
            query_markdown(
                con,
                "select sector, symbol_count, advancers, decliners, unchanged, avg_change_pct "
                "from marts.fct_sector_daily where market_date = ? order by avg_change_pct desc",
                day,
            )
        )
    return metadata


def _headlines(con: duckdb.DuckDBPyConnection, day: object) -> dict[str, Any]:
    frame = query_frame(
        con,
        "select headline, headline_kind, section, news_source from marts.fct_headlines "
        "where market_date = ? order by is_daily_value desc, position, headline",
        [day],
    )
    return {"headlines": dg.MetadataValue.md(markdown_list(headline_items(frame)))}


def _links(con: duckdb.DuckDBPyConnection, day: object) -> dict[str, Any]:
    rows = con.execute(
        "select symbol, match_kind, matched_text, headline from marts.bridge_headline_symbol "
        "where market_date = ? order by symbol, headline",
        [day],
    ).fetchall()
    items = [
        f"**{markdown_escape(symbol)}** ({kind}: {markdown_escape(text)}): "
        f"{markdown_escape(headline)}"
        for symbol, kind, text, headline in rows
    ]
    return {"links": dg.MetadataValue.md(markdown_list(items))}


_HEADLINE_METADATA = {"fct_headlines": _headlines, "bridge_headline_symbol": _links}


def with_daily_metadata(
    events: Iterable[Any], *, settings: Settings, dbt_vars: dict[str, str], facts: dict[str, str]
) -> Iterator[Any]:
    """dbt's events, emitted once dbt has finished, with metadata added to the fact outputs.

    DuckDB lets one process use a file and dbt holds it while it runs, so the facts can be read
    only when dbt is done; the events are held until then and emitted in their original order
    (outputs must stay in dependency order). dbt's own log still streams live. ``facts`` maps
    the outputs that get metadata to their table (the daily fact tables, from dbt's tag).
    """
    held: list[Any] = []
    failure: Exception | None = None
    try:
        held.extend(events)
    except Exception as exc:  # dbt failed: still report what it did build, then fail
        failure = exc
    yield from _enrich(held, settings=settings, dbt_vars=dbt_vars, facts=facts)
    if failure is not None:
        raise failure


def _enrich(
    held: list[Any], *, settings: Settings, dbt_vars: dict[str, str], facts: dict[str, str]
) -> list[Any]:
    def is_fact(event: Any) -> bool:
        return isinstance(event, dg.Output) and event.output_name in facts

    if not any(is_fact(event) for event in held):
        return held
    try:
        con = duckdb.connect(str(settings.work_db), read_only=True)
    except duckdb.Error:
        return held
    try:
        return [
            event.with_metadata(
                {
                    **event.metadata,
                    **_fact_metadata(con, facts[event.output_name], dbt_vars),
                }
            )
            if is_fact(event)
            else event
            for event in held
        ]
    finally:
        con.close()
