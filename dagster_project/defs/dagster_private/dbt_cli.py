"""dagster-dbt's CLI resource without the start-up costs of each dbt run (package docstring).

dagster-dbt (0.29) runs every dbt command in a subprocess, after a ``dbt --version`` subprocess
and an in-process dbt adapter. :class:`MarketDbtCliResource` drops the latter two, and
:meth:`MarketDbtCliResource.invoke` can run dbt in this process instead (dbt's programmatic
runner, ``dbtRunner``, on a thread), where dbt is already imported by dagster-dbt: each run then
saves the start of a Python process that imports dbt again (the figures are in
``docs/performance.md``). dagster-dbt's own :class:`DbtCliInvocation` reads the events, exactly
as it reads a subprocess's JSON lines; :class:`InProcessDbt` is the process it reads them from.
"""

from __future__ import annotations

import os
import queue
import shutil
import threading
from collections.abc import Iterator, Sequence
from functools import cached_property
from importlib import metadata
from pathlib import Path
from typing import Any

import orjson
from dagster import AssetExecutionContext, OpExecutionContext
from dagster_dbt import DagsterDbtTranslator, DbtCliInvocation, DbtCliResource
from dagster_dbt.asset_utils import (
    extract_runtime_selection_from_args,
    get_updated_cli_invocation_params_for_context,
)
from packaging import version


class _EventLines:
    """dbt's events as the JSON lines its CLI prints (``--log-format json``), for dagster-dbt.

    Iterating blocks until dbt fires the next event and ends when dbt has finished.
    """

    def __init__(self) -> None:
        self._lines: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self.closed = False

    def put(self, line: bytes | None) -> None:
        self._lines.put(line)

    def __iter__(self) -> Iterator[bytes]:
        while (line := self._lines.get()) is not None:
            yield line

    def __enter__(self) -> _EventLines:
        return self

    def __exit__(self, *exc: object) -> None:
        self.closed = True


def _error_line(message: str) -> bytes:
    """An error event as dbt's CLI prints one (dagster-dbt collects their messages)."""
    info = {"name": "MainEncounteredError", "level": "error", "msg": message}
    return orjson.dumps({"info": info, "data": {}})


def _close_duckdb() -> None:
    """Close the working database that dbt-duckdb keeps open in this process after a run.

    dbt-duckdb holds one DuckDB instance per process between runs (private class state); left
    open, this process could not open the file read-only, nor could another process open it.
    """
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    with DuckDBConnectionManager._LOCK:
        environment = DuckDBConnectionManager._ENV
        if environment is not None:
            environment.close()
        DuckDBConnectionManager._ENV = None


#: The partial-parse file read in this process (by path and modification time): its bytes and
#: the environment variables it was parsed with.
_PARSES: dict[tuple[Path, int], tuple[bytes, dict[str, str]]] = {}


def preparsed(parse: Path | None) -> Any | None:
    """dbt's manifest from ``parse`` (a ``partial_parse.msgpack`` of the running project's files,
    ``core/build/dbt_parse.shared_parse``), for dbt to run without parsing; None to let dbt parse.

    dbt would not reuse such a file in a new state dir (its check hashes the profile, and the
    working database's path differs per state dir), yet nothing in the manifest depends on that
    path: the database is named after the file, ``work``, in every state dir. What does matter is
    checked as dbt checks it: the adapter (DuckDB), and the environment variables the project
    read while parsing (their values now must be those of the parse). A new manifest each call:
    dbt changes the one it runs (compiled nodes, injected ephemeral CTEs), so a second run must
    not start from it.
    """
    if parse is None:
        return None
    try:
        from dbt.contracts.graph.manifest import Manifest
        from dbt.parser.manifest import extended_mashumuro_decoder

        key = (parse, parse.stat().st_mtime_ns)
        if key not in _PARSES:
            data = parse.read_bytes()
            first = Manifest.from_msgpack(data, decoder=extended_mashumuro_decoder)
            _PARSES.clear()
            _PARSES[key] = (data, dict(first.env_vars))
        data, parsed_with = _PARSES[key]
        manifest = Manifest.from_msgpack(data, decoder=extended_mashumuro_decoder)
    except Exception:
        return None
    if manifest.metadata.adapter_type != "duckdb" or any(
        os.environ.get(name) != value for name, value in parsed_with.items()
    ):
        return None
    manifest.build_flat_graph()  # type: ignore[no-untyped-call]
    return manifest


def seed_partial_parse(parse: Path | None, target_path: Path) -> None:
    """Copy ``parse`` into ``target_path`` when it has no partial-parse file, as dagster-dbt
    does for a subprocess: a dbt that must parse itself then parses only what changed."""
    if parse is None or (target_path / parse.name).exists():
        return
    target_path.mkdir(parents=True, exist_ok=True)
    partial = target_path / f".{parse.name}.{os.getpid()}"
    shutil.copyfile(parse, partial)
    partial.replace(target_path / parse.name)


