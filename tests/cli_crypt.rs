//! `zoufang export --encrypt` and importing the result, as an investigator does it from a
//! script: the passphrase from the environment or from a file, never from a missing terminal.
#![allow(clippy::unwrap_used)]

mod common;

use assert_cmd::Command;
use std::path::Path;
use zoufang::store::Store;

fn zoufang(db: &Path) -> Command {
    let mut cmd = common::zoufang(db);
    cmd.env_remove("ZOUFANG_PASSPHRASE").write_stdin("");
    cmd
}

fn digest(db: &Path) -> String {
    Store::open(db).unwrap().digest().unwrap()
}

fn stderr_of(cmd: &mut Command) -> String {
    let out = cmd.assert().code(1).get_output().stderr.clone();
    String::from_utf8(out).unwrap()
}

#[test]
fn a_bundle_encrypted_with_the_environment_opens_with_a_passphrase_file() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.sqlite"), dir.path().join("b.sqlite"));
    let bundle = dir.path().join("a.zfb");
    zoufang(&a)
        .args(["demo", "--visits", "8", "--seed", "5"])
        .assert()
        .success();
    let out = zoufang(&a)
        .args(["export", "--all", "--encrypt", "--out"])
        .arg(&bundle)
        .env("ZOUFANG_PASSPHRASE", "城西 养老院 2026")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert!(String::from_utf8(out).unwrap().contains("encrypted"));
    assert!(
        std::fs::read(&bundle)
            .unwrap()
            .starts_with(b"age-encryption.org/v1")
    );

    let file = dir.path().join("pass.txt");
    std::fs::write(&file, "城西 养老院 2026\n").unwrap();
    zoufang(&b)
        .args(["--json", "import", "--passphrase-file"])
        .arg(&file)
        .arg(&bundle)
        .assert()
        .success();
    assert_eq!(
        Store::open(&b).unwrap().records_digest().unwrap(),
        Store::open(&a).unwrap().records_digest().unwrap()
    );
}

#[test]
fn a_wrong_or_missing_passphrase_exits_1_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.sqlite"), dir.path().join("b.sqlite"));
    let bundle = dir.path().join("a.zfb");
    let pass = dir.path().join("pass.txt");
    std::fs::write(&pass, "correct horse battery\n").unwrap();
    zoufang(&a)
        .args(["demo", "--visits", "5", "--seed", "1"])
        .assert()
        .success();
    zoufang(&a)
        .args(["export", "--all", "--encrypt", "--passphrase-file"])
        .arg(&pass)
        .arg("--out")
        .arg(&bundle)
        .assert()
        .success();
    zoufang(&b)
        .args(["demo", "--visits", "3", "--seed", "2"])
        .assert()
        .success();
    let before = digest(&b);

    let err = stderr_of(
        zoufang(&b)
            .arg("import")
            .arg(&bundle)
            .env("ZOUFANG_PASSPHRASE", "correct horse battery!"),
    );
    assert!(err.contains("wrong passphrase"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    let err = stderr_of(zoufang(&b).arg("import").arg(&bundle));
    assert!(err.contains("passphrase is needed"), "{err}");
    let mut zh = Command::cargo_bin("zoufang").unwrap();
    zh.arg("--db").arg(&b).args(["--lang", "zh", "import"]);
    let err = stderr_of(
        zh.arg(&bundle)
            .env("ZOUFANG_PASSPHRASE", "wrong one")
            .write_stdin(""),
    );
    assert!(err.contains("口令错误"), "{err}");
    assert_eq!(digest(&b), before);
    assert!(!dir.path().join("backups").exists());
}

#[test]
fn encrypting_needs_a_passphrase_of_eight_characters_and_no_terminal_means_no_prompt() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.sqlite");
    let out = dir.path().join("a.zfb");
    zoufang(&a)
        .args(["demo", "--visits", "2", "--seed", "1"])
        .assert()
        .success();
    let err = stderr_of(
        zoufang(&a)
            .args(["export", "--all", "--encrypt", "--out"])
            .arg(&out)
            .env("ZOUFANG_PASSPHRASE", "short"),
    );
    assert!(err.contains("at least 8 characters"), "{err}");
    let err = stderr_of(
        zoufang(&a)
            .args(["export", "--all", "--encrypt", "--out"])
            .arg(&out),
    );
    assert!(err.contains("passphrase is needed"), "{err}");
    let err = stderr_of(
        zoufang(&a)
            .args(["export", "--all", "--encrypt", "--passphrase-file"])
            .arg(dir.path().join("missing.txt"))
            .arg("--out")
            .arg(&out),
    );
    assert!(err.contains("passphrase file"), "{err}");
    // A passphrase file without --encrypt is a mistake, not a silent plain export.
    let pass = dir.path().join("pass.txt");
    std::fs::write(&pass, "correct horse battery\n").unwrap();
    let err = stderr_of(
        zoufang(&a)
            .args(["export", "--all", "--passphrase-file"])
            .arg(&pass)
            .arg("--out")
            .arg(&out),
    );
    assert!(err.contains("needs --encrypt"), "{err}");
    assert!(!out.exists());
}

#[test]
fn a_plain_import_does_not_ask_for_a_passphrase() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.sqlite"), dir.path().join("b.sqlite"));
    let bundle = dir.path().join("a.zfb");
    zoufang(&a)
        .args(["demo", "--visits", "2", "--seed", "1"])
        .assert()
        .success();
    zoufang(&a)
        .args(["export", "--all", "--out"])
        .arg(&bundle)
        .assert()
        .success();
    zoufang(&b).arg("import").arg(&bundle).assert().success();
}
