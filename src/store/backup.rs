//! Backups of the database file: SQLite's online backup into `backups/` beside the database,
//! taken automatically before every import and every migration (keeping the newest
//! [`BACKUPS_KEPT`]), on request to any file, and restoring one (after a backup of what it
//! replaces).

use super::Store;
use super::error::{Result, StoreError};
use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How many automatic backups are kept beside a database.
pub const BACKUPS_KEPT: usize = 10;

/// One backup file beside a database.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct BackupInfo {
    /// The file.
    pub path: PathBuf,
    /// Its size in bytes.
    pub bytes: u64,
    /// When it was taken (UTC, from its name).
    pub taken_at: String,
}

/// The folder holding the backups of the database at `db`: `backups/` beside it.
pub fn backup_dir(db: &Path) -> PathBuf {
    db.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .join("backups")
}

fn stem(db: &Path) -> String {
    db.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "zoufang".to_owned())
}

fn io_err(e: &std::io::Error, path: &Path) -> StoreError {
    StoreError::Io(std::io::Error::new(
        e.kind(),
        format!("{e}: {}", path.display()),
    ))
}

/// Copies the database to `backups/<name>-<UTC time>.sqlite` beside it and removes the oldest
/// copies beyond [`BACKUPS_KEPT`]. A database in memory has nothing to back up (`None`).
pub fn backup(store: &Store) -> Result<Option<PathBuf>> {
    if store.path().as_os_str() == ":memory:" {
        return Ok(None);
    }
    backup_conn(store.conn(), store.path()).map(Some)
}

/// The automatic backup taken while `store` holds the write lock (an import, between its plan
/// and its writes). SQLite's backup cannot read through a connection inside a write
/// transaction, so it reads through a second one, which sees the data exactly as the plan did:
/// no other program can write until the lock is let go.
pub fn backup_while_locked(store: &Store) -> Result<Option<PathBuf>> {
    if store.path().as_os_str() == ":memory:" {
        return Ok(None);
    }
    let reader = Connection::open_with_flags(
        store.path(),
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| StoreError::from(e).at(store.path()))?;
    backup_conn(&reader, store.path()).map(Some)
}

/// The automatic backup of the database at `db` through an open connection to it.
pub(super) fn backup_conn(conn: &Connection, db: &Path) -> Result<PathBuf> {
    let target = next_backup_path(db)?;
    copy_online(conn, &target)?;
    prune(&backup_dir(db), &stem(db))?;
    Ok(target)
}

/// A new, unused backup file name for the database at `db` (creating the folder).
fn next_backup_path(db: &Path) -> Result<PathBuf> {
    let dir = backup_dir(db);
    std::fs::create_dir_all(&dir).map_err(|e| io_err(&e, &dir))?;
    let stem = stem(db);
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ");
    let mut target = dir.join(format!("{stem}-{stamp}.sqlite"));
    let mut n = 1;
    while target.exists() {
        target = dir.join(format!("{stem}-{stamp}-{n}.sqlite"));
        n += 1;
    }
    Ok(target)
}

/// Writes a consistent copy of `conn`'s database to `target` with the online backup API: first
/// to a temporary file beside it, renamed into place when complete, so a crash never leaves a
/// half-written backup under the final name.
fn copy_online(conn: &Connection, target: &Path) -> Result<()> {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let partial = target.with_file_name(format!(".{name}.partial"));
    let copied = conn
        .backup(
            rusqlite::MAIN_DB,
            &partial,
            None::<fn(rusqlite::backup::Progress)>,
        )
        .map_err(|e| match StoreError::from(e) {
            StoreError::Sqlite(e) => io_err(&std::io::Error::other(e.to_string()), target),
            other => other,
        });
    // A copy is one self-contained file: back to a rollback journal, so opening it (to check
    // or restore it) leaves no write-ahead log beside it.
    let copied = copied.and_then(|()| {
        let copy = Connection::open(&partial)?;
        copy.query_row("PRAGMA journal_mode = DELETE", [], |_| Ok(()))?;
        Ok(())
    });
    if let Err(e) = copied {
        remove_if_exists(&partial);
        return Err(e);
    }
    std::fs::rename(&partial, target).map_err(|e| io_err(&e, target))
}

