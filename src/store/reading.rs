//! Reading records back: the kind of an id, one record of each kind, search and the digests.

use super::{
    Record, RecordKind, Result, SearchHit, Store, StoreError, StoredRecord, hex, load, read_row,
    search, select_list,
};
use crate::model::{Finding, FindingId, Subject, SubjectId, Topic, TopicId, Visit, VisitId};
use rusqlite::OptionalExtension;

impl Store {
    /// The kind of the record with this id, live or deleted.
    pub fn kind_of(&self, id: &str) -> Result<RecordKind> {
        // One statement for all tables: imports ask this of every record they add.
        static SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
        let sql = SQL.get_or_init(|| {
            RecordKind::ALL
                .iter()
                .map(|k| format!("SELECT '{0}' FROM {0} WHERE id = ?1", k.table()))
                .collect::<Vec<_>>()
                .join(" UNION ALL ")
                + " LIMIT 1"
        });
        let found: Option<String> = self
            .conn
            .prepare_cached(sql)?
            .query_row([id], |r| r.get(0))
            .optional()?;
        found
            .as_deref()
            .and_then(RecordKind::from_code)
            .ok_or_else(|| StoreError::NotFound {
                kind: "record",
                id: id.to_owned(),
            })
    }

    /// Loads any record, live or deleted, in its stored form.
    pub fn load_any(&self, id: &str) -> Result<StoredRecord> {
        let kind = self.kind_of(id)?;
        load(&self.conn, kind, id)?.ok_or_else(|| StoreError::NotFound {
            kind: kind.table(),
            id: id.to_owned(),
        })
    }

    pub(crate) fn get<R: Record>(&self, id: &str) -> Result<R> {
        load(&self.conn, R::KIND, id)?
            .ok_or_else(|| StoreError::NotFound {
                kind: R::KIND.table(),
                id: id.to_owned(),
            })?
            .to_record()
    }

    /// A visit by id (live or deleted).
    pub fn visit(&self, id: VisitId) -> Result<Visit> {
        self.get(&id.to_string())
    }

    /// A finding by id (live or deleted).
    pub fn finding(&self, id: FindingId) -> Result<Finding> {
        self.get(&id.to_string())
    }

    /// A topic by id.
    pub fn topic(&self, id: TopicId) -> Result<Topic> {
        self.get(&id.to_string())
    }

    /// A subject by id.
    pub fn subject(&self, id: SubjectId) -> Result<Subject> {
        self.get(&id.to_string())
    }

    /// Ranked Chinese/English search over visits, findings and subjects.
    pub fn search(&self, text: &str, limit: usize) -> Result<Vec<SearchHit>> {
        search::search(&self.conn, text, limit)
    }

    /// A SHA-256 over every record, its clocks and tombstone, in id order, and the hashes of
    /// the attachment bytes held: equal digests mean equal data. Used to prove that failed operations changed nothing.
    pub fn digest(&self) -> Result<String> {
        self.digest_with(true)
    }

    /// Like [`Store::digest`] but over the records alone, not the length of their history:
    /// two databases that merged the same bundles in different orders have equal record digests.
    pub fn records_digest(&self) -> Result<String> {
        self.digest_with(false)
    }

    fn digest_with(&self, with_history: bool) -> Result<String> {
        use sha2::{Digest, Sha256};
        let mut hasher = Sha256::new();
        for kind in RecordKind::ALL {
            let sql = format!(
                "SELECT {} FROM {} t ORDER BY t.id",
                select_list(kind, "t"),
                kind.table()
            );
            let mut stmt = self.conn.prepare(&sql)?;
            let mut rows = stmt.query([])?;
            while let Some(row) = rows.next()? {
                let rec = read_row(kind, row, 0)?;
                hasher.update(kind.table().as_bytes());
                hasher.update(rec.id.as_bytes());
                hasher.update(serde_json::to_string(&rec.data)?.as_bytes());
                hasher.update(serde_json::to_string(&rec.clocks)?.as_bytes());
                hasher.update(format!("{:?}", rec.meta.deleted_at).as_bytes());
            }
        }
        // The bytes of attachments, by hash: a blob missing here changes the digest.
        let mut stmt = self
            .conn
            .prepare("SELECT sha256 FROM blob ORDER BY sha256")?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            hasher.update(b"blob");
            hasher.update(row.get::<_, String>(0)?.as_bytes());
        }
        if with_history {
            let history: i64 = self
                .conn
                // This laptop's entries and those that travelled here.
                .query_row(
                    "SELECT (SELECT count(*) FROM history) + (SELECT count(*) FROM history_travelled)",
                    [],
                    |r| r.get(0),
                )?;
            hasher.update(history.to_le_bytes());
        }
        Ok(hex(&hasher.finalize()))
    }
}
