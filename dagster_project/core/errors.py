"""Narrow exception classes raised by market-snapshots."""

from __future__ import annotations


class MarketSnapshotsError(Exception):
    """Base class of every error this project raises on purpose."""


class CaptureError(MarketSnapshotsError):
    """A capture cannot be used.

    Attributes:
        reason: Human-readable cause, e.g. "empty file" or "no ticker lines found".
        name: The capture's file name or path, when known.
    """

    def __init__(self, reason: str, *, name: str = "") -> None:
        self.reason = reason
        self.name = name
        super().__init__(f"{name}: {reason}" if name else reason)


class CaptureDecodeError(CaptureError):
    """The capture's bytes are not text we can decode without guessing."""


class CaptureChangedError(CaptureError):
    """A capture file's bytes changed between the inventory and the read."""


class ConfigError(MarketSnapshotsError):
    """A setting (environment variable or CLI option) is invalid."""


class WarehouseError(MarketSnapshotsError):
    """The working database or the published warehouse cannot be built as asked."""


class NoMarketDateError(WarehouseError):
    """The warehouse holds no market date yet: no capture was given, or none loaded."""


class ExportError(MarketSnapshotsError):
    """An export cannot be written where it was asked without deleting what it did not write."""


class BuildLockedError(MarketSnapshotsError):
    """Another build holds the state directory's lock."""


class LakeError(MarketSnapshotsError):
    """A lake file cannot be read or written (``core/lake/files.py``, ``core/lake/mirror.py``)."""
