//! The only code that speaks SQL: the database file, its schema and migrations, every write
//! (one transaction each, with its history row and clock), the list queries, search and trash,
//! and the file's backups.

pub mod attachments;
pub mod backup;
mod changes;
pub mod collation;
mod edits;
mod error;
mod history;
mod history_trail;
mod import_log;
mod imports;
pub mod ledger;
mod people;
mod query;
mod record;
mod schema;
pub mod search;
mod search_place;
pub mod sets;
mod summary_sql;
mod topics;

pub use attachments::{DEFAULT_MAX_ATTACHMENT_MB, MAX_ATTACHMENT_MB, human_size, sha256_hex};
pub use backup::{BACKUPS_KEPT, BackupInfo, RestoreReport};
pub use changes::{Change, ChangeKind, ChangeSet};
pub use edits::FieldEdit;
pub use error::{Result, StoreError, kind_label};
pub use history::{HistoryEntry, TrashEntry};
pub use history_trail::{HistoryRow, history_entry_id, insert_travelled, rows_of};
pub use import_log::{ConflictEntry, ImportLogEntry};
pub use query::{FindingFilter, FindingRow, FindingSort, Page, VisitFilter, VisitRow, VisitSort};
pub use record::{
    Action, ColumnType, DELETED_FIELD, Record, RecordKind, Stamp, StoredRecord, load, read_row,
    select_list, write_history, write_row, write_row_unindexed,
};
pub use schema::{SCHEMA_VERSION, check_objects as check_schema_objects};
pub use search::SearchHit;
pub use summary_sql::{SummaryGroup, SummaryRow};
pub use topics::TopicCount;

use crate::model::{
    Finding, FindingId, Hlc, Subject, SubjectId, Topic, TopicId, Visit, VisitId, builtin_topics,
};
use chrono::Utc;
use rusqlite::{Connection, OpenFlags, OptionalExtension, Transaction, TransactionBehavior};
use std::collections::BTreeMap;
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

/// One write transaction in progress, stamping each change with the next clock.
pub struct Writer<'a> {
    tx: Transaction<'a>,
    author: String,
    device: String,
    last: Option<Hlc>,
    changes: ChangeSet,
}

impl<'a> Writer<'a> {
    fn new(tx: Transaction<'a>, author: String, device: String) -> Result<Writer<'a>> {
        let last: Option<Hlc> = tx
            .query_row("SELECT value FROM meta WHERE key = 'clock'", [], |r| {
                r.get::<_, String>(0)
            })
            .optional()?
            .and_then(|t| t.parse().ok());
        Ok(Writer {
            tx,
            author,
            device,
            last,
            changes: ChangeSet::default(),
        })
    }

    /// The transaction, for the library's other layers that write in SQL.
    pub fn tx(&self) -> &Transaction<'_> {
        &self.tx
    }

    /// The author of this write.
    pub fn author(&self) -> &str {
        &self.author
    }

    /// This device's id.
    pub fn device(&self) -> &str {
        &self.device
    }

    /// Names who makes the changes that follow (the history shows it): a ledger import writes
    /// "作者（导入台账 文件名）" so its edits say where they came from.
    pub fn set_author(&mut self, author: String) {
        self.author = author;
    }

    /// The next clock stamp.
    pub fn tick(&mut self) -> Hlc {
        let next = Hlc::tick(
            self.last.as_ref(),
            Utc::now().timestamp_millis(),
            &self.device,
        );
        self.last = Some(next.clone());
        next
    }

    /// Moves the clock past a stamp seen from another device, so later local edits win over it.
    pub fn observe(&mut self, seen: &Hlc) {
        self.last = Hlc::observe(self.last.as_ref(), seen, &self.device);
    }

    fn finish(self) -> Result<ChangeSet> {
        if let Some(last) = &self.last {
            self.tx.execute(
                "INSERT INTO meta (key, value) VALUES ('clock', ?1)
                 ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [last.to_string()],
            )?;
        }
        self.tx.commit()?;
        Ok(self.changes)
    }

