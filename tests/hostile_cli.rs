//! The command line against the second campaign's attacks (issue 19): outputs that would
//! destroy the database, attachments that never end, escape sequences in records, searches of
//! many words, a backup or a colleague's database carrying a trigger, a `--db` typo.
#![allow(clippy::unwrap_used)]

mod common;

use assert_cmd::Command;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use zoufang::store::Store;

fn zoufang(db: &Path, lang: &str) -> Command {
    let mut cmd = common::zoufang_in(db, lang);
    cmd.timeout(Duration::from_secs(60));
    cmd
}

fn ok(cmd: &mut Command) -> String {
    let out = cmd.assert().success().get_output().stdout.clone();
    String::from_utf8(out).unwrap().trim().to_owned()
}

fn fails(cmd: &mut Command) -> String {
    let out = cmd.assert().code(1).get_output().stderr.clone();
    String::from_utf8(out).unwrap()
}

/// A database with one visit (its id returned) and one finding whose title carries escape
/// sequences, as typed or as a hostile bundle would bring them.
fn database(dir: &Path) -> (PathBuf, String) {
    let db = dir.join("z.sqlite");
    ok(zoufang(&db, "en").args(["author", "王敏"]));
    let visit = ok(zoufang(&db, "en").args([
        "visit",
        "add",
        "--date",
        "2026-04-01",
        "--place",
        "城西养老院\u{1b}]0;pwned\u{7}",
    ]));
    ok(zoufang(&db, "en").args([
        "finding",
        "add",
        "--visit",
        &visit,
        "--title",
        "护理员不足\u{1b}[2J\u{1b}[31m",
    ]));
    (db, visit)
}

fn digest(db: &Path) -> String {
    Store::open(db).unwrap().digest().unwrap()
}

#[test]
fn no_output_may_replace_the_open_database_or_its_journal() {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = database(dir.path());
    let before = digest(&db);
    let wal = PathBuf::from(format!("{}-wal", db.display()));
    let attachment = {
        let photo = dir.path().join("p.jpg");
        std::fs::write(&photo, b"photo").unwrap();
        let visit = ok(zoufang(&db, "en").args(["list", "visits", "--json"]));
        let visit: serde_json::Value = serde_json::from_str(&visit).unwrap();
        let id = visit[0]["id"].as_str().unwrap().to_owned();
        let added = ok(zoufang(&db, "en")
            .arg("--json")
            .arg("attach")
            .arg(&id)
            .arg(&photo));
        let added: serde_json::Value = serde_json::from_str(&added).unwrap();
        added[0]["id"].as_str().unwrap().to_owned()
    };
    let before_attach = digest(&db);
    assert_ne!(before, before_attach);
    for target in [&db, &wal] {
        for args in [
            vec!["export", "--all", "--force", "--out"],
            vec!["summary", "--format", "md", "--force", "--out"],
            vec!["extract", &attachment, "--force", "--out"],
            vec!["backup", "--out"],
        ] {
            let message = fails(zoufang(&db, "en").args(&args).arg(target));
            assert!(message.contains("open database"), "{args:?}: {message}");
            let zh = fails(zoufang(&db, "zh").args(&args).arg(target));
            assert!(zh.contains("当前打开的数据库"), "{zh}");
        }
    }
    assert_eq!(digest(&db), before_attach, "the database survived");
    // The same file by another name is the same file.
    let other_name = dir.path().join(".").join("z.sqlite");
    fails(
        zoufang(&db, "en")
            .args(["export", "--all", "--force", "--out"])
            .arg(&other_name),
    );
}

#[test]
fn an_existing_file_is_replaced_only_with_force() {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = database(dir.path());
    let out = dir.path().join("report.md");
    std::fs::write(&out, "我的文件").unwrap();
    let message = fails(
        zoufang(&db, "en")
            .args(["summary", "--format", "md", "--out"])
            .arg(&out),
    );
    assert!(message.contains("--force"), "{message}");
    assert!(
        fails(
            zoufang(&db, "zh")
                .args(["export", "--all", "--out"])
                .arg(&out)
        )
        .contains("文件已存在")
    );
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "我的文件");
    ok(zoufang(&db, "en")
        .args(["summary", "--format", "md", "--force", "--out"])
        .arg(&out));
    assert_ne!(std::fs::read_to_string(&out).unwrap(), "我的文件");
}

