"""The table ``make bench`` prints from a run's results."""

from __future__ import annotations

from typing import Any

# ---------------------------------------------------------------------------- report


def table(results: dict[str, Any]) -> str:
    rows: list[tuple[str, str, str]] = []
    if "normalise" in results:
        n = results["normalise"]
        figures = n["figures"]
        size = f"{n['data']['captures']:,} captures ({n['data']['bytes'] / 1e6:.0f} MB)"
        rows += [
            (
                f"1. normalise {size}",
                f"{figures['polars path']['median']:.2f} s: {n['captures_per_s']:,.0f} captures/s, "
                f"{n['mb_per_s']:.0f} MB/s, peak {n['peak_mb']:.0f} MB",
                "",
            ),
            (
                "   bare read",
                f"{figures['bare read']['median']:.2f} s",
                f"ratio {n['ratio_to_bare_read']:.1f}x (target <= 3x)",
            ),
            (
                "   pure-Python parser",
                f"{figures['pure-Python parser']['median']:.2f} s",
                f"polars {n['speedup_over_pure_python']:.1f}x faster (target >= 2x)",
            ),
        ]
    if "builds" in results:
        b = results["builds"]
        for label, day in b["incremental_day"].items():
            rows.append((f"2. one new day on {label}", f"{day['median']:.1f} s", ""))
        rows.append(
            ("   ratio largest / smallest", f"{b['incremental_ratio']:.2f}x", "target <= 1.5x")
        )
        for label, full in b["full_build"].items():
            noop = b["noop_rebuild"][label]
            rows.append(
                (
                    f"3. full build, {label} ({full['extra']['captures']:,} captures)",
                    f"{full['median']:.1f} s, peak {full['extra']['peak_mb']:.0f} MB",
                    f"no-op {noop['median']:.1f} s, parsed {noop['captures_parsed']}",
                )
            )
    if "queries" in results:
        for label, query in results["queries"].items():
            if label != "params":
                rows.append(
                    (
                        f"4. {label}",
                        f"{query['median_ms']:.1f} ms warm, {query['cold_ms']:.1f} ms cold",
                        "target < 50 ms",
                    )
                )
    if "overhead" in results:
        o = results["overhead"]
        rows.append(
            (
                "5. make build (sample) vs bare dbt build",
                f"{o['make_build']['median']:.1f} s vs {o['bare_dbt_build']['median']:.1f} s",
                f"{o['ratio']:.1f}x",
            )
        )
    if "workers" in results:
        w = results["workers"]["median"]
        for workers in ("1", "2"):
            rows.append(
                (
                    f"7. full build, normalise data set, MARKET_WORKERS={workers}",
                    f"{w[workers]['build_s']:.1f} s (normalise {w[workers]['normalise_s']:.1f} s)",
                    f"peak {w[workers]['peak_mb']:.0f} MB",
                )
            )
    width = max(len(row[0]) for row in rows) if rows else 0
    middle = max(len(row[1]) for row in rows) if rows else 0
    return "\n".join(f"{a:<{width}}  {b:<{middle}}  {c}".rstrip() for a, b, c in rows)
