"""The declaration of a setting, on a small dataclass of its own."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from dagster_project.core.errors import ConfigError
from dagster_project.settings_checks import at_least, memory_size, not_before, one_of
from dagster_project.settings_spec import (
    TABLE_HEADER,
    declarations,
    setting,
    table_rows,
    two_words,
)


@dataclasses.dataclass(frozen=True, kw_only=True)
class Example:
    home: Path = setting(
        Path("/srv"), env="EX_HOME", help="where", shown_default="`/srv`", option=True
    )
    cache: Path = setting(
        env="EX_CACHE",
        help="the cache",
        details=" (a folder)",
        shown_default="`cache/` in the home",
        derive=lambda resolved: resolved["home"] / "cache",
        resource=True,
    )
    count: int = setting(3, env="EX_COUNT", help="how many", check=at_least(1), resource=True)
    on: bool = setting(True, env="EX_ON", help="running?", **two_words("running", "stopped"))
    since: dt.date = setting(dt.date(2020, 1, 1), env="EX_SINCE", help="from", resource=True)
    plain: str = "not a setting"


def test_the_declarations_are_the_setting_fields_in_order() -> None:
    declared = declarations(Example)
    assert [(item.name, item.kind, item.env) for item in declared] == [
        ("home", Path, "EX_HOME"),
        ("cache", Path, "EX_CACHE"),
        ("count", int, "EX_COUNT"),
        ("on", bool, "EX_ON"),
        ("since", dt.date, "EX_SINCE"),
    ]
    home, cache, count, on, since = declared
    assert home.option == "--home"
    assert cache.resolve(None, {"home": Path("/srv")}) == Path("/srv/cache")
    assert count.resolve("", {}) == 3
    assert (count.parse("7"), on.parse(" Stopped "), since.parse("2021-02-03")) == (
        7,
        False,
        dt.date(2021, 2, 3),
    )
    assert (on.show(False), since.show(dt.date(2021, 2, 3))) == ("stopped", "2021-02-03")
    with pytest.raises(ConfigError, match="EX_COUNT must be at least 1, got 0"):
        count.resolve(0, {})
    with pytest.raises(ConfigError, match="EX_COUNT must be an integer, got 'x'"):
        count.parse("x")
    with pytest.raises(ConfigError, match="EX_ON must be running or stopped, got 'on'"):
        on.parse("on")


def test_the_resource_form_of_each_type() -> None:
    _, cache, count, on, since = declarations(Example)
    assert (cache.resource_type, count.resource_type, on.resource_type) == (str, int, int)
    assert (cache.resource_default, count.resource_default, since.resource_default) == (
        "",
        3,
        "2020-01-01",
    )
    assert (on.to_resource(True), on.from_resource(0)) == (1, False)
    assert since.to_resource(dt.date(2021, 2, 3)) == "2021-02-03"
    assert (since.from_resource(""), since.from_resource("2021-02-03")) == (
        None,
        dt.date(2021, 2, 3),
    )


def test_the_table_has_one_row_a_setting() -> None:
    rows = table_rows(declarations(Example))
    assert rows[:2] == list(TABLE_HEADER)
    assert rows[2] == "| `EX_HOME` | `/srv` | `--home` |  | where |"
    assert rows[3] == "| `EX_CACHE` | `cache/` in the home |  | `cache` | the cache (a folder) |"
    assert rows[4] == "| `EX_COUNT` | `3` |  | `count` | how many |"


def test_checks_name_the_variable() -> None:
    assert not_before(dt.date(2000, 1, 1))("V", dt.date(1999, 1, 1), {}) == (
        "V must be 2000-01-01 or later, got 1999-01-01"
    )
    assert one_of(("a", "b"))("V", "c", {}) == "V must be one of a, b, got 'c'"
    assert one_of(("a", "b"))("V", "a", {}) is None


def test_a_type_without_a_text_form_is_refused() -> None:
    @dataclasses.dataclass(frozen=True)
    class Odd:
        ratio: float = setting(0.5, env="EX_RATIO", help="a float")

    with pytest.raises(TypeError, match="setting ratio: a <class 'float'> needs its parse"):
        declarations(Odd)

    @dataclasses.dataclass(frozen=True)
    class Underived:
        path: Path = setting(env="EX_PATH", help="a path")

    with pytest.raises(TypeError, match="setting path: neither a default nor a derive"):
        declarations(Underived)


@pytest.mark.parametrize("text", ["2GB", "512MB", "1.5GiB", "800 mb", "4TB"])
def test_a_memory_size_duckdb_takes_passes(text: str) -> None:
    assert memory_size("MARKET_DUCKDB_MEMORY_LIMIT", text, {}) is None


@pytest.mark.parametrize("text", ["2", "lots", "80%", "2 GB free", "-1GB"])
def test_any_other_memory_size_is_a_problem_naming_the_variable(text: str) -> None:
    problem = memory_size("MARKET_DUCKDB_MEMORY_LIMIT", text, {})
    assert (
        problem == f"MARKET_DUCKDB_MEMORY_LIMIT must be a size such as 2GB or 512MB, got {text!r}"
    )
