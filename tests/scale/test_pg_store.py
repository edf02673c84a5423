"""PostgreSQL as the system of record: the same real documents stored in PostgreSQL and in SQLite give the same
records, raw bytes, quarantine, sources, search history and watch alerts; ``novum search`` / ``novum show`` print
the same on both; and ``migrate-store`` of a real store, interrupted and resumed, ends with an identical copy."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import psycopg
import pytest

from novum.auth import create_token
from novum.cli.app import app
from novum.errors import StoreError
from novum.index.lexical import open_index
from novum.ingest.pipeline import Ingester
from novum.search.query.history import History
from novum.store import open_store
from novum.store.analytics import AnalyticsReader
from novum.store.facets import FacetReader
from novum.store.needs import Need, NeedsRegister
from novum.store.passages import PassageTable
from novum.store.postgres import redact
from novum.store.sqlite import IngestCounts, Store, StoredDocument
from novum.store.transfer import copy_store, table_digest
from novum.store.watches import WatchTable
from novum.watch import service
from tests.conftest import fixture
from tests.helpers import DEMO, novum, runner

US_GO = "us-go-uspto/pkg/uspto/test-data"
EPO = "ep-publication-server/pkg/eps/test-data"


def sources(tmp_path: Path) -> list[Path]:
    """Real publications (the demo XML, USPTO and EPO fixtures) and two malformed files for the quarantine."""
    bad = tmp_path / "bad"
    bad.mkdir(exist_ok=True)
    (bad / "empty.xml").write_bytes(b"")
    (bad / "latin1.xml").write_bytes('<?xml version="1.0" encoding="UTF-8"?><a>caf\xe9</a>'.encode("latin-1"))
    return [DEMO / "xml", fixture(US_GO), fixture(EPO), bad]


def ingest(store: Store, paths: list[Path]) -> IngestCounts:
    return Ingester(store, open_index(store)).run(paths)


def populate(store: Store, paths: list[Path]) -> IngestCounts:
    """What a working store holds: the demo documents, watches, then new documents, a watch run, a recorded search,
    a token, a need and a model's passages."""
    ingest(store, paths[:1])
    service.add_watch(store, "charging", query="wireless OR charging OR battery")
    service.add_watch(store, "cited", portfolio=["US4725144"])
    service.add_watch(store, "soil", cpc=["A01B"])
    counts = ingest(store, paths[1:])
    service.run_watches(store, send=False)
    history = History(store, "team")
    history.add("battery", ["EP2136607A2", "US7057742B2"], hits=2)
    history.add("L2 = L1 AND torch", ["EP2136607A2"])
    create_token(store, "reader", "read")
    NeedsRegister(store).add([Need("Acme Ltd", "a torch that charges without a cable", industry="lighting")])
    PassageTable(store, "bge-small-en").record(
        0, [("EP2136607A2", "abstract"), ("EP2136607A2", "claim 1")], [("EP2136607A2", "hash")]
    )
    return counts


def without(row: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k not in keys}


def contents(store: Store) -> dict[str, Any]:
    """Everything a user can read back from a store, timestamps left out (two ingests run at different times)."""
    numbers = [n for n, _ in store.content_hashes()]
    history = History(store, "team")
    return {
        "hashes": list(store.content_hashes()),
        "records": {n: p.to_dict() for n, p in store.get_many(numbers).items()},
        "raw": {n: store.raw(n) for n in numbers},
        "provenance": {n: without(store.provenance(n), "ingested_at", "updated_at") for n in numbers},
        "stats": store.stats(),
        "quarantine": [
            without(dict(r), "id", "at") | {"raw": bytes(r["raw"])}
            for r in store.db.execute("SELECT * FROM quarantine ORDER BY source, position").fetchall()
        ],
        "sources": [
            without(dict(r), "completed_at", "fingerprint")
            for r in store.db.execute("SELECT * FROM sources ORDER BY source").fetchall()
        ],
        "history": [(e.label, e.query, e.hits, e.numbers) for e in history.entries()],
        "alerts": {
            w.watch.name: sorted(
                (a.number, a.reason, a.seq, a.summary) for a in service.show_watch(store, w.watch.name).alerts
            )
            for w in service.list_watches(store)
        },
        "citing": [dict(r) for r in store.citing("US4725144")] if _has(store, "US4725144") else [],
        "resolve": [store.resolve(s) for s in ("EP 2136607", "7057742", "US 7,057,742 B2")],
        "passages": PassageTable(store, "bge-small-en").rows(),
        "needs": [n.to_dict() | {"id": None} for n in NeedsRegister(store).needs(industry="LIGHTING")],
        "facets": sorted(FacetReader(store).rows(numbers, applicants_of=numbers), key=lambda r: r.number),
        "owners": sorted(WatchTable(store).owner_names()),
        "light_records": [p.to_dict() for p in AnalyticsReader(store).records()],
        "sql_counts": AnalyticsReader(store).sql_counts(),
        "snapshot": without(AnalyticsReader(store).snapshot(), "data_dir", "last_update"),
    }


