//! `zoufang form check` and `form templates` as a user meets them: templates read, a bad
//! workbook refused with exit 1 naming sheet, row and column (JSON `errors` on stdout), a
//! response checked and refused naming the question. No database is created.
#![allow(clippy::unwrap_used)]

mod common;

use assert_cmd::Command;
use rust_xlsxwriter::Workbook;
use serde_json::Value;

fn zoufang(dir: &std::path::Path) -> Command {
    let mut cmd = common::zoufang_db(&dir.join("never.sqlite"));
    cmd.env("CI", "true");
    cmd
}

fn json(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

#[test]
fn every_template_reads_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = zoufang(dir.path())
        .args(["--json", "form", "templates"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let templates = json(&out);
    assert_eq!(templates.as_array().map(Vec::len), Some(3));
    for name in [
        "care_home_safety",
        "困难群众大走访入户调查表",
        "visit_satisfaction",
    ] {
        let out = zoufang(dir.path())
            .args(["--json", "--lang", "zh", "form", "check", "--builtin", name])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let def = json(&out);
        assert_eq!(def["version"], "2026120101");
        let first_real = def["questions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|q| q["type"] != "today" && q["type"] != "start" && q["type"] != "end")
            .unwrap();
        for key in [
            "name",
            "type",
            "label",
            "required",
            "relevant",
            "constraint",
            "choices",
            "children",
        ] {
            assert!(
                first_real.get(key).is_some(),
                "{name}: {key} missing in {first_real}"
            );
        }
    }
    let out = zoufang(dir.path())
        .args([
            "--json",
            "--lang",
            "zh",
            "form",
            "check",
            "--builtin",
            "household_visit",
        ])
        .output()
        .unwrap();
    let def = json(&out);
    let members = def["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["name"] == "members")
        .unwrap();
    assert_eq!(members["type"], "repeat");
    assert_eq!(members["children"][0]["label"], "姓名");
    assert!(
        !dir.path().join("never.sqlite").exists(),
        "no database is written"
    );
}

#[test]
fn a_bad_workbook_is_refused_naming_sheet_row_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.xlsx");
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("survey").unwrap();
    let rows = [
        ["type", "name", "label", "relevant"],
        ["text", "a", "A", "${missing} = 1"],
        ["pull_data", "b", "B", ""],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            ws.write_string(r as u32, c as u16, *cell).unwrap();
        }
    }
    book.save(&path).unwrap();
    let out = zoufang(dir.path())
        .args(["--json", "--lang", "en", "form", "check"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let errors = json(&out)["errors"].as_array().cloned().unwrap();
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert_eq!(errors[0]["sheet"], "survey");
    let places: Vec<(i64, String)> = errors
        .iter()
        .map(|e| {
            (
                e["row"].as_i64().unwrap(),
                e["column"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert!(places.contains(&(3, "type".to_owned())), "{places:?}");
    assert!(places.contains(&(2, "relevant".to_owned())), "{places:?}");
    let out = zoufang(dir.path())
        .args(["--lang", "zh", "form", "check"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("工作表 survey 第 2 行 relevant 列"),
        "{stderr}"
    );
}

#[test]
fn a_response_is_checked_and_refused_naming_the_question() {
    let dir = tempfile::tempdir().unwrap();
    let answers = dir.path().join("answers.json");
    std::fs::write(
        &answers,
        r#"{"attitude": "4", "efficiency": "5", "policy_known": "some", "overall": "1", "dissatisfied_reason": "排队太久"}"#,
    )
    .unwrap();
    let out = zoufang(dir.path())
        .args([
            "--json",
            "--lang",
            "zh",
            "form",
            "check",
            "--builtin",
            "visit_satisfaction",
            "--answers",
        ])
        .arg(&answers)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let checked = json(&out);
    assert_eq!(checked["findings"][0]["title"], "群众对服务总体不满意");
    let out = zoufang(dir.path())
        .args([
            "--lang",
            "zh",
            "form",
            "check",
            "--builtin",
            "visit_satisfaction",
            "--answers",
        ])
        .arg(&answers)
        .args([
            "--answer",
            "dissatisfied_reason=",
            "--answer",
            "recommend=12",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("「不满意的原因」"), "{stderr}");
    assert!(
        stderr.contains("「愿意向亲友推荐的程度（0–10）」"),
        "{stderr}"
    );
}
