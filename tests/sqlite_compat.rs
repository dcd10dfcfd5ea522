//! The database with the tools people have: the `sqlite3` of Debian 12 (3.40) and Python's
//! `sqlite3` module read every table of it, search tables included; its full-text indexes stay
//! consistent through edits and deletes; and a copy made with `.dump | sqlite3` (which loses
//! the schema version) is recognised and repaired by `zoufang repair`.
//!
//! The tests that need the `sqlite3` program or `python3` say so and pass when it is missing;
//! CI installs both (scripts/setup-debian.sh).
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use zoufang::demo::{DemoOptions, generate};
use zoufang::i18n::{Lang, Localized};
use zoufang::store::{SCHEMA_VERSION, Store, StoreError};

/// Whether `program --version` runs.
fn have(program: &str) -> bool {
    let found = Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !found {
        eprintln!("skipped: `{program}` is not installed (apt install {program})");
    }
    found
}

/// A database with demo data, records edited and deleted since they were indexed.
fn database(dir: &Path) -> PathBuf {
    let path = dir.join("z.sqlite");
    let mut store = Store::open(&path).unwrap();
    generate(
        &mut store,
        DemoOptions {
            visits: 12,
            seed: 3,
        },
    )
    .unwrap();
    let visits = store
        .list_visits(
            &zoufang::store::VisitFilter::default(),
            zoufang::store::VisitSort::Date,
            true,
            zoufang::store::Page::ALL,
        )
        .unwrap();
    let mut edited = visits[0].visit.clone();
    edited.place = "城南颐养中心".to_owned();
    edited.notes = "复查：消防通道已打通".to_owned();
    store.save_visit(&edited).unwrap();
    store.delete(&visits[1].visit.id.to_string()).unwrap();
    path
}

/// Every table's name.
fn tables(path: &Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut stmt = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

/// A script that reads every table and searches both indexes.
fn script(path: &Path) -> String {
    let mut sql: String = tables(path)
        .iter()
        .map(|t| format!("SELECT count(*) FROM \"{t}\";\n"))
        .collect();
    sql.push_str("SELECT count(*) FROM search_tri WHERE search_tri MATCH '颐养中心';\n");
    sql.push_str("SELECT count(*) FROM search_gram WHERE search_gram MATCH '颐';\n");
    sql
}

#[test]
fn the_indexes_stay_consistent_through_edits_and_deletes() {
    let dir = tempfile::tempdir().unwrap();
    let path = database(dir.path());
    let conn = rusqlite::Connection::open(&path).unwrap();
    for table in ["search_tri", "search_gram"] {
        conn.execute(
            &format!("INSERT INTO {table} ({table}) VALUES ('integrity-check')"),
            [],
        )
        .unwrap_or_else(|e| panic!("{table}: {e}"));
    }
    let store = Store::open(&path).unwrap();
    // The visit, and its findings (found by their visit's place too).
    let hits = store.search("城南颐养中心", 10).unwrap();
    assert!(!hits.is_empty());
    assert_eq!(
        store.search("颐养", 10).unwrap(),
        hits,
        "the gram index agrees"
    );
    // The edited notes are found, once.
    let old = store.search("消防通道已打通", 10).unwrap();
    assert_eq!(old.len(), 1, "only the edited visit's new notes: {old:?}");
}

#[test]
fn debian_12_sqlite3_reads_every_table() {
    if !have("sqlite3") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = database(dir.path());
    let mut child = Command::new("sqlite3")
        .arg("-bail")
        .arg(&path)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(script(&path).as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && stderr.is_empty(), "{stderr}");
    let counts: Vec<&str> = std::str::from_utf8(&out.stdout).unwrap().lines().collect();
    assert_eq!(counts.len(), tables(&path).len() + 2);
    let found = &counts[counts.len() - 2..];
    assert!(
        found.iter().all(|n| *n != "0"),
        "both indexes answer: {found:?}"
    );
}

#[test]
fn pythons_sqlite3_reads_every_table() {
    if !have("python3") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = database(dir.path());
    let program = "import sqlite3, sys\n\
                   db = sqlite3.connect(sys.argv[1])\n\
                   for statement in sys.stdin.read().split(';\\n'):\n\
                   \x20   if statement.strip():\n\
                   \x20       print(db.execute(statement).fetchone()[0])\n";
    let mut child = Command::new("python3")
        .args(["-c", program])
        .arg(&path)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(script(&path).as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let counts = String::from_utf8(out.stdout).unwrap();
    assert_eq!(counts.lines().count(), tables(&path).len() + 2);
}

/// `sqlite3 from .dump | sqlite3 to`.
fn dump_copy(from: &Path, to: &Path) {
    let dump = Command::new("sqlite3")
        .arg(from)
        .arg(".dump")
        .output()
        .unwrap();
    assert!(dump.status.success());
    let mut restore = Command::new("sqlite3")
        .arg(to)
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    restore
        .stdin
        .take()
        .unwrap()
        .write_all(&dump.stdout)
        .unwrap();
    let out = restore.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_copy_restored_from_a_dump_is_recognised_and_repaired() {
    if !have("sqlite3") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let original = database(dir.path());
    let digest = Store::open(&original).unwrap().digest().unwrap();
    let copy = dir.path().join("copy.sqlite");
    dump_copy(&original, &copy);

    // Opened as it is: recognised, with the way out.
    let err = Store::open(&copy).err().expect("a copy without a version");
    assert!(matches!(err, StoreError::RestoredFromDump(_)), "{err:?}");
    assert!(err.localized(Lang::En).contains("restored from a dump?"));
    assert!(err.localized(Lang::En).contains("zoufang repair"));
    assert!(err.localized(Lang::Zh).contains("zoufang repair"));
    let refused = zoufang_db(&copy)
        .args(["list", "visits"])
        .assert()
        .failure();
    let stderr = String::from_utf8_lossy(&refused.get_output().stderr).into_owned();
    assert!(stderr.contains("zoufang repair"), "{stderr}");

    // Repaired: backed up first, versioned, and the same data.
    let out = zoufang_db(&copy)
        .args(["--json", "repair"])
        .assert()
        .success();
    let report: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(report["found_version"], SCHEMA_VERSION);
    let backup = PathBuf::from(report["backup"].as_str().unwrap());
    assert!(backup.is_file(), "the backup is kept: {}", backup.display());
    let store = Store::open(&copy).unwrap();
    assert_eq!(store.digest().unwrap(), digest, "every record as it was");
    assert!(!store.search("城南颐养中心", 10).unwrap().is_empty());
    drop(store);

    // A second repair has nothing to do.
    zoufang_db(&copy).arg("repair").assert().failure();
}

#[test]
fn repair_refuses_a_copy_whose_tables_were_changed() {
    if !have("sqlite3") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let original = database(dir.path());
    let copy = dir.path().join("copy.sqlite");
    dump_copy(&original, &copy);
    let conn = rusqlite::Connection::open(&copy).unwrap();
    conn.execute_batch(
        "CREATE TRIGGER sneaky AFTER INSERT ON visit BEGIN DELETE FROM finding; END;",
    )
    .unwrap();
    drop(conn);
    let before = std::fs::read(&copy).unwrap();
    let err = zoufang::store::repair(&copy).expect_err("refused");
    assert!(matches!(err, StoreError::ForeignSchema { .. }), "{err:?}");
    assert_eq!(std::fs::read(&copy).unwrap(), before, "the file unchanged");
}
