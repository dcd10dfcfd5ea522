//! The agreement check: two laptops that swapped bundles print the same digest, and any
//! difference in synced data shows.
#![allow(clippy::unwrap_used)]

mod common;

use assert_cmd::Command;
use std::path::Path;

fn zoufang(db: &Path, args: &[&str]) -> String {
    let out = common::zoufang_db(db).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn laptops_that_swapped_everything_print_the_same_digest() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.sqlite"), dir.path().join("b.sqlite"));
    zoufang(&a, &["demo", "--visits", "15", "--seed", "3"]);
    zoufang(&b, &["author", "组长"]);
    assert_ne!(zoufang(&a, &["digest"]), zoufang(&b, &["digest"]));

    let bundle = dir.path().join("a.zfb");
    zoufang(&a, &["export", "--all", "--out", bundle.to_str().unwrap()]);
    zoufang(&b, &["import", bundle.to_str().unwrap()]);
    let digest = zoufang(&a, &["digest"]);
    assert_eq!(digest.trim().len(), 64);
    assert_eq!(
        digest,
        zoufang(&b, &["digest"]),
        "same synced data, same digest"
    );
    assert_eq!(
        zoufang(&a, &["digest", "--topic", "elderly-care"]),
        zoufang(&b, &["digest", "--topic", "养老服务"])
    );

    let json: serde_json::Value =
        serde_json::from_str(&zoufang(&b, &["--json", "digest"])).unwrap();
    assert_eq!(json["digest"].as_str().unwrap(), digest.trim());
    assert!(json["records"].as_u64().unwrap() > 15);

    let visit = zoufang(&b, &["--json", "list", "visits", "--limit", "1"]);
    let visit: serde_json::Value = serde_json::from_str(&visit).unwrap();
    let id = visit[0]["id"].as_str().unwrap();
    zoufang(&b, &["visit", "edit", id, "--notes", "组长补充：已回访"]);
    assert_ne!(digest, zoufang(&b, &["digest"]), "an edit shows");
}

#[test]
fn verify_checks_a_bundle_without_importing_it() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.sqlite"), dir.path().join("b.sqlite"));
    zoufang(&a, &["demo", "--visits", "6", "--seed", "2"]);
    let bundle = dir.path().join("王敏.zfb");
    zoufang(&a, &["export", "--all", "--out", bundle.to_str().unwrap()]);
    zoufang(&b, &["author", "组长"]);
    let before = zoufang(&b, &["digest"]);

    let json: serde_json::Value = serde_json::from_str(&zoufang(
        &b,
        &["--json", "verify", bundle.to_str().unwrap()],
    ))
    .unwrap();
    assert_eq!(json["counts"]["visit"].as_u64(), Some(6));
    assert_eq!(json["origin"]["creator"].as_str(), Some("演示调查员"));
    assert_eq!(zoufang(&b, &["digest"]), before, "nothing was imported");

    // A flipped byte in the middle of the file is found.
    let mut bytes = std::fs::read(&bundle).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xff;
    let bad = dir.path().join("坏.zfb");
    std::fs::write(&bad, bytes).unwrap();
    let out = Command::cargo_bin("zoufang")
        .unwrap()
        .args([
            "--db",
            b.to_str().unwrap(),
            "--lang",
            "en",
            "verify",
            bad.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("坏.zfb"),
        "the message names the file: {stderr}"
    );
}

#[test]
fn a_conflict_is_resolved_by_keeping_either_version_and_history_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.sqlite"), dir.path().join("b.sqlite"));
    zoufang(&a, &["author", "王敏"]);
    zoufang(&b, &["author", "李强"]);
    let id = zoufang(
        &a,
        &[
            "visit",
            "add",
            "--date",
            "2026-05-06",
            "--place",
            "城西养老院",
        ],
    );
    let id = id.trim();
    let first = dir.path().join("first.zfb");
    zoufang(&a, &["export", "--all", "--out", first.to_str().unwrap()]);
    zoufang(&b, &["import", first.to_str().unwrap()]);
    zoufang(
        &a,
        &["visit", "edit", id, "--notes", "王敏：消防通道已清理"],
    );
    std::thread::sleep(std::time::Duration::from_millis(5));
    zoufang(
        &b,
        &["visit", "edit", id, "--notes", "李强：消防通道仍堵塞"],
    );
    let second = dir.path().join("second.zfb");
    zoufang(&a, &["export", "--all", "--out", second.to_str().unwrap()]);
    zoufang(&b, &["import", second.to_str().unwrap()]);

    let list: serde_json::Value =
        serde_json::from_str(&zoufang(&b, &["--json", "conflicts"])).unwrap();
    let conflict = list
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["field"] == "notes")
        .expect("the concurrent edit is a conflict");
    let seq = conflict["seq"].as_i64().unwrap().to_string();
    let notes = |db: &Path| {
        let v: serde_json::Value =
            serde_json::from_str(&zoufang(db, &["--json", "show", id])).unwrap();
        v["record"]["notes"].as_str().unwrap().to_owned()
    };
    assert_eq!(notes(&b), "李强：消防通道仍堵塞", "the later edit won");

    // Keeping the colleague's version writes it again, with history, and closes the conflict.
    zoufang(&b, &["conflicts", "resolve", &seq, "--keep", "theirs"]);
    assert_eq!(notes(&b), "王敏：消防通道已清理");
    let shown: serde_json::Value =
        serde_json::from_str(&zoufang(&b, &["--json", "show", id])).unwrap();
    let last = shown["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["author"], "李强");
    let open: serde_json::Value =
        serde_json::from_str(&zoufang(&b, &["--json", "conflicts"])).unwrap();
    assert!(
        open.as_array()
            .unwrap()
            .iter()
            .all(|c| c["seq"].as_i64() != conflict["seq"].as_i64())
    );

    // The rewritten value wins on the colleague's laptop too.
    let third = dir.path().join("third.zfb");
    zoufang(&b, &["export", "--all", "--out", third.to_str().unwrap()]);
    zoufang(&a, &["import", third.to_str().unwrap()]);
    assert_eq!(notes(&a), "王敏：消防通道已清理");
    assert_eq!(zoufang(&a, &["digest"]), zoufang(&b, &["digest"]));
}
