//! `zoufang attach`, `attachments`, `detach`, `extract`: what an investigator types to keep
//! photos with a visit, and what a script reads back.
#![allow(clippy::unwrap_used)]

mod common;

use assert_cmd::Command;
use common::zoufang_in;
use serde_json::Value;

fn ok(cmd: &mut Command) -> String {
    let out = cmd.assert().success().get_output().stdout.clone();
    String::from_utf8(out).unwrap().trim().to_owned()
}

fn json(cmd: &mut Command) -> Value {
    serde_json::from_str(&ok(cmd.arg("--json"))).unwrap()
}

#[test]
fn attach_list_extract_detach_and_undo() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("z.sqlite");
    ok(zoufang_in(&db, "en").args(["author", "王敏"]));
    let visit = ok(zoufang_in(&db, "en").args([
        "visit",
        "add",
        "--date",
        "2026-04-01",
        "--place",
        "城西养老院",
    ]));
    let photo = dir.path().join("大门.jpg");
    let bytes: Vec<u8> = (0..50_000u32).map(|i| (i * 7 % 251) as u8).collect();
    std::fs::write(&photo, &bytes).unwrap();
    let note = dir.path().join("说明.txt");
    std::fs::write(&note, "夜间仅一名护理员").unwrap();

    let added = json(
        zoufang_in(&db, "en")
            .arg("attach")
            .arg(&visit)
            .arg(&photo)
            .arg(&note),
    );
    assert_eq!(added.as_array().unwrap().len(), 2);
    let id = added[0]["id"].as_str().unwrap().to_owned();

    let list = json(zoufang_in(&db, "en").args(["attachments", &visit]));
    assert_eq!(list[0]["name"], "大门.jpg");
    assert_eq!(list[0]["size_bytes"], 50_000);
    assert_eq!(list[0]["added_by"], "王敏");
    assert_eq!(list[1]["mime"], "text/plain");
    let text = ok(zoufang_in(&db, "zh").args(["attachments", &visit]));
    assert!(
        text.contains("大门.jpg") && text.contains("49 KB") && text.contains("王敏"),
        "{text}"
    );

    let out = dir.path().join("back.jpg");
    zoufang_in(&db, "en")
        .args(["extract", &id, "--out"])
        .arg(&out)
        .assert()
        .success();
    assert_eq!(std::fs::read(&out).unwrap(), bytes, "byte for byte");

    ok(zoufang_in(&db, "en").args(["detach", &visit, &id]));
    assert_eq!(
        json(zoufang_in(&db, "en").args(["attachments", &visit]))
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let all = json(zoufang_in(&db, "en").args(["attachments", &visit, "--deleted"]));
    assert!(all[0]["deleted_at"].is_string());
    ok(zoufang_in(&db, "en").args(["detach", &visit, &id, "--undo"]));
    assert_eq!(
        json(zoufang_in(&db, "en").args(["attachments", &visit]))
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[test]
fn a_file_above_the_limit_is_refused_in_the_users_language() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("z.sqlite");
    let visit = ok(zoufang_in(&db, "en").args([
        "visit",
        "add",
        "--date",
        "2026-04-01",
        "--place",
        "城西养老院",
    ]));
    let small = dir.path().join("ok.jpg");
    std::fs::write(&small, b"small").unwrap();
    let big = dir.path().join("航拍.mp4");
    std::fs::write(&big, vec![0u8; 2 * 1024 * 1024 + 10]).unwrap();
    let err = zoufang_in(&db, "zh")
        .arg("attach")
        .arg(&visit)
        .arg(&small)
        .arg(&big)
        .args(["--max-size", "1"])
        .assert()
        .code(1)
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8(err).unwrap();
    assert!(
        err.contains("文件过大") && err.contains("2.0 MB") && err.contains("1.0 MB"),
        "{err}"
    );
    assert!(
        err.trim_end().ends_with("航拍.mp4"),
        "names the file last: {err}"
    );
    assert_eq!(
        json(zoufang_in(&db, "en").args(["attachments", &visit]))
            .as_array()
            .unwrap()
            .len(),
        0,
        "one file too large attaches none"
    );
    let err = zoufang_in(&db, "en")
        .arg("attach")
        .arg(&visit)
        .arg(&big)
        .args(["--max-size", "1"])
        .assert()
        .code(1)
        .get_output()
        .stderr
        .clone();
    assert!(
        String::from_utf8(err)
            .unwrap()
            .contains("too large to attach")
    );
}

#[test]
fn unknown_ids_and_missing_files_are_user_errors() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("z.sqlite");
    let visit = ok(zoufang_in(&db, "en").args([
        "visit",
        "add",
        "--date",
        "2026-04-01",
        "--place",
        "城西养老院",
    ]));
    zoufang_in(&db, "en")
        .args(["attach", "01957f3c-9d2e-7a10-8c55-0d1f2e3a4b5c", "x.jpg"])
        .assert()
        .code(1);
    zoufang_in(&db, "en")
        .args(["attach", &visit, "/no/such/file.jpg"])
        .assert()
        .code(1);
    zoufang_in(&db, "en")
        .args(["attach", &visit])
        .assert()
        .code(2);
    zoufang_in(&db, "en")
        .args([
            "extract",
            "01957f3c-9d2e-7a10-8c55-0d1f2e3a4b5c",
            "--out",
            "x",
        ])
        .assert()
        .code(1);
}

