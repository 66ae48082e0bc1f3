"""One JVM for the Spark tests that follow the build: dbt commands and view exports, in order.

Every dbt command on Spark (``method: session``) starts a JVM and a SparkSession before its first
statement: 20 to 35 s here, each time. The tests after the Spark build (a window rebuild, dbt's
unit tests, Spark's own views read back) instead send their commands to one process of their own
(this file, run as a script), which runs them one after the other on one session: dbt's
programmatic runner, ``dbtRunner``, whose Spark adapter takes the process's session
(``SparkSession.builder.getOrCreate()`` at every statement). The process is not the test's own:
the embedded Derby metastore stays locked while a JVM holds it, and it must end with the module.

The script side imports nothing of ours: it runs with the project's Python, the build's
environment and the dbt project as its working directory.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any, TextIO

#: A request's limit: a dbt command on Spark here takes 2 to 4 minutes.
TIMEOUT_S = 1200


class SparkProcess:
    """The process that runs the tests' Spark commands; a request waits for its answer."""

    def __init__(self, *, env: dict[str, str], cwd: Path, log: Path) -> None:
        self.log = log
        self._log_file = log.open("w", encoding="utf-8")
        self._process = subprocess.Popen(
            [sys.executable, __file__],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log_file,
            text=True,
            cwd=cwd,
            env=env,
        )

    def _ask(self, request: dict[str, Any]) -> dict[str, Any]:
        process = self._process
        assert process.stdin is not None and process.stdout is not None
        process.stdin.write(json.dumps(request) + "\n")
        process.stdin.flush()
        timer = threading.Timer(TIMEOUT_S, process.kill)
        timer.start()
        try:
            line = process.stdout.readline()
        finally:
            timer.cancel()
        if not line:
            raise AssertionError(f"the Spark process ended ({process.poll()}):\n{self.tail()}")
        answer: dict[str, Any] = json.loads(line)
        return answer

    def tail(self, chars: int = 5000) -> str:
        """The end of what dbt and Spark printed (the log file)."""
        self._log_file.flush()
        return self.log.read_text(encoding="utf-8", errors="replace")[-chars:]

    def dbt(self, *args: str) -> None:
        """``dbt ARGS`` on the process's session; fails the test with dbt's output if dbt did."""
        answer = self._ask({"dbt": list(args)})
        assert answer["ok"], f"{answer.get('error')}\n{self.tail()}"

    def export_views(self, spark_root: Path, views: list[tuple[str, str]], out: Path) -> None:
        """Write each of Spark's ``views`` as Parquet under ``out`` (``<schema>.db/<view>/``, the
        layout ``tests.spark.compare.spark_rows`` reads), as Spark itself answers them."""
        answer = self._ask({"export": [str(spark_root), str(out), views]})
        assert answer["ok"], f"{answer.get('error')}\n{self.tail()}"

    def close(self) -> None:
        """End the process (and its JVM, and with it the metastore's lock)."""
        process = self._process
        if process.stdin is not None:
            process.stdin.close()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        self._log_file.close()


# ---------------------------------------------------------------------------- the process


def _session(root: str) -> Any:
    """The process's SparkSession: dbt's if a dbt command made it, else one on the same
    warehouse and metastore as the profile's."""
    from pyspark.sql import SparkSession

    return (
        SparkSession.builder.master("local[1]")
        .config("spark.sql.warehouse.dir", root + "/warehouse")
        .config(
            "spark.hadoop.javax.jdo.option.ConnectionURL",
            "jdbc:derby:;databaseName=" + root + "/metastore_db;create=true",
        )
        .config(
            "spark.driver.extraJavaOptions", "-Dderby.system.home=" + root + " -Duser.timezone=UTC"
        )
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS")
        .config("spark.ui.enabled", "false")
        .enableHiveSupport()
        .getOrCreate()
    )


def _answer(request: dict[str, Any]) -> dict[str, Any]:
    if "dbt" in request:
        from dbt.cli.main import dbtRunner

        result = dbtRunner().invoke(request["dbt"])
        error = None if result.exception is None else repr(result.exception)
        return {"ok": bool(result.success), "error": error}
    root, out, views = request["export"]
    spark = _session(root)
    for schema, name in views:
        spark.table(f"{schema}.{name}").coalesce(1).write.parquet(f"{out}/{schema}.db/{name}")
    return {"ok": True}


def _serve(requests: TextIO, answers: TextIO) -> None:
    for line in requests:
        try:
            answer = _answer(json.loads(line))
        except Exception as exc:  # the test reads it, with the log
            answer = {"ok": False, "error": repr(exc)}
        answers.write(json.dumps(answer) + "\n")
        answers.flush()


if __name__ == "__main__":
    # Answers go to the pipe that was stdout; whatever dbt and the JVM print goes to the log.
    answers = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    _serve(sys.stdin, answers)
