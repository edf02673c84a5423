"""Stores the analytics tests share, built once per session from real data read in place."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from novum.index.lexical import open_index
from novum.ingest.pipeline import Ingester
from novum.store.sqlite import Store
from tests.conftest import shared
from tests.helpers import DEMO

NVIDIA_DEMO = DEMO / "patentsview-nvidia"


def _ingest(folder: Path, target: Path) -> Path:
    with Store(target) as store:
        Ingester(store, open_index(store)).run([folder])
    return target


@pytest.fixture(scope="session")
def patsnap_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The 2,244 PatSnap records (evaluation-only: read in place, never copied) in a scratch data directory."""
    source = shared("bench/patsnap/patsnap-corpus")
    yield _ingest(source, tmp_path_factory.mktemp("patsnap"))


@pytest.fixture(scope="session")
def nvidia_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The PatentsView NVIDIA portfolio shipped as demo data (5,169 US grants with CPC)."""
    yield _ingest(NVIDIA_DEMO, tmp_path_factory.mktemp("nvidia"))
