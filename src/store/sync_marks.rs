//! Sync marks: how far this laptop's changes have gone to a destination, as a point in the
//! local history (whose `seq` grows with every write: an edit, a deletion, a merge). An
//! incremental export carries the records with history after the mark. A mark is local
//! bookkeeping, kept in `meta`; it never travels.

use super::{RecordKind, Result, Store, Writer};
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A point in this database's history: the row `seq` and its entry id, so a mark taken before
/// a restore from backup (which reuses sequence numbers) is seen to be stale.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryMark {
    /// The history row's sequence number.
    pub seq: i64,
    /// That row's entry id (empty for a row without one).
    pub entry_id: String,
}

/// A file of a sync folder as a sync last found it, imported (or a copy of one imported): its
/// size and modification time, which say it has not changed since.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileStamp {
    /// Its size in bytes.
    pub size: u64,
    /// Its modification time, in nanoseconds since 1970.
    pub modified_nanos: i64,
}

/// The `meta` key of the files a sync to a destination found imported.
fn files_key(destination: &str) -> String {
    format!("sync_files:{destination}")
}

/// The `meta` key of the mark of a destination.
fn mark_key(destination: &str) -> String {
    format!("sync_mark:{destination}")
}

/// The newest history row of the connection's database, if any.
fn high_water(conn: &rusqlite::Connection) -> Result<Option<HistoryMark>> {
    Ok(conn
        .query_row(
            "SELECT seq, coalesce(entry_id, '') FROM history ORDER BY seq DESC LIMIT 1",
            [],
            |r| {
                Ok(HistoryMark {
                    seq: r.get(0)?,
                    entry_id: r.get(1)?,
                })
            },
        )
        .optional()?)
}

impl Store {
    /// The newest point of the history, `None` for a database without history.
    pub fn history_high_water(&self) -> Result<Option<HistoryMark>> {
        high_water(self.conn())
    }

    /// Whether `mark` is a point of this database's history (false after a restore from an
    /// older backup, or for a mark taken in another database).
    pub fn is_history_mark(&self, mark: &HistoryMark) -> Result<bool> {
        let entry: Option<String> = self
            .conn()
            .query_row(
                "SELECT coalesce(entry_id, '') FROM history WHERE seq = ?1",
                [mark.seq],
                |r| r.get(0),
            )
            .optional()?;
        Ok(entry.as_deref() == Some(mark.entry_id.as_str()))
    }

    /// The records with history after `mark`, by kind and id (each once, in id order).
    pub fn records_changed_after(&self, mark: &HistoryMark) -> Result<Vec<(RecordKind, String)>> {
        let mut stmt = self.conn().prepare(
            "SELECT DISTINCT kind, record_id FROM history WHERE seq > ?1 ORDER BY record_id",
        )?;
        let rows = stmt.query_map([mark.seq], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (kind, id) = row?;
            if let Some(kind) = RecordKind::from_code(&kind) {
                out.push((kind, id));
            }
        }
        Ok(out)
    }

    /// The mark remembered for `destination` (a sync folder), if any.
    pub fn sync_mark(&self, destination: &str) -> Result<Option<HistoryMark>> {
        Ok(self
            .meta_value(&mark_key(destination))?
            .and_then(|text| serde_json::from_str(&text).ok()))
    }

    /// Remembers `mark` for `destination`.
    pub fn set_sync_mark(&self, destination: &str, mark: &HistoryMark) -> Result<()> {
        self.set_meta_value(&mark_key(destination), &serde_json::to_string(mark)?)
    }

    /// The files of `destination` (by path inside it) that the last sync found imported, as
    /// they were then; empty when none are remembered (or what was is unreadable).
    pub fn sync_known_files(&self, destination: &str) -> Result<BTreeMap<String, FileStamp>> {
        Ok(self
            .meta_value(&files_key(destination))?
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or_default())
    }

    /// Remembers the files of `destination` found imported (replacing what was remembered).
    pub fn set_sync_known_files(
        &self,
        destination: &str,
        files: &BTreeMap<String, FileStamp>,
    ) -> Result<()> {
        self.set_meta_value(&files_key(destination), &serde_json::to_string(files)?)
    }
}

impl Writer<'_> {
    /// The newest point of the history as this transaction sees it.
    pub fn history_high_water(&self) -> Result<Option<HistoryMark>> {
        high_water(self.tx())
    }
}
