"""Applicant-name cleaning on real applicant strings (PatSnap records, the PatentsView NVIDIA portfolio)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from novum.analytics.applicants import Aliases, AliasFileError, ApplicantCleaner, clean_name, load_aliases


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("SAMSUNG ELECTRONICS CO., LTD.", "SAMSUNG ELECTRONICS"),
        ("SAMSUNG ELECTRONICS CO., LTD", "SAMSUNG ELECTRONICS"),
        ("KONINKLIJKE PHILIPS ELECTRONICS N.V.", "KONINKLIJKE PHILIPS ELECTRONICS"),
        ("KONINKLIJKE PHILIPS ELECTRONICS, N.V.", "KONINKLIJKE PHILIPS ELECTRONICS"),
        ("KONINKLIJKE PHILIPS ELECTRONICS N. V.", "KONINKLIJKE PHILIPS ELECTRONICS"),
        ("INTERNATIONAL BUSINESS MACHINES CORP.", "INTERNATIONAL BUSINESS MACHINES"),
        ("INTERNATIONAL BUSINESS MACHINES CORPORATION", "INTERNATIONAL BUSINESS MACHINES"),
        ("BSH BOSCH UND SIEMENS HAUSGERÄTE GMBH", "BSH BOSCH UND SIEMENS HAUSGERAETE"),
        ("BSH BOSCH UND SIEMENS HAUSGERAETE GMBH", "BSH BOSCH UND SIEMENS HAUSGERAETE"),
        ("KABUSHIKI KAISHA TOSHIBA", "TOSHIBA"),
        ("CANON KABUSHIKI KAISHA", "CANON"),
        ("SIEMENS AKTIENGESELLSCHAFT", "SIEMENS"),
        ("OUTOTEC OYJ", "OUTOTEC"),
        ("HITACHI, LTD.", "HITACHI"),
        ("NVIDIA CORPORATION", "NVIDIA"),
        ("NVIDIA International, Inc.", "NVIDIA INTERNATIONAL"),
        ("Nvidia Denmark ApS", "NVIDIA DENMARK"),
        ("华为技术有限公司", "华为技术"),
        ("中兴通讯股份有限公司", "中兴通讯"),
        ("AT&T Corp.", "AT&T"),
        ("３Ｍ Innovative Properties Company", "3M INNOVATIVE PROPERTIES"),
        # the US API corpus spells Ericsson both ways, and AT&T's holding company with and without the points
        ("Telefonaktiebolaget L M Ericsson (publ)", "TELEFONAKTIEBOLAGET LM ERICSSON"),
        ("Telefonaktiebolaget LM Ericsson (PUBL)", "TELEFONAKTIEBOLAGET LM ERICSSON"),
        ("AT&T Intellectual Property I, L.P.", "AT&T INTELLECTUAL PROPERTY I"),
        ("AT&T Intellectual Property I, LP", "AT&T INTELLECTUAL PROPERTY I"),
        ("Hewlett-Packard Development Company, L. P.", "HEWLETT PACKARD DEVELOPMENT"),
    ],
)
def test_real_applicant_strings(raw: str, cleaned: str) -> None:
    assert clean_name(raw) == cleaned


def test_groups_count_the_raw_spellings_they_merge() -> None:
    cleaner = ApplicantCleaner()
    for raw in (
        ["SAMSUNG ELECTRONICS CO., LTD."] * 37 + ["SAMSUNG ELECTRONICS CO., LTD"] * 3 + ["SAMSUNG SDI CO., LTD."]
    ):
        cleaner.add(raw)
    group = cleaner.groups["SAMSUNG ELECTRONICS"]
    assert group.merged == 2 and sum(group.raw_names.values()) == 40
    assert cleaner.label("SAMSUNG ELECTRONICS") == "SAMSUNG ELECTRONICS CO., LTD."
    assert "SAMSUNG SDI" in cleaner.groups  # a sister company stays itself unless an alias says otherwise


def test_alias_files(tmp_path: Path) -> None:
    shipped = load_aliases()
    assert shipped.canonical(clean_name("IBM")) == "INTERNATIONAL BUSINESS MACHINES"
    assert shipped.canonical(clean_name("华为技术有限公司")) == "HUAWEI TECHNOLOGIES"
    assert shipped.canonical(clean_name("BSH BOSCH UND SIEMENS HAUSGERTE GMBH")) == "BSH BOSCH UND SIEMENS HAUSGERAETE"
    (tmp_path / "applicant-aliases.tsv").write_text("# mine\nNvidia Denmark ApS\tNVIDIA Corporation\n")
    mine = load_aliases(tmp_path)
    cleaner = ApplicantCleaner(mine)
    assert cleaner.add("Nvidia Denmark ApS") == cleaner.add("NVIDIA CORPORATION") == "NVIDIA"
    assert cleaner.groups["NVIDIA"].merged == 2


def test_a_malformed_alias_line_names_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "applicant-aliases.tsv").write_text("IBM\tInternational Business Machines\nonly one column\n")
    with pytest.raises(AliasFileError, match=r"applicant-aliases.tsv, line 2: expected 'name<TAB>canonical name'"):
        load_aliases(tmp_path)


def test_alias_loops_stop() -> None:
    aliases = Aliases()
    aliases.add_text("A CORP\tB CORP\nB CORP\tA CORP\n", "loop.tsv")
    assert aliases.canonical("A") in ("A", "B")


@given(st.text(max_size=40))
def test_cleaning_is_total_and_stable(name: str) -> None:
    once = clean_name(name)
    assert clean_name(once) == once
