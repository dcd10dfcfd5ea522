//! The queries a bundle export runs against the store, kept here so bundle/ holds no SQL.

use super::{Result, Store, StoreError, attachments};
use rusqlite::OptionalExtension;

impl Store {
    /// The stored size in bytes of each attachment blob named by its sha256, in the order given;
    /// fails with `MissingBlob` naming the first hash the store does not hold.
    pub fn blob_sizes(
        &self,
        hashes: impl IntoIterator<Item = String>,
    ) -> Result<Vec<(String, u64)>> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT size FROM blob WHERE sha256 = ?1")?;
        let mut out = Vec::new();
        for sha256 in hashes {
            let size: Option<i64> = stmt.query_row([&sha256], |r| r.get(0)).optional()?;
            let size = size.ok_or_else(|| StoreError::MissingBlob(sha256.clone()))?;
            out.push((sha256, u64::try_from(size).unwrap_or(0)));
        }
        Ok(out)
    }

    /// The content of the attachment blob with this SHA-256, checked against its hash as it is
    /// read (`DamagedBlob` when it does not match); `None` when the store does not hold it.
    pub fn read_blob(&self, sha256: &str) -> Result<Option<Vec<u8>>> {
        attachments::read_blob(self.conn(), sha256)
    }
}