def _has(store: Store, number: str) -> bool:
    try:
        store.resolve(number)
    except Exception:
        return False
    return True


def test_postgresql_holds_what_sqlite_holds(tmp_path: Path, pg_database: str) -> None:
    paths = sources(tmp_path)
    with Store(tmp_path / "lite") as lite, open_store(tmp_path / "pg", pg_database) as pg:
        assert (lite.dialect.name, pg.dialect.name) == ("sqlite", "postgresql")
        assert pg.schema_version == lite.schema_version == 7
        first = (populate(lite, paths), populate(pg, paths))
        assert first[0] == first[1] and first[0].quarantined == 2 and first[0].new > 40
        assert contents(pg) == contents(lite)
        grant = fixture(US_GO) / "grant" / "US07057742-20060606.XML"
        assert pg.count() == lite.count() and pg.raw("US7057742B2") == grant.read_bytes()
        contents_numbers = pg.numbers()
        again = (ingest(lite, paths), ingest(pg, paths))  # resume: every source is done, nothing is read again
        assert again[0] == again[1] and again[1].new == again[1].updated == 0
    with psycopg.connect(pg_database) as direct:  # it really is in PostgreSQL
        counted = [direct.execute(f"SELECT count(*) FROM {t}").fetchone() for t in ("documents", "quarantine")]
        assert counted == [(len(contents_numbers),), (2,)]
    assert not (tmp_path / "pg" / "novum.db").exists()  # the data directory keeps only the index files