#[test]
fn a_photo_attached_on_one_laptop_arrives_on_the_team_leads_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let wang = dir.path().join("wang.sqlite");
    let lead = dir.path().join("lead.sqlite");
    ok(zoufang_in(&wang, "en").args(["author", "王敏"]));
    ok(zoufang_in(&lead, "en").args(["author", "李强"]));
    let visit = ok(zoufang_in(&wang, "en").args([
        "visit",
        "add",
        "--date",
        "2026-04-01",
        "--place",
        "城西养老院",
    ]));
    let finding = ok(zoufang_in(&wang, "en").args([
        "finding",
        "add",
        "--visit",
        &visit,
        "--title",
        "消防通道堵塞",
    ]));
    let photo = dir.path().join("整改后.jpg");
    let bytes: Vec<u8> = (0..300_000u32).map(|i| (i * 13 % 253) as u8).collect();
    std::fs::write(&photo, &bytes).unwrap();
    let added = json(
        zoufang_in(&wang, "en")
            .arg("attach")
            .arg(&finding)
            .arg(&photo)
            .arg("--evidence"),
    );
    let id = added[0]["id"].as_str().unwrap().to_owned();
    assert_eq!(added[0]["evidence"], true);

    let bundle = dir.path().join("王敏.zfb");
    ok(zoufang_in(&wang, "en")
        .args(["export", "--all", "--out"])
        .arg(&bundle));
    let verified = json(zoufang_in(&lead, "en").arg("verify").arg(&bundle));
    assert_eq!(verified["counts"]["attachment"], 1);
    let report = json(zoufang_in(&lead, "en").arg("import").arg(&bundle));
    assert_eq!(report["per_kind"]["attachment"]["added"], 1);

    let list = json(zoufang_in(&lead, "en").args(["attachments", &finding]));
    assert_eq!(list[0]["added_by"], "王敏");
    let out = dir.path().join("lead-copy.jpg");
    ok(zoufang_in(&lead, "en")
        .args(["extract", &id, "--out"])
        .arg(&out));
    assert_eq!(std::fs::read(&out).unwrap(), bytes);
    assert_eq!(
        json(zoufang_in(&lead, "en").arg("digest"))["digest"],
        json(zoufang_in(&wang, "en").arg("digest"))["digest"],
        "the two laptops agree"
    );
}

#[test]
fn the_size_limit_is_a_setting_of_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("z.sqlite");
    assert_eq!(ok(zoufang_in(&db, "en").arg("attachment-limit")), "50.0 MB");
    assert_eq!(
        json(zoufang_in(&db, "en").args(["attachment-limit", "100000"]))["max_mb"],
        256,
        "no larger than a bundle can carry"
    );
    assert_eq!(
        json(zoufang_in(&db, "en").args(["attachment-limit", "2"]))["max_mb"],
        2
    );
    let visit = ok(zoufang_in(&db, "en").args([
        "visit",
        "add",
        "--date",
        "2026-04-01",
        "--place",
        "城西养老院",
    ]));
    let file = dir.path().join("video.mp4");
    std::fs::write(&file, vec![1u8; 3 * 1024 * 1024]).unwrap();
    zoufang_in(&db, "en")
        .arg("attach")
        .arg(&visit)
        .arg(&file)
        .assert()
        .code(1);
    ok(zoufang_in(&db, "en")
        .arg("attach")
        .arg(&visit)
        .arg(&file)
        .args(["--max-size", "5"]));
}
