"""A local Spark standalone cluster (one master, one worker) on 127.0.0.1, for tests, benchmarks and a laptop trial.

pip's ``pyspark`` has the jars but no ``sbin/`` scripts, so the master and worker are started with
``bin/spark-class`` directly. Every port (RPC and web UI) is picked free at start, so several clusters (parallel
test runs, other users) never collide; everything binds to loopback. A production deployment points ``--master`` at
its own cluster instead.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path
from types import TracebackType

from novum.errors import NovumError

HOST = "127.0.0.1"
START_TIMEOUT_S = 90.0
# Spark logs every task at INFO to stderr; the CLI and the tests want warnings only.
_LOG4J = """rootLogger.level = warn
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n
logger.jetty.name = org.sparkproject.jetty
logger.jetty.level = error
"""


# The processes this novum started, kept so they are polled and reaped through their Popen (no ResourceWarning).
_CHILDREN: dict[int, subprocess.Popen[bytes]] = {}


class SparkClusterError(NovumError):
    """The local master or worker did not start (no Java, a port taken, a crash): the message names its log."""


def spark_home() -> Path:
    """The Spark distribution inside the installed ``pyspark`` package (found without importing pyspark)."""
    import importlib.util

    spec = importlib.util.find_spec("pyspark")
    if spec is None or not spec.submodule_search_locations:
        raise SparkClusterError("Spark needs the pyspark package: pip install 'pyspark>=4.0'")
    return Path(list(spec.submodule_search_locations)[0])


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def conf_dir(work_dir: Path) -> Path:
    """A Spark configuration folder whose only file sets the log level to warnings."""
    folder = work_dir / "conf"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "log4j2.properties").write_text(_LOG4J)
    return folder


def spark_env(work_dir: Path) -> dict[str, str]:
    """The environment the master, the worker and the driver run with: loopback only, quiet logs."""
    env = dict(os.environ)
    env.update(
        SPARK_HOME=str(spark_home()),
        SPARK_LOCAL_IP=HOST,
        SPARK_LOCAL_HOSTNAME="localhost",
        SPARK_CONF_DIR=str(conf_dir(work_dir)),
        SPARK_MASTER_OPTS="-Dspark.master.rest.enabled=false",
    )
    return env


@dataclass
class LocalCluster:
    """A running master and worker; ``url`` is what ``--master`` and ``session(...)`` take."""

    work_dir: Path
    port: int
    ui_port: int
    worker_ui_port: int
    cores: int
    master_pid: int
    worker_pid: int

    @property
    def url(self) -> str:
        return f"spark://{HOST}:{self.port}"

    def state(self) -> dict[str, object]:
        """What the master reports: ``status`` (ALIVE), ``aliveworkers``, ``cores``, the running applications."""
        with urllib.request.urlopen(f"http://{HOST}:{self.ui_port}/json/", timeout=5) as reply:  # noqa: S310 (loopback)
            found: dict[str, object] = json.loads(reply.read())
        return found

    def stop(self) -> None:
        """Stop the worker (and its executors) then the master; each was started in its own process group."""
        for pid in (self.worker_pid, self.master_pid):
            _stop_group(pid)
        state_file(self.work_dir).unlink(missing_ok=True)

    def save(self) -> Path:
        """Record the cluster in its work folder, so ``novum spark cluster stop`` in another process can stop it."""
        path = state_file(self.work_dir)
        path.write_text(json.dumps({**asdict(self), "work_dir": str(self.work_dir), "url": self.url}, indent=2))
        return path

    def __enter__(self) -> LocalCluster:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop()


def state_file(work_dir: Path) -> Path:
    return Path(work_dir) / "cluster.json"


def load_cluster(work_dir: Path) -> LocalCluster | None:
    """The cluster recorded in ``work_dir`` by ``start_cluster``, if one was started there and not stopped."""
    path = state_file(work_dir)
    if not path.exists():
        return None
    data = json.loads(path.read_text())
    return LocalCluster(
        Path(data["work_dir"]),
        data["port"],
        data["ui_port"],
        data["worker_ui_port"],
        data["cores"],
        data["master_pid"],
        data["worker_pid"],
    )


def start_cluster(work_dir: Path, cores: int = 2, memory: str = "2g") -> LocalCluster:
    """Start a master and a worker with ``cores`` cores on free loopback ports; returns once the worker registered."""
    work_dir = Path(work_dir).resolve()
    (work_dir / "worker").mkdir(parents=True, exist_ok=True)
    env = spark_env(work_dir)
    spark_class = str(spark_home() / "bin" / "spark-class")
    port, ui_port, worker_ui = free_port(), free_port(), free_port()
    master = _spawn(
        [spark_class, "org.apache.spark.deploy.master.Master", "--host", HOST, "--port", str(port),
         "--webui-port", str(ui_port)],
        env, work_dir / "master.log",
    )  # fmt: skip
    cluster = LocalCluster(work_dir, port, ui_port, worker_ui, cores, master, -1)
    try:
        _wait(lambda: _listening(port), master, work_dir / "master.log", "the Spark master")
        cluster.worker_pid = _spawn(
            [spark_class, "org.apache.spark.deploy.worker.Worker", cluster.url, "--host", HOST, "--cores", str(cores),
             "--memory", memory, "--webui-port", str(worker_ui), "--work-dir", str(work_dir / "worker")],
            env, work_dir / "worker.log",
        )  # fmt: skip
        _wait(lambda: _alive_workers(cluster) > 0, cluster.worker_pid, work_dir / "worker.log", "the Spark worker")
    except BaseException:
        cluster.stop()
        raise
    cluster.save()
    return cluster


def _spawn(command: list[str], env: dict[str, str], log: Path) -> int:
    with open(log, "ab") as out:
        process = subprocess.Popen(  # noqa: S603 (our own argument list)
            command, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True
        )
    _CHILDREN[process.pid] = process
    return process.pid


def _wait(ready: object, pid: int, log: Path, what: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if callable(ready) and ready():
            return
        if not _running(pid):
            raise SparkClusterError(f"{what} exited at start; see {log}")
        time.sleep(0.25)
    raise SparkClusterError(f"{what} did not come up within {START_TIMEOUT_S:.0f} s; see {log}")


def _listening(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(0.5)
        return probe.connect_ex((HOST, port)) == 0


def _alive_workers(cluster: LocalCluster) -> int:
    try:
        return int(str(cluster.state().get("aliveworkers", 0)))
    except (OSError, ValueError):
        return 0


def _running(pid: int) -> bool:
    child = _CHILDREN.get(pid)
    if child is not None:
        return child.poll() is None
    try:  # a cluster another novum process started (novum spark cluster stop): ask the kernel
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _stop_group(pid: int, grace_s: float = 15.0) -> None:
    """SIGTERM the process group this novum started, then SIGKILL what is left after ``grace_s``."""
    if pid <= 0:
        return
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + grace_s
    while time.monotonic() < deadline:
        if not _running(pid):
            break
        time.sleep(0.2)
    with contextlib.suppress(ProcessLookupError):  # executors and Python workers of the group, if any outlived it
        os.killpg(pid, signal.SIGKILL)
    child = _CHILDREN.pop(pid, None)
    if child is not None:
        child.wait(timeout=grace_s)
