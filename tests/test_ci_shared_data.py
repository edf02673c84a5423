"""CI fails, rather than skips, when ../shared/data is missing: .ci/run refuses to start, and with
NOVUM_REQUIRE_SHARED set every test that needs the shared data fails with the path it looked for."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

PROBE = """
from tests.conftest import fixture

def test_needs_a_fixture():
    fixture("no/such/fixture.xml").read_bytes()
"""


def _pytest(tmp_path: Path, require: bool) -> subprocess.CompletedProcess[str]:
    probe = tmp_path / "test_probe.py"  # outside the tree, so nobody else's test run collects it
    probe.write_text(PROBE)
    env = {**os.environ, "NOVUM_SHARED_DATA": str(tmp_path / "missing")}
    env.pop("NOVUM_REQUIRE_SHARED", None)
    if require:
        env["NOVUM_REQUIRE_SHARED"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "pytest", str(probe), "-q", "-rs", "-p", "no:cacheprovider", "--rootdir", str(tmp_path)],
        cwd=REPO, env={**env, "PYTHONPATH": str(REPO)}, capture_output=True, text=True, check=False,
    )  # fmt: skip


def test_missing_shared_data_skips_locally_and_fails_in_ci(tmp_path: Path) -> None:
    local = _pytest(tmp_path, require=False)
    assert local.returncode == 0 and "1 skipped" in local.stdout
    ci = _pytest(tmp_path, require=True)
    assert ci.returncode == 1 and "1 failed" in ci.stdout
    assert f"shared data not found: {tmp_path / 'missing' / 'fixtures/no/such/fixture.xml'}" in ci.stdout
    assert "(NOVUM_REQUIRE_SHARED is set)" in ci.stdout


def test_the_ci_entry_point_refuses_to_run_without_the_shared_data(tmp_path: Path) -> None:
    checkout = tmp_path / "repo"
    (checkout / ".ci").mkdir(parents=True)
    shutil.copy(REPO / ".ci" / "run", checkout / ".ci" / "run")
    result = subprocess.run(["bash", str(checkout / ".ci" / "run")], capture_output=True, text=True, check=False)
    assert result.returncode == 1
    assert "../shared/data is missing" in result.stderr
