//! Team sync through a shared folder (a USB stick, a file server, a Syncthing folder): each
//! laptop writes its new changes as one bundle under `DIR/<device>/` and imports every bundle
//! of the other devices it has not imported yet. Merging is order-free and idempotent, so the
//! folder needs no coordination: any order of syncs, with files duplicated or arriving late,
//! ends with every laptop holding the same records.

use super::crypt::Passphrase;
use super::error::{BundleError, Result};
use super::export::{ExportFilter, ExportOptions, export_with_options};
use super::format::{EXTENSION, Limits};
use super::incremental::ChangesSince;
use super::merge::import_sources;
use super::read::{Source, file_sha256, read_source};
use super::{Progress, no_progress};
use crate::i18n::{Lang, Localized};
use crate::store::{FileStamp, HistoryMark, Store};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

/// How a sync runs.
#[derive(Clone, Debug, Default)]
pub struct SyncOptions {
    /// The team passphrase: bundles written are encrypted with it, and encrypted bundles of
    /// colleagues are read with it.
    pub passphrase: Option<Passphrase>,
    /// What a bundle may weigh.
    pub limits: Limits,
    /// The language of the reasons given for refused files.
    pub lang: Lang,
}

/// A file of the folder that was not imported, and why.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RefusedFile {
    /// The file.
    pub file: PathBuf,
    /// Why, in the options' language.
    pub reason: String,
}

/// What a sync did (its JSON form is the `zoufang sync --json` contract).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct SyncReport {
    /// The bundle written with this laptop's changes, if there were any.
    pub wrote: Option<PathBuf>,
    /// How many colleagues' bundles were imported.
    pub imported: usize,
    /// New conflicts to review.
    pub conflicts: usize,
    /// Files skipped: damaged, foreign, undecryptable or refused by the merge.
    pub refused: Vec<RefusedFile>,
    /// How many colleagues (devices) the imported bundles came from.
    #[serde(skip)]
    pub colleagues: usize,
}

/// The sync mark's key for a folder: its canonical path.
fn destination_key(dir: &Path) -> String {
    dir.canonicalize()
        .unwrap_or_else(|_| dir.to_owned())
        .display()
        .to_string()
}

/// Writes this laptop's new changes to `dir` and imports the colleagues' bundles found there.
pub fn sync(
    store: &mut Store,
    dir: &Path,
    options: &SyncOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<SyncReport> {
    let file_err = |source: std::io::Error| BundleError::File {
        source,
        path: dir.to_owned(),
    };
    if !dir.is_dir() {
        return Err(file_err(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            "not a folder",
        )));
    }
    let device = store.device_id().to_owned();
    let own_dir = dir.join(&device);
    std::fs::create_dir_all(&own_dir).map_err(file_err)?;
    let destination = destination_key(dir);
    let mut report = SyncReport::default();

    // 1. This laptop's changes since the last sync to this folder (the first time, everything
    //    it has history for).
    let before_export = store.history_high_water()?;
    let since = store
        .sync_mark(&destination)?
        .map_or(ChangesSince::Beginning, ChangesSince::Mark);
    let name = format!(
        "{}-{}.{EXTENSION}",
        chrono::Utc::now().format("%Y%m%dT%H%M%SZ"),
        &uuid::Uuid::now_v7().simple().to_string()[20..]
    );
    let filter = ExportFilter {
        all: true,
        ..ExportFilter::default()
    };
    let export_options = ExportOptions {
        passphrase: options.passphrase.as_ref(),
        older_reader: false,
        changes_since: Some(&since),
        skip_if_empty: true,
    };
    let out = own_dir.join(name);
    report.wrote = export_with_options(store, &filter, &out, &export_options, progress)?
        .map(|summary| summary.path);

    // 2. Every colleague's bundle not imported yet, each file read on its own. A file found
    //    imported by an earlier sync, with the same size and time of change, is not read
    //    again: hashing a folder of old bundles on a network share costs more than the rest.
    let known_before = store.sync_known_files(&destination)?;
    let mut known = BTreeMap::new();
    let mut stamps = HashMap::new();
    let mut sources = Vec::new();
    let mut seen = HashSet::new();
    for path in colleague_bundles(dir, &device).map_err(file_err)? {
        let stamp = file_stamp(dir, &path);
        if let Some((name, stamp)) = &stamp
            && known_before.get(name) == Some(stamp)
        {
            known.insert(name.clone(), *stamp);
            continue;
        }
        let sha256 = match file_sha256(&path, options.limits.max_file_bytes) {
            Ok(sha256) => sha256,
            Err(e) => {
                report.refuse(&path, &e, options.lang);
                continue;
            }
        };
        if store.was_imported(&sha256)? {
            known.extend(stamp);
            continue;
        }
        // The same bundle twice in the folder (copied, or synced under two names) is read once.
        if !seen.insert(sha256) {
            continue;
        }
        match read_source(
            &path,
            &options.limits,
            options.passphrase.as_ref(),
            &mut no_progress(),
        ) {
            Ok(source) => {
                stamps.extend(stamp.map(|stamp| (path, stamp)));
                sources.push(source);
            }
            Err(e) => report.refuse(&path, &e, options.lang),
        }
    }

    // 3. All of them in one transaction; a file the merge refuses is left out and the rest
    //    imported without it.
    let mut mark = before_export.clone();
    while !sources.is_empty() {
        let paths: Vec<PathBuf> = sources.iter().map(|s| s.origin.path.clone()).collect();
        match import_sources(store, sources, progress) {
            Ok(done) => {
                report.imported = done.report.files.len();
                report.conflicts = done.report.totals.conflicts;
                let devices: BTreeSet<&str> = done
                    .report
                    .files
                    .iter()
                    .map(|f| f.origin.device_id.as_str())
                    .collect();
                report.colleagues = devices.len();
                for file in &done.report.files {
                    known.extend(stamps.get(&file.origin.path).cloned());
                }
                // What the import wrote came from the folder: it need not go back there. An
                // edit made here between the export and the import must, so then the mark
                // stays where the export was taken.
                if done.before == before_export {
                    mark = done.after;
                }
                break;
            }
            Err(e) => {
                let Some(bad) = error_path(&e).filter(|p| paths.iter().any(|q| q == p)) else {
                    return Err(e);
                };
                let bad = bad.to_owned();
                report.refuse(&bad, &e, options.lang);
                sources = reread(&paths, &bad, options, &mut report);
            }
        }
    }
    if let Some(mark) = mark {
        store.set_sync_mark(&destination, &mark)?;
    }
    // Files gone from the folder are forgotten with it.
    if known != known_before {
        store.set_sync_known_files(&destination, &known)?;
    }
    Ok(report)
}

