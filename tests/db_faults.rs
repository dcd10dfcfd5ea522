//! Database faults (issue 8): a second program on the same file, a read-only file, a file that
//! is not a database or is damaged, a full disk during an import — each fails with a clear
//! message and loses nothing. And the backups that make the damaged case recoverable.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use std::path::{Path, PathBuf};
use std::time::Duration;
use zoufang::bundle::{BundleError, ImportOptions, import, no_progress};
use zoufang::demo::{DemoOptions, generate};
use zoufang::i18n::{Lang, Localized};
use zoufang::model::Visit;
use zoufang::store::backup::{backup_to, latest_backup, list_backups, restore};
use zoufang::store::{Store, StoreError, VisitFilter};

/// A database file with some demo data, in its own folder.
fn database(dir: &Path, visits: usize) -> PathBuf {
    let path = dir.join("zoufang.sqlite");
    let mut store = Store::open(&path).unwrap();
    store.set_author("王敏").unwrap();
    generate(&mut store, DemoOptions { visits, seed: 31 }).unwrap();
    path
}

fn a_visit() -> Visit {
    Visit::new(
        chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
        "岳麓区敬老院",
    )
}

fn zoufang(db: &Path, args: &[&str]) -> std::process::Output {
    common::zoufang(db).args(args).output().unwrap()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_write_waits_for_another_writer_then_fails_clearly_and_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = database(dir.path(), 3);
    let window = Store::open(&path).unwrap();
    let mut cli = Store::open(&path).unwrap();
    let before = cli.digest().unwrap();

    // The window is in the middle of a long write.
    window.conn().execute_batch("BEGIN IMMEDIATE").unwrap();
    cli.set_busy_timeout(Duration::from_millis(200)).unwrap();
    let err = cli.save_visit(&a_visit()).unwrap_err();
    assert!(
        matches!(err, StoreError::Busy(ref p) if p == &path),
        "{err:?}"
    );
    assert!(err.localized(Lang::En).contains("busy"));
    assert!(err.localized(Lang::Zh).contains("稍后重试"));
    assert_eq!(cli.digest().unwrap(), before, "nothing half-written");

    // Once the window is done, the same write goes through.
    window.conn().execute_batch("COMMIT").unwrap();
    cli.save_visit(&a_visit()).unwrap();
    assert_ne!(cli.digest().unwrap(), before);

    // A writer that lets go while the other waits: the wait is enough.
    cli.set_busy_timeout(Duration::from_secs(30)).unwrap();
    window.conn().execute_batch("BEGIN IMMEDIATE").unwrap();
    let holder = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(300));
        window.conn().execute_batch("COMMIT").unwrap();
    });
    cli.save_visit(&a_visit()).unwrap();
    holder.join().unwrap();
    assert_eq!(
        cli.count_visits(&VisitFilter::default()).unwrap(),
        5,
        "both saves landed"
    );
}

#[test]
fn a_command_blocked_by_the_window_fails_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let path = database(dir.path(), 2);
    let window = Store::open(&path).unwrap();
    let before = window.digest().unwrap();
    window.conn().execute_batch("BEGIN IMMEDIATE").unwrap();
    // The command waits its 5 seconds, then gives up.
    let out = zoufang(&path, &["author", "李强"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("the database is busy"),
        "{}",
        stderr(&out)
    );
    // Reading is not blocked by a writer.
    let out = zoufang(&path, &["list", "visits"]);
    assert!(out.status.success(), "{}", stderr(&out));
    window.conn().execute_batch("ROLLBACK").unwrap();
    assert_eq!(window.digest().unwrap(), before);
    assert_eq!(window.author(), "王敏");
}

/// Makes a file read-only (or writable again).
fn set_read_only(path: &Path, read_only: bool) {
    let mut perms = std::fs::metadata(path).unwrap().permissions();
    perms.set_readonly(read_only);
    std::fs::set_permissions(path, perms).unwrap();
}

