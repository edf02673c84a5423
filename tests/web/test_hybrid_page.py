"""The search page in hybrid mode over a small embedded store (62 real records and the bundled embedder): the
default mode becomes hybrid once vectors exist, and a paraphrase with none of the title's words finds its patent."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from novum.api.app import create_app
from novum.api.settings import Settings
from novum.ingest.embedding import embed_pending, open_dense
from novum.store.sqlite import Store
from tests.helpers import demo_lines, ingest_paths, write_lines

PARAPHRASE = "software that decides whether a program may open an encrypted document"


def test_hybrid_search_page(tmp_path: Path) -> None:
    lines = [*demo_lines(60), *demo_lines(1, start=1991)]  # US8799651: encrypted file access
    ingest_paths(tmp_path / "data", write_lines(tmp_path / "docs.jsonl", lines))
    with Store(tmp_path / "data") as store:
        (dense,) = open_dense(store)
        assert embed_pending(dense) == 61
    app = create_app(Settings(tmp_path / "data", auth=False), embed_uploads=False)
    with TestClient(app) as client:
        page = client.get("/search", params={"q": PARAPHRASE})
        assert page.status_code == 200, page.text
        assert " · hybrid" in page.text
        first = page.text.index('<li class="hit" id="hit-')
        assert page.text[first:].startswith('<li class="hit" id="hit-US8799651"')
        semantic = client.get("/search", params={"q": PARAPHRASE, "mode": "semantic", "lang": "zh"})
        assert " · 语义" in semantic.text and 'id="hit-US8799651"' in semantic.text
