"""Dagster's SQLite event log, a batch of asset events at a time (see the package's docstring).

Dagster records one materialisation per partition of a run. A ten-year rebuild of the daily facts
is about 2,500 partitions of each fact, and the stock SQLite event log opens a new engine and
commits two transactions for every one of those events (minutes a build). Dagster batches such
events when ``DAGSTER_EVENT_BATCH_SIZE`` is set, but its SQLite storage then stores them one by one
all the same. :class:`BatchedSqliteEventLogStorage` writes a batch as one multi-row insert on the
run's shard and one transaction on the index shard, with the same rows as event by event, and
records one "planned" event per asset and run with its partition range instead of one per
partition. ``market-snapshots build`` and ``make dev`` configure it in the ``dagster.yaml`` they
write (``storage: custom:``, see ``cli/build.py``); the files stay ordinary Dagster SQLite storage,
readable by a stock instance.
"""

import json
import os
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from dagster._core.events import ASSET_EVENTS
from dagster._core.events.log import EventLogEntry
from dagster._core.storage.event_log import SqliteEventLogStorage
from dagster._core.storage.event_log.schema import SqlEventLogStorageTable
from dagster._core.storage.sql import create_engine
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from dagster._core.storage.sqlite_storage import DagsterSqliteStorage, _event_logs_directory
from dagster._serdes import ConfigurableClassData
from sqlalchemy import event as sqlalchemy_event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import QueuePool

#: Shard engines kept per process (the index shard and the most recent runs').
_ENGINES_KEPT = 16


def _batchable(events: Sequence[EventLogEntry]) -> bool:
    """True when every event is an asset event of one run (what Dagster batches)."""
    return len({event.run_id for event in events}) == 1 and all(
        event.is_dagster_event and event.dagster_event_type in ASSET_EVENTS for event in events
    )


def _last_of_each_kind(
    events: Sequence[EventLogEntry], event_ids: Sequence[int]
) -> list[tuple[EventLogEntry, int]]:
    """The last event of each asset and event type, in the order of the batch.

    An asset's latest-event entry is overwritten by every event, and each event type sets the
    same columns, so writing these few events leaves the entry as writing all of them would.
    """
    last: dict[tuple[str, str], tuple[int, EventLogEntry, int]] = {}
    for position, (event, event_id) in enumerate(zip(events, event_ids, strict=True)):
        dagster_event = event.get_dagster_event()
        key = (str(dagster_event.asset_key), dagster_event.event_type_value)
        last[key] = (position, event, event_id)
    return [(event, event_id) for _, event, event_id in sorted(last.values(), key=lambda x: x[0])]


def _commit_without_fsync(dbapi_connection: Any, _record: Any) -> None:
    """``synchronous=NORMAL``: in the index shard's WAL mode a commit no longer waits for the
    disk (the run shards, in rollback mode, wait less often). A killed process loses nothing
    committed; a power cut may lose the last events but corrupts nothing: run history, not data.
    A build of the sample spent about a third less time storing its events (profiled)."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class BatchedSqliteEventLogStorage(SqliteEventLogStorage):
    """The stock SQLite event log; a batch of asset events is one transaction per shard.

    Each shard's engine is also kept (the stock storage builds and disposes of one for every
    connection, about 10 ms per event), with its one SQLite connection open between uses: opening
    a connection and its WAL costs about 1 ms, and a build stores some 900 events of two
    connections each. The parent's lock already makes every use of a connection exclusive; a
    forked child drops the engines it inherited rather than share their connections.
    """

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None):
        # Before the parent's __init__: on a new folder it creates index.db through _connect.
        self._engines: OrderedDict[str, Engine] = OrderedDict()
        self._engines_pid = os.getpid()
        self._tables_found: set[str] = set()
        super().__init__(base_dir, inst_data=inst_data)

    def _engine(self, shard: str) -> Engine:
        if self._engines_pid != os.getpid():  # forked: the connections belong to the parent
            self._engines = OrderedDict()
            self._engines_pid = os.getpid()
        kept = self._engines.pop(shard, None)
        if kept is not None:
            return kept
        engine = create_engine(
            self.conn_string_for_shard(shard),
            poolclass=QueuePool,
            pool_size=1,
            max_overflow=1,
            # The lock, not the thread, keeps a connection to one user at a time.
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
        )
        sqlalchemy_event.listen(engine, "connect", _commit_without_fsync)
        return engine

    def has_table(self, table_name: str) -> bool:
        """Whether the index shard has the table; the stock storage asks a new engine every time
        (several times an event), and a table once there stays."""
        if table_name in self._tables_found:
            return True
        found = super().has_table(table_name)
        if found:
            self._tables_found.add(table_name)
        return found

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        with self._db_lock:
            engine = self._engine(shard)
            self._engines[shard] = engine  # most recently used last
            while len(self._engines) > _ENGINES_KEPT:
                self._engines.popitem(last=False)[1].dispose()
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            with engine.connect() as conn, conn.begin():
                yield conn

    def dispose(self) -> None:
        super().dispose()
        while self._engines:
            self._engines.popitem()[1].dispose()

    @classmethod
    def from_config_value(  # type: ignore[override]
        cls, inst_data: ConfigurableClassData | None, config_value: dict[str, Any]
    ) -> "BatchedSqliteEventLogStorage":
        return cls(inst_data=inst_data, **config_value)

    def store_event_batch(self, events: Sequence[EventLogEntry]) -> None:
        if not _batchable(events):
            for event in events:
                self.store_event(event)
            return
        rows = [self._event_to_row(event) for event in events]
        with self.run_connection(events[0].run_id) as conn:
            conn.execute(SqlEventLogStorageTable.insert(), rows)
        # As store_event does for each asset event: mirror it in the cross-run index shard, then
        # its tags and the asset's latest-event entry.
        insert = SqlEventLogStorageTable.insert().returning(
            SqlEventLogStorageTable.c.id, sort_by_parameter_order=True
        )
        with self.index_transaction() as conn:
            event_ids = [row[0] for row in conn.execute(insert, rows)]
            self._store_asset_event_tags(conn, list(events), event_ids)
            for event, event_id in _last_of_each_kind(events, event_ids):
                self._store_asset_event(conn, event, event_id)

    @property
    def supports_partition_subset_in_asset_materialization_planned_events(self) -> bool:
        """One planned event per asset with the run's partition range, not one per partition.

        The UI still shows the run's partitions as in progress and, once done, materialised; a
        failed run's partitions are shown as not materialised rather than as failed.
        """
        return True


class BatchedSqliteStorage(DagsterSqliteStorage):
    """``DagsterSqliteStorage`` with :class:`BatchedSqliteEventLogStorage` as its event log."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None):
        super().__init__(base_dir, inst_data=inst_data)
        self._event_log_storage = BatchedSqliteEventLogStorage(_event_logs_directory(base_dir))

    @classmethod
    def from_config_value(  # type: ignore[override]
        cls, inst_data: ConfigurableClassData, config_value: dict[str, Any]
    ) -> "BatchedSqliteStorage":
        return cls.from_local(inst_data=inst_data, **config_value)

    @property
    def event_storage_data(self) -> ConfigurableClassData | None:
        return ConfigurableClassData(
            __name__,
            BatchedSqliteEventLogStorage.__name__,
            json.dumps({"base_dir": _event_logs_directory(self.base_dir)}),
        )
