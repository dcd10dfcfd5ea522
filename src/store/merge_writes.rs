//! Rows a bundle merge writes besides the records themselves, as Writer methods so bundle/
//! holds no SQL.

use super::{
    Action, HistoryRow, RecordKind, Result, Stamp, StoredRecord, Writer, attachments, record,
    search,
};
use serde_json::Value;

/// One imported file's line in the import log.
pub struct ImportLogLine<'a> {
    /// When the import ran (RFC 3339).
    pub at: &'a str,
    /// What kind of file it was (`bundle`, `database`, …).
    pub source: &'a str,
    /// The file's path as shown to the user.
    pub file_name: String,
    /// The bundle's id, when the file had one.
    pub bundle_id: Option<&'a str>,
    /// The file's SHA-256.
    pub sha256: &'a str,
    /// Who made the file.
    pub creator: &'a str,
    /// The device that made it.
    pub device_id: &'a str,
    /// The import's totals, as JSON.
    pub result: String,
    /// The backup taken before the import, if any.
    pub backup: Option<&'a str>,
}

/// One field conflict a merge found, as it is kept for review.
pub struct ConflictLine<'a> {
    /// The kind of record the field belongs to.
    pub kind: RecordKind,
    /// The record's id.
    pub record_id: &'a str,
    /// The field in conflict.
    pub field: &'a str,
    /// The value that lost, as JSON.
    pub loser_value: String,
    /// The losing value's clock.
    pub loser_clock: String,
    /// Who wrote the losing value.
    pub loser_author: &'a str,
    /// The value that won, as JSON.
    pub winner_value: String,
    /// The winning value's clock.
    pub winner_clock: String,
    /// When the conflict was found (RFC 3339).
    pub found_at: &'a str,
    /// The import-log line of the import that found it.
    pub import_seq: i64,
    /// Who reviewed it already, when it was settled before it got here (reviewed at `found_at`).
    pub reviewed_by: Option<&'a str>,
}

impl Writer<'_> {
    /// Stores the content of an attachment once per SHA-256 (already held: left as it is).
    pub fn insert_blob(&self, sha256: &str, bytes: &[u8]) -> Result<()> {
        attachments::insert_blob(self.tx(), sha256, bytes)
    }

    /// Stores history entries that arrived from elsewhere, each once; returns how many were new.
    /// `texts`: the entries' `before`/`after` texts when already made, in order.
    pub fn insert_travelled(
        &self,
        rows: &[HistoryRow],
        texts: Option<&[super::EntryTexts]>,
    ) -> Result<usize> {
        super::insert_travelled(self.tx(), rows, texts)
    }

    /// Writes a record as it is, leaving its search indexes to [`Writer::reindex_merged`] (called for
    /// every such record before the transaction ends; see [`record::write_row_unindexed`]).
    /// `new`: the record is not in the database yet (nothing of it to clear first).
    pub fn write_row_unindexed(&self, rec: &StoredRecord, new: bool) -> Result<()> {
        record::write_row_unindexed_as(self.tx(), rec, new)
    }

    /// Brings the search indexes of a record written with [`Writer::write_row_unindexed`] up
    /// to date; `before` is the snapshot of its previous version, if it had one (a visit's
    /// findings are re-indexed only when its place or region changed).
    pub fn reindex_merged(&self, rec: &StoredRecord, before: Option<&Value>) -> Result<()> {
        let place_changed = rec.kind == RecordKind::Visit
            && before.is_some_and(|before| {
                ["place", "region"]
                    .iter()
                    .any(|field| before.get(field) != rec.data.get(*field))
            });
        search::reindex_merged(self.tx(), rec, place_changed)
    }

    /// Appends one history row for the record `id`.
    pub fn write_history(
        &self,
        kind: RecordKind,
        id: &str,
        action: Action,
        stamp: &Stamp<'_>,
        before: Option<&Value>,
        after: Option<&Value>,
    ) -> Result<()> {
        record::write_history(self.tx(), kind, id, action, stamp, before, after)
    }

    /// Keeps a conflict for review; one already kept is left as it is.
    pub fn record_conflict(&self, line: &ConflictLine<'_>) -> Result<()> {
        self.tx().execute(
            "INSERT OR IGNORE INTO conflict
                           (kind, record_id, field, loser_value, loser_clock, loser_author,
                            winner_value, winner_clock, found_at, import_seq,
                            reviewed_at, reviewed_by)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,
                                 CASE WHEN ?11 IS NULL THEN NULL ELSE ?9 END, ?11)",
            rusqlite::params![
                line.kind.table(),
                line.record_id,
                line.field,
                line.loser_value,
                line.loser_clock,
                line.loser_author,
                line.winner_value,
                line.winner_clock,
                line.found_at,
                line.import_seq,
                line.reviewed_by,
            ],
        )?;
        Ok(())
    }

    /// Adds a line to the import log and returns its sequence number.
    pub fn log_import(&self, line: &ImportLogLine<'_>) -> Result<i64> {
        self.tx().execute(
            "INSERT INTO import_log
                       (at, source, file_name, bundle_id, sha256, creator, device_id, result, backup)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            rusqlite::params![
                line.at,
                line.source,
                line.file_name,
                line.bundle_id,
                line.sha256,
                line.creator,
                line.device_id,
                line.result,
                line.backup,
            ],
        )?;
        Ok(self.tx().last_insert_rowid())
    }
}
