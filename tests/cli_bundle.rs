//! The command line of case bundles, as a team lead uses it: two laptops' demo data edited on
//! both sides, exported, previewed, imported in either order, conflicts listed and reviewed.
#![allow(clippy::unwrap_used)]

mod common;

use assert_cmd::Command;
use common::zoufang;
use serde_json::Value;
use std::path::{Path, PathBuf};
use zoufang::store::{Page, Store};

fn ok(cmd: &mut Command) -> String {
    let out = cmd.assert().success().get_output().stdout.clone();
    String::from_utf8(out).unwrap()
}

fn json(cmd: &mut Command) -> Value {
    serde_json::from_str(&ok(cmd.arg("--json"))).unwrap()
}

fn records_digest(db: &Path) -> String {
    Store::open(db).unwrap().records_digest().unwrap()
}

fn digest(db: &Path) -> String {
    Store::open(db).unwrap().digest().unwrap()
}

fn visit_ids(db: &Path) -> Vec<String> {
    let store = Store::open(db).unwrap();
    let page = Page {
        offset: 0,
        limit: 1000,
    };
    store
        .list_visits(&Default::default(), Default::default(), true, page)
        .unwrap()
        .into_iter()
        .map(|r| r.visit.id.to_string())
        .collect()
}

fn counts(v: &Value) -> [u64; 5] {
    ["added", "updated", "unchanged", "deleted", "conflicts"].map(|k| v[k].as_u64().unwrap())
}

#[test]
fn two_laptops_edited_on_both_sides_merge_into_the_same_database_in_either_order() {
    let dir = tempfile::tempdir().unwrap();
    let p = |name: &str| -> PathBuf { dir.path().join(name) };
    let (a, b) = (p("a.sqlite"), p("b.sqlite"));
    // Laptop A has demo data; laptop B starts from A's bundle and adds its own.
    ok(zoufang(&a).args(["author", "王敏"]));
    ok(zoufang(&a).args(["demo", "--visits", "20", "--seed", "1"]));
    ok(zoufang(&a)
        .args(["export", "--all", "--out"])
        .arg(p("base.zfb")));
    ok(zoufang(&b).args(["author", "李强"]));
    ok(zoufang(&b).arg("import").arg(p("base.zfb")));
    ok(zoufang(&b).args(["demo", "--visits", "10", "--seed", "2"]));
    assert_eq!(visit_ids(&b).len(), 30);
    // Both edit: the same field of one visit, different fields of another, and B deletes a third.
    let ids = visit_ids(&a);
    ok(zoufang(&a).args(["visit", "edit", &ids[0], "--place", "城西敬老院（王）"]));
    ok(zoufang(&b).args(["visit", "edit", &ids[0], "--place", "城西敬老院（李）"]));
    ok(zoufang(&a).args(["visit", "edit", &ids[1], "--region", "西湖区"]));
    ok(zoufang(&b).args(["visit", "edit", &ids[1], "--people-met", "12"]));
    ok(zoufang(&b).args(["visit", "delete", &ids[2]]));
    ok(zoufang(&a)
        .args(["export", "--all", "--out"])
        .arg(p("a.zfb")));
    ok(zoufang(&b)
        .args(["export", "--all", "--out"])
        .arg(p("b.zfb")));

    // The lead previews, then imports A then B; a second lead imports B then A.
    let (lead1, lead2) = (p("lead1.sqlite"), p("lead2.sqlite"));
    ok(zoufang(&lead1).args(["author", "组长"]));
    let before = digest(&lead1);
    let preview = json(
        zoufang(&lead1)
            .arg("import")
            .arg(p("a.zfb"))
            .arg("--dry-run"),
    );
    assert_eq!(preview["dry_run"], true);
    assert_eq!(digest(&lead1), before, "a preview writes nothing");
    let first = json(zoufang(&lead1).arg("import").arg(p("a.zfb")));
    assert_eq!(
        counts(&first),
        counts(&preview),
        "the preview told the truth"
    );
    assert_eq!(first["per_kind"]["visit"]["added"], 20);
    let second = json(zoufang(&lead1).arg("import").arg(p("b.zfb")));
    assert_eq!(second["per_kind"]["visit"]["added"], 10);
    assert!(second["deleted"].as_u64().unwrap() >= 1);
    assert_eq!(second["conflicts"], 1);
    ok(zoufang(&lead2).arg("import").arg(p("b.zfb")));
    ok(zoufang(&lead2).arg("import").arg(p("a.zfb")));
    assert_eq!(records_digest(&lead1), records_digest(&lead2));
    // The laptops swap bundles and agree with the leads.
    ok(zoufang(&a).arg("import").arg(p("b.zfb")));
    ok(zoufang(&b).arg("import").arg(p("a.zfb")));
    assert_eq!(records_digest(&a), records_digest(&lead1));
    assert_eq!(records_digest(&b), records_digest(&lead1));
    // Both edits to different fields arrived; the visit B deleted is in the Trash.
    let store = Store::open(&lead1).unwrap();
    let v1 = store.visit(ids[1].parse().unwrap()).unwrap();
    assert_eq!((v1.region.as_str(), v1.people_met), ("西湖区", 12));
    assert!(
        store
            .visit(ids[2].parse().unwrap())
            .unwrap()
            .meta
            .is_deleted()
    );
    drop(store);

    // The conflict is listed with both versions, and can be marked reviewed.
    let list = json(zoufang(&lead1).arg("conflicts"));
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["field"], "place");
    assert_eq!(list[0]["record_id"], ids[0].as_str());
    let versions = [
        list[0]["loser_value"].clone(),
        list[0]["winner_value"].clone(),
    ];
    assert!(versions.contains(&Value::from("城西敬老院（王）")));
    assert!(versions.contains(&Value::from("城西敬老院（李）")));
    let seq = list[0]["seq"].to_string();
    ok(zoufang(&lead1).args(["conflicts", "--review", &seq]));
    assert_eq!(json(zoufang(&lead1).arg("conflicts")), Value::Array(vec![]));
    assert!(ok(zoufang(&lead1).arg("conflicts")).contains("No conflicts"));

    // Importing again: all unchanged, nothing written.
    let before = digest(&lead1);
    let again = json(
        zoufang(&lead1)
            .arg("import")
            .arg(p("a.zfb"))
            .arg(p("b.zfb")),
    );
    let [added, updated, unchanged, deleted, conflicts] = counts(&again);
    assert_eq!((added, updated, deleted, conflicts), (0, 0, 0, 0));
    assert!(unchanged > 0);
    assert_eq!(digest(&lead1), before);
    // The import log lists every import with the bundle's id and hash.
    let log = json(zoufang(&lead1).arg("imports"));
    assert_eq!(log.as_array().unwrap().len(), 4);
    assert_eq!(log[0]["source"], "bundle");
    assert_eq!(log[0]["sha256"].as_str().unwrap().len(), 64);
    // A backup was taken before the first real import.
    assert!(dir.path().join("backups").read_dir().unwrap().count() >= 1);
}

