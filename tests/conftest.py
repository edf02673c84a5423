"""Shared fixtures: where the read-only real data lives, and skipping cleanly when it is absent."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED_DATA = Path(os.environ.get("NOVUM_SHARED_DATA", REPO.parent / "shared" / "data"))
FIXTURES = SHARED_DATA / "fixtures"


def shared(relative: str) -> Path:
    """Path of a file under ../shared/data, skipping the test with a clear message when it is not there."""
    path = SHARED_DATA / relative
    if not path.exists():
        if os.environ.get("NOVUM_REQUIRE_SHARED"):  # CI: missing shared data is a failure, not a skip
            pytest.fail(f"shared data not found: {path} (NOVUM_REQUIRE_SHARED is set)")
        pytest.skip(f"shared data not found: {path} (tests that read ../shared/data need it beside the repo)")
    return path


def fixture(relative: str) -> Path:
    """Path of a real parser fixture under ../shared/data/fixtures."""
    return shared(f"fixtures/{relative}")