/// A file's path inside the folder and its size and time of change, when it can say them.
fn file_stamp(dir: &Path, path: &Path) -> Option<(String, FileStamp)> {
    let meta = std::fs::metadata(path).ok()?;
    let modified = meta.modified().ok()?;
    let nanos = match modified.duration_since(std::time::UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_nanos()).ok()?,
        Err(before) => -i64::try_from(before.duration().as_nanos()).ok()?,
    };
    let name = path.strip_prefix(dir).ok()?.to_str()?.to_owned();
    Some((
        name,
        FileStamp {
            size: meta.len(),
            modified_nanos: nanos,
        },
    ))
}

impl SyncReport {
    fn refuse(&mut self, path: &Path, error: &BundleError, lang: Lang) {
        self.refused.push(RefusedFile {
            file: path.to_owned(),
            reason: error.localized(lang),
        });
    }
}

/// The files of `paths` but `bad`, read again (a failed import consumed them).
fn reread(
    paths: &[PathBuf],
    bad: &Path,
    options: &SyncOptions,
    report: &mut SyncReport,
) -> Vec<Source> {
    let mut sources = Vec::new();
    for path in paths.iter().filter(|p| p.as_path() != bad) {
        match read_source(
            path,
            &options.limits,
            options.passphrase.as_ref(),
            &mut no_progress(),
        ) {
            Ok(source) => sources.push(source),
            Err(e) => report.refuse(path, &e, options.lang),
        }
    }
    sources
}

/// The bundles under `dir/<other device>/`, in name order; files being written (hidden, or not
/// `.zfb`) are not bundles yet.
fn colleague_bundles(dir: &Path, own_device: &str) -> std::io::Result<Vec<PathBuf>> {
    let visible = |p: &Path| {
        p.file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| !n.starts_with('.'))
    };
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let sub = entry?.path();
        if !sub.is_dir() || !visible(&sub) || sub.file_name().is_some_and(|n| n == own_device) {
            continue;
        }
        for file in std::fs::read_dir(&sub)? {
            let path = file?.path();
            if path.is_file() && visible(&path) && path.extension().is_some_and(|e| e == EXTENSION)
            {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// The file an error is about, when it names one.
fn error_path(error: &BundleError) -> Option<&Path> {
    use BundleError as E;
    match error {
        E::File { path, .. }
        | E::NotABundle(path)
        | E::Damaged { path, .. }
        | E::NewerFormat { path, .. }
        | E::BadEntry { path, .. }
        | E::BadManifest { path, .. }
        | E::UnsafeName { path, .. }
        | E::DuplicateEntry { path, .. }
        | E::UnexpectedEntry { path, .. }
        | E::UnknownKind { path, .. }
        | E::TooLarge { path, .. }
        | E::DeclaredTooLarge { path, .. }
        | E::TooDeep { path, .. }
        | E::TooManyEntries { path, .. }
        | E::Checksum { path, .. }
        | E::EntryMismatch { path, .. }
        | E::AttachmentHash { path, .. }
        | E::MissingAttachment { path, .. }
        | E::BadRecord { path, .. }
        | E::MissingReference { path, .. }
        | E::FutureClock { path, .. }
        | E::BadHistory { path, .. }
        | E::ForeignDatabase(path)
        | E::NewerDatabase { path, .. }
        | E::NeedsPassphrase(path)
        | E::WrongPassphrase(path)
        | E::NotPassphraseEncrypted(path)
        | E::ExcessiveWork { path, .. } => Some(path),
        _ => None,
    }
}

/// The mark the last sync to `dir` left (what `export --changes-since DIR` starts from): the
/// point of this database's history after which changes have not gone there yet.
pub fn sync_mark(store: &Store, dir: &Path) -> Result<Option<HistoryMark>> {
    Ok(store.sync_mark(&destination_key(dir))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_finished_bundles_of_other_devices_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for sub in ["mine", "theirs", ".hidden"] {
            std::fs::create_dir(root.join(sub)).unwrap();
        }
        for file in [
            "mine/a.zfb",
            "theirs/b.zfb",
            "theirs/.b.zfb.123.part",
            "theirs/notes.txt",
            ".hidden/c.zfb",
            "loose.zfb",
        ] {
            std::fs::write(root.join(file), b"x").unwrap();
        }
        let found = colleague_bundles(root, "mine").unwrap();
        assert_eq!(found, vec![root.join("theirs/b.zfb")]);
    }
}
