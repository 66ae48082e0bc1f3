"""Test-session set-up: never touch the developer's warehouse or state directory; markers from
folders; the Hypothesis profiles."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hypothesis import HealthCheck, settings

if TYPE_CHECKING:
    from dagster_project.settings import Settings
    from tests.faults.builds import Reference

# The loopback page server fixture (`server`) of the fetch tests.
pytest_plugins = ["tests.page_server"]

_SESSION_ROOT = Path(tempfile.mkdtemp(prefix="market-snapshots-tests-"))
# Set before anything imports the Dagster definitions (they resolve the dbt target at import).
os.environ["MARKET_WAREHOUSE"] = str(_SESSION_ROOT / "warehouse" / "market.duckdb")
os.environ["MARKET_STATE_DIR"] = str(_SESSION_ROOT / "state")
os.environ.pop("MARKET_RAW_DIR", None)
os.environ.pop("DAGSTER_HOME", None)
# dbt's shared parse (core/build/dbt_parse.py) in this run's own cache, one for all xdist workers
# (not the developer's ~/.cache): the run's first build parses, every later new state dir copies it.
_RUN = os.environ.get("PYTEST_XDIST_TESTRUNUID")
os.environ["XDG_CACHE_HOME"] = str(
    Path(tempfile.gettempdir()) / f"market-snapshots-tests-{_RUN}" / "cache"
    if _RUN
    else _SESSION_ROOT / "cache"
)


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The shipped sample built once for the run by ``market-snapshots build``: read it; a test
    that changes a build works on ``tests.builds.copy_build`` of it."""
    from tests.builds import cli_sample_build, made_once, run_dir, sample_settings

    return sample_settings(made_once(run_dir(tmp_path_factory), "sample", cli_sample_build))


@pytest.fixture(scope="session")
def synthetic_build(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The synthetic corpus (``tests.builds.synthetic_raw``) built once for the run, in process
    as ``make build`` runs it: read it; a test that changes it works on a copy."""
    from tests.builds import made_once, run_dir, synthetic_build, synthetic_settings

    root = made_once(run_dir(tmp_path_factory), "synthetic", synthetic_build)
    return synthetic_settings(root)


@pytest.fixture(scope="session")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Reference:
    """The hostile raw dir built once for the run (the fault and the BI tests read it)."""
    from tests.builds import made_once, run_dir
    from tests.faults.builds import make_reference, read_reference

    return read_reference(made_once(run_dir(tmp_path_factory), "reference", make_reference))


# Hypothesis: `dev` (the default, `make test-fast`) runs a tenth of the examples `ci` (`make
# test`) runs; a property test asks for its `ci` budget with `tests.strategies.examples(n)`.
settings.register_profile("ci", max_examples=100, deadline=None)
settings.register_profile(
    "dev", max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

# What a test needs, from the folder it lives in (so that the markers cannot go stale):
# `e2e` = a real build (a CLI build, a Dagster run of the graph, dbt); `browser` = Chromium;
# `bi` = a BI client's own environment; `spark` = Java and the spark extra.
_TESTS = Path(__file__).parent
FOLDER_MARKERS = {
    "e2e": ("e2e",),
    "faults": ("e2e",),
    "bi": ("e2e", "bi"),
    "browser": ("e2e", "browser"),
    "ui": ("e2e", "browser"),
    "spark": ("e2e", "spark"),
}


#: The folders whose files take longest, slowest first: they run first, so that the two
#: pytest-xdist workers finish together (`make test` passes `--no-loadscope-reorder`, so xdist
#: hands out whole files in this order; by default it would start with the files holding the
#: most tests, the quick unit tests, and leave the Spark build for last).
SLOW_FIRST = ("spark", "ui", "faults", "e2e", "browser", "bi")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        folder = item.path.relative_to(_TESTS).parts[0]
        for marker in FOLDER_MARKERS.get(folder, ()):
            item.add_marker(marker)

    def rank(item: pytest.Item) -> int:
        folder = item.path.relative_to(_TESTS).parts[0]
        return SLOW_FIRST.index(folder) if folder in SLOW_FIRST else len(SLOW_FIRST)

    items.sort(key=rank)  # stable: each file keeps its tests in their order
