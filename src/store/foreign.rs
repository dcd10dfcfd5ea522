//! Reading a colleague's whole Zoufang database, read-only, for an import: the queries run on
//! a connection that is not this store's, kept here so bundle/ holds no SQL. Every failure of
//! such a file is the file's, which the caller reports as "not a Zoufang database".

use super::{HistoryRow, attachments, history_base, history_trail, schema};
use super::{RecordKind, Result, StoreError, StoredRecord, read_row_as_of, select_list_as_of};
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use serde_json::{Map, Value};
use std::collections::HashSet;
use std::path::Path;

/// Why a colleague's database could not be opened.
#[derive(Debug)]
pub enum ForeignOpenError {
    /// The file is not an SQLite database, or a damaged one.
    NotADatabase,
    /// The file could not be opened for another reason (said in the text).
    Unreadable(String),
}

/// A colleague's database file, opened read-only; nothing of it is ever written.
pub struct ForeignDatabase {
    conn: Connection,
    version: i64,
}

impl ForeignDatabase {
    /// Opens the file read-only and reads its schema version.
    pub fn open(path: &Path) -> std::result::Result<ForeignDatabase, ForeignOpenError> {
        let opening = |e: rusqlite::Error| match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::NotADatabase | rusqlite::ErrorCode::DatabaseCorrupt) => {
                ForeignOpenError::NotADatabase
            }
            _ => ForeignOpenError::Unreadable(e.to_string()),
        };
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(opening)?;
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(opening)?;
        Ok(ForeignDatabase { conn, version })
    }

    /// The file's schema version (`PRAGMA user_version`).
    pub fn version(&self) -> i64 {
        self.version
    }

    /// Whether the file has the tables every Zoufang database has.
    pub fn has_core_tables(&self) -> Result<bool> {
        let tables: i64 = self.conn.query_row(
            "SELECT count(*) FROM sqlite_schema WHERE type = 'table'
               AND name IN ('meta', 'topic', 'subject', 'visit', 'finding', 'history')",
            [],
            |r| r.get(0),
        )?;
        Ok(tables == 6)
    }

    /// Refuses a file whose schema objects differ from what its version made (a trigger, a
    /// view in place of a table, a changed table), before a row is read.
    pub fn check_schema(&self, path: &Path) -> Result<()> {
        schema::check_objects(&self.conn, self.version, path)
    }

    /// A value of the file's `meta` table, `None` when it has none for `key`.
    pub fn meta(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()?)
    }

    /// How many records of `kind` the file holds.
    pub fn count(&self, kind: RecordKind) -> Result<i64> {
        Ok(self
            .conn
            .query_row(&format!("SELECT count(*) FROM {}", kind.table()), [], |r| {
                r.get(0)
            })?)
    }

    /// Hands every record of `kind` to `each`, in id order: `Err` for a row that cannot be
    /// read as a record; a failure of the query itself is given to `sql_error`.
    pub fn each_record<E>(
        &self,
        kind: RecordKind,
        sql_error: impl Fn(StoreError) -> E,
        mut each: impl FnMut(Result<StoredRecord>) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        // An older schema lacks the columns added since: left out, the reader fills them as a
        // migration would.
        let sql = format!(
            "SELECT {} FROM {} t ORDER BY t.id",
            select_list_as_of(kind, "t", self.version),
            kind.table()
        );
        let mut stmt = self.conn.prepare(&sql).map_err(|e| sql_error(e.into()))?;
        let mut rows = stmt.query([]).map_err(|e| sql_error(e.into()))?;
        while let Some(row) = rows.next().map_err(|e| sql_error(e.into()))? {
            each(read_row_as_of(kind, row, self.version))?;
        }
        Ok(())
    }

    /// The history base of the record `id` in this file (see [`history_base::history_base`]).
    pub fn history_base(&self, id: &str) -> Result<Map<String, Value>> {
        history_base::history_base(&self.conn, id)
    }

    /// The content of the blob with this SHA-256, checked against its hash.
    pub fn read_blob(&self, sha256: &str) -> Result<Option<Vec<u8>>> {
        attachments::read_blob(&self.conn, sha256)
    }

    /// Every history entry of the records `ids` in this file (see [`history_trail::rows_of`]).
    pub fn history_rows(&self, ids: &HashSet<&str>) -> Result<Vec<HistoryRow>> {
        history_trail::rows_of(&self.conn, self.version, ids)
    }
}
