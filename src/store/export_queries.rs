//! The queries a bundle export runs against the store, kept here so bundle/ holds no SQL.

use super::{
    RecordKind, Result, Store, StoreError, StoredRecord, attachments, read_row, select_list,
};
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

    /// Every record of `kind`, live and in the Trash, in id order.
    pub fn all_records(&self, kind: RecordKind) -> Result<Vec<StoredRecord>> {
        let sql = format!(
            "SELECT {} FROM {} t ORDER BY t.id",
            select_list(kind, "t"),
            kind.table()
        );
        let mut stmt = self.conn().prepare(&sql)?;
        let rows = stmt.query_map([], |row| Ok(read_row(kind, row, 0)))?;
        let mut records = Vec::new();
        for row in rows {
            records.push(row??);
        }
        Ok(records)
    }

    /// The findings of the visit `visit_id`, live and in the Trash, in id order.
    pub fn finding_records_of_visit(&self, visit_id: &str) -> Result<Vec<StoredRecord>> {
        let sql = format!(
            "SELECT {} FROM finding t WHERE t.visit_id = ?1 ORDER BY t.id",
            select_list(RecordKind::Finding, "t")
        );
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let rows = stmt.query_map([visit_id], |row| Ok(read_row(RecordKind::Finding, row, 0)))?;
        let mut records = Vec::new();
        for row in rows {
            records.push(row??);
        }
        Ok(records)
    }
}
