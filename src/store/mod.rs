//! The only code that speaks SQL: the database file, its schema and migrations, every write
//! (one transaction each, with its history row and clock), the list queries, search and trash,
//! and the file's backups. This file opens the database and keeps its meta values; `reading`
//! loads records back, `writer` is the write transaction.

pub mod attachments;
pub mod backup;
mod bundle_reads;
mod changes;
pub mod collation;
mod edits;
mod error;
mod export_queries;
pub mod foreign;
mod form_results;
mod forms;
mod history;
pub mod history_base;
mod history_trail;
mod import_log;
mod imports;
pub mod ledger;
mod merge_writes;
mod people;
mod query;
mod reading;
mod record;
mod repair;
mod schema;
pub mod search;
mod search_place;
pub mod sets;
mod summary_sql;
mod sync_marks;
mod topics;
mod writer;

pub use attachments::{DEFAULT_MAX_ATTACHMENT_MB, MAX_ATTACHMENT_MB, human_size, sha256_hex};
pub use backup::{BACKUPS_KEPT, BackupInfo, RestoreReport};
pub use changes::{Change, ChangeKind, ChangeSet};
pub use edits::FieldEdit;
pub use error::{Result, StoreError, kind_label};
pub use export_queries::{StoredRow, StoredStamp, StoredValue};
pub use form_results::{NumberTally, ResponseInScope, Tally, TallyQuestion, TallyRows};
pub use forms::{FormRecordsOfVisits, ResponseFilter};
pub use history::{HistoryEntry, TrashEntry};
pub(crate) use history_trail::history_entry_id_of_texts;
pub use history_trail::{
    EntryTexts, HistoryJson, HistoryRow, entry_texts, history_entry_id, insert_travelled, rows_of,
};
pub use import_log::{ConflictEntry, ImportLogEntry};
pub use merge_writes::{ConflictLine, ImportLogLine};
pub use query::{FindingFilter, FindingRow, FindingSort, Page, VisitFilter, VisitRow, VisitSort};
pub use record::{
    ADDED_COLUMNS, Action, ColumnType, DELETED_FIELD, Record, RecordKind, Stamp, StoredRecord,
    load, read_row, read_row_as_of, select_list, select_list_as_of, write_history, write_row,
    write_row_unindexed,
};
pub use repair::{RepairReport, repair};
pub use schema::{SCHEMA_VERSION, check_objects as check_schema_objects};
pub use search::SearchHit;
pub use summary_sql::{SummaryGroup, SummaryRow};
pub use sync_marks::{FileStamp, HistoryMark};
pub use topics::TopicCount;
pub use writer::Writer;

use crate::model::{Finding, Hlc, Subject, Topic, Visit, builtin_topics};
use rusqlite::{Connection, OpenFlags, OptionalExtension, Transaction, TransactionBehavior};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How long a write waits for another process to let go of the database.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// An open Zoufang database.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    device_id: String,
    author: String,
    read_only: bool,
}

/// What a save did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// A new record was written.
    Created,
    /// Some fields changed.
    Updated,
    /// Nothing differed, nothing was written.
    Unchanged,
}

impl Store {
    /// Opens (or creates) the database at `path`, migrating it to the current schema (after a
    /// backup, when an older schema is migrated). A file that is not a Zoufang database, or one
    /// written by a newer version, is refused before anything in it changes; a damaged one is
    /// refused with the name of its latest backup.
    pub fn open(path: impl AsRef<Path>) -> Result<Store> {
        let path = path.as_ref().to_owned();
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            // Name the folder: "File exists (os error 17)" alone does not say which.
            std::fs::create_dir_all(parent)
                .map_err(|e| std::io::Error::new(e.kind(), format!("{e}: {}", parent.display())))?;
        }
        if path.exists() && std::fs::metadata(&path).is_ok_and(|m| m.permissions().readonly()) {
            return Err(StoreError::ReadOnly(path));
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI;
        Store::open_with(path, flags, false)
    }

