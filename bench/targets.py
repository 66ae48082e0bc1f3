"""Issue 10's targets, as one table from a bench run's results (``make bench`` prints it last)."""

from __future__ import annotations

from typing import Any

Row = tuple[str, str, str, str]


def _largest(figures: dict[str, Any]) -> tuple[str, Any]:
    label = list(figures)[-1]
    return label, figures[label]


def _held(ok: bool) -> str:
    return "yes" if ok else "NO"


def _build_rows(builds: dict[str, Any]) -> list[Row]:
    rows: list[Row] = []
    label, noop = _largest(builds["noop_rebuild"])
    rows.append(
        (f"no-op build, {label}", f"{noop['median']:.2f} s", "<= 5 s", _held(noop["median"] <= 5))
    )
    label, full = _largest(builds["full_build"])
    rows.append(
        (f"full build, {label}", f"{full['median']:.1f} s", "<= 60 s", _held(full["median"] <= 60))
    )
    days = builds["incremental_day"]
    small, *_, large = list(days)
    ratio, day = builds["incremental_ratio"], days[large]["median"]
    rows.append(
        (
            f"one new day on {large} vs on {small}",
            f"{ratio:.2f}x ({day:.1f} s vs {days[small]['median']:.1f} s)",
            "<= 1.2x and <= 10 s",
            _held(ratio <= 1.2 and day <= 10),
        )
    )
    return rows


def _overhead_rows(overhead: dict[str, Any]) -> list[Row]:
    rows: list[Row] = []
    bare = overhead["bare_dbt_build"]["median"]
    if "noop_make_build" in overhead:
        noop = overhead["noop_make_build"]["median"]
        rows.append(
            (
                "no-op make build, sample",
                f"{noop:.2f} s, {noop / bare:.2f}x bare dbt build ({bare:.1f} s)",
                "<= 3 s and <= 0.3x",
                _held(noop <= 3 and noop / bare <= 0.3),
            )
        )
    rows.append(
        (
            "make build of the sample from scratch vs bare dbt build",
            f"{overhead['ratio']:.2f}x ({overhead['make_build']['median']:.1f} s vs {bare:.1f} s)",
            "<= 2x",
            _held(overhead["ratio"] <= 2),
        )
    )
    return rows


def target_rows(results: dict[str, Any]) -> list[Row]:
    """(figure, measured, target, held) for every issue-10 figure this run measured."""
    rows: list[Row] = []
    if "overhead" in results:
        rows += _overhead_rows(results["overhead"])
    if "builds" in results:
        rows += _build_rows(results["builds"])
    if "normalise" in results:
        ratio = results["normalise"]["ratio_to_bare_read"]
        rows.append(("normalise vs bare read", f"{ratio:.1f}x", "<= 3x", _held(ratio <= 3)))
    if "soak" in results:
        soak = results["soak"]
        rows.append(
            (
                f"soak: {soak['builds']} builds on a busy machine",
                f"{len(soak['differences'])} differences from a clean build",
                "0",
                _held(not soak["differences"]),
            )
        )
    return rows


def target_table(results: dict[str, Any]) -> str:
    """The rows of :func:`target_rows` as a Markdown table."""
    rows = target_rows(results)
    if not rows:
        return ""
    lines = ["| figure | measured | target | holds |", "| --- | --- | --- | --- |"]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    return "\n".join(lines)
