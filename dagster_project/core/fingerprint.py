"""A fingerprint of the code and reference data that normalised rows depend on.

Normalised rows are cached per capture; when the grammar, the decoder or the holiday seed changes,
the fingerprint changes and every capture is normalised again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path


def files_fingerprint(paths: Iterable[Path]) -> str:
    """A short hash of the given files' names and bytes."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
