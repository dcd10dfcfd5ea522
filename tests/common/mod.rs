//! Helpers shared by the integration tests: simulated laptops, tools to take bundles apart, and
//! the `zoufang` command on a test database.
#![allow(dead_code, clippy::unwrap_used)]

pub mod ui;

use sha2::{Digest, Sha256};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use zoufang::bundle::{ExportFilter, ImportOptions, ImportReport, export, import, no_progress};
use zoufang::store::Store;

/// A laptop: an in-memory database with an author.
pub fn laptop(author: &str) -> Store {
    let mut store = Store::open_in_memory().unwrap();
    store.set_author(author).unwrap();
    store
}

/// Exports everything from `store` to `dir/name`.
pub fn export_all(store: &Store, dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    let filter = ExportFilter {
        all: true,
        ..ExportFilter::default()
    };
    export(store, &filter, &path, &mut no_progress()).unwrap();
    path
}

/// Imports `files` into `store`.
pub fn import_files(store: &mut Store, files: &[PathBuf]) -> ImportReport {
    import(store, files, &ImportOptions::default(), &mut no_progress()).unwrap()
}

/// The entries of a zip, in order.
pub fn read_entries(path: &Path) -> Vec<(String, Vec<u8>)> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut out = Vec::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        out.push((entry.name().unwrap().into_owned(), bytes));
    }
    out
}

/// Writes a zip with exactly these entries.
pub fn write_entries(path: &Path, entries: &[(String, Vec<u8>)]) {
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        zip.start_file(name.as_str(), options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap();
}

/// Recomputes the manifest's entry list (sizes and checksums) to match the other entries, so a
/// test's one deliberate flaw is the only one.
pub fn fix_manifest(entries: &mut [(String, Vec<u8>)]) {
    let listed: serde_json::Map<String, serde_json::Value> = entries
        .iter()
        .filter(|(n, _)| n != "manifest.json")
        .map(|(n, b)| {
            let sha: String = Sha256::digest(b)
                .iter()
                .map(|x| format!("{x:02x}"))
                .collect();
            (
                n.clone(),
                serde_json::json!({ "size": b.len(), "sha256": sha }),
            )
        })
        .collect();
    for (name, bytes) in entries.iter_mut() {
        if name == "manifest.json" {
            let mut manifest: serde_json::Value = serde_json::from_slice(bytes).unwrap();
            manifest["entries"] = serde_json::Value::Object(listed.clone());
            *bytes = serde_json::to_vec(&manifest).unwrap();
        }
    }
}

/// Rewrites the bundle `src` to `dst`, changing the entries with `change`, manifest fixed.
pub fn tamper(src: &Path, dst: &Path, change: impl FnOnce(&mut Vec<(String, Vec<u8>)>)) {
    let mut entries = read_entries(src);
    change(&mut entries);
    fix_manifest(&mut entries);
    write_entries(dst, &entries);
}

/// Changes one entry's JSON.
pub fn edit_json(
    entries: &mut [(String, Vec<u8>)],
    name: &str,
    change: impl FnOnce(&mut serde_json::Value),
) {
    let entry = entries.iter_mut().find(|(n, _)| n == name).unwrap();
    let mut value: serde_json::Value = serde_json::from_slice(&entry.1).unwrap();
    change(&mut value);
    entry.1 = serde_json::to_vec(&value).unwrap();
}

/// The `zoufang` command on the database `db`, in the language the environment picks (a
/// `ZOUFANG_DB` in the test's environment is ignored).
pub fn zoufang_db(db: &Path) -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("zoufang").unwrap();
    cmd.env_remove("ZOUFANG_DB").arg("--db").arg(db);
    cmd
}

/// The `zoufang` command on the database `db`, in `lang` (`en` or `zh`).
pub fn zoufang_in(db: &Path, lang: &str) -> assert_cmd::Command {
    let mut cmd = zoufang_db(db);
    cmd.arg("--lang").arg(lang);
    cmd
}

/// The `zoufang` command on the database `db`, in English: what most tests read.
pub fn zoufang(db: &Path) -> assert_cmd::Command {
    zoufang_in(db, "en")
}
