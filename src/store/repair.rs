//! `zoufang repair`: a database copied through SQL (`sqlite3 old.sqlite .dump | sqlite3
//! new.sqlite`) keeps every table and row but loses `PRAGMA user_version`, the schema version
//! Zoufang reads first; opened as it is, it looks like some other program's file. Repair finds
//! the schema version whose objects the file has, exactly (tables, indexes, search tables, with
//! their SQL), backs the file up, sets the version, and lets the ordinary open migrate it.

use super::schema::{SCHEMA_VERSION, check_objects};
use super::{Result, Store, StoreError};
use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};

/// Tables every Zoufang database has had since schema 1.
const ZOUFANG_TABLES: &[&str] = &["meta", "topic", "subject", "visit", "finding", "history"];

/// Whether the database on `conn` holds Zoufang's tables (whatever its `user_version` says).
pub(crate) fn has_zoufang_tables(conn: &Connection) -> bool {
    let list = ZOUFANG_TABLES
        .iter()
        .map(|t| format!("'{t}'"))
        .collect::<Vec<_>>()
        .join(", ");
    conn.query_row(
        &format!("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN ({list})"),
        [],
        |r| r.get::<_, i64>(0),
    )
    .is_ok_and(|n| n == ZOUFANG_TABLES.len() as i64)
}

/// What a repair did.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct RepairReport {
    /// The schema version the file's objects match (what its `user_version` should have been).
    pub found_version: i64,
    /// The copy of the file taken before anything was changed.
    pub backup: PathBuf,
    /// The schema version after the repair (the file was then migrated to this build's).
    pub schema_version: i64,
}

/// Repairs the database at `db` whose `user_version` is 0 but whose tables are Zoufang's.
/// A database that opens as it is needs no repair ([`StoreError::NothingToRepair`]); a file
/// whose objects match no schema version is refused as it is, unchanged.
pub fn repair(db: &Path) -> Result<RepairReport> {
    let version = {
        let conn = Connection::open_with_flags(
            db,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| StoreError::from(e).at(db))?;
        super::collation::register(&conn)?;
        let user_version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|_| StoreError::NotADatabase(db.to_owned()))?;
        if user_version != 0 {
            return Err(StoreError::NothingToRepair {
                version: user_version,
                path: db.to_owned(),
            });
        }
        if !has_zoufang_tables(&conn) {
            return Err(StoreError::NotADatabase(db.to_owned()));
        }
        // The newest version first: an older one differs by objects a later migration added.
        let mut first_error = None;
        let mut found = None;
        for version in (1..=SCHEMA_VERSION).rev() {
            match check_objects(&conn, version, db) {
                Ok(()) => {
                    found = Some(version);
                    break;
                }
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        match (found, first_error) {
            (Some(version), _) => version,
            (None, Some(e)) => return Err(e),
            (None, None) => return Err(StoreError::NotADatabase(db.to_owned())),
        }
    };
    let backup = super::backup::backup_current(db)?;
    {
        let conn = Connection::open_with_flags(
            db,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.pragma_update(None, "user_version", version)?;
    }
    // The ordinary open checks the objects again and migrates to this build's schema.
    drop(Store::open(db)?);
    Ok(RepairReport {
        found_version: version,
        backup,
        schema_version: SCHEMA_VERSION,
    })
}
