//! The import log and the conflicts kept for review: the tables merges write, read and marked
//! here (the SQL `bundle::log` ran itself, moved into the store).

use super::error::Result;
use super::{RecordKind, Store};
use serde::Serialize;
use serde_json::Value;

/// One import, as the log keeps it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ImportLogEntry {
    /// Its number.
    pub seq: i64,
    /// When it was applied (UTC, RFC 3339).
    pub at: String,
    /// `bundle` or `database`.
    pub source: String,
    /// The file name as given.
    pub file_name: String,
    /// The bundle id (none for a database file).
    pub bundle_id: Option<String>,
    /// SHA-256 of the file.
    pub sha256: String,
    /// Who made it.
    pub creator: String,
    /// On which device.
    pub device_id: String,
    /// What it did: `{"added": n, "updated": n, …}`.
    pub result: Value,
    /// The backup taken before it, if any.
    pub backup: Option<String>,
}

/// A field where two versions differed and one lost the merge.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ConflictEntry {
    /// Its number (for marking it reviewed).
    pub seq: i64,
    /// The record's kind.
    pub kind: RecordKind,
    /// The record's id.
    pub record_id: String,
    /// The field (`deleted_at` for the tombstone).
    pub field: String,
    /// The losing value.
    pub loser_value: Value,
    /// The losing version's clock.
    pub loser_clock: String,
    /// The losing version's author.
    pub loser_author: String,
    /// The value that won (when the conflict was found).
    pub winner_value: Value,
    /// The winning clock.
    pub winner_clock: String,
    /// When it was found (UTC, RFC 3339).
    pub found_at: String,
    /// When it was marked reviewed.
    pub reviewed_at: Option<String>,
    /// Who marked it reviewed.
    pub reviewed_by: Option<String>,
}

impl Store {
    /// Every import applied to this database, oldest first.
    pub fn import_log(&self) -> Result<Vec<ImportLogEntry>> {
        let mut stmt = self.conn().prepare(
            "SELECT seq, at, source, file_name, bundle_id, sha256, creator, device_id, result, backup
             FROM import_log ORDER BY seq",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(ImportLogEntry {
                seq: r.get(0)?,
                at: r.get(1)?,
                source: r.get(2)?,
                file_name: r.get(3)?,
                bundle_id: r.get(4)?,
                sha256: r.get(5)?,
                creator: r.get(6)?,
                device_id: r.get(7)?,
                result: serde_json::from_str(&r.get::<_, String>(8)?).unwrap_or(Value::Null),
                backup: r.get(9)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The conflicts to review (with `all`, the reviewed ones too), oldest first.
    pub fn conflicts(&self, all: bool) -> Result<Vec<ConflictEntry>> {
        let sql = format!(
            "SELECT seq, kind, record_id, field, loser_value, loser_clock, loser_author,
                    winner_value, winner_clock, found_at, reviewed_at, reviewed_by
             FROM conflict {} ORDER BY seq",
            if all { "" } else { "WHERE reviewed_at IS NULL" }
        );
        let mut stmt = self.conn().prepare(&sql)?;
        let json = |t: String| serde_json::from_str(&t).unwrap_or(Value::String(t));
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, String>(7)?,
                r.get::<_, String>(8)?,
                r.get::<_, String>(9)?,
                r.get::<_, Option<String>>(10)?,
                r.get::<_, Option<String>>(11)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (
                seq,
                kind,
                record_id,
                field,
                lv,
                lc,
                la,
                wv,
                wc,
                found_at,
                reviewed_at,
                reviewed_by,
            ) = row?;
            let Some(kind) = RecordKind::from_code(&kind) else {
                continue;
            };
            out.push(ConflictEntry {
                seq,
                kind,
                record_id,
                field,
                loser_value: json(lv),
                loser_clock: lc,
                loser_author: la,
                winner_value: json(wv),
                winner_clock: wc,
                found_at,
                reviewed_at,
                reviewed_by,
            });
        }
        Ok(out)
    }

    /// Whether a conflict numbered `seq` exists (reviewed or not).
    pub fn conflict_exists(&self, seq: i64) -> Result<bool> {
        Ok(self
            .conn()
            .query_row("SELECT count(*) FROM conflict WHERE seq = ?1", [seq], |r| {
                r.get::<_, i64>(0)
            })?
            > 0)
    }

    /// Marks the conflict `seq` reviewed by `author` now; false if it already was (or is not).
    pub fn mark_conflict_reviewed(&self, seq: i64, author: &str) -> Result<bool> {
        let n = self.conn().execute(
            "UPDATE conflict SET reviewed_at = ?2, reviewed_by = ?3
             WHERE seq = ?1 AND reviewed_at IS NULL",
            rusqlite::params![
                seq,
                chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
                author
            ],
        )?;
        Ok(n > 0)
    }
}
