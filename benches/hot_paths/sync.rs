//! The sync rows (issue 15): the honest floor of a merge into an empty database, and a team
//! sync after one edit in a large database beside a full export.

use super::{Bench, Goal, PlainTable, Row, SEED, count, export_all, import, pair, thousands};
use anyhow::Result;
use rusqlite::types::Value as SqlValue;
use std::path::{Path, PathBuf};
use zoufang::bundle::{self, SyncOptions};
use zoufang::store::Store;
use zoufang::store::search::grams;

/// What an import must write besides the record rows, read from the source database: its
/// history (the entries that travel), each finding's topic rows, and each record's search
/// text (contentless indexes hold none to copy, so the text is rebuilt as the store does: a
/// finding's with its visit's place and region).
pub struct Floor {
    rows: Vec<PlainTable>,
    history: Vec<Vec<SqlValue>>,
    topics: Vec<(String, String)>,
    search: Vec<(String, String, String, String)>,
}

/// The honest floor's rows, from `db`.
pub fn floor(db: &Path, rows: Vec<PlainTable>) -> Result<Floor> {
    let store = Store::open(db)?;
    let conn = store.conn();
    let mut stmt = conn.prepare(
        "SELECT record_id, kind, action, at, author, device, clock, before, after, entry_id
         FROM history",
    )?;
    let history = stmt
        .query_map([], |r| (0..10).map(|i| r.get::<_, SqlValue>(i)).collect())?
        .collect::<rusqlite::Result<Vec<Vec<SqlValue>>>>()?;
    let mut stmt = conn.prepare("SELECT topic_id, finding_id FROM finding_topic")?;
    let topics = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut stmt = conn.prepare(
        "SELECT 'finding', f.id, f.title,
                f.detail || char(10) || f.measures || char(10) || f.target || char(10) || f.owner
                || char(10) || f.owner_unit || char(10) || f.verified_by || char(10)
                || f.close_note || char(10) || v.place || ' ' || v.region
         FROM finding f JOIN visit v ON v.id = f.visit_id WHERE f.deleted_at IS NULL
         UNION ALL
         SELECT 'visit', id, place, region || char(10) || investigators || char(10) || notes
         FROM visit WHERE deleted_at IS NULL",
    )?;
    let search = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(Floor {
        rows,
        history,
        topics,
        search,
    })
}