    /// Opens an existing database for reading only (a read-only file, a write-protected stick,
    /// or a second window that must not write). Nothing is created or migrated; every write
    /// fails with [`StoreError::ReadOnly`]. A database of an older schema must be opened once
    /// with [`Store::open`] first ([`StoreError::NeedsUpgrade`]).
    pub fn open_read_only(path: impl AsRef<Path>) -> Result<Store> {
        let path = path.as_ref().to_owned();
        if !path.is_file() {
            return Err(StoreError::Io(std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!("no such database: {}", path.display()),
            )));
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI;
        match Store::open_with(path.clone(), flags, true) {
            // A database in WAL mode on a read-only medium (a write-protected stick, a read-only
            // mount) cannot be opened the ordinary way: SQLite needs to make its `-shm` file.
            // Opened as immutable, it is read as the file it is.
            Err(StoreError::Sqlite(e))
                if e.sqlite_error_code() == Some(rusqlite::ErrorCode::CannotOpen) =>
            {
                let conn = Connection::open_with_flags(immutable_uri(&path), flags)
                    .map_err(|e| StoreError::from(e).at(&path))?;
                Store::setup(conn, path.clone(), true).map_err(|e| e.at(&path))
            }
            other => other,
        }
    }

    /// Opens for writing when the file allows it, else read-only (check [`Store::is_read_only`]):
    /// what the read commands and the window use.
    pub fn open_or_read_only(path: impl AsRef<Path>) -> Result<Store> {
        match Store::open(path.as_ref()) {
            Err(StoreError::ReadOnly(_)) => Store::open_read_only(path),
            other => other,
        }
    }

    /// True when this store was opened read-only: writes fail with [`StoreError::ReadOnly`].
    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    fn open_with(path: PathBuf, flags: OpenFlags, read_only: bool) -> Result<Store> {
        let conn =
            Connection::open_with_flags(&path, flags).map_err(|e| match StoreError::from(e) {
                StoreError::NotADatabase(_) => StoreError::NotADatabase(path.clone()),
                StoreError::ReadOnly(_) => StoreError::ReadOnly(path.clone()),
                other => other,
            })?;
        // SQLite quietly opens a file it may not write (a write-protected stick) read-only.
        if !read_only && conn.is_readonly(rusqlite::MAIN_DB)? {
            return Err(StoreError::ReadOnly(path));
        }
        Store::setup(conn, path.clone(), read_only).map_err(|e| match e {
            StoreError::NotADatabase(p) if p == path => match backup::latest_backup(&path) {
                Some(backup) => StoreError::Damaged { path, backup },
                None => StoreError::NotADatabase(path),
            },
            StoreError::ReadOnly(_) => StoreError::ReadOnly(path),
            other => other,
        })
    }

    /// A fresh database in memory (for tests and benchmarks).
    pub fn open_in_memory() -> Result<Store> {
        Store::setup(
            Connection::open_in_memory()?,
            PathBuf::from(":memory:"),
            false,
        )
    }

    fn setup(mut conn: Connection, path: PathBuf, read_only: bool) -> Result<Store> {
        conn.busy_timeout(BUSY_TIMEOUT)?;
        collation::register(&conn)?;
        let version = schema::check_version(&conn, &path)?;
        if read_only {
            if version < SCHEMA_VERSION {
                return Err(StoreError::NeedsUpgrade(path));
            }
        } else {
            conn.pragma_update(None, "foreign_keys", "ON")?;
            if path.as_os_str() != ":memory:" {
                set_wal(&conn, &path)?;
                if version > 0 && version < SCHEMA_VERSION {
                    // A migration rewrites the schema: keep the file as it was first.
                    backup::backup_conn(&conn, &path)?;
                }
            }
            conn.pragma_update(None, "synchronous", "NORMAL")?;
            // Up to 64 MiB of pages (allocated only as used, default 2 MiB): a large import
            // or migration otherwise spills dirty pages to the log mid-transaction and reads
            // them back.
            conn.pragma_update(None, "cache_size", -65_536)?;
            schema::migrate(&mut conn, version, seed_catalogue)?;
        }
        let mut store = Store {
            conn,
            path,
            device_id: String::new(),
            author: String::new(),
            read_only,
        };
        store.load_identity()?;
        Ok(store)
    }

    /// Sets how long a write waits for another program to finish its write before failing
    /// with [`StoreError::Busy`] (default 5 seconds).
    pub fn set_busy_timeout(&self, timeout: Duration) -> Result<()> {
        self.conn.busy_timeout(timeout)?;
        Ok(())
    }

