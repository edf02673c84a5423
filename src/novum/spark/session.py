"""Spark sessions for novum's jobs: on a standalone cluster (``spark://host:port``) or in-process (``local[2]``).

The executors run novum's own Python code (the parsers, the store, the embedder), so they must run the same
interpreter as the driver: ``PYSPARK_PYTHON`` is set to it. The driver binds to loopback unless told otherwise.
"""

from __future__ import annotations

import os
import sys
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from novum.spark.cluster import HOST, spark_env

DEFAULT_MASTER = "local[2]"
_THREAD_VARIABLES = ("NOVUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")


@contextmanager
def spark_session(
    master: str = DEFAULT_MASTER,
    app_name: str = "novum",
    *,
    task_threads: int = 1,
    executor_memory: str = "1g",
    conf: dict[str, str] | None = None,
) -> Iterator[Any]:
    """A SparkSession for one job, stopped after it. ``task_threads`` is what each task may use for native code
    (onnxruntime, BLAS): Spark already runs one task per core, so more would oversubscribe the cores.

    A session already active in this process on the same master is used as it is and left running (a program or
    a test that runs several jobs pays the start-up once)."""
    active = _active(master)
    if active is not None:
        yield active
        return
    with tempfile.TemporaryDirectory(prefix="novum-spark-") as scratch:
        base = spark_env(Path(scratch))
        threads = str(task_threads)
        env = {key: base[key] for key in ("SPARK_HOME", "SPARK_LOCAL_IP", "SPARK_LOCAL_HOSTNAME", "SPARK_CONF_DIR")}
        env.update(PYSPARK_PYTHON=sys.executable, PYSPARK_DRIVER_PYTHON=sys.executable)
        with _environment(env):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # pyspark's import warns about pandas/pyarrow versions it may not use
                from pyspark.sql import SparkSession

            builder = (
                SparkSession.builder.master(master)
                .appName(app_name)
                .config("spark.driver.host", os.environ.get("NOVUM_SPARK_DRIVER_HOST", HOST))
                .config("spark.driver.bindAddress", os.environ.get("NOVUM_SPARK_DRIVER_BIND", HOST))
                .config("spark.ui.enabled", "false")
                .config("spark.executor.memory", executor_memory)
                .config("spark.ui.showConsoleProgress", "false")
                .config("spark.task.maxFailures", "2")
                .config("spark.python.worker.reuse", "true")
                .config("spark.pyspark.python", sys.executable)
            )
            for key in _THREAD_VARIABLES:  # pyspark hands spark.executorEnv.* to every task's Python worker
                builder = builder.config(f"spark.executorEnv.{key}", threads)
            for key, value in (conf or {}).items():
                builder = builder.config(key, value)
            session = builder.getOrCreate()
            try:
                yield session
            finally:
                session.stop()


def _active(master: str) -> Any:
    if "pyspark" not in sys.modules:
        return None
    from pyspark.sql import SparkSession

    session = SparkSession.getActiveSession()
    if session is not None and session.sparkContext.master == master:
        return session
    return None


def warm_up(session: Any) -> None:
    """Start a Python worker on every executor core and import novum's ingest and store code in it (a few seconds
    per worker), so the first real job's timing is the job's."""
    slots = default_parallelism(session) * 2
    session.sparkContext.parallelize(range(slots), slots).map(_import_novum).collect()


def _import_novum(_: int) -> int:
    import novum.spark.ingest  # noqa: F401

    return os.getpid()


def default_parallelism(session: Any) -> int:
    """The cores the job may use across all executors (at least 1)."""
    return max(1, int(session.sparkContext.defaultParallelism))


@contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    """Set environment variables for the session's life (the driver JVM and local workers inherit them)."""
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