/// The honest floor of a merge: the same rows with their history, topic and full-text rows,
/// by plain prepared statements in one transaction.
pub fn floor_insert(db: &Path, floor: &Floor) -> Result<()> {
    let store = Store::open(db)?;
    let conn = store.conn();
    conn.execute_batch("BEGIN IMMEDIATE")?;
    for (table, columns, rows) in &floor.rows {
        let marks = vec!["?"; columns.len()].join(", ");
        let mut stmt = conn.prepare(&format!(
            "INSERT OR IGNORE INTO {table} ({}) VALUES ({marks})",
            columns.join(", ")
        ))?;
        for row in rows {
            stmt.execute(rusqlite::params_from_iter(row.iter()))?;
        }
    }
    // The entries that travel, and one entry per record for the import's own `merge` row.
    let mut travelled = conn.prepare(
        "INSERT OR IGNORE INTO history_travelled
           (record_id, kind, action, at, author, device, clock, before, after, entry_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?;
    for row in &floor.history {
        travelled.execute(rusqlite::params_from_iter(row.iter()))?;
    }
    let mut own = conn.prepare(
        "INSERT INTO history (record_id, kind, action, at, author, device, clock, before, after,
                              entry_id)
         VALUES (?1, ?2, 'merge', ?4, ?5, ?6, ?7, NULL, ?9, ?10 || 'm')",
    )?;
    let mut seen = std::collections::HashSet::new();
    for row in &floor.history {
        if let SqlValue::Text(id) = &row[0]
            && seen.insert(id.clone())
        {
            own.execute(rusqlite::params_from_iter(row.iter()))?;
        }
    }
    let mut topic = conn.prepare("INSERT OR IGNORE INTO finding_topic VALUES (?1, ?2)")?;
    for (t, f) in &floor.topics {
        topic.execute([t, f])?;
    }
    // search_doc keeps the indexed text: the trigram index reads it (schema 9).
    let mut doc = conn
        .prepare("INSERT INTO search_doc (kind, record_id, title, body) VALUES (?1, ?2, ?3, ?4)")?;
    let mut tri =
        conn.prepare("INSERT INTO search_tri (rowid, title, body) VALUES (?1, ?2, ?3)")?;
    let mut gram =
        conn.prepare("INSERT INTO search_gram (rowid, title, body) VALUES (?1, ?2, ?3)")?;
    for (kind, id, title, body) in &floor.search {
        doc.execute([kind, id, title, body])?;
        let rowid = conn.last_insert_rowid();
        tri.execute(rusqlite::params![rowid, title, body])?;
        // The gram index holds each Chinese character and each neighbouring pair as a token.
        gram.execute(rusqlite::params![rowid, grams(title), grams(body)])?;
    }
    conn.execute_batch("COMMIT")?;
    Ok(())
}

/// The floor row beside `merge N into empty`.
pub fn floor_row(bench: &Bench, label: &str, bundle: &Path, floor: &Floor) -> Result<Row> {
    let (s, b) = pair(
        if label.contains("100") { 1 } else { 3 },
        || bench.empty("merge-floor"),
        |db| import(&db, std::slice::from_ref(&bundle.to_owned())),
        || bench.empty("floor"),
        |db| floor_insert(&db, floor),
    )?;
    Ok(Row {
        case: format!("merge {label} into empty"),
        subject: "bundle::import".to_owned(),
        subject_time: s,
        baseline: "honest floor: rows + history + topics + FTS, 1 tx".to_owned(),
        baseline_time: b,
        goal: Goal::RateAtLeast(0.5),
        note: format!("{} history rows", floor.history.len()),
    })
}

/// A sync after one edit in the 100 000-finding database, beside a full export; the bundle
/// it writes must stay under 20 KB.
pub fn sync_after_one_edit(bench: &Bench, rows: &mut Vec<Row>) -> Result<()> {
    let findings = bench.size(100_000);
    let source = bench.demo_db(findings, SEED)?;
    let db = bench.copy(&source, "sync-one-edit")?;
    let folder = bench.file("team-folder");
    std::fs::create_dir_all(&folder)?;
    let mut store = Store::open(&db)?;
    // The first sync carries everything; it sets the mark the next one starts from.
    bundle::sync(
        &mut store,
        &folder,
        &SyncOptions::default(),
        &mut bundle::no_progress(),
    )?;
    let id: String =
        store
            .conn()
            .query_row("SELECT id FROM finding ORDER BY id LIMIT 1", [], |r| {
                r.get(0)
            })?;
    let mut written: Option<PathBuf> = None;
    let mut edits = 0;
    let (s, b) = pair(
        2,
        || {
            edits += 1;
            let mut finding = store.finding(id.parse()?)?;
            finding.detail = format!("复查第 {edits} 次");
            store.save_finding(&finding)?;
            Ok(())
        },
        |()| {
            let mut again = Store::open(&db)?;
            let report = bundle::sync(
                &mut again,
                &folder,
                &SyncOptions::default(),
                &mut bundle::no_progress(),
            )?;
            written = report.wrote;
            Ok(())
        },
        || Ok(bench.file("full.zfb")),
        |out| export_all(&db, &out),
    )?;
    let size = written
        .as_ref()
        .and_then(|p| std::fs::metadata(p).ok())
        .map_or(0, |m| m.len());
    rows.push(Row {
        case: format!("sync after 1 edit, {}", thousands(findings)),
        subject: "bundle::sync (export + folder scan)".to_owned(),
        subject_time: s,
        baseline: "bundle::export (all)".to_owned(),
        baseline_time: b,
        goal: Goal::AtMost(0.05),
        note: format!(
            "bundle {size} bytes (< 20 KB: {}); {} findings",
            if size < 20_000 { "met" } else { "MISSED" },
            count(&db, "finding")?
        ),
    });
    Ok(())
}