    fn load_identity(&mut self) -> Result<()> {
        self.author = self.meta_value("author")?.unwrap_or_default();
        self.device_id = self.meta_value("device_id")?.unwrap_or_default();
        // Only a new file is written to on opening, so opening to read never waits for a writer.
        if self.read_only || !self.device_id.is_empty() {
            return Ok(());
        }
        // INSERT OR IGNORE: a program opening the same new file at the same moment keeps the
        // id it made first, and both then use it.
        self.conn.execute(
            "INSERT OR IGNORE INTO meta (key, value) VALUES ('device_id', ?1)",
            [uuid::Uuid::now_v7().simple().to_string()],
        )?;
        self.device_id = self.meta_value("device_id")?.unwrap_or_default();
        Ok(())
    }

    /// Reads a value of the `meta` table.
    pub fn meta_value(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()?)
    }

    /// Writes a value of the `meta` table.
    pub fn set_meta_value(&self, key: &str, value: &str) -> Result<()> {
        if self.read_only {
            return Err(StoreError::ReadOnly(self.path.clone()));
        }
        self.conn.execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [key, value],
        )?;
        Ok(())
    }

    /// The file this store reads and writes.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// This database's device id (ties between clocks are broken by it).
    pub fn device_id(&self) -> &str {
        &self.device_id
    }

    /// The author name written into history and bundles; empty until set.
    pub fn author(&self) -> &str {
        &self.author
    }

    /// Sets the author name.
    pub fn set_author(&mut self, name: &str) -> Result<()> {
        let name = name.trim();
        if name.is_empty() {
            return Err(crate::model::ValidationError::Empty {
                field: crate::model::Field::Author,
            }
            .into());
        }
        self.set_meta_value("author", name)?;
        self.author = name.to_owned();
        Ok(())
    }

    /// The connection, for the library's other layers (bundles, reports) that read in SQL.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Runs `work` as one write transaction: everything it writes lands, or nothing does.
    pub fn write<T>(&mut self, work: impl FnOnce(&mut Writer<'_>) -> Result<T>) -> Result<T> {
        self.write_tracked(work).map(|(value, _)| value)
    }

    /// Like [`Store::write`], and also says which records the transaction changed.
    pub fn write_tracked<T>(
        &mut self,
        work: impl FnOnce(&mut Writer<'_>) -> Result<T>,
    ) -> Result<(T, ChangeSet)> {
        if self.read_only {
            return Err(StoreError::ReadOnly(self.path.clone()));
        }
        let author = if self.author.is_empty() {
            default_author()
        } else {
            self.author.clone()
        };
        let path = self.path.clone();
        let written = (|| {
            let tx = self
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)?;
            let mut writer = Writer::new(tx, author, self.device_id.clone())?;
            let value = work(&mut writer)?;
            let changes = writer.finish()?;
            Ok((value, changes))
        })();
        written.map_err(|e: StoreError| e.at(&path))
    }

    /// A number that changes whenever another connection (another window, a command, a worker
    /// thread of this one) commits to the file; cheap enough to ask once a second.
    pub fn data_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("PRAGMA data_version", [], |r| r.get(0))?)
    }

    /// Takes the write lock, then runs `plan` (which reads the database as it is, with no other
    /// program able to change it until the end), then `work` with the plan, all in one
    /// transaction: a write another program made while the plan was worked out cannot be lost,
    /// because no other write can land in between. Used by imports, whose plan is long.
    pub fn write_planned<P, T, E: From<StoreError>>(
        &mut self,
        plan: impl FnOnce(&Store) -> Result<P, E>,
        work: impl FnOnce(&mut Writer<'_>, P) -> Result<T, E>,
    ) -> Result<T, E> {
        if self.read_only {
            return Err(StoreError::ReadOnly(self.path.clone()).into());
        }
        let author = if self.author.is_empty() {
            default_author()
        } else {
            self.author.clone()
        };
        let at = |e: rusqlite::Error| E::from(StoreError::from(e).at(&self.path));
        // Shared, not `&mut`: the plan reads through `self` inside the same transaction.
        let tx =
            Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate).map_err(at)?;
        let planned = plan(self)?;
        let mut writer = Writer::new(tx, author, self.device_id.clone())
            .map_err(|e| E::from(e.at(&self.path)))?;
        let value = work(&mut writer, planned)?;
        writer.finish().map_err(|e| E::from(e.at(&self.path)))?;
        Ok(value)
    }

    /// Saves the fields of `after` that differ from `before` (a record read earlier and changed
    /// since) onto the record as it is *now*, read inside the write transaction: a field another
    /// program changed between the read and the save (an import, a colleague's edit) is kept,
    /// not overwritten with the stale value read before.
    pub fn save_changes<R: Record>(&mut self, before: &R, after: &R) -> Result<Outcome> {
        let before = StoredRecord::from_record(before)?;
        let after = StoredRecord::from_record(after)?;
        self.write(|w| {
            let mut current =
                load(w.tx(), R::KIND, &after.id)?.ok_or_else(|| StoreError::NotFound {
                    kind: R::KIND.table(),
                    id: after.id.clone(),
                })?;
            for (column, value) in &after.data {
                if before.data.get(column) != Some(value) {
                    current.data.insert(column.clone(), value.clone());
                }
            }
            w.put(&current.to_record::<R>()?)
        })
    }

    /// Saves a visit (creating it or changing the fields that differ).
    pub fn save_visit(&mut self, visit: &Visit) -> Result<Outcome> {
        self.write(|w| w.put(visit))
    }

    /// Saves a finding.
    pub fn save_finding(&mut self, finding: &Finding) -> Result<Outcome> {
        self.write(|w| w.put(finding))
    }

    /// Saves a topic.
    pub fn save_topic(&mut self, topic: &Topic) -> Result<Outcome> {
        self.write(|w| w.put(topic))
    }

    /// Saves a subject.
    pub fn save_subject(&mut self, subject: &Subject) -> Result<Outcome> {
        self.write(|w| w.put(subject))
    }

    /// Moves any record to the Trash (a visit takes its findings along).
    pub fn delete(&mut self, id: &str) -> Result<RecordKind> {
        let kind = self.kind_of(id)?;
        self.write(|w| w.set_deleted(kind, id, true))?;
        Ok(kind)
    }

    /// Takes any record back out of the Trash.
    pub fn restore(&mut self, id: &str) -> Result<RecordKind> {
        let kind = self.kind_of(id)?;
        self.write(|w| w.set_deleted(kind, id, false))?;
        Ok(kind)
    }
}