fn remove_if_exists(path: &Path) {
    if let Err(e) = std::fs::remove_file(path)
        && e.kind() != std::io::ErrorKind::NotFound
    {
        eprintln!("{e}: {}", path.display());
    }
}

/// `zoufang backup --out FILE`: a consistent copy of the open database to `out` (an existing
/// file there is replaced only when the copy is complete). Without `out`, a rotated backup in
/// `backups/`. Returns the file written.
pub fn backup_to(store: &Store, out: Option<&Path>) -> Result<PathBuf> {
    match out {
        None if store.path().as_os_str() == ":memory:" => Err(StoreError::Io(
            std::io::Error::other("a database in memory has no backup folder"),
        )),
        None => backup_conn(store.conn(), store.path()),
        Some(out) => {
            // `backup --out` may replace an older copy (it says so); never the database.
            crate::paths::check_output(out, store.path(), true)?;
            copy_online(store.conn(), out)?;
            Ok(out.to_owned())
        }
    }
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Removes this database's oldest backups beyond [`BACKUPS_KEPT`] (names sort by time).
fn prune(dir: &Path, stem: &str) -> Result<()> {
    let ours = list_in(dir, stem)?;
    let excess = ours.len().saturating_sub(BACKUPS_KEPT);
    for old in &ours[..excess] {
        std::fs::remove_file(old).map_err(|e| io_err(&e, old))?;
    }
    Ok(())
}

/// This database's backup files in `dir`, oldest first.
fn list_in(dir: &Path, stem: &str) -> Result<Vec<PathBuf>> {
    let prefix = format!("{stem}-");
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io_err(&e, dir)),
    };
    let mut ours: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name().is_some_and(|n| {
                let n = n.to_string_lossy();
                n.starts_with(&prefix)
                    && n.ends_with(".sqlite")
                    && n[prefix.len()..].starts_with(|c: char| c.is_ascii_digit())
            })
        })
        .collect();
    ours.sort();
    Ok(ours)
}

/// The backups of the database at `db`, newest first (`zoufang backups`, File → Backups).
pub fn list_backups(db: &Path) -> Result<Vec<BackupInfo>> {
    let stem = stem(db);
    let mut found = Vec::new();
    for path in list_in(&backup_dir(db), &stem)?.into_iter().rev() {
        let bytes = std::fs::metadata(&path)
            .map_err(|e| io_err(&e, &path))?
            .len();
        let name = path
            .file_stem()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let stamp = name[stem.len() + 1..].to_owned();
        let taken_at = chrono::NaiveDateTime::parse_from_str(
            stamp.get(..19).unwrap_or_default(),
            "%Y%m%dT%H%M%S%.3f",
        )
        .or_else(|_| {
            chrono::NaiveDateTime::parse_from_str(
                stamp.get(..15).unwrap_or_default(),
                "%Y%m%dT%H%M%S",
            )
        })
        .map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string())
        .unwrap_or(stamp);
        found.push(BackupInfo {
            path,
            bytes,
            taken_at,
        });
    }
    Ok(found)
}

/// The newest backup of the database at `db` that is a Zoufang database (named in the message
/// of a damaged file; the byte copy of a damaged file taken before a restore is skipped).
pub fn latest_backup(db: &Path) -> Option<PathBuf> {
    list_in(&backup_dir(db), &stem(db))
        .ok()?
        .into_iter()
        .rev()
        .find(|b| check(b, false).is_ok())
}

/// Checks that `file` is a sound Zoufang database of a schema this build knows, without
/// changing it; returns its schema version.
pub fn verify(file: &Path) -> Result<i64> {
    check(file, true)
}

