"""One reference build of the hostile raw dir, shared by the fault tests (and the BI tests)."""

from __future__ import annotations

import pytest

from tests.faults.builds import Reference, reference_build


@pytest.fixture(scope="session")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Reference:
    return reference_build(tmp_path_factory)