/// The SQLite URI that opens `path` as immutable (no locks, no `-shm`): for read-only media.
fn immutable_uri(path: &Path) -> String {
    let full = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
    let text = full.to_string_lossy().replace('\\', "/");
    let mut uri = String::from("file:");
    if !text.starts_with('/') {
        uri.push('/');
    }
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"/-_.~:".contains(&byte) {
            uri.push(char::from(byte));
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    uri.push_str("?immutable=1");
    uri
}

/// Switches the file to WAL. SQLite answers "busy" at once, without waiting, when another
/// program is writing the file in rollback mode (two programs opening a new file together), so
/// this waits and tries again; once either has switched, the switch is a no-op for the other.
fn set_wal(conn: &Connection, path: &Path) -> Result<()> {
    let started = std::time::Instant::now();
    loop {
        match conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(())) {
            Ok(()) => return Ok(()),
            Err(e) => match StoreError::from(e) {
                StoreError::Busy(_) if started.elapsed() < BUSY_TIMEOUT => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                StoreError::ReadOnly(_) => return Err(StoreError::ReadOnly(path.to_owned())),
                other => return Err(other),
            },
        }
    }
}

/// Writes the built-in topic catalogue into a new database (inside its first migration, so a
/// database never exists without it).
fn seed_catalogue(tx: &Transaction<'_>) -> Result<()> {
    for topic in builtin_topics() {
        let mut rec = StoredRecord::from_record(&topic)?;
        for (name, _) in RecordKind::Topic.columns() {
            rec.clocks.insert((*name).to_owned(), Hlc::origin());
        }
        write_row(tx, &rec)?;
    }
    Ok(())
}

/// Lowercase hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// The author used until one is set: the login name, or "?".
fn default_author() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_else(|_| "?".to_owned())
}
