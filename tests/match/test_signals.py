"""Readiness signals on real publications: status from the kind code, estimated expiry, breadth, family, age."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from novum.match.signals import DEFINITIONS, estimated_expiry, readiness, status
from novum.model import Patent
from novum.store.sqlite import Store
from tests.conftest import fixture
from tests.helpers import DEMO, ingest_paths

AS_OF = dt.date(2026, 1, 1)


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Patent]:
    root = tmp_path_factory.mktemp("signals")
    examples = fixture("cn-jp-wipo/data/examples")
    counts, ingester = ingest_paths(root / "d", DEMO / "xml", examples / "cn_old1.xml", examples / "cn_new1.xml")
    assert counts.quarantined == 0, ingester.problems
    with Store(root / "d") as store:
        return {p.number: p for p in store.iter_patents()}


def test_granted_us_patent(records: dict[str, Patent]) -> None:
    r = readiness(records["US8930553B2"], as_of=AS_OF)
    assert (r.status, r.expiry, r.expired, r.available) == ("granted", "2032-10-09", False, True)
    assert r.expiry_basis == "patent: 20 years from filing (2012-10-09)"
    assert r.remaining_years == 6.8 and r.age_years == 13.2
    assert (r.independent_claims, r.shortest_independent_elements) == (2, 2)
    assert (r.family_size, r.family_countries) == (1, ["US"])


def test_granted_ep_patent_with_breadth(records: dict[str, Patent]) -> None:
    r = readiness(records["EP3404678B1"], as_of=AS_OF)
    assert (r.status, r.expiry, r.available, r.independent_claims, r.shortest_independent_elements) == (
        "granted", "2037-05-17", True, 2, 9,
    )  # fmt: skip


def test_applications_are_never_available(records: dict[str, Patent]) -> None:
    for number in ("EP3882239A1", "US20230080311A1", "CN104223352A", "CN113781974A"):
        r = readiness(records[number], as_of=AS_OF)
        assert r.status == "application" and r.available is False, number
    assert readiness(records["EP3882239A1"], as_of=AS_OF).family_countries == ["EP", "WO"]


def test_expired_grants(records: dict[str, Patent]) -> None:
    old = readiness(records["US6336130B1"], as_of=AS_OF)
    assert (old.status, old.expiry, old.expired, old.remaining_years, old.available) == (
        "granted", "2019-10-05", True, 0.0, False,
    )  # fmt: skip
    greenbook = readiness(records["US3937375A"], as_of=AS_OF)  # a pre-2001 US grant is kind "A"
    assert (greenbook.status, greenbook.expiry, greenbook.expired) == ("granted", "1994-10-29", True)


def test_every_signal_carries_its_definition(records: dict[str, Patent]) -> None:
    r = readiness(records["US11147202B2"], as_of=AS_OF, forward_citations=3)
    names = [s.name for s in r.signals]
    assert names == ["status", "expiry", "remaining_life", "available", "independent_claims",
                     "shortest_independent_claim_elements", "family_size", "family_countries", "forward_citations",
                     "age"]  # fmt: skip
    assert all(s.definition == DEFINITIONS[s.name] for s in r.signals)
    expiry = next(s for s in r.signals if s.name == "expiry")
    assert expiry.display == "~2038-12-26 (estimate)" and "estimate" in expiry.definition
    assert "fees" in expiry.definition and "term adjustments" in expiry.definition
    assert r.to_dict()["forward_citations"] == 3


def test_missing_filing_date_gives_an_upper_bound() -> None:
    patent = Patent("US", "9999999", "B2", publication_date="2018-06-19")
    expiry, basis = estimated_expiry(patent, status(patent))
    assert expiry == "2038-06-19" and basis is not None and "upper bound" in basis


def test_design_and_utility_model_terms() -> None:
    design = Patent("US", "D800000", "S", filing_date="2016-01-05", publication_date="2017-07-25")
    assert estimated_expiry(design, "granted")[0] == "2032-07-25"  # 15 years from grant (filed after 2015-05-13)
    model = Patent("CN", "205000000", "U", filing_date="2015-08-01")
    assert status(model) == "granted" and estimated_expiry(model, "granted")[0] == "2025-08-01"
    assert status(Patent("US", "1", None)) == "unknown"


def test_signals_for_a_record_without_claims(tmp_path: Path) -> None:
    r = readiness(Patent("US", "8000000", "B2", filing_date="2008-01-01"), as_of=AS_OF)
    assert (r.independent_claims, r.shortest_independent_elements) == (None, None)
    shown = {s.name: s.display for s in r.signals}
    assert shown["independent_claims"] == "unknown (no claims in the record)"