class InProcessDbt:
    """The part of ``subprocess.Popen`` that :class:`DbtCliInvocation` uses, for a dbt command
    run by ``dbtRunner`` on a thread of this process.

    Events below ``info`` are dropped, as dbt's CLI drops them from its stdout. A dbt that ends in
    an exception (a compilation error, say) reports it as an error event and exit code 2, as the
    CLI would; failed nodes give exit code 1. An interrupt cannot stop dbt midway: the thread is a
    daemon, so it ends with the process.
    """

    def __init__(self, args: Sequence[str], *, manifest: Any | None = None) -> None:
        self.args = ["dbt", *args]
        self._manifest = manifest
        self.returncode: int | None = None
        self.stdout = _EventLines()
        self._thread = threading.Thread(target=self._run, args=(list(args),), daemon=True)
        self._thread.start()

    def _event(self, message: Any) -> None:
        if message.info.level != "debug":
            from dbt_common.events.functions import msg_to_json

            self.stdout.put(msg_to_json(message).encode())

    def _run(self, args: list[str]) -> None:
        from dbt.cli.main import dbtRunner

        code = 2
        try:
            result = dbtRunner(manifest=self._manifest, callbacks=[self._event]).invoke(args)
            if result.exception is not None:
                self.stdout.put(_error_line(f"dbt failed: {result.exception}"))
            code = 0 if result.success else 1 if result.exception is None else 2
        except BaseException as exc:
            self.stdout.put(_error_line(f"dbt failed: {exc!r}"))
        finally:
            try:
                _close_duckdb()
            finally:
                self.returncode = code
                self.stdout.put(None)

    def poll(self) -> int | None:
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        self._thread.join(timeout)
        if self._thread.is_alive():
            raise TimeoutError(f"dbt still running after {timeout} s: {' '.join(self.args)}")
        return self.returncode if self.returncode is not None else 2

    def send_signal(self, signal: int) -> None:
        """dbt in this process cannot be interrupted: it finishes, or ends with the process."""


class MarketDbtCliResource(DbtCliResource):
    """dagster-dbt's CLI resource without the costs of each run that buy us nothing.

    Before every ``dbt build`` dagster-dbt (0.29) runs ``dbt --version`` in a subprocess (once
    per resource, so once per run) and builds a dbt adapter inside the Dagster process (importing
    dbt, loading the profile and the macros). The adapter only serves ``fetch_row_counts`` and
    ``fetch_column_metadata``, which we do not call (the daily facts' metadata comes from our own
    queries), and the dbt we run is the one installed beside us, so its version is read from the
    package metadata instead.
    """

    @cached_property
    def _cli_version(self) -> version.Version:
        return version.parse(metadata.version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args: Any) -> Any:
        """No in-process adapter: dagster-dbt then skips what needs one, which we never ask for."""
        return None

    def invoke(
        self,
        args: Sequence[str],
        *,
        context: AssetExecutionContext | OpExecutionContext,
        target_path: Path,
        in_process: bool,
        parse: Path | None = None,
    ) -> DbtCliInvocation:
        """``dbt <args>`` for the assets of ``context``, in this process or (``in_process``
        false: the Spark target, whose session must not live in the Dagster process) in a
        subprocess as ``cli`` runs it.

        In process, dbt reads the environment as it is while it runs (the caller's settings and
        window, ``defs/transform/dbt.py``), and the selection, the manifest and the translator
        are dagster-dbt's own for the context, as ``cli`` computes them. dbt starts from the
        parse in ``parse`` when :func:`preparsed` can use it.
        """
        if not in_process:
            return self.cli(args, context=context, target_path=target_path)
        cleaned, selects, excludes = extract_runtime_selection_from_args(args)
        params = get_updated_cli_invocation_params_for_context(
            context=context,
            manifest={},
            dagster_dbt_translator=DagsterDbtTranslator(),
            runtime_selects=selects,
            runtime_excludes=excludes,
        )
        project_dir = Path(
            params.dbt_project.project_dir if params.dbt_project else self.project_dir
        )
        profiles_dir = self.profiles_dir or str(project_dir)
        command = [
            "--no-send-anonymous-usage-stats",
            "--quiet",
            # The file log as a dbt subprocess under dagster-dbt writes it (DBT_LOG_FORMAT=json).
            *("--log-format-file", "json"),
            *self.global_config_flags,
            *cleaned,
            *(["--profile", self.profile] if self.profile else []),
            *(["--target", self.target] if self.target else []),
            *params.selection_args,
            *(
                ["--indirect-selection", params.indirect_selection]
                if params.indirect_selection
                else []
            ),
            *("--project-dir", str(project_dir), "--profiles-dir", profiles_dir),
            *("--target-path", str(target_path), "--log-path", str(target_path)),
        ]
        seed_partial_parse(parse, target_path)
        return DbtCliInvocation(
            process=InProcessDbt(command, manifest=preparsed(parse)),  # type: ignore[arg-type]
            manifest=params.manifest,
            dagster_dbt_translator=params.dagster_dbt_translator,
            project_dir=project_dir,
            target_path=target_path,
            raise_on_error=True,
            context=context,
            adapter=None,
            cli_version=self._cli_version,
            project=params.dbt_project,
        )
