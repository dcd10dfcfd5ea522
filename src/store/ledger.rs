//! The SQL of office ledgers: the remembered source of each imported row, the visit that
//! takes a ledger's rows, and the ledger's line in the import log.

use super::error::Result;
use super::{Store, Writer};
use rusqlite::{OptionalExtension, params};

impl Store {
    /// The finding a ledger's row was imported into before, if any.
    pub fn ledger_source_finding(&self, ledger: &str, row_key: &str) -> Result<Option<String>> {
        Ok(self
            .conn()
            .prepare_cached(
                "SELECT finding_id FROM ledger_source WHERE ledger = ?1 AND row_key = ?2",
            )?
            .query_row([ledger, row_key], |r| r.get(0))
            .optional()?)
    }

    /// The visit that takes the ledger's rows whose visit is unknown, if one was made.
    pub fn ledger_visit(&self, ledger: &str) -> Result<Option<String>> {
        Ok(self
            .conn()
            .prepare_cached("SELECT visit_id FROM ledger_visit WHERE ledger = ?1")?
            .query_row([ledger], |r| r.get(0))
            .optional()?)
    }
}

impl Writer<'_> {
    /// Remembers that the ledger's row is the finding `finding_id`.
    pub fn remember_ledger_source(
        &self,
        ledger: &str,
        row_key: &str,
        finding_id: &str,
        import_seq: i64,
    ) -> Result<()> {
        self.tx()
            .prepare_cached(
                "INSERT INTO ledger_source (ledger, row_key, finding_id, import_seq)
                 VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT(ledger, row_key) DO UPDATE
                   SET finding_id = excluded.finding_id, import_seq = excluded.import_seq",
            )?
            .execute(params![ledger, row_key, finding_id, import_seq])?;
        Ok(())
    }

    /// Remembers the visit that takes the ledger's rows.
    pub fn set_ledger_visit(&self, ledger: &str, visit_id: &str) -> Result<()> {
        self.tx().execute(
            "INSERT INTO ledger_visit (ledger, visit_id) VALUES (?1, ?2)
             ON CONFLICT(ledger) DO UPDATE SET visit_id = excluded.visit_id",
            [ledger, visit_id],
        )?;
        Ok(())
    }

    /// Appends a ledger import to the import log (source `ledger`) and returns its number.
    pub fn log_ledger_import(&self, line: &LedgerLogLine<'_>) -> Result<i64> {
        self.tx().execute(
            "INSERT INTO import_log
               (at, source, file_name, bundle_id, sha256, creator, device_id, result, backup)
             VALUES (?1, 'ledger', ?2, NULL, ?3, ?4, ?5, ?6, ?7)",
            params![
                chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
                line.file_name,
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

/// One ledger import as the import log keeps it.
pub struct LedgerLogLine<'a> {
    /// The file as given.
    pub file_name: &'a str,
    /// SHA-256 of its bytes.
    pub sha256: &'a str,
    /// Who imported it.
    pub creator: &'a str,
    /// On which device.
    pub device_id: &'a str,
    /// The counts, as JSON.
    pub result: &'a str,
    /// The backup taken first.
    pub backup: Option<&'a str>,
}
