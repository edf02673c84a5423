"""The PatentsView bulk-table format on the real NVIDIA extract (shipped as demo data; CSV layout, gzip)."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from novum.ingest.formats.patentsview import table_of
from novum.ingest.reader import read_file
from novum.store.sqlite import Store
from tests.analytics.conftest import NVIDIA_DEMO
from tests.conftest import shared


def test_tables_are_recognised_by_their_headers() -> None:
    assert table_of(["patent_id", "patent_type", "patent_date", "patent_title", "wipo_kind"]) == "patent"
    assert table_of(["patent_id", "patent_abstract"]) == "abstract"
    assert table_of(["patent_id", "cpc_sequence", "cpc_section", "cpc_class", "cpc_subclass", "cpc_group"]) == "cpc"
    assert table_of(["patent_id", "assignee_sequence", "disambig_assignee_organization"]) == "assignee"
    assert table_of(["number", "title"]) is None


def test_the_shipped_extract_is_the_shared_one() -> None:
    source = shared("corpus/nvidia-patentsview/nvidia_patent.csv")
    assert gzip.decompress((NVIDIA_DEMO / "nvidia_patent.csv.gz").read_bytes()) == source.read_bytes()


def test_records_join_every_table(nvidia_dir: Path) -> None:
    with Store(nvidia_dir) as store:
        assert store.count() == 5169
        patent = store.get("US10001996")
        design = store.get("USD515086")
    assert patent.number == "US10001996B2" and patent.publication_date == "2018-06-19"
    assert patent.title() == "Selective poisoning of data during runahead"
    assert patent.abstract().startswith("Embodiments related to selecting a runahead poison policy")  # type: ignore[union-attr]
    assert patent.cpc == ["G06F9/30189", "G06F9/3842", "G06F11/3024", "G06F11/3409", "G06F2201/885"]
    assert [p.name for p in patent.assignees] == ["NVIDIA CORPORATION"]
    assert [p.name for p in patent.inventors] == ["Magnus Ekman", "James van Zoeren", "Paul Serris"]
    assert patent.doc_type == "utility" and patent.kind == "B2"
    assert (design.kind, design.doc_type, design.title()) == (
        "S1",
        "design",
        "Housing for a scalable graphics processor",
    )


def test_a_side_table_alone_is_reported(tmp_path: Path) -> None:
    shutil.copy(NVIDIA_DEMO / "nvidia_cpc.csv.gz", tmp_path / "g_cpc_current.csv.gz")
    (document,) = list(read_file(tmp_path / "g_cpc_current.csv.gz"))
    assert document.error is not None and "a cpc table is read with its g_patent table, none found in" in document.error


def test_side_tables_beside_their_patent_table_yield_nothing() -> None:
    assert list(read_file(NVIDIA_DEMO / "nvidia_cpc.csv.gz")) == []


def test_tab_separated_downloads(tmp_path: Path) -> None:
    rows = gzip.decompress((NVIDIA_DEMO / "nvidia_patent.csv.gz").read_bytes()).decode().splitlines()[:3]
    (tmp_path / "g_patent.tsv").write_text("\n".join(r.replace(",", "\t") for r in rows) + "\n", encoding="utf-8")
    documents = list(read_file(tmp_path / "g_patent.tsv"))
    assert [d.patent.number for d in documents if d.patent] == ["US10001996B2", "US10002031B2"]


@given(st.lists(st.text(max_size=20), max_size=8))
def test_header_recognition_never_raises(header: list[str]) -> None:
    assert table_of(header) in (None, "patent", "abstract", "cpc", "ipc", "assignee", "inventor", "application",
                                "priority", "citation", "location")  # fmt: skip
