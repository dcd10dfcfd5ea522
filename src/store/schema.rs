//! The schema, as forward-only numbered migrations. `PRAGMA user_version` holds the number of
//! the last one applied; a file with a higher number was written by a newer Zoufang and is
//! refused before anything touches it.

use super::error::{Result, StoreError};
use rusqlite::{Connection, Transaction};
use std::path::Path;

/// One migration: why it exists, and the SQL that performs it.
struct Migration {
    /// Why it exists (kept for readers; not executed).
    #[allow(dead_code)]
    why: &'static str,
    sql: &'static str,
    /// What SQL alone cannot do, run in the same transaction after the SQL of every pending
    /// migration (re-indexing).
    then: Option<fn(&Transaction<'_>) -> Result<()>>,
}

/// Every migration in order; migration `i` brings the schema to version `i + 1`.
const MIGRATIONS: &[Migration] = &[
    Migration {
        why: "The first schema: synced records (topic, subject, visit, finding) with their clocks and \
          tombstones, the topic join table used by filters, the history trail, and the two search \
          indexes (trigram for 3+ characters, character grams for 1–2 character Chinese words).",
        sql: r#"
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE topic (
    id         TEXT PRIMARY KEY,
    code       TEXT NOT NULL,
    name_zh    TEXT NOT NULL,
    name_en    TEXT NOT NULL DEFAULT '',
    parent_id  TEXT,
    archived   INTEGER NOT NULL DEFAULT 0,
    created_at TEXT,
    updated_at TEXT,
    updated_by TEXT NOT NULL DEFAULT '',
    clock      TEXT NOT NULL,
    clocks     TEXT NOT NULL DEFAULT '{}',
    deleted_at TEXT
) STRICT;
CREATE INDEX topic_code ON topic(code);
CREATE INDEX topic_parent ON topic(parent_id);

CREATE TABLE subject (
    id         TEXT PRIMARY KEY,
    title      TEXT NOT NULL,
    lead       TEXT NOT NULL DEFAULT '',
    unit       TEXT NOT NULL DEFAULT '',
    start_date TEXT,
    end_date   TEXT,
    topics     TEXT NOT NULL DEFAULT '[]',
    notes      TEXT NOT NULL DEFAULT '',
    created_at TEXT,
    updated_at TEXT,
    updated_by TEXT NOT NULL DEFAULT '',
    clock      TEXT NOT NULL,
    clocks     TEXT NOT NULL DEFAULT '{}',
    deleted_at TEXT
) STRICT;

CREATE TABLE visit (
    id            TEXT PRIMARY KEY,
    date          TEXT NOT NULL,
    place         TEXT NOT NULL,
    region        TEXT NOT NULL DEFAULT '',
    investigators TEXT NOT NULL DEFAULT '[]',
    people_met    INTEGER NOT NULL DEFAULT 0,
    unannounced   INTEGER NOT NULL DEFAULT 0,
    subject_id    TEXT,
    notes         TEXT NOT NULL DEFAULT '',
    created_at    TEXT,
    updated_at    TEXT,
    updated_by    TEXT NOT NULL DEFAULT '',
    clock         TEXT NOT NULL,
    clocks        TEXT NOT NULL DEFAULT '{}',
    deleted_at    TEXT
) STRICT;
CREATE INDEX visit_date ON visit(date);
CREATE INDEX visit_subject ON visit(subject_id);

CREATE TABLE finding (
    id              TEXT PRIMARY KEY,
    visit_id        TEXT NOT NULL REFERENCES visit(id),
    kind            TEXT NOT NULL,
    title           TEXT NOT NULL,
    detail          TEXT NOT NULL DEFAULT '',
    topics          TEXT NOT NULL DEFAULT '[]',
    people_affected INTEGER NOT NULL DEFAULT 0,
    category        TEXT,
    measures        TEXT NOT NULL DEFAULT '',
    target          TEXT NOT NULL DEFAULT '',
    deadline        TEXT,
    owner           TEXT NOT NULL DEFAULT '',
    owner_unit      TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL DEFAULT 'open',
    closed_on       TEXT,
    verified_by     TEXT NOT NULL DEFAULT '',
    close_note      TEXT NOT NULL DEFAULT '',
    created_at      TEXT,
    updated_at      TEXT,
    updated_by      TEXT NOT NULL DEFAULT '',
    clock           TEXT NOT NULL,
    clocks          TEXT NOT NULL DEFAULT '{}',
    deleted_at      TEXT
) STRICT;
CREATE INDEX finding_visit ON finding(visit_id);
CREATE INDEX finding_status ON finding(status, deadline);

-- Derived from finding.topics on every write; lets filters walk the topic tree in SQL.
CREATE TABLE finding_topic (
    topic_id   TEXT NOT NULL,
    finding_id TEXT NOT NULL REFERENCES finding(id) ON DELETE CASCADE,
    PRIMARY KEY (topic_id, finding_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX finding_topic_finding ON finding_topic(finding_id);

-- The supervision trail: every change, with the record before and after.
CREATE TABLE history (
    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
    record_id TEXT NOT NULL,
    kind      TEXT NOT NULL,
    action    TEXT NOT NULL,
    at        TEXT NOT NULL,
    author    TEXT NOT NULL,
    device    TEXT NOT NULL,
    clock     TEXT NOT NULL,
    before    TEXT,
    after     TEXT
) STRICT;
CREATE INDEX history_record ON history(record_id, seq);

-- One row per searchable live record; its rowid keys both full-text indexes.
CREATE TABLE search_doc (
    rowid     INTEGER PRIMARY KEY,
    kind      TEXT NOT NULL,
    record_id TEXT NOT NULL UNIQUE
) STRICT;
CREATE VIRTUAL TABLE search_tri USING fts5(
    title, body, tokenize = 'trigram', content = '', contentless_delete = 1
);
CREATE VIRTUAL TABLE search_gram USING fts5(
    title, body, tokenize = 'unicode61', content = '', contentless_delete = 1
);
"#,
        then: None,
    },
    Migration {
        why: "Case bundles (issue 4): the import log (which bundle or database file, by id and \
          SHA-256, was imported when and with what result) and the conflicts a merge found (the \
          losing version of a field, kept for review; one row per record, field and losing clock, \
          so importing the same bundle again adds none).",
        sql: r#"
CREATE TABLE import_log (
    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
    at        TEXT NOT NULL,
    source    TEXT NOT NULL,
    file_name TEXT NOT NULL,
    bundle_id TEXT,
    sha256    TEXT NOT NULL,
    creator   TEXT NOT NULL DEFAULT '',
    device_id TEXT NOT NULL DEFAULT '',
    result    TEXT NOT NULL,
    backup    TEXT
) STRICT;

CREATE TABLE conflict (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    kind          TEXT NOT NULL,
    record_id     TEXT NOT NULL,
    field         TEXT NOT NULL,
    loser_value   TEXT NOT NULL,
    loser_clock   TEXT NOT NULL,
    loser_author  TEXT NOT NULL DEFAULT '',
    winner_value  TEXT NOT NULL,
    winner_clock  TEXT NOT NULL,
    found_at      TEXT NOT NULL,
    import_seq    INTEGER REFERENCES import_log(seq),
    reviewed_at   TEXT,
    reviewed_by   TEXT,
    UNIQUE (record_id, field, loser_clock)
) STRICT;
CREATE INDEX conflict_open ON conflict(reviewed_at, seq);
"#,
        then: None,
    },
    Migration {
        why: "Personal data (issue 7): a visit lists the people interviewed (name, role, contact) \
          as a JSON array. Existing visits get an empty list, stamped with the origin clock (the \
          built-in catalogue's), so any real edit wins over it and bundles carry a clock for \
          every field.",
        sql: r#"
ALTER TABLE visit ADD COLUMN interviewees TEXT NOT NULL DEFAULT '[]';
UPDATE visit SET clocks = json_set(clocks, '$.interviewees', '000000000000000.000000.builtin');
"#,
        then: None,
    },
    Migration {
        why: "Attachments (issue 6): photos and documents on visits and findings. Their metadata \
          is a synced record like the others (id, clocks, tombstone; travels in bundles); their \
          bytes live once per SHA-256 in `blob`, which is local content, not a record: no clock, \
          written with INSERT OR IGNORE in the transaction that writes the record naming it, so \
          the same photo attached twice, or imported again, is stored once.",
        sql: r#"
CREATE TABLE attachment (
    id          TEXT PRIMARY KEY,
    owner_kind  TEXT NOT NULL,
    owner_id    TEXT NOT NULL,
    name        TEXT NOT NULL,
    mime        TEXT NOT NULL DEFAULT 'application/octet-stream',
    size_bytes  INTEGER NOT NULL DEFAULT 0,
    sha256      TEXT NOT NULL,
    evidence    INTEGER NOT NULL DEFAULT 0,
    added_by    TEXT NOT NULL DEFAULT '',
    created_at  TEXT,
    updated_at  TEXT,
    updated_by  TEXT NOT NULL DEFAULT '',
    clock       TEXT NOT NULL,
    clocks      TEXT NOT NULL DEFAULT '{}',
    deleted_at  TEXT
) STRICT;
CREATE INDEX attachment_owner ON attachment(owner_id);
CREATE INDEX attachment_sha256 ON attachment(sha256);

CREATE TABLE blob (
    sha256 TEXT PRIMARY KEY,
    size   INTEGER NOT NULL,
    data   BLOB NOT NULL
) STRICT;
"#,
        then: None,
    },
    Migration {
        why: "Search (issue 16): a finding is found by its visit's place and region too \
          (\"年检率 浏阳\"). `search_doc.place` remembers the place text each finding was indexed \
          with, so editing a visit's place or region re-indexes its findings; every finding is \
          indexed again here to include it.",
        sql: "ALTER TABLE search_doc ADD COLUMN place TEXT;",
        then: Some(super::search_place::reindex_all_findings),
    },
    Migration {
        why: "An audit trail that travels (issue 16): every history entry gets an id that is the \
          same on every laptop (a hash of its content, given to existing rows by \
          `history_trail::fill_entry_ids`), and the entries that arrive in bundles are kept \
          apart in `history_travelled`, once per id, so a merge never reads them as this \
          laptop's own edits.",
        sql: r#"
ALTER TABLE history ADD COLUMN entry_id TEXT;
CREATE INDEX history_entry ON history(entry_id);

CREATE TABLE history_travelled (
    entry_id  TEXT PRIMARY KEY,
    record_id TEXT NOT NULL,
    kind      TEXT NOT NULL,
    action    TEXT NOT NULL,
    at        TEXT NOT NULL,
    author    TEXT NOT NULL,
    device    TEXT NOT NULL,
    clock     TEXT NOT NULL,
    before    TEXT,
    after     TEXT
) STRICT;
CREATE INDEX history_travelled_record ON history_travelled(record_id, at);
"#,
        // Existing rows get their ids: a hash, which SQL cannot make.
        then: Some(super::history_trail::fill_entry_ids),
    },
    Migration {
        why: "Office ledgers (issue 14): where each finding imported from a spreadsheet came from \
          (the ledger's identity — its title, else its file name — and the row's key: its 序号 or \
          a fingerprint of its first cells), so importing the ledger again updates instead of \
          duplicating; and the one visit per ledger that takes the rows whose visit is unknown. \
          Both are local bookkeeping like the import log, not synced records.",
        sql: r#"
CREATE TABLE ledger_source (
    ledger     TEXT NOT NULL,
    row_key    TEXT NOT NULL,
    finding_id TEXT NOT NULL,
    import_seq INTEGER REFERENCES import_log(seq),
    PRIMARY KEY (ledger, row_key)
) STRICT;
CREATE INDEX ledger_source_finding ON ledger_source(finding_id);

CREATE TABLE ledger_visit (
    ledger   TEXT PRIMARY KEY,
    visit_id TEXT NOT NULL
) STRICT;
"#,
        then: None,
    },
    Migration {
        why: "Forms (issue 12): a form version, a response on a visit and each of its answers \
          are synced records (clocks, tombstones, history, bundles). An answer's id is derived \
          from its response and path, so the same answer made on two laptops is one record. A \
          finding raised by a failing checklist item names its response and question; existing \
          findings get none, stamped with the origin clock like the interviewees of schema 3.",
        sql: r#"
CREATE TABLE form (
    id          TEXT PRIMARY KEY,
    form_id     TEXT NOT NULL,
    version     TEXT NOT NULL DEFAULT '',
    title       TEXT NOT NULL DEFAULT '',
    definition  TEXT NOT NULL,
    languages   TEXT NOT NULL DEFAULT '[]',
    topics      TEXT NOT NULL DEFAULT '[]',
    subject_id  TEXT,
    workbook    TEXT NOT NULL,
    archived    INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT,
    updated_at  TEXT,
    updated_by  TEXT NOT NULL DEFAULT '',
    clock       TEXT NOT NULL,
    clocks      TEXT NOT NULL DEFAULT '{}',
    deleted_at  TEXT
) STRICT;
CREATE INDEX form_form_id ON form(form_id);
CREATE INDEX form_workbook ON form(workbook);

CREATE TABLE response (
    id          TEXT PRIMARY KEY,
    form        TEXT NOT NULL,
    visit_id    TEXT NOT NULL,
    complete    INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT,
    updated_at  TEXT,
    updated_by  TEXT NOT NULL DEFAULT '',
    clock       TEXT NOT NULL,
    clocks      TEXT NOT NULL DEFAULT '{}',
    deleted_at  TEXT
) STRICT;
CREATE INDEX response_form ON response(form);
CREATE INDEX response_visit ON response(visit_id);

CREATE TABLE answer (
    id          TEXT PRIMARY KEY,
    response_id TEXT NOT NULL,
    path        TEXT NOT NULL,
    value       TEXT NOT NULL DEFAULT '',
    created_at  TEXT,
    updated_at  TEXT,
    updated_by  TEXT NOT NULL DEFAULT '',
    clock       TEXT NOT NULL,
    clocks      TEXT NOT NULL DEFAULT '{}',
    deleted_at  TEXT
) STRICT;
CREATE INDEX answer_response ON answer(response_id, path);

ALTER TABLE finding ADD COLUMN response_id TEXT;
ALTER TABLE finding ADD COLUMN question TEXT;
CREATE INDEX finding_response ON finding(response_id);
UPDATE finding SET clocks = json_set(clocks,
    '$.response_id', '000000000000000.000000.builtin',
    '$.question', '000000000000000.000000.builtin');
"#,
        then: None,
    },
    Migration {
        why: "Search tables other tools can read (issue 18): `contentless_delete=1` (SQLite 3.43) \
          made every query touching them fail in older SQLite — Debian 12's `sqlite3` and \
          Python 3.11 are 3.40. The trigram index now reads its text from `search_doc` (external \
          content, which now holds the indexed title and body) and the gram index keeps none \
          (contentless, deletes by FTS5's `delete` command with the remembered text); both work \
          in SQLite 3.34 and later. Rebuilt empty here, filled by `search::reindex_everything`.",
        sql: r#"
DROP TABLE search_tri;
DROP TABLE search_gram;
DELETE FROM search_doc;
ALTER TABLE search_doc ADD COLUMN title TEXT;
ALTER TABLE search_doc ADD COLUMN body TEXT;
CREATE VIRTUAL TABLE search_tri USING fts5(
    title, body, tokenize = 'trigram', content = 'search_doc', content_rowid = 'rowid'
);
CREATE VIRTUAL TABLE search_gram USING fts5(
    title, body, tokenize = 'unicode61', content = ''
);
"#,
        then: Some(super::search::reindex_everything),
    },
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Reads the schema version, refusing files that are not SQLite or are too new, without
/// changing anything in them.
pub fn check_version(conn: &Connection, path: &Path) -> Result<i64> {
    // One statement, so both numbers come from the same moment even while another program is
    // migrating the file; touching the schema makes a damaged or foreign file fail here.
    let (version, tables): (i64, i64) = conn
        .query_row(
            "SELECT (SELECT user_version FROM pragma_user_version),
                    (SELECT count(*) FROM sqlite_schema)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .map_err(|e| match StoreError::from(e) {
            StoreError::NotADatabase(_) => StoreError::NotADatabase(path.to_owned()),
            other => other,
        })?;
    if version > SCHEMA_VERSION {
        return Err(StoreError::NewerSchema {
            found: version,
            supported: SCHEMA_VERSION,
            path: path.to_owned(),
        });
    }
    if version == 0 && tables > 0 {
        // Zoufang's tables without a version: a copy made through SQL, which `zoufang repair`
        // checks and versions. Anything else is some other program's file, not ours to change.
        if super::repair::has_zoufang_tables(conn) {
            return Err(StoreError::RestoredFromDump(path.to_owned()));
        }
        return Err(StoreError::NotADatabase(path.to_owned()));
    }
    Ok(version)
}

/// Applies the migrations after `from`, all in one transaction; a new database (`from` 0) is
/// given its first records by `seed` in the same transaction.
pub fn migrate(
    conn: &mut Connection,
    from: i64,
    seed: impl FnOnce(&Transaction<'_>) -> Result<()>,
) -> Result<()> {
    if from >= SCHEMA_VERSION {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    // Another program may have migrated the file while this one waited for the write lock.
    let from: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if from >= SCHEMA_VERSION {
        return Ok(());
    }
    for migration in &MIGRATIONS[from as usize..] {
        tx.execute_batch(migration.sql)?;
    }
    // The code steps run once every table has its final columns: they read and write records
    // through this build's column lists, which name columns later migrations add.
    for then in MIGRATIONS[from as usize..].iter().filter_map(|m| m.then) {
        then(&tx)?;
    }
    if from == 0 {
        seed(&tx)?;
    }
    tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
    tx.commit()?;
    Ok(())
}

/// The objects of a schema: (type, name) → (table, SQL).
type SchemaObjects = std::collections::BTreeMap<(String, String), (String, Option<String>)>;

/// Compares the schema of the database on `conn` (at schema `version`) with the one this build
/// makes for that version, object by object (tables, indexes, triggers, views, with their SQL),
/// and refuses any difference: a backup to restore or a colleague's database to import must
/// not bring a trigger, a view or a changed table that would run on the next write or read.
/// SQLite's own statistics tables are the only objects tolerated beyond the expected ones.
pub fn check_objects(conn: &Connection, version: i64, path: &Path) -> Result<()> {
    let expected = Connection::open_in_memory()?;
    super::collation::register(&expected)?;
    let upto = usize::try_from(version).unwrap_or(0).min(MIGRATIONS.len());
    for migration in &MIGRATIONS[..upto] {
        expected.execute_batch(migration.sql)?;
    }
    let objects = |conn: &Connection| -> Result<SchemaObjects> {
        let mut stmt = conn.prepare(
            "SELECT type, name, tbl_name, sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite_stat%'",
        )?;
        let rows = stmt.query_map([], |r| Ok(((r.get(0)?, r.get(1)?), (r.get(2)?, r.get(3)?))))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    };
    let want = objects(&expected)?;
    let found = objects(conn).map_err(|e| e.at(path))?;
    let foreign = |(kind, name): &(String, String)| StoreError::ForeignSchema {
        object: format!("{kind} {}", name.chars().take(80).collect::<String>()),
        path: path.to_owned(),
    };
    if let Some((key, _)) = found
        .iter()
        .find(|(key, definition)| want.get(*key) != Some(*definition))
    {
        return Err(foreign(key));
    }
    if let Some(key) = want.keys().find(|key| !found.contains_key(*key)) {
        return Err(foreign(key));
    }
    Ok(())
}