#[test]
fn a_read_only_file_opens_for_reading_and_says_so_on_writes() {
    let dir = tempfile::tempdir().unwrap();
    let path = database(dir.path(), 4);
    let before = Store::open(&path).unwrap().digest().unwrap();
    set_read_only(&path, true);

    let err = Store::open(&path).err().unwrap();
    assert!(
        matches!(err, StoreError::ReadOnly(ref p) if p == &path),
        "{err:?}"
    );
    let mut store = Store::open_or_read_only(&path).unwrap();
    assert!(store.is_read_only());
    assert_eq!(store.count_visits(&VisitFilter::default()).unwrap(), 4);
    assert_eq!(store.digest().unwrap(), before);
    let err = store.save_visit(&a_visit()).unwrap_err();
    assert!(
        matches!(err, StoreError::ReadOnly(ref p) if p == &path),
        "{err:?}"
    );
    let en = err.localized(Lang::En);
    assert!(
        en.contains("read-only") && en.ends_with(&path.display().to_string()),
        "{en}"
    );
    assert!(err.localized(Lang::Zh).contains("只读"));
    assert!(matches!(
        store.set_author("李强"),
        Err(StoreError::ReadOnly(_))
    ));

    // The command line: read commands work and say so; writes fail clearly.
    let out = zoufang(&path, &["list", "visits"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 4);
    assert!(stderr(&out).contains("read-only"));
    let out = zoufang(&path, &["author", "李强"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("read-only"), "{}", stderr(&out));

    set_read_only(&path, false);
    assert_eq!(Store::open(&path).unwrap().digest().unwrap(), before);
}

#[test]
fn a_file_that_is_not_a_database_is_refused_and_a_damaged_one_names_its_backup() {
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("notes.sqlite");
    std::fs::write(&junk, "走访笔记，不是数据库".repeat(100)).unwrap();
    let err = Store::open(&junk).err().unwrap();
    assert!(
        matches!(err, StoreError::NotADatabase(ref p) if p == &junk),
        "{err:?}"
    );
    assert!(err.localized(Lang::Zh).contains("不是走访数据库"));
    assert!(
        std::fs::read(&junk).unwrap().starts_with("走访".as_bytes()),
        "left as it was"
    );

    // A database with a backup, whose header is then overwritten.
    let path = database(dir.path(), 3);
    let (backup, digest) = {
        let store = Store::open(&path).unwrap();
        let backup = backup_to(&store, None).unwrap();
        (backup, store.digest().unwrap())
    };
    let mut bytes = std::fs::read(&path).unwrap();
    bytes[..100].fill(0x5a);
    std::fs::write(&path, &bytes).unwrap();
    let err = Store::open(&path).err().unwrap();
    assert!(
        matches!(err, StoreError::Damaged { ref backup, .. } if backup == &backup_path(&path)),
        "{err:?}"
    );
    let en = err.localized(Lang::En);
    assert!(
        en.contains(&format!("zoufang restore {}", backup.display())),
        "{en}"
    );
    assert!(en.ends_with(&path.display().to_string()));
    assert!(err.localized(Lang::Zh).contains("恢复最近的备份"));
    // The command line says the same.
    let out = zoufang(&path, &["list", "visits"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("zoufang restore"), "{}", stderr(&out));

    // Restoring it brings the data back; the damaged file is kept as a backup first.
    let report = restore(&path, &backup).unwrap();
    let kept = report.backup.unwrap();
    assert_eq!(
        std::fs::read(&kept).unwrap(),
        bytes,
        "the damaged file, byte for byte"
    );
    assert_eq!(Store::open(&path).unwrap().digest().unwrap(), digest);
    // The damaged copy is never offered as the backup to restore.
    assert_eq!(latest_backup(&path).unwrap(), backup);
}

fn backup_path(db: &Path) -> PathBuf {
    latest_backup(db).unwrap()
}

#[test]
fn a_full_disk_during_an_import_fails_cleanly_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut colleague = laptop("李强");
    generate(
        &mut colleague,
        DemoOptions {
            visits: 60,
            seed: 32,
        },
    )
    .unwrap();
    let bundle = export_all(&colleague, dir.path(), "big.zfb");
    let path = database(dir.path(), 3);
    let mut store = Store::open(&path).unwrap();
    let before = store.digest().unwrap();
    // The disk fills up a few pages from now.
    let pages: i64 = store
        .conn()
        .query_row("PRAGMA page_count", [], |r| r.get(0))
        .unwrap();
    store
        .conn()
        .pragma_update(None, "max_page_count", pages + 8)
        .unwrap();
    let err = import(
        &mut store,
        std::slice::from_ref(&bundle),
        &ImportOptions::default(),
        &mut no_progress(),
    )
    .unwrap_err();
    assert!(
        matches!(err, BundleError::Store(StoreError::DiskFull)),
        "{err:?}"
    );
    assert!(err.localized(Lang::En).contains("disk is full"));
    assert!(err.localized(Lang::Zh).contains("磁盘已满"));
    assert_eq!(store.digest().unwrap(), before, "nothing half-imported");
    assert!(zoufang::bundle::import_log(&store).unwrap().is_empty());
    let check: String = store
        .conn()
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    // With room again, the same import goes through.
    store
        .conn()
        .pragma_update(None, "max_page_count", 1 << 30)
        .unwrap();
    import_files(&mut store, &[bundle]);
    assert_eq!(store.count_visits(&VisitFilter::default()).unwrap(), 63);
}

#[test]
fn backups_are_listed_newest_first_and_restore_checks_the_file_first() {
    let dir = tempfile::tempdir().unwrap();
    let path = database(dir.path(), 3);
    let mut store = Store::open(&path).unwrap();
    let first = backup_to(&store, None).unwrap();
    let digest = store.digest().unwrap();
    store.save_visit(&a_visit()).unwrap();
    let second = backup_to(&store, None).unwrap();
    let listed: Vec<PathBuf> = list_backups(&path)
        .unwrap()
        .into_iter()
        .map(|b| b.path)
        .collect();
    assert_eq!(listed, vec![second.clone(), first.clone()]);
    // A copy to a chosen file is a complete database.
    let out = dir.path().join("copy.sqlite");
    backup_to(&store, Some(&out)).unwrap();
    assert_eq!(
        Store::open(&out).unwrap().digest().unwrap(),
        store.digest().unwrap()
    );
    assert!(backup_to(&store, Some(&path)).is_err(), "never over itself");
    drop(store);

    // Files that are not a Zoufang database of a known schema are refused, nothing replaced.
    let after = Store::open(&path).unwrap().digest().unwrap();
    let junk = dir.path().join("junk.sqlite");
    std::fs::write(&junk, b"not a database at all").unwrap();
    assert!(matches!(
        restore(&path, &junk),
        Err(StoreError::NotADatabase(_))
    ));
    let newer = dir.path().join("newer.sqlite");
    std::fs::copy(&first, &newer).unwrap();
    rusqlite::Connection::open(&newer)
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    assert!(matches!(
        restore(&path, &newer),
        Err(StoreError::NewerSchema { found: 99, .. })
    ));
    let foreign = dir.path().join("foreign.sqlite");
    rusqlite::Connection::open(&foreign)
        .unwrap()
        .execute_batch("CREATE TABLE t (x); PRAGMA user_version = 1;")
        .unwrap();
    assert!(matches!(
        restore(&path, &foreign),
        Err(StoreError::NotADatabase(_))
    ));
    assert_eq!(Store::open(&path).unwrap().digest().unwrap(), after);
    assert_eq!(
        list_backups(&path).unwrap().len(),
        2,
        "no backup for a refusal"
    );

    // A good one replaces the data, after a backup of what it replaces — even while the window
    // has the database open.
    let window = Store::open(&path).unwrap();
    let report = restore(&path, &first).unwrap();
    let kept = report.backup.unwrap();
    assert_eq!(window.digest().unwrap(), digest, "the open window sees it");
    assert_eq!(Store::open(&kept).unwrap().digest().unwrap(), after);
    assert_eq!(Store::open(&path).unwrap().digest().unwrap(), digest);
}

#[test]
fn the_command_line_backs_up_lists_and_restores() {
    let dir = tempfile::tempdir().unwrap();
    let path = database(dir.path(), 2);
    let digest = Store::open(&path).unwrap().digest().unwrap();
    let out_file = dir.path().join("before-trip.sqlite");
    let out = zoufang(&path, &["backup", "--out", out_file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("before-trip.sqlite"));
    let out = zoufang(&path, &["backup"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = zoufang(&path, &["backups", "--json"]);
    let listed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert!(listed[0]["bytes"].as_u64().unwrap() > 0);

    let out = zoufang(&path, &["demo", "--visits", "1", "--seed", "9"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_ne!(Store::open(&path).unwrap().digest().unwrap(), digest);
    let out = zoufang(&path, &["restore", out_file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("backed up first"));
    assert_eq!(Store::open(&path).unwrap().digest().unwrap(), digest);
    let out = zoufang(&path, &["backups"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 2);

    // A bad file: exit 1, one line naming it last.
    let junk = dir.path().join("junk.txt");
    std::fs::write(&junk, "junk").unwrap();
    let out = zoufang(&path, &["restore", junk.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1);
    assert!(err.trim_end().ends_with("junk.txt"), "{err}");
}

#[test]
fn damage_found_while_reading_names_the_file_and_its_backup() {
    let dir = tempfile::tempdir().unwrap();
    let path = database(dir.path(), 30);
    let backup = zoufang(&path, &["backup"]);
    assert!(backup.status.success(), "{}", stderr(&backup));
    // Pages in the middle of the file, the header left intact: opening works, reading fails.
    {
        use std::io::{Seek, SeekFrom, Write};
        let mut file = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
        file.seek(SeekFrom::Start(4096 * 5)).unwrap();
        file.write_all(&[0xff; 4096 * 20]).unwrap();
    }
    for args in [
        &["list", "visits"][..],
        &["visit", "add", "--date", "2026-04-01", "--place", "x"],
    ] {
        let out = zoufang(&path, args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let message = stderr(&out);
        assert!(message.contains(path.to_str().unwrap()), "{message}");
        assert!(message.contains("zoufang restore"), "{message}");
    }
}
