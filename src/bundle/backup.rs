//! The copy taken before an import is applied: SQLite's online backup into `backups/` beside
//! the database, keeping the newest [`BACKUPS_KEPT`].

use super::error::{BundleError, Result};
use crate::store::Store;
use std::path::{Path, PathBuf};

/// How many backups are kept beside a database.
pub const BACKUPS_KEPT: usize = 10;

/// Copies the database to `backups/<name>-<UTC time>.sqlite` beside it and removes the oldest
/// copies beyond [`BACKUPS_KEPT`]. A database in memory has nothing to back up (`None`).
pub fn backup(store: &Store) -> Result<Option<PathBuf>> {
    let path = store.path();
    if path.as_os_str() == ":memory:" {
        return Ok(None);
    }
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .join("backups");
    std::fs::create_dir_all(&dir).map_err(|source| BundleError::File {
        source,
        path: dir.clone(),
    })?;
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "zoufang".to_owned());
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ");
    let mut target = dir.join(format!("{stem}-{stamp}.sqlite"));
    let mut n = 1;
    while target.exists() {
        target = dir.join(format!("{stem}-{stamp}-{n}.sqlite"));
        n += 1;
    }
    store.conn().backup(
        rusqlite::MAIN_DB,
        &target,
        None::<fn(rusqlite::backup::Progress)>,
    )?;
    prune(&dir, &stem)?;
    Ok(Some(target))
}

/// Removes this database's oldest backups beyond [`BACKUPS_KEPT`] (names sort by time).
fn prune(dir: &Path, stem: &str) -> Result<()> {
    let prefix = format!("{stem}-");
    let mut ours: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|source| BundleError::File {
            source,
            path: dir.to_owned(),
        })?
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
    let excess = ours.len().saturating_sub(BACKUPS_KEPT);
    for old in &ours[..excess] {
        std::fs::remove_file(old).map_err(|source| BundleError::File {
            source,
            path: old.clone(),
        })?;
    }
    Ok(())
}
