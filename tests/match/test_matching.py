"""Matching on real documents: needs to patents (explanations, filters), patents to firms and needs, firm profiles,
portfolios, and the commands over them."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook

from novum.errors import NotFoundError
from novum.index.lexical import open_index_for_reading
from novum.match import EmptyNeedError, MatchError, UnknownFirmError
from novum.match.engine import Matcher, MatchOptions
from novum.match.export import write_portfolio_xlsx
from novum.store.needs import Need, NeedsRegister
from novum.store.sqlite import Store
from tests.conftest import fixture
from tests.helpers import DEMO, demo_lines, ingest_paths, novum, runner, write_lines

TURBO = "Our diesel generators lose torque at low engine speed; we need more boost from the turbocharger when idling."
TODAY = dt.date(2026, 1, 1)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("match")
    examples = fixture("cn-jp-wipo/data/examples")
    sample = write_lines(root / "sample.jsonl", demo_lines(600))
    counts, ingester = ingest_paths(
        root / "d", sample, DEMO / "xml", examples / "cn_old1.xml", examples / "cn_new1.xml"
    )
    assert (counts.new, counts.quarantined) == (610, 0), ingester.problems
    return root / "d"


@pytest.fixture
def matcher(data_dir: Path) -> Iterator[Matcher]:
    with Store(data_dir) as store:
        yield Matcher(store, open_index_for_reading(store), today=TODAY)


def test_need_finds_the_patent_and_says_why(matcher: Matcher) -> None:
    result = matcher.match_need(TURBO, MatchOptions(limit=3))
    assert result.mode == "lexical" and len(result.parts) == 2
    assert result.parts == ["Our diesel generators lose torque at low engine speed",
                            "we need more boost from the turbocharger when idling"]  # fmt: skip
    top = result.matches[0]
    assert top.number == "US8387382" and top.patent.title() == "Diesel engine with air boosted turbocharger"
    assert top.applicant_types == ["government"]
    assert top.explanation is not None
    first, second = top.explanation.evidence
    assert first.passage == "¶3" and "**Diesel** **engines**" in first.excerpt and first.answered
    assert second.passage == "abstract" and "**idle**" in second.excerpt
    assert top.readiness.expiry_basis == "patent: 20 years from filing (2010-05-26)"
    out = result.to_dict()
    assert out["matches"][0]["explanation"]["evidence"][0]["passage"] == "¶3"
    assert out["matches"][0]["readiness"]["status"] == "unknown"  # the API corpus gives no kind code


def test_filters_available_applicant_type_industry_class(matcher: Matcher) -> None:
    sip = "Session handling for SIP messages in a voice over IP call"
    available = matcher.match_need(sip, MatchOptions(limit=3, available=True))
    assert [m.number for m in available.matches] == ["US8930553B2", "US11147202B2"]
    assert all(m.readiness.available for m in available.matches) and available.examined > 100
    government = matcher.match_need("turbocharger diesel engine torque", MatchOptions(applicant_types=["government"]))
    assert {t for m in government.matches for t in m.applicant_types} == {"government"}
    industry = matcher.match_need("communication system services availability", MatchOptions(industry=["1.1"]))
    assert [m.number for m in industry.matches] == ["US6336130B1", "US8930553B2"]  # SEI 1.1 from IPC G06F15/16
    classed = matcher.match_need("甘草发酵的香料", MatchOptions(ipc=["A24B"]))
    assert [m.number for m in classed.matches] == ["CN104223352A"]
    with pytest.raises(MatchError, match="unknown applicant type 'startup'"):
        matcher.match_need(sip, MatchOptions(applicant_types=["startup"]))


def test_bad_needs_get_clear_messages(matcher: Matcher) -> None:
    with pytest.raises(EmptyNeedError, match="the need is empty"):
        matcher.match_need("   ")
    with pytest.raises(EmptyNeedError, match="has no words to match on"):
        matcher.match_need("the of and to a 123 !!")
    with pytest.raises(EmptyNeedError, match="has no words to match on"):
        matcher.match_need("的 和 与")


def test_patent_to_firms_and_needs(matcher: Matcher) -> None:
    NeedsRegister(matcher.store).add([
        Need("Harbour Tugs Ltd", "Marine diesel engines need more torque at low revolutions from turbocharger boost.",
             "ops@tugs.example", "shipping"),
        Need("Pixel Co", "Display panels with lower gate line resistance."),
    ])  # fmt: skip
    market = matcher.match_patent("US 8,387,382")
    assert market.number == "US8387382"
    assert all(f.key != "UNITED STATES OF AMERICA AS REPRESENTED BY SECRETARY OF NAVY" for f in market.firms)
    assert len(market.firms) == 10 and market.firms[0].evidence
    assert [m.need.firm for m in market.needs] == ["Harbour Tugs Ltd"]
    assert market.needs[0].explanation.answered >= 1
    eri = matcher.match_patent("US8930553B2")
    ericsson = next(f for f in eri.firms if f.firm.startswith("Telefonaktiebolaget"))
    assert (ericsson.relation, ericsson.shared_classes) == ("similar", ["G06F"])
    assert {f.relation for f in eri.firms} <= {"similar", "unknown"}  # the API corpus has no classes
    with pytest.raises(NotFoundError):
        matcher.match_patent("US1234567B2")


def test_firm_profile_and_matching_it(matcher: Matcher) -> None:
    profile = matcher.firm("microsoft")
    assert profile.spellings == ["Microsoft Corporation", "Microsoft Technology Licensing, LLC"]
    assert profile.patents == 39 and profile.years == [("2010", 39)] and profile.applicant_type == "company"
    assert [t for t, _ in profile.terms[:2]] == ["developer", "client"]
    same, result = matcher.match_firm("microsoft", MatchOptions(explain=False))
    assert same.numbers == profile.numbers and result.need == profile.need_text()
    assert result.matches and not set(profile.numbers) & {m.number for m in result.matches}
    chinese = matcher.firm("三星显示")
    assert chinese.numbers == ["CN113781974A"] and chinese.classes[0] == ("G09G", 1)
    with pytest.raises(UnknownFirmError, match="no stored patent names the applicant 'Nobody Widgets'"):
        matcher.firm("Nobody Widgets")


def test_portfolio_table_and_workbook(matcher: Matcher, tmp_path: Path) -> None:
    result = matcher.portfolio(["US8387382", "EP3404678B1", "XX999"], firms=3, needs=2)
    assert [r.number for r in result.rows] == ["US8387382", "EP3404678B1"] and result.missing == ["XX999"]
    path = write_portfolio_xlsx(result, tmp_path / "p.xlsx")
    book = load_workbook(path)
    assert book.sheetnames == ["portfolio", "needs", "firms", "not found"]
    rows = list(book["portfolio"].iter_rows(values_only=True))
    assert rows[0][:3] == ("number", "title", "status") and rows[2][:3] == (
        "EP3404678B1", "HIGH VOLTAGE ASSEMBLY AND METHOD TO OPERATE THE HIGH VOLTAGE ASSEMBLY", "granted",
    )  # fmt: skip
    assert book["firms"].max_row == 1 + 6


def test_commands(data_dir: Path, tmp_path: Path) -> None:
    d = ["--data-dir", str(data_dir)]
    out = json.loads(novum("match", "need", TURBO, "-n", "2", "-f", "json", *d))
    assert out["matches"][0]["number"] == "US8387382"
    table = novum("match", "need", TURBO, "-n", "1", *d)
    assert "US8387382" in table and "expiry is an estimate" in table and "¶3" in table
    needs_file = tmp_path / "needs.csv"
    needs_file.write_text("firm,contact,text,industry\nAcme,,Crop spraying drones drift in wind,agri\n,,no firm,\n")
    result = runner.invoke(__import__("novum.cli.app", fromlist=["app"]).app, ["needs", "import", str(needs_file), *d])
    assert result.exit_code == 0 and "1 new" in result.stdout and "row 3: no firm" in result.stderr
    listed = json.loads(novum("needs", "list", "-f", "json", *d))
    assert "Acme" in [n["firm"] for n in listed]
    assert "registered" in novum("needs", "add", "Boat loaders that protect the bumper", "--firm", "Marina", *d)
    market = json.loads(novum("match", "patent", "US3937375", "-f", "json", *d))
    assert market["number"] == "US3937375A" and market["needs"][0]["firm"] == "Marina"
    assert "Microsoft Corporation" in novum("firm", "Microsoft", *d)
    numbers = tmp_path / "numbers.txt"
    numbers.write_text("number\nUS8387382\nEP3404678B1\n")
    novum("match", "portfolio", str(numbers), "-o", str(tmp_path / "out.xlsx"), *d)
    assert (tmp_path / "out.xlsx").exists()
    offers = tmp_path / "offers.csv"
    offers.write_text('number,licensor,terms,exclusive\n"US 8,930,553 B2",IBM,field of use: telecom,no\n')
    novum("offers", "import", str(offers), *d)
    shown = json.loads(novum("match", "need", "SIP session messages", "--available", "-f", "json", *d))
    assert shown["matches"][0]["offers"][0]["terms"] == "field of use: telecom"


def test_command_errors(data_dir: Path) -> None:
    from novum.cli.app import app

    d = ["--data-dir", str(data_dir)]
    for args, message in (
        (["match", "need", "the and of", *d], "has no words to match on"),
        (["match", "patent", "US1234567B2", *d], "is not in the store"),
        (["firm", "Nobody Widgets", *d], "no stored patent names the applicant"),
    ):
        with pytest.raises(Exception, match=message):
            runner.invoke(app, args, catch_exceptions=False)