#[test]
fn the_text_report_counts_per_kind() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.sqlite"), dir.path().join("b.sqlite"));
    let bundle = dir.path().join("a.zfb");
    ok(zoufang(&a).args(["demo", "--visits", "5"]));
    let out = ok(zoufang(&a)
        .args(["export", "--since", "2025-01-01", "--out"])
        .arg(&bundle));
    assert!(out.contains("Exported 5 visits"), "{out}");
    let out = ok(zoufang(&b).arg("import").arg(&bundle).arg("--dry-run"));
    assert!(out.starts_with("Preview (nothing was written)"), "{out}");
    assert!(out.contains("visit\t5\t0\t0\t0\t0"), "{out}");
    let out = ok(Command::cargo_bin("zoufang")
        .unwrap()
        .arg("--db")
        .arg(&b)
        .args(["--lang", "zh", "import"])
        .arg(&bundle));
    assert!(out.contains("走访记录\t5\t0\t0\t0\t0"), "{out}");
    assert!(out.contains("导入前已备份"), "{out}");
}

#[test]
fn bad_files_exit_1_with_a_message_in_the_users_language_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.sqlite"), dir.path().join("b.sqlite"));
    let bundle = dir.path().join("a.zfb");
    ok(zoufang(&a).args(["demo", "--visits", "5"]));
    ok(zoufang(&a).args(["export", "--all", "--out"]).arg(&bundle));
    ok(zoufang(&b).args(["demo", "--visits", "3", "--seed", "4"]));
    let cut = dir.path().join("cut.zfb");
    let bytes = std::fs::read(&bundle).unwrap();
    std::fs::write(&cut, &bytes[..bytes.len() * 2 / 3]).unwrap();
    let before = digest(&b);
    for (lang, expected) in [
        ("zh", "案卷包已损坏或不完整"),
        ("en", "damaged or incomplete"),
    ] {
        let out = Command::cargo_bin("zoufang")
            .unwrap()
            .arg("--db")
            .arg(&b)
            .args(["--lang", lang, "import"])
            .arg(&cut)
            .assert()
            .code(1)
            .get_output()
            .stderr
            .clone();
        let err = String::from_utf8(out).unwrap();
        assert!(err.contains(expected), "{err}");
        assert!(
            err.trim_end().ends_with("cut.zfb"),
            "the file is named last: {err}"
        );
        assert_eq!(err.lines().count(), 1);
    }
    assert_eq!(digest(&b), before);
    // Export needs a selection.
    let out = zoufang(&a)
        .args(["export", "--out"])
        .arg(dir.path().join("x.zfb"))
        .assert()
        .code(1)
        .get_output()
        .stderr
        .clone();
    assert!(String::from_utf8(out).unwrap().contains("--all"));
    assert!(!dir.path().join("x.zfb").exists());
}
