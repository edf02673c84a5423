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
    # 5: the application platform (novum serve): API tokens (hashed), web sessions, background jobs, saved searches,
    # charts; and citation links (citing document -> cited country+serial without zeros or kind) for forward citations.
    """
    CREATE TABLE api_tokens (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        scope TEXT NOT NULL CHECK (scope IN ('read', 'write', 'admin')),
        token_hash TEXT NOT NULL UNIQUE,
        prefix TEXT NOT NULL,
        created_at TEXT NOT NULL,
        last_used_at TEXT,
        revoked_at TEXT
    );
    CREATE TABLE web_sessions (
        session_hash TEXT PRIMARY KEY,
        token_id INTEGER NOT NULL REFERENCES api_tokens (id) ON DELETE CASCADE,
        csrf TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL
    );
    CREATE TABLE jobs (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        state TEXT NOT NULL,
        owner TEXT,
        detail TEXT NOT NULL DEFAULT '{}',
        progress TEXT NOT NULL DEFAULT '{}',
        error TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE TABLE saved_searches (
        id INTEGER PRIMARY KEY,
        owner TEXT NOT NULL,
        name TEXT NOT NULL,
        params TEXT NOT NULL,
        created_at TEXT NOT NULL,
        UNIQUE (owner, name)
    );
    CREATE TABLE charts (
        id TEXT PRIMARY KEY,
        owner TEXT,
        report TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE TABLE citation_links (
        citing TEXT NOT NULL REFERENCES documents (number) ON DELETE CASCADE,
        cited_key TEXT NOT NULL,
        cited_by TEXT,
        category TEXT
    );
    CREATE INDEX citation_links_cited ON citation_links (cited_key);
    CREATE INDEX citation_links_citing ON citation_links (citing);
    INSERT INTO citation_links (citing, cited_key, cited_by, category)
        SELECT d.number,
               upper(json_extract(c.value, '$.country')) || ltrim(json_extract(c.value, '$.doc_number'), '0'),
               json_extract(c.value, '$.cited_by'), json_extract(c.value, '$.category')
        FROM documents d, json_each(d.record, '$.citations') c
        WHERE json_extract(c.value, '$.country') IS NOT NULL AND json_extract(c.value, '$.doc_number') IS NOT NULL;
    """,
    # 6: watches, the alert ledger, per-watch watermarks and deliveries (issue 11).
    # ``watch_feed`` gives every stored document version a sequence number (the percolator's input queue; a watch's
    # watermark is the last sequence it evaluated); ``watch_alerts`` is the ledger, one row per watch x family x
    # reason ever; ``watch_deliveries`` the state of each alert on each channel; ``watch_attempts`` every try.
    """
    CREATE TABLE watches (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        owner TEXT NOT NULL DEFAULT '',
        kind TEXT NOT NULL CHECK (kind IN ('search', 'portfolio', 'competitor', 'industry')),
        spec TEXT NOT NULL,
        frequency TEXT NOT NULL CHECK (frequency IN ('immediate', 'daily', 'weekly')),
        webhook TEXT,
        email TEXT,
        feed_token TEXT NOT NULL,
        secret TEXT NOT NULL,
        watermark INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        last_run_at TEXT,
        last_sent_at TEXT
    );
    CREATE TABLE watch_feed (
        number TEXT PRIMARY KEY,
        content_hash TEXT NOT NULL,
        seq INTEGER NOT NULL UNIQUE
    );
    CREATE INDEX watch_documents_hash ON documents (number, content_hash);
    CREATE TABLE watch_alerts (
        id INTEGER PRIMARY KEY,
        watch_id INTEGER NOT NULL REFERENCES watches (id) ON DELETE CASCADE,
        family TEXT NOT NULL,
        reason TEXT NOT NULL,
        number TEXT NOT NULL,
        title TEXT,
        detail TEXT NOT NULL,
        score REAL,
        seq INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        UNIQUE (watch_id, family, reason)
    );
    CREATE INDEX watch_alerts_watch ON watch_alerts (watch_id, id);
    CREATE TABLE watch_deliveries (
        id INTEGER PRIMARY KEY,
        alert_id INTEGER NOT NULL REFERENCES watch_alerts (id) ON DELETE CASCADE,
        channel TEXT NOT NULL CHECK (channel IN ('webhook', 'email')),
        target TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        next_attempt_at TEXT,
        sent_at TEXT,
        UNIQUE (alert_id, channel)
    );
    CREATE INDEX watch_deliveries_state ON watch_deliveries (state);
    CREATE TABLE watch_attempts (
        id INTEGER PRIMARY KEY,
        watch_id INTEGER NOT NULL REFERENCES watches (id) ON DELETE CASCADE,
        channel TEXT NOT NULL,
        target TEXT NOT NULL,
        alerts INTEGER NOT NULL,
        ok INTEGER NOT NULL,
        status INTEGER,
        error TEXT,
        at TEXT NOT NULL
    );
    """,
    # 7: the needs register (a firm's problem in its own words, with a contact and an industry) and open-licence
    # offers (a patent's licensor and terms, imported from a platform's listing); re-imports are idempotent.
    """
    CREATE TABLE needs (
        id INTEGER PRIMARY KEY,
        firm TEXT NOT NULL,
        contact TEXT,
        text TEXT NOT NULL,
        industry TEXT,
        source TEXT,
        position TEXT,
        created_at TEXT NOT NULL,
        UNIQUE (firm, text)
    );
    CREATE TABLE licence_offers (
        number TEXT NOT NULL,
        licensor TEXT NOT NULL DEFAULT '',
        terms TEXT,
        exclusive INTEGER,
        territory TEXT,
        fee TEXT,
        contact TEXT,
        url TEXT,
        valid_until TEXT,
        source TEXT,
        position TEXT,
        created_at TEXT NOT NULL,
        PRIMARY KEY (number, licensor)
    );
    """,
]
