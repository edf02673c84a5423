"""Schema migrations, applied in order and recorded in SQLite's ``user_version``.

A migration is never edited once released; a change to the schema is a new entry at the end of the list.
"""

from __future__ import annotations

MIGRATIONS: list[str] = [
    # 1: documents keyed on the canonical publication number, raw source bytes, quarantine, resumable sources.
    """
    CREATE TABLE documents (
        number TEXT PRIMARY KEY,
        country TEXT NOT NULL,
        doc_number TEXT NOT NULL,
        kind TEXT,
        family_key TEXT NOT NULL,
        priority_date TEXT,
        filing_date TEXT,
        publication_date TEXT,
        effective_date TEXT,
        language TEXT,
        record TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        source TEXT,
        position TEXT,
        format TEXT,
        ingested_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        indexed INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX documents_short ON documents (country, doc_number);
    CREATE INDEX documents_doc_number ON documents (doc_number);
    CREATE INDEX documents_family ON documents (family_key);
    CREATE INDEX documents_pending ON documents (indexed) WHERE indexed = 0;
    CREATE TABLE raw_documents (
        number TEXT PRIMARY KEY REFERENCES documents (number) ON DELETE CASCADE,
        raw BLOB NOT NULL
    );
    CREATE TABLE quarantine (
        id INTEGER PRIMARY KEY,
        source TEXT NOT NULL,
        position TEXT NOT NULL,
        reason TEXT NOT NULL,
        format TEXT,
        raw BLOB,
        at TEXT NOT NULL,
        UNIQUE (source, position)
    );
    CREATE TABLE sources (
        source TEXT PRIMARY KEY,
        fingerprint TEXT NOT NULL,
        documents INTEGER NOT NULL,
        quarantined INTEGER NOT NULL,
        completed_at TEXT NOT NULL
    );
    """,
    # 2: how a defective source document was repaired to be read (bare '&' escaped, recovered XML), or NULL.
    """
    ALTER TABLE documents ADD COLUMN warning TEXT;
    CREATE INDEX documents_warning ON documents (warning) WHERE warning IS NOT NULL;
    """,
    # 3: search history: every query gets a set label (L1, L2, ...) within a workspace, so later queries can
    # combine earlier sets (L3 = L1 AND NOT L2). ``numbers`` keeps the set's members as a JSON list.
    """
    CREATE TABLE search_history (
        id INTEGER PRIMARY KEY,
        workspace TEXT NOT NULL DEFAULT 'default',
        label TEXT NOT NULL,
        query TEXT NOT NULL,
        hits INTEGER NOT NULL,
        numbers TEXT NOT NULL DEFAULT '[]',
        created_at TEXT NOT NULL,
        UNIQUE (workspace, label)
    );
    """,
    # 4: dense retrieval. ``passages`` maps each vector id of a model's vector file to its document and location
    # ("abstract", "claim 1", "[0012]"); ``embedded`` records which document versions a model has embedded, so an
    # interrupted embedding resumes where it stopped. Classes are copied into columns for fast filter masks.
    """
    CREATE TABLE passages (
        model TEXT NOT NULL,
        id INTEGER NOT NULL,
        number TEXT NOT NULL,
        location TEXT NOT NULL,
        deleted INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (model, id)
    );
    CREATE INDEX passages_number ON passages (model, number);
    CREATE TABLE embedded (
        model TEXT NOT NULL,
        number TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        PRIMARY KEY (model, number)
    );
    ALTER TABLE documents ADD COLUMN cpc TEXT NOT NULL DEFAULT '';
    ALTER TABLE documents ADD COLUMN ipc TEXT NOT NULL DEFAULT '';
    UPDATE documents SET
        cpc = coalesce((SELECT group_concat(value, ' ') FROM json_each(record, '$.cpc')), ''),
        ipc = coalesce((SELECT group_concat(value, ' ') FROM json_each(record, '$.ipc')), '');
    """,
    # 5: the application platform (novum serve): API tokens (hashed), background jobs, saved searches, charts.
    "-- reserved for the API platform (issue 9)",
    # 6: watches, the alert ledger, per-watch watermarks and deliveries (issue 11).
    "-- reserved for watches (issue 11)",
    # 7: the needs register and open-licence offers (issue 12).
    "-- reserved for technology transfer (issue 12)",
]