    /// Saves a record made or changed here: validates it, checks what it refers to, stamps the
    /// changed fields with a new clock and writes a history row.
    pub fn put<R: Record>(&mut self, record: &R) -> Result<Outcome> {
        record.check()?;
        let mut new = StoredRecord::from_record(record)?;
        let old = load(&self.tx, R::KIND, &new.id)?;
        self.check_references(&new, old.as_ref())?;
        let now = Utc::now();
        let (action, before) = match &old {
            None => (Action::Create, None),
            Some(old) => {
                let changed: Vec<&str> = R::KIND
                    .columns()
                    .iter()
                    .map(|(c, _)| *c)
                    .filter(|c| old.data.get(*c) != new.data.get(*c))
                    .collect();
                if changed.is_empty() {
                    return Ok(Outcome::Unchanged);
                }
                new.clocks = old.clocks.clone();
                new.meta.created_at = old.meta.created_at;
                new.meta.deleted_at = old.meta.deleted_at;
                let clock = self.tick();
                for c in changed {
                    if sets::is_set_field(R::KIND, c) {
                        let none = serde_json::Value::Null;
                        let (was, is) = (
                            old.data.get(c).unwrap_or(&none),
                            new.data.get(c).unwrap_or(&none),
                        );
                        sets::stamp_edit(c, was, is, &clock, &mut new.clocks);
                    } else {
                        new.clocks.insert(c.to_owned(), clock.clone());
                    }
                }
                (Action::Update, Some(old.snapshot()))
            }
        };
        if old.is_none() {
            let clock = self.tick();
            new.clocks = R::KIND
                .columns()
                .iter()
                .map(|(c, _)| ((*c).to_owned(), clock.clone()))
                .collect::<BTreeMap<_, _>>();
            new.meta.created_at = Some(now);
            new.meta.deleted_at = None;
        }
        new.meta.updated_at = Some(now);
        new.meta.updated_by = self.author.clone();
        let clock = new
            .clocks
            .values()
            .max()
            .cloned()
            .unwrap_or_else(|| self.tick());
        new.meta.clock = Some(clock.clone());
        write_row(&self.tx, &new)?;
        let stamp = Stamp {
            author: &self.author,
            device: &self.device,
            clock: &clock,
        };
        write_history(
            &self.tx,
            R::KIND,
            &new.id,
            action,
            &stamp,
            before.as_ref(),
            Some(&new.snapshot()),
        )?;
        let what = if action == Action::Create {
            ChangeKind::Created
        } else {
            ChangeKind::Updated
        };
        self.changes.push(R::KIND, &new.id, what);
        Ok(if action == Action::Create {
            Outcome::Created
        } else {
            Outcome::Updated
        })
    }

    fn exists(&self, kind: RecordKind, id: &str) -> Result<bool> {
        let sql = format!(
            "SELECT 1 FROM {} WHERE id = ?1 AND deleted_at IS NULL",
            kind.table()
        );
        Ok(self
            .tx
            .prepare_cached(&sql)?
            .query_row([id], |_| Ok(()))
            .optional()?
            .is_some())
    }

    /// Checks that what `rec` refers to exists and is live. Only references new in this save
    /// are checked against `old`: a finding tagged with a topic that has since gone to the Trash
    /// (or a visit of a deleted subject) stays editable.
    fn check_references(&self, rec: &StoredRecord, old: Option<&StoredRecord>) -> Result<()> {
        let unchanged = |name: &str| old.is_some_and(|o| o.data.get(name) == rec.data.get(name));
        let text = |name: &str| {
            rec.data
                .get(name)
                .filter(|_| !unchanged(name))
                .and_then(|v| v.as_str())
                .map(str::to_owned)
        };
        let old_topics: Vec<&str> = old
            .and_then(|o| o.data.get("topics"))
            .and_then(|t| t.as_array())
            .map(|t| t.iter().filter_map(|t| t.as_str()).collect())
            .unwrap_or_default();
        if let Some(visit) = text("visit_id").filter(|_| rec.kind == RecordKind::Finding)
            && !self.exists(RecordKind::Visit, &visit)?
        {
            return Err(StoreError::NotFound {
                kind: "visit",
                id: visit,
            });
        }
        if let Some(subject) = text("subject_id")
            && !self.exists(RecordKind::Subject, &subject)?
        {
            return Err(StoreError::NotFound {
                kind: "subject",
                id: subject,
            });
        }
        if let Some(serde_json::Value::Array(topics)) = rec.data.get("topics") {
            for topic in topics.iter().filter_map(|t| t.as_str()) {
                if !old_topics.contains(&topic) && !self.exists(RecordKind::Topic, topic)? {
                    return Err(StoreError::UnknownTopic(topic.to_owned()));
                }
            }
        }
        if rec.kind == RecordKind::Topic {
            topics::check_topic(&self.tx, rec)?;
        }
        if rec.kind == RecordKind::Attachment {
            self.check_attachment(rec, old)?;
        }
        Ok(())
    }

