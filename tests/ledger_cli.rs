//! `zoufang import-table` and `export-table` as a team lead runs them on the demo database:
//! the `--json` report a script reads, a refused ledger (exit 1, nothing written, the row named),
//! and the export imported back without change.
#![allow(clippy::unwrap_used)]

mod common;

use common::zoufang_in;
use serde_json::Value;
use std::path::Path;

/// Runs `zoufang --db DB --json ARGS…`: exit code and the JSON printed.
fn json(db: &Path, args: &[&str]) -> (i32, Value) {
    let output = zoufang_in(db, "zh")
        .arg("--json")
        .args(args)
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("{e}: {stdout}\n{}", String::from_utf8_lossy(&output.stderr)));
    (output.status.code().unwrap_or(-1), value)
}

fn digest(db: &Path) -> String {
    let (_, value) = json(db, &["digest"]);
    value.to_string()
}

const LEDGER: &str = "市民政局问题整改清单\n\
    填报单位：市民政局,,,,,\n\
    序号,所属领域,问题表现,整改时限,责任单位,是否销号\n\
    1,养老服务,护理员配比不足,2026年6月30日,养老服务处,否\n\
    2,,老人档案不全,2026.3.10,养老服务处,否\n\
    3,殡葬改革,公墓收费不透明,长期坚持,殡葬管理处,否\n";

#[test]
fn import_table_prints_the_report_a_script_reads_and_is_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("z.db");
    let ledger = dir.path().join("清单.csv");
    std::fs::write(&ledger, LEDGER).unwrap();

    let (code, report) = json(&db, &["import-table", ledger.to_str().unwrap()]);

    assert_eq!(code, 0, "{report}");
    for key in [
        "rows",
        "created",
        "updated",
        "unchanged",
        "skipped",
        "mapping",
        "errors",
    ] {
        assert!(report.get(key).is_some(), "missing {key}: {report}");
    }
    assert_eq!(report["rows"], 3);
    assert_eq!(report["created"], 3);
    assert_eq!(report["mapping"]["问题表现"], "title");
    assert_eq!(report["mapping"]["所属领域"], "topic");
    let before = digest(&db);
    let (_, again) = json(&db, &["import-table", ledger.to_str().unwrap()]);
    assert_eq!(
        (again["created"].clone(), again["unchanged"].clone()),
        (0.into(), 3.into())
    );
    assert_eq!(digest(&db), before);
}

#[test]
fn a_bad_row_is_refused_with_exit_1_and_named_by_row_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("z.db");
    let ledger = dir.path().join("清单.csv");
    std::fs::write(&ledger, LEDGER.replace("2026.3.10", "下半年")).unwrap();
    zoufang_in(&db, "zh")
        .args(["list", "visits"])
        .assert()
        .success();
    let before = digest(&db);

    let (code, report) = json(&db, &["import-table", ledger.to_str().unwrap()]);

    assert_eq!(code, 1);
    assert_eq!(digest(&db), before, "nothing written");
    let error = &report["errors"][0];
    assert_eq!(error["row"], 5);
    assert_eq!(error["column"], "D 整改时限");
    assert!(
        error["message"].as_str().unwrap().contains("下半年"),
        "{error}"
    );

    let (code, preview) = json(
        &db,
        &["import-table", "--dry-run", ledger.to_str().unwrap()],
    );
    assert_eq!((code, preview["errors"][0]["row"].clone()), (1, 5.into()));
    let output = zoufang_in(&db, "zh")
        .args(["import-table", ledger.to_str().unwrap()])
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("第 5 行 D 整改时限 列"), "{text}");
}

#[test]
fn the_exported_workbook_imports_back_into_the_demo_database_without_change() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    zoufang_in(&db, "zh")
        .args(["demo", "--visits", "40", "--seed", "5"])
        .assert()
        .success();
    let out = dir.path().join("台账.xlsx");
    zoufang_in(&db, "zh")
        .args(["export-table", "--out", out.to_str().unwrap()])
        .assert()
        .success();
    let before = digest(&db);

    let (code, report) = json(&db, &["import-table", out.to_str().unwrap()]);

    assert_eq!(code, 0, "{report}");
    assert_eq!(report["created"], 0, "{report}");
    assert_eq!(report["updated"], 0, "{report}");
    assert!(report["unchanged"].as_u64().unwrap() > 0);
    assert_eq!(digest(&db), before);
}

#[test]
fn export_table_never_overwrites_the_database_or_a_file_unasked() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    zoufang_in(&db, "zh")
        .args(["demo", "--visits", "5", "--seed", "5"])
        .assert()
        .success();
    let before = digest(&db);
    zoufang_in(&db, "zh")
        .args(["export-table", "--out", db.to_str().unwrap()])
        .assert()
        .code(1);
    assert_eq!(digest(&db), before, "the database is untouched");

    let out = dir.path().join("台账.csv");
    std::fs::write(&out, "keep").unwrap();
    zoufang_in(&db, "zh")
        .args(["export-table", "--out", out.to_str().unwrap()])
        .assert()
        .code(1);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "keep");
    zoufang_in(&db, "zh")
        .args(["export-table", "--out", out.to_str().unwrap(), "--force"])
        .assert()
        .success();
    assert_ne!(std::fs::read_to_string(&out).unwrap(), "keep");
}