def test_the_environment_variable_selects_postgresql(
    tmp_path: Path, pg_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NOVUM_DATABASE_URL", pg_database)
    with Store(tmp_path / "d") as store:
        assert store.dialect.postgres and store.location == redact(pg_database)
        assert store.db.execute("SELECT current_database()").fetchone()[0] == pg_database.split("/")[3].split("?")[0]
    assert (
        redact("postgresql://novum:s3cret@db.example:5432/patents") == "postgresql://novum:***@db.example:5432/patents"
    )
    monkeypatch.setenv("NOVUM_DATABASE_URL", "mysql://nowhere")
    with pytest.raises(StoreError, match="must be a postgresql:// URL"):
        Store(tmp_path / "d")


def test_a_postgresql_store_from_a_newer_novum_is_refused(tmp_path: Path, pg_database: str) -> None:
    Store(tmp_path / "d", pg_database).close()
    with psycopg.connect(pg_database, autocommit=True) as direct:
        direct.execute("UPDATE novum_schema SET version = 99")
    with pytest.raises(StoreError, match="schema version 99, newer than this novum understands"):
        Store(tmp_path / "d", pg_database)


def test_cli_search_and_show_print_the_same_on_both(tmp_path: Path, pg_database: str) -> None:
    paths = [str(p) for p in sources(tmp_path)]
    lite, pg = str(tmp_path / "lite"), str(tmp_path / "pg")
    env, unset = {"NOVUM_DATABASE_URL": pg_database}, {"NOVUM_DATABASE_URL": ""}
    novum("ingest", *paths, "--data-dir", lite, "--no-embed")
    # the option passes the URL on through the environment; the runner restores the variable it was given
    novum("--database-url", pg_database, "ingest", *paths, "--data-dir", pg, "--no-embed", env=unset)
    for args in (
        ["search", "battery powered torch", "--mode", "lexical", "--format", "json"],
        ["search", "sensor NEAR5 signal", "--syntax", "query", "--format", "json"],
        ["search", "battery", "--mode", "lexical", "--country", "EP", "--workspace", "w"],
        ["history", "--workspace", "w", "--format", "json"],
        ["show", "US7057742B2", "--format", "json"],
        ["show", "EP 2136607"],
        ["show", "US7057742B2", "--raw"],
        ["stats", "--format", "json"],
    ):
        on_sqlite = novum(*args, "--data-dir", lite)
        on_postgres = novum(*args, "--data-dir", pg, env=env)
        assert _stable(on_postgres) == _stable(on_sqlite), args
    assert "NOVUM_DATABASE_URL" not in os.environ  # nothing leaked into the tests that follow
    assert json.loads(novum("stats", "--format", "json", "--data-dir", pg, env=env))["documents"] > 40


def _stable(output: str) -> str:
    """Output without what legitimately differs between two stores: the data directory and clock times."""
    try:
        value = json.loads(output)
    except json.JSONDecodeError:
        return output
    return json.dumps(_strip(value), sort_keys=True)


def _strip(value: Any) -> Any:
    if isinstance(value, dict):
        skip = {"ingested_at", "updated_at", "created_at", "data_dir", "took_ms", "elapsed_ms", "updated", "snapshot"}
        return {k: _strip(v) for k, v in value.items() if k not in skip}
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value


class Killed(Exception):
    """Stands for a kill -9 in the middle of a batch (the batch's transaction is rolled back)."""


def test_migrate_store_killed_midway_resumes_to_an_identical_copy(tmp_path: Path, pg_database: str) -> None:
    folder = tmp_path / "lite"
    with Store(folder) as lite:
        populate(lite, sources(tmp_path))
        total = lite.count()
        expected = {t: table_digest(lite, t) for t in ("documents", "raw_documents", "citation_links", "watch_alerts")}

    def kill_at(table: str, rows: int) -> Any:
        def hook(name: str, copied: int) -> None:
            if name == table and copied >= rows:
                raise Killed

        return hook

    with Store(folder) as lite, Store(folder, pg_database) as pg:
        with pytest.raises(Killed):
            copy_store(lite, pg, batch=10, hook=kill_at("documents", 30))
        assert pg.count() == 20  # two batches committed, the third rolled back
        with pytest.raises(Killed):
            copy_store(lite, pg, batch=1, hook=kill_at("watch_alerts", 3))
        assert pg.count() == total
        assert pg.db.execute("SELECT count(*) FROM watch_alerts").fetchone()[0] == 2

    result = json.loads(novum("migrate-store", "--to", pg_database, "--data-dir", str(folder), "--format", "json"))
    assert result["identical"] and result["schema_version"] == 7
    tables = {t["table"]: t for t in result["tables"]}
    assert all(t["identical"] and t["already"] + t["copied"] == t["source_rows"] for t in tables.values())
    assert tables["documents"]["already"] == total and tables["documents"]["copied"] == 0
    assert tables["watch_alerts"]["already"] == 2 and tables["watch_alerts"]["copied"] > 0
    assert tables["quarantine"]["source_rows"] == 2 and tables["api_tokens"]["source_rows"] == 1

    again = json.loads(novum("migrate-store", "--to", pg_database, "--data-dir", str(folder), "--format", "json"))
    assert again["identical"] and sum(t["copied"] for t in again["tables"]) == 0  # nothing is copied twice

    with Store(folder) as lite, Store(folder, pg_database) as pg:
        for table, digest in expected.items():
            assert table_digest(pg, table) == digest
        assert contents(pg) == contents(lite)
        # the copy is a working store: new rows get fresh ids and the watch feed continues in the same order
        service.add_watch(pg, "later", query="torch")
        service.add_watch(lite, "later", query="torch")
        assert service.get_watch(pg, "later").id == service.get_watch(lite, "later").id
        ran = [without(service.run_watches(s, send=False).to_dict(), "seconds") for s in (pg, lite)]
        assert ran[0] == ran[1]


def test_migrate_store_table_output_and_refusals(tmp_path: Path, pg_database: str) -> None:
    folder = tmp_path / "lite"
    with Store(folder) as lite:
        ingest(lite, [DEMO / "xml"])
    output = novum("migrate-store", "--to", pg_database, "--data-dir", str(folder))
    assert "documents" in output and "identical" in output
    result = runner.invoke(app, ["migrate-store", "--to", "sqlite:///x", "--data-dir", str(folder)])
    assert result.exit_code != 0 and "postgresql://" in str(result.exception)
    result = runner.invoke(app, ["migrate-store", "--to", pg_database, "--data-dir", str(tmp_path / "nothing")])
    assert "there is no store in" in str(result.exception) and not (tmp_path / "nothing").exists()
    other = tmp_path / "other"
    with Store(other) as store:
        ingest(store, [fixture(EPO)])
    result = runner.invoke(app, ["migrate-store", "--to", pg_database, "--data-dir", str(other)])
    assert "holds documents that were not copied from" in str(result.exception)
    same = {"NOVUM_DATABASE_URL": pg_database}
    result = runner.invoke(app, ["migrate-store", "--to", pg_database, "--data-dir", str(folder)], env=same)
    assert "the source and the target are the same database" in str(result.exception)


def test_migrate_store_survives_kill_9(tmp_path: Path, pg_database: str) -> None:
    """A real ``kill -9`` of ``novum migrate-store`` in the middle of the documents; the re-run finishes the copy."""
    folder = tmp_path / "lite"
    with Store(folder) as lite:
        ingest(lite, [DEMO / "us-patents-sample.jsonl.gz"])
        total = lite.count()
    command = [sys.executable, "-m", "novum", "migrate-store", "--to", pg_database, "--data-dir", str(folder)]
    env = {k: v for k, v in os.environ.items() if k != "NOVUM_DATABASE_URL"}
    process = subprocess.Popen(
        [*command, "--batch", "50"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    with psycopg.connect(pg_database, autocommit=True) as watch:
        while process.poll() is None and _documents(watch) < 500:
            time.sleep(0.01)
        assert process.poll() is None, "the copy finished before it could be killed"
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        killed_at = _documents(watch)
    assert 500 <= killed_at < total and killed_at % 50 == 0  # whole batches only
    finished = subprocess.run([*command, "--format", "json"], env=env, capture_output=True, text=True, check=True)
    result = json.loads(finished.stdout)
    documents = next(t for t in result["tables"] if t["table"] == "documents")
    assert result["identical"] and documents["already"] == killed_at
    assert documents["already"] + documents["copied"] == total


def _documents(connection: psycopg.Connection[Any]) -> int:
    """Documents in the target so far (0 before the copy has created the schema)."""
    exists = connection.execute("SELECT to_regclass('documents') IS NOT NULL").fetchone()
    if not (exists and exists[0]):
        return 0
    found = connection.execute("SELECT count(*) FROM documents").fetchone()
    return int(found[0]) if found else 0


def test_a_second_writer_of_the_same_documents_waits_for_the_first(tmp_path: Path, pg_database: str) -> None:
    """Two writers (Spark tasks, say) storing the same real documents at the same moment: the second waits for the
    first's transaction and then finds them unchanged; nothing is stored twice (citation links included)."""
    with Store(tmp_path / "lite") as lite:
        ingest(lite, [fixture(US_GO), fixture(EPO)])
        expected = {t: table_digest(lite, t) for t in ("raw_documents", "citation_links")}
        documents = [
            StoredDocument(lite.get(n), lite.raw(n) or b"", p["source"], p["position"], p["format"], p["warning"])
            for n in sorted(lite.numbers())
            for p in [lite.provenance(n)]
        ]
    second: list[IngestCounts] = []
    with Store(tmp_path / "a", pg_database) as first, Store(tmp_path / "b", pg_database) as other:
        with first.transaction():
            assert first.upsert(documents).new == len(documents)
            waiting = threading.Thread(target=lambda: second.append(other.upsert(reversed(documents))))
            waiting.start()
            time.sleep(1.0)  # the second writer is now blocked on the first's uncommitted documents
            assert waiting.is_alive() and second == []
        waiting.join()
        assert second[0].unchanged == len(documents) and second[0].new == second[0].updated == 0
        for table, digest in expected.items():
            assert table_digest(first, table) == digest


def test_json_reads_survive_a_nul_escape_in_a_record(tmp_path: Path, pg_database: str) -> None:
    """jsonb refuses ``\\u0000``; a record carrying one (hostile input) is still read by the JSON functions."""
    record = {"number": "US9000008B2", "titles": {"en": "a\u0000b"}, "applicants": [{"name": "Acme\u0000 Corp"}]}
    source = tmp_path / "nul.jsonl"
    source.write_text(json.dumps(record) + "\n", encoding="utf-8")
    with Store(tmp_path / "d", pg_database) as store:
        assert ingest(store, [source]).new == 1
        assert store.get("US9000008B2").titles == {"en": "a\u0000b"}  # the stored record keeps it
        assert [r.applicant for r in FacetReader(store).rows(["US9000008B2"], ["US9000008B2"])] == ["Acme Corp"]
        assert WatchTable(store).owner_names() == [("US9000008B2", ["Acme Corp"])]
        assert [p.titles for p in AnalyticsReader(store).records()] == [{"en": "ab"}]


def test_a_lost_connection_is_opened_again(tmp_path: Path, pg_database: str) -> None:
    """The server cuts the store's connection (a restart, an idle timeout): the next read reconnects; a write
    transaction that lost its connection fails and leaves nothing behind."""
    with Store(tmp_path / "d", pg_database) as store:
        ingest(store, [DEMO / "xml"])
        assert store.count() == 8

        def cut() -> None:
            pid = store.db.execute("SELECT pg_backend_pid()").fetchone()[0]
            with psycopg.connect(pg_database, autocommit=True) as admin:
                admin.execute("SELECT pg_terminate_backend(%s)", (pid,))

        cut()
        assert store.count() == 8 and store.get("EP3404678B1").number == "EP3404678B1"
        with pytest.raises(psycopg.OperationalError), store.transaction():
            store.db.execute("DELETE FROM sources")
            cut()
            store.db.execute("DELETE FROM quarantine")
        assert store.db.execute("SELECT count(*) FROM sources").fetchone()[0] == 8  # the delete was rolled back
        history = History(store, "after")
        history.add("battery", ["EP3404678B1"])  # and writing works again
        assert [e.label for e in history.entries()] == ["L1"]
