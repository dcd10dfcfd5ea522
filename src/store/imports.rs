//! What an import asks the database about the imports and conflicts before it (the SQL that
//! `bundle::merge` ran itself, moved here: SQL lives in the store).

use super::Store;
use super::error::Result;
use rusqlite::OptionalExtension;

impl Store {
    /// Whether a file with this SHA-256 was imported into this database before.
    pub fn was_imported(&self, sha256: &str) -> Result<bool> {
        let n: i64 = self.conn().query_row(
            "SELECT count(*) FROM import_log WHERE sha256 = ?1",
            [sha256],
            |r| r.get(0),
        )?;
        Ok(n > 0)
    }

    /// Whether the conflict of `record_id`'s `field` with the losing version stamped
    /// `loser_clock` is recorded already (a conflict is listed once, however often it arrives).
    pub fn conflict_recorded(
        &self,
        record_id: &str,
        field: &str,
        loser_clock: &str,
    ) -> Result<bool> {
        let n: i64 = self
            .conn()
            .prepare_cached(
                "SELECT count(*) FROM conflict
                 WHERE record_id = ?1 AND field = ?2 AND loser_clock = ?3",
            )?
            .query_row([record_id, field, loser_clock], |r| r.get(0))?;
        Ok(n > 0)
    }

    /// The record `id` as it was before the edit stamped `clock` (JSON), when that edit — made
    /// here, or on a colleague's laptop and come with their history — is in the history.
    pub fn before_edit(&self, id: &str, clock: &str) -> Result<Option<String>> {
        Ok(self
            .conn()
            .prepare_cached(
                "SELECT before FROM history
                 WHERE record_id = ?1 AND clock = ?2 AND before IS NOT NULL
                   AND action IN ('update', 'delete', 'restore')
                 UNION ALL
                 SELECT before FROM history_travelled
                 WHERE record_id = ?1 AND clock = ?2 AND before IS NOT NULL
                   AND action IN ('update', 'delete', 'restore')
                 LIMIT 1",
            )?
            .query_row([id, clock], |r| r.get(0))
            .optional()?)
    }
}