#[cfg(unix)]
#[test]
fn attaching_a_device_or_a_pipe_is_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let (db, visit) = database(dir.path());
    let fifo = dir.path().join("pipe");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    for path in [Path::new("/dev/zero"), fifo.as_path()] {
        let started = Instant::now();
        let message = fails(zoufang(&db, "en").arg("attach").arg(&visit).arg(path));
        assert!(message.contains("not a regular file"), "{message}");
        assert!(started.elapsed() < Duration::from_secs(20));
    }
    let zh = fails(
        zoufang(&db, "zh")
            .arg("attach")
            .arg(&visit)
            .arg("/dev/zero"),
    );
    assert!(zh.contains("不是普通文件"), "{zh}");
}

#[test]
fn escape_sequences_in_records_reach_the_terminal_only_as_visible_text() {
    let dir = tempfile::tempdir().unwrap();
    let (db, visit) = database(dir.path());
    for args in [
        vec!["show", visit.as_str()],
        vec!["list", "visits"],
        vec!["list", "findings"],
        vec!["search", "护理员"],
        vec!["search", "养老院"],
    ] {
        let out = ok(zoufang(&db, "en").args(&args));
        assert!(
            !out.contains('\u{1b}') && !out.contains('\u{7}'),
            "{args:?}: {out:?}"
        );
    }
    let shown = ok(zoufang(&db, "en").args(["list", "findings"]));
    assert!(shown.contains("护理员不足␛[2J"), "{shown}");
    // JSON stays exact: the title as stored, escaped by the JSON encoder.
    let json = ok(zoufang(&db, "en").args(["list", "findings", "--json"]));
    let rows: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(rows[0]["title"], "护理员不足\u{1b}[2J\u{1b}[31m");
}

#[test]
fn a_search_of_a_hundred_words_answers() {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = database(dir.path());
    let mut words = vec!["养老院".to_owned()];
    words.extend((0..100).map(|i| format!("w{i}")));
    zoufang(&db, "en")
        .arg("search")
        .args(&words)
        .assert()
        .success();
    let repeated = vec!["养老院"; 100];
    let out = ok(zoufang(&db, "en").arg("search").args(&repeated));
    assert!(out.contains("城西养老院"), "{out}");
}

#[test]
fn a_db_in_a_folder_that_does_not_exist_is_refused_not_created() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("no").join("such").join("x.sqlite");
    let message = fails(zoufang(&db, "en").args(["list", "visits"]));
    assert!(message.contains("does not exist"), "{message}");
    assert!(fails(zoufang(&db, "zh").args(["list", "visits"])).contains("文件夹不存在"));
    // The window refuses it the same way, before it opens.
    let message = fails(&mut zoufang(&db, "en"));
    assert!(message.contains("does not exist"), "{message}");
    assert!(!dir.path().join("no").exists(), "no folder made");
}

/// Adds a trigger to a copy of the database, the way a hostile "backup" would.
fn with_trigger(db: &Path, out: &Path) {
    ok(zoufang(db, "en").arg("backup").arg("--out").arg(out));
    let conn = rusqlite::Connection::open(out).unwrap();
    conn.execute_batch(
        "CREATE TRIGGER evil AFTER UPDATE ON visit BEGIN UPDATE finding SET title = 'pwned'; END;",
    )
    .unwrap();
}

#[test]
fn a_backup_or_a_database_with_a_foreign_trigger_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = database(dir.path());
    let before = digest(&db);
    let evil = dir.path().join("evil.sqlite");
    with_trigger(&db, &evil);
    let message = fails(zoufang(&db, "en").arg("restore").arg(&evil));
    assert!(message.contains("trigger evil"), "{message}");
    assert!(fails(zoufang(&db, "zh").arg("restore").arg(&evil)).contains("数据库结构"));
    let message = fails(zoufang(&db, "en").arg("import").arg(&evil));
    assert!(message.contains("trigger evil"), "{message}");
    assert_eq!(digest(&db), before);
    let conn = rusqlite::Connection::open(&db).unwrap();
    let triggers: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(triggers, 0);
    // A sound backup still restores.
    let good = dir.path().join("good.sqlite");
    ok(zoufang(&db, "en").arg("backup").arg("--out").arg(&good));
    ok(zoufang(&db, "en").arg("restore").arg(&good));
}
