//! `zoufang import --dry-run` names the records a bundle would change: in text (a few lines per
//! file) and under `changes` in each file of `--json`, beside the counts it always had.
#![allow(clippy::unwrap_used)]

mod common;

use assert_cmd::Command;
use common::zoufang;
use serde_json::Value;

fn ok(cmd: &mut Command) -> String {
    let out = cmd.assert().success().get_output().stdout.clone();
    String::from_utf8(out).unwrap()
}

#[test]
fn a_dry_run_lists_the_new_visit_and_finding_by_title() {
    let dir = tempfile::tempdir().unwrap();
    let (a, lead) = (dir.path().join("a.sqlite"), dir.path().join("lead.sqlite"));
    let bundle = dir.path().join("a.zfb");
    ok(zoufang(&a).args(["author", "王敏"]));
    let visit = ok(zoufang(&a).args([
        "visit",
        "add",
        "--date",
        "2026-03-05",
        "--place",
        "城西敬老院",
    ]));
    let visit_id = visit.split_whitespace().last().unwrap().to_owned();
    ok(zoufang(&a).args([
        "finding",
        "add",
        "--visit",
        &visit_id,
        "--title",
        "护理员人手不足",
    ]));
    ok(zoufang(&a).args(["export", "--all", "--out"]).arg(&bundle));

    let preview: Value = serde_json::from_str(&ok(zoufang(&lead)
        .arg("import")
        .arg(&bundle)
        .args(["--dry-run", "--json"])))
    .unwrap();
    for key in [
        "added",
        "updated",
        "unchanged",
        "deleted",
        "conflicts",
        "dry_run",
        "per_kind",
        "files",
        "backup",
    ] {
        assert!(preview.get(key).is_some(), "the key {key} stays");
    }
    let file = &preview["files"][0];
    assert!(file.get("totals").is_some() && file.get("origin").is_some());
    let changes: Vec<(String, String, String)> = file["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let s = |k: &str| c[k].as_str().unwrap().to_owned();
            (s("change"), s("kind"), s("title"))
        })
        .collect();
    let expected = |change: &str, kind: &str, title: &str| {
        (change.to_owned(), kind.to_owned(), title.to_owned())
    };
    assert!(changes.contains(&expected("added", "visit", "城西敬老院 2026-03-05")));
    assert!(changes.contains(&expected("added", "finding", "护理员人手不足")));
    assert_eq!(file["changes_unlisted"]["added"], 0);

    let text = ok(zoufang(&lead).arg("import").arg(&bundle).arg("--dry-run"));
    assert!(text.contains("Added\tfinding\t护理员人手不足"), "{text}");
    assert!(
        text.contains("Added\tvisit\t城西敬老院 2026-03-05"),
        "{text}"
    );
}
