"""`novum spark cluster start|stop` runs a master and a worker on loopback and stops them by their recorded ids;
`novum spark embed` refuses a SQLite store before starting any JVM."""

from __future__ import annotations

import json
import os
from pathlib import Path

from typer.testing import CliRunner

from novum.cli.app import app
from novum.spark.cluster import load_cluster
from tests.helpers import novum


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_cluster_start_and_stop_from_the_cli(tmp_path: Path) -> None:
    work = tmp_path / "spark"
    started = json.loads(novum("spark", "cluster", "start", "--work-dir", str(work), "--cores", "1", "-f", "json"))
    cluster = load_cluster(work)
    assert cluster is not None and started["url"] == cluster.url and cluster.url.startswith("spark://127.0.0.1:")
    try:
        state = cluster.state()
        assert (state["status"], state["aliveworkers"], state["cores"]) == ("ALIVE", 1, 1)
        again = CliRunner().invoke(app, ["spark", "cluster", "start", "--work-dir", str(work)])
        assert again.exit_code == 1 and "already recorded" in again.output
    finally:
        stopped = json.loads(novum("spark", "cluster", "stop", "--work-dir", str(work), "--format", "json"))
    assert stopped == {"stopped": cluster.url}
    assert not _alive(cluster.master_pid) and not _alive(cluster.worker_pid)
    assert load_cluster(work) is None
    assert (work / "master.log").exists()  # the logs stay for a post-mortem


def test_spark_embed_needs_postgresql(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["spark", "embed", "--data-dir", str(tmp_path)], env={"NOVUM_DATABASE_URL": ""}, catch_exceptions=False
    )
    assert result.exit_code == 2 and "PostgreSQL" in result.output
