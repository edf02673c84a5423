"""A whole-store landscape read by several processes on a PostgreSQL store: each worker opens its own connection
from the store's URL, and the landscape is the single-process one."""

from __future__ import annotations

from pathlib import Path

from novum.analytics.service import build_landscape, make_scope
from novum.index.lexical import open_index
from novum.ingest.pipeline import Ingester
from novum.store import open_store
from tests.conftest import fixture
from tests.helpers import DEMO


def test_parallel_landscape_on_postgresql(tmp_path: Path, pg_database: str) -> None:
    sources = [
        DEMO / "xml",
        fixture("us-go-uspto/pkg/uspto/test-data"),
        fixture("ep-publication-server/pkg/eps/test-data"),
    ]
    with open_store(tmp_path / "pg", pg_database) as store:
        assert store.dialect.name == "postgresql"
        Ingester(store, open_index(store)).run(sources)
        single = build_landscape(store, make_scope(), processes=1)
        split = build_landscape(store, make_scope(), processes=2)
        assert single.documents == store.count() > 40 and single.applicants
    assert split == single and split.to_dict() == single.to_dict()
