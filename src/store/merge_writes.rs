//! Rows a bundle merge writes besides the records themselves, as Writer methods so bundle/
//! holds no SQL.

use super::{Result, Writer};

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

impl Writer<'_> {
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