/// [`verify`], with SQLite's integrity check of every page or without it.
fn check(file: &Path, integrity: bool) -> Result<i64> {
    if !file.is_file() {
        return Err(io_err(
            &std::io::Error::from(std::io::ErrorKind::NotFound),
            file,
        ));
    }
    let not_ours = || StoreError::NotADatabase(file.to_owned());
    let conn = Connection::open_with_flags(
        file,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|_| not_ours())?;
    let version = super::schema::check_version(&conn, file)?;
    let tables: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_schema WHERE type = 'table'
               AND name IN ('meta', 'topic', 'subject', 'visit', 'finding', 'history')",
            [],
            |r| r.get(0),
        )
        .map_err(|_| not_ours())?;
    if version < 1 || tables != 6 {
        return Err(not_ours());
    }
    super::schema::check_objects(&conn, version, file)?;
    if !integrity {
        return Ok(version);
    }
    let check: String = conn
        .query_row("PRAGMA integrity_check(1)", [], |r| r.get(0))
        .map_err(|_| not_ours())?;
    if check != "ok" {
        return Err(not_ours());
    }
    Ok(version)
}

/// What a restore did.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct RestoreReport {
    /// The file restored from.
    pub from: PathBuf,
    /// The backup of the database as it was before (none when there was no database yet).
    pub backup: Option<PathBuf>,
    /// The schema version of the restored file (older ones migrate when next opened).
    pub schema_version: i64,
}

/// Replaces the database at `db` by the backup `file` (`zoufang restore`, File → Restore).
///
/// `file` is checked first (a Zoufang database of a known schema, passing SQLite's integrity
/// check); then the current database is backed up (a damaged one is copied byte for byte);
/// then its content is replaced in one step with the online backup API, so a program reading
/// it meanwhile sees the old or the new data. A database too damaged for SQLite to write into
/// is replaced as a file instead. No other program should be writing it meanwhile.
pub fn restore(db: &Path, file: &Path) -> Result<RestoreReport> {
    let schema_version = verify(file)?;
    if same_file(db, file) {
        return Err(StoreError::Io(std::io::Error::new(
            std::io::ErrorKind::AlreadyExists,
            format!("this file is the database itself: {}", file.display()),
        )));
    }
    let backup = if db.exists() {
        Some(backup_current(db)?)
    } else {
        if let Some(parent) = db.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| io_err(&e, parent))?;
        }
        None
    };
    if verify(db).is_ok() {
        let mut conn = Connection::open(db)?;
        conn.busy_timeout(Duration::from_secs(5))?;
        conn.restore(
            rusqlite::MAIN_DB,
            file,
            None::<fn(rusqlite::backup::Progress)>,
        )
        .map_err(|e| match StoreError::from(e) {
            StoreError::ReadOnly(_) => StoreError::ReadOnly(db.to_owned()),
            other => other,
        })?;
    } else {
        replace_file(db, file)?;
    }
    Ok(RestoreReport {
        from: file.to_owned(),
        backup,
        schema_version,
    })
}

/// Backs up the database at `db` before it is replaced: through SQLite when it opens, byte for
/// byte (with its write-ahead log) when it is too damaged to.
pub(super) fn backup_current(db: &Path) -> Result<PathBuf> {
    if verify(db).is_ok() {
        let conn = Connection::open_with_flags(
            db,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(Duration::from_secs(5))?;
        return backup_conn(&conn, db);
    }
    let target = next_backup_path(db)?;
    std::fs::copy(db, &target).map_err(|e| io_err(&e, &target))?;
    for suffix in ["-wal", "-shm"] {
        let side = side_file(db, suffix);
        if side.exists() {
            let copy = side_file(&target, suffix);
            std::fs::copy(&side, &copy).map_err(|e| io_err(&e, &copy))?;
        }
    }
    Ok(target)
}

fn side_file(db: &Path, suffix: &str) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Replaces a damaged database file: a copy of `file` beside it, renamed over it, the stale
/// write-ahead log removed first.
fn replace_file(db: &Path, file: &Path) -> Result<()> {
    let name = db
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let partial = db.with_file_name(format!(".{name}.restoring"));
    let src = Connection::open_with_flags(
        file,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    copy_online(&src, &partial)?;
    for suffix in ["-wal", "-shm"] {
        let side = side_file(db, suffix);
        if side.exists() {
            std::fs::remove_file(&side).map_err(|e| io_err(&e, &side))?;
        }
    }
    std::fs::rename(&partial, db).map_err(|e| io_err(&e, db))
}
