//! `zoufang summary` as a team lead uses it on the demo database: figures as JSON that agree
//! with `zoufang list`, and the documents written where asked.
#![allow(clippy::unwrap_used)]

mod common;

use assert_cmd::Command;
use common::zoufang_db;
use serde_json::Value;
use std::io::Read;
use std::path::{Path, PathBuf};

struct Demo {
    dir: tempfile::TempDir,
    db: PathBuf,
}

fn demo() -> Demo {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    zoufang_db(&db)
        .args(["demo", "--visits", "120", "--seed", "3"])
        .assert()
        .success();
    Demo { dir, db }
}

/// Runs `zoufang --db DB ARGS…`: exit code, stdout, stderr.
fn run(db: &Path, args: &[&str], out: Option<&Path>) -> (i32, String, String) {
    let mut cmd = zoufang_db(db);
    cmd.args(args);
    if let Some(out) = out {
        cmd.arg("--out").arg(out);
    }
    let output = cmd.output().unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn json(db: &Path, args: &[&str]) -> Value {
    let out = zoufang_db(db).args(args).arg("--json").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

const KEYS: &[&str] = &[
    "visits",
    "unannounced_visits",
    "units_visited",
    "people_interviewed",
    "findings",
    "problems",
    "immediate",
    "phased",
    "long_term",
    "closed",
    "overdue",
    "positive_cases",
    "negative_cases",
    "practices",
    "people_affected",
];

#[test]
fn json_has_every_key_overall_and_per_topic() {
    let d = demo();
    let s = json(&d.db, &["summary", "--topic", "elderly-care"]);
    for key in KEYS {
        assert!(s[key].is_i64(), "{key} missing: {s}");
    }
    let by_topic = s["by_topic"].as_array().unwrap();
    assert_eq!(by_topic[0]["code"], "elderly-care");
    assert_eq!(by_topic[0]["name_zh"], "养老服务");
    assert_eq!(by_topic[0]["name_en"], "Elderly care");
    for key in KEYS {
        assert_eq!(
            by_topic[0][key], s[key],
            "{key}: one topic's row is the total"
        );
    }
    // `--format json` is the same as `--json`.
    let out = zoufang_db(&d.db)
        .args(["summary", "--topic", "养老服务", "--format", "json"])
        .output()
        .unwrap();
    let again: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(again["problems"], s["problems"]);
}

#[test]
fn the_figures_agree_with_the_lists() {
    let d = demo();
    let s = json(
        &d.db,
        &[
            "summary",
            "--topic",
            "elderly-care",
            "--since",
            "2025-06-01",
        ],
    );
    let list = |extra: &[&str]| -> usize {
        let mut args = vec![
            "list",
            "findings",
            "--topic",
            "elderly-care",
            "--since",
            "2025-06-01",
        ];
        args.extend_from_slice(extra);
        json(&d.db, &args).as_array().unwrap().len()
    };
    assert_eq!(
        s["problems"].as_u64().unwrap() as usize,
        list(&["--kind", "problem"])
    );
    assert_eq!(
        s["overdue"].as_u64().unwrap() as usize,
        list(&["--overdue"])
    );
    assert_eq!(
        s["closed"].as_u64().unwrap() as usize,
        list(&["--kind", "problem", "--status", "closed"])
    );
    assert_eq!(
        s["immediate"].as_u64().unwrap() as usize,
        list(&["--kind", "problem", "--category", "immediate"])
    );
    assert_eq!(s["findings"].as_u64().unwrap() as usize, list(&[]));
    let visits = json(
        &d.db,
        &[
            "list",
            "visits",
            "--topic",
            "elderly-care",
            "--since",
            "2025-06-01",
        ],
    );
    assert_eq!(
        s["visits"].as_u64().unwrap() as usize,
        visits.as_array().unwrap().len()
    );
    let people: i64 = visits
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["people_met"].as_i64().unwrap())
        .sum();
    assert_eq!(s["people_interviewed"].as_i64().unwrap(), people);
    assert!(s["problems"].as_i64().unwrap() > 0);
}

fn zip_entry(path: &Path, name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut text = String::new();
    zip.by_name(name)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    text
}

#[test]
fn a_workbook_for_one_topic() {
    let d = demo();
    let out = d.dir.path().join("x.xlsx");
    let (code, stdout, stderr) = run(
        &d.db,
        &[
            "--lang",
            "zh",
            "summary",
            "--topic",
            "elderly-care",
            "--format",
            "xlsx",
        ],
        Some(&out),
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("已导出"), "{stdout}");
    let workbook = zip_entry(&out, "xl/workbook.xml");
    for name in ["汇总", "分专题", "问题清单", "走访记录", "典型案例"] {
        assert!(
            workbook.contains(&format!("<sheet name=\"{name}\"")),
            "{name}"
        );
    }
    let strings = zip_entry(&out, "xl/sharedStrings.xml");
    assert!(strings.contains("养老服务专题走基层调研情况汇总"));
    assert!(strings.contains("累计走访基层单位"));
}

#[test]
fn a_word_report_a_csv_and_markdown() {
    let d = demo();
    let docx = d.dir.path().join("r.docx");
    let (code, _, stderr) = run(
        &d.db,
        &["--lang", "zh", "summary", "--format", "docx"],
        Some(&docx),
    );
    assert_eq!(code, 0, "{stderr}");
    let doc = zip_entry(&docx, "word/document.xml");
    assert!(doc.contains("累计走访基层单位"));
    assert!(doc.contains("（一）殡葬改革"));

    let csv = d.dir.path().join("p.csv");
    let (code, _, stderr) = run(
        &d.db,
        &[
            "--lang", "zh", "summary", "--topic", "funeral", "--format", "csv",
        ],
        Some(&csv),
    );
    assert_eq!(code, 0, "{stderr}");
    let bytes = std::fs::read(&csv).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    assert!(String::from_utf8(bytes).unwrap().contains("整改措施"));

    let (code, stdout, _) = run(&d.db, &["--lang", "en", "summary", "--format", "md"], None);
    assert_eq!(code, 0);
    assert!(stdout.contains("| Problems found |"), "{stdout}");
    assert!(stdout.contains("grassroots units visited"));
}

#[test]
fn the_terminal_gets_the_figures_and_the_paragraph() {
    let d = demo();
    let (code, stdout, _) = run(
        &d.db,
        &["--lang", "zh", "summary", "--region", "芙蓉区"],
        None,
    );
    assert_eq!(code, 0);
    assert!(stdout.contains("地区：芙蓉区"), "{stdout}");
    assert!(stdout.contains("查找问题（个）"));
    assert!(stdout.contains("在芙蓉区，累计走访基层单位"));
}

#[test]
fn binary_formats_need_a_file() {
    let d = demo();
    let (code, stdout, stderr) = run(
        &d.db,
        &["--lang", "zh", "summary", "--format", "xlsx"],
        None,
    );
    assert_eq!(code, 1);
    assert!(stdout.is_empty(), "nothing binary on the terminal");
    assert!(stderr.contains("--out"), "{stderr}");
    let (code, _, stderr) = run(
        &d.db,
        &["--lang", "en", "summary", "--format", "docx"],
        None,
    );
    assert_eq!(code, 1);
    assert!(stderr.contains("docx is a binary format"), "{stderr}");
}

#[test]
fn mistakes_are_reported() {
    let d = demo();
    let (code, _, stderr) = run(
        &d.db,
        &["--lang", "zh", "summary", "--topic", "no-such-topic"],
        None,
    );
    assert_eq!(code, 1);
    assert!(stderr.contains("未知专题"), "{stderr}");
    assert_eq!(run(&d.db, &["summary", "--since", "yesterday"], None).0, 1);
    assert_eq!(run(&d.db, &["summary", "--format", "pdf"], None).0, 2);
    let missing = d.dir.path().join("no-such-dir").join("x.xlsx");
    let (code, _, stderr) = run(
        &d.db,
        &["--lang", "zh", "summary", "--format", "xlsx"],
        Some(&missing),
    );
    assert_eq!(code, 1);
    assert!(stderr.contains("无法写入文件"), "{stderr}");
}

#[test]
fn overdue_can_be_judged_as_of_another_day() {
    let d = demo();
    let past = json(&d.db, &["summary", "--as-of", "2000-01-01"]);
    assert_eq!(past["overdue"], 0, "nothing was due in 2000");
    assert_eq!(past["as_of"], "2000-01-01");
    let future = json(&d.db, &["summary", "--as-of", "2100-01-01"]);
    // Every demo problem has a deadline, so in 2100 every pending one is late.
    assert_eq!(
        future["overdue"].as_i64().unwrap(),
        future["open"].as_i64().unwrap() + future["in_progress"].as_i64().unwrap()
    );
    assert!(future["overdue"].as_i64().unwrap() > 0);
}

#[test]
fn an_end_date_before_the_start_date_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("period.sqlite");
    let out = Command::cargo_bin("zoufang")
        .unwrap()
        .args([
            "--db",
            db.to_str().unwrap(),
            "--lang",
            "zh",
            "summary",
            "--since",
            "2026-05-01",
            "--until",
            "2026-01-01",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("早于开始日期"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1);
}