    /// An attachment hangs on a live visit or finding, and its bytes are in the database.
    fn check_attachment(&self, rec: &StoredRecord, old: Option<&StoredRecord>) -> Result<()> {
        let text = |name: &str| rec.data.get(name).and_then(|v| v.as_str()).unwrap_or("");
        let moved = old.is_none_or(|o| o.data.get("owner_id") != rec.data.get("owner_id"));
        let owner_kind = match text("owner_kind") {
            "visit" => RecordKind::Visit,
            _ => RecordKind::Finding,
        };
        if moved && !self.exists(owner_kind, text("owner_id"))? {
            return Err(StoreError::NotFound {
                kind: owner_kind.table(),
                id: text("owner_id").to_owned(),
            });
        }
        if !attachments::blob_exists(&self.tx, text("sha256"))? {
            return Err(StoreError::MissingBlob(text("sha256").to_owned()));
        }
        Ok(())
    }

    /// Moves a record to the Trash (`deleted = true`) or back. A deleted visit takes its live
    /// findings along, and restoring it brings back those deleted with it; restoring a finding
    /// of a deleted visit restores the visit too.
    pub fn set_deleted(&mut self, kind: RecordKind, id: &str, deleted: bool) -> Result<bool> {
        let rec = load(&self.tx, kind, id)?.ok_or_else(|| StoreError::NotFound {
            kind: kind.table(),
            id: id.to_owned(),
        })?;
        if rec.meta.deleted_at.is_some() == deleted {
            return Ok(false);
        }
        if deleted
            && kind == RecordKind::Topic
            && rec
                .id
                .parse::<TopicId>()
                .is_ok_and(crate::model::is_builtin_topic)
        {
            return Err(StoreError::BuiltinTopic);
        }
        let when = if deleted {
            Some(self.tombstone_time(kind, id)?)
        } else {
            None
        };
        if kind == RecordKind::Visit {
            let sql = if deleted {
                "SELECT id FROM finding WHERE visit_id = ?1 AND deleted_at IS NULL"
            } else {
                "SELECT id FROM finding WHERE visit_id = ?1 AND deleted_at = ?2"
            };
            let was = rec
                .meta
                .deleted_at
                .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
                .unwrap_or_default();
            let mut stmt = self.tx.prepare(sql)?;
            let ids: Vec<String> = if deleted {
                stmt.query_map([id], |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()?
            } else {
                stmt.query_map([id, was.as_str()], |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()?
            };
            drop(stmt);
            for finding in ids {
                self.mark_deleted(RecordKind::Finding, &finding, when)?;
            }
        }
        if kind == RecordKind::Finding
            && !deleted
            && let Some(visit) = rec.data.get("visit_id").and_then(|v| v.as_str())
            && !self.exists(RecordKind::Visit, visit)?
        {
            let visit = visit.to_owned();
            self.mark_deleted(RecordKind::Visit, &visit, None)?;
        }
        self.mark_deleted(kind, id, when)?;
        Ok(true)
    }

    /// The time to stamp a delete with. Restoring a visit brings back the findings whose
    /// tombstone has exactly the visit's time, so a visit's tombstone is made later than any of
    /// its findings deleted before it (even within the same millisecond).
    fn tombstone_time(&self, kind: RecordKind, id: &str) -> Result<chrono::DateTime<Utc>> {
        let now = Utc::now();
        if kind != RecordKind::Visit {
            return Ok(now);
        }
        let latest: Option<String> = self
            .tx
            .prepare_cached("SELECT max(deleted_at) FROM finding WHERE visit_id = ?1")?
            .query_row([id], |r| r.get(0))?;
        let latest = latest
            .and_then(|t| chrono::DateTime::parse_from_rfc3339(&t).ok())
            .map(|t| t.with_timezone(&Utc));
        Ok(match latest {
            Some(t) if t.timestamp_millis() >= now.timestamp_millis() => {
                t + chrono::Duration::milliseconds(1)
            }
            _ => now,
        })
    }

    fn mark_deleted(
        &mut self,
        kind: RecordKind,
        id: &str,
        when: Option<chrono::DateTime<Utc>>,
    ) -> Result<()> {
        let Some(mut rec) = load(&self.tx, kind, id)? else {
            return Ok(());
        };
        let before = rec.snapshot();
        let clock = self.tick();
        rec.meta.deleted_at = when;
        rec.meta.updated_at = Some(Utc::now());
        rec.meta.updated_by = self.author.clone();
        rec.meta.clock = Some(clock.clone());
        rec.clocks.insert(DELETED_FIELD.to_owned(), clock.clone());
        write_row(&self.tx, &rec)?;
        let stamp = Stamp {
            author: &self.author,
            device: &self.device,
            clock: &clock,
        };
        let action = if when.is_some() {
            Action::Delete
        } else {
            Action::Restore
        };
        let what = if when.is_some() {
            ChangeKind::Deleted
        } else {
            ChangeKind::Restored
        };
        self.changes.push(kind, id, what);
        write_history(
            &self.tx,
            kind,
            id,
            action,
            &stamp,
            Some(&before),
            Some(&rec.snapshot()),
        )
    }
}
