//! Reads bundle/ makes of the store while merging, resolving and digesting, as store methods so
//! bundle/ holds no SQL and never reaches for the connection.

use super::{RecordKind, Result, Store, StoredRecord, attachments, record};

impl Store {
    /// The stored record of `kind` with `id`, deleted or not; `None` when there is no such record.
    pub fn load_stored(&self, kind: RecordKind, id: &str) -> Result<Option<StoredRecord>> {
        record::load(self.conn(), kind, id)
    }

    /// Whether the content of the attachment with this SHA-256 is held here.
    pub fn has_blob(&self, sha256: &str) -> Result<bool> {
        attachments::blob_exists(self.conn(), sha256)
    }
}
