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

/// A command on the database `db` in `lang`.
fn on_db(db: &std::path::Path, lang: &str) -> Command {
    let mut cmd = common::zoufang_in(db, lang);
    cmd.env("CI", "true");
    cmd
}

/// Runs a command that must succeed, giving its standard output.
fn ok(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{:?}: {}",
        cmd,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn new_visit(db: &std::path::Path, place: &str) -> String {
    ok(on_db(db, "en").args(["visit", "add", "--date", "2026-11-20", "--place", place]))
        .trim()
        .to_owned()
}

#[test]
fn every_template_is_imported_filled_and_refused_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("zoufang.sqlite");
    let visit = new_visit(&db, "幸福里养老院");
    let household = serde_json::json!({
        "head_name": "张大爷", "phone": "13800138000", "address": "城关镇幸福村 3 组", "member_count": 2,
        "members": [
            {"m_name": "张大爷", "m_relation": "self", "m_age": 72, "m_health": "chronic", "m_work": "retired"},
            {"m_name": "张小明", "m_relation": "grandchild", "m_age": 12, "m_health": "healthy"}
        ],
        "income_year": 12000, "medical_costs": 8000.5, "housing": "c_grade",
        "aid_received": "none", "difficulty": "illness other", "requests": "希望纳入低保", "needs_help": "yes"
    });
    let satisfaction = serde_json::json!({
        "attitude": "4", "efficiency": "5", "policy_known": "some", "overall": "4", "recommend": 9
    });
    let care_home: Value = serde_json::from_str(
        &std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/forms/elderly-care-answers.json"),
        )
        .unwrap(),
    )
    .unwrap();
    // (template, good answers, an answer that breaks a rule, the label the refusal names)
    let cases = [
        (
            "care_home_safety",
            care_home,
            "residents=many",
            "在住老人数",
        ),
        ("household_visit", household, "phone=12345", "联系电话"),
        (
            "visit_satisfaction",
            satisfaction,
            "recommend=12",
            "愿意向亲友推荐的程度（0–10）",
        ),
    ];
    for (template, answers, bad, label) in cases {
        let imported: Value = serde_json::from_str(&ok(on_db(&db, "zh").args([
            "--json",
            "form",
            "import",
            "--builtin",
            template,
        ])))
        .unwrap();
        for key in ["id", "form_id", "title", "version", "questions"] {
            assert!(
                imported.get(key).is_some(),
                "{template}: {key} in {imported}"
            );
        }
        assert_eq!(imported["form_id"], template);
        let file = dir.path().join(format!("{template}.json"));
        std::fs::write(&file, answers.to_string()).unwrap();
        let saved: Value = serde_json::from_str(&ok(on_db(&db, "zh")
            .args([
                "--json", "response", "add", "--form", template, "--visit", &visit,
            ])
            .arg("--answers")
            .arg(&file)))
        .unwrap();
        assert!(saved["id"].is_string() && saved["findings_created"].is_array());
        let shown: Value = serde_json::from_str(&ok(on_db(&db, "zh").args([
            "--json",
            "response",
            "show",
            saved["id"].as_str().unwrap(),
        ])))
        .unwrap();
        assert_eq!(shown["form_id"], template);
        assert_eq!(shown["visit_id"], visit);

        let out = on_db(&db, "zh")
            .args(["response", "add", "--form", template, "--visit", &visit])
            .arg("--answers")
            .arg(&file)
            .args(["--answer", bad])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{template}: refused");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(&format!("「{label}」")),
            "{template}: {stderr}"
        );
    }
    let listed: Value = serde_json::from_str(&ok(
        on_db(&db, "en").args(["--json", "response", "list", "--visit", &visit])
    ))
    .unwrap();
    assert_eq!(
        listed.as_array().map(Vec::len),
        Some(3),
        "the refused ones were not saved"
    );
    // The care home's expired extinguishers are on the problem list.
    let findings = ok(on_db(&db, "zh").args(["list", "findings"]));
    assert!(findings.contains("灭火器过期或失效"), "{findings}");
}

/// A questionnaire as a KoboToolbox user writes it: two languages, a group, a repeat, skip
/// logic, a constraint with its message, a checklist item, settings with a version.
fn kobo_style_form(path: &std::path::Path, version: &str) {
    let mut book = Workbook::new();
    let survey = book.add_worksheet();
    survey.set_name("survey").unwrap();
    let rows: &[&[&str]] = &[
        &[
            "type",
            "name",
            "label::English (en)",
            "label::中文 (zh)",
            "required",
            "relevant",
            "constraint",
            "constraint_message::English (en)",
            "finding_if",
            "finding_category",
        ],
        &[
            "begin_group",
            "site",
            "Site",
            "现场",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
        &[
            "text",
            "keeper",
            "Keeper",
            "管理员",
            "yes",
            "",
            "",
            "",
            "",
            "",
        ],
        &[
            "select_one yn",
            "fenced",
            "Is the cemetery fenced?",
            "墓区是否设置围挡",
            "yes",
            "",
            "",
            "",
            "no",
            "immediate",
        ],
        &["end_group", "", "", "", "", "", "", "", "", ""],
        &[
            "integer",
            "graves",
            "Graves",
            "墓穴数",
            "yes",
            "",
            ". >= 0",
            "Cannot be negative",
            "",
            "",
        ],
        &[
            "begin_repeat",
            "issues",
            "Issues",
            "问题",
            "",
            "${graves} > 0",
            "",
            "",
            "",
            "",
        ],
        &[
            "text",
            "issue",
            "Issue",
            "问题描述",
            "yes",
            "",
            "",
            "",
            "",
            "",
        ],
        &["end_repeat", "", "", "", "", "", "", "", "", ""],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            survey.write_string(r as u32, c as u16, *cell).unwrap();
        }
    }
    let choices = book.add_worksheet();
    choices.set_name("choices").unwrap();
    for (r, row) in [
        [
            "list_name",
            "name",
            "label::English (en)",
            "label::中文 (zh)",
        ],
        ["yn", "yes", "Yes", "是"],
        ["yn", "no", "No", "否"],
    ]
    .iter()
    .enumerate()
    {
        for (c, cell) in row.iter().enumerate() {
            choices.write_string(r as u32, c as u16, *cell).unwrap();
        }
    }
    let settings = book.add_worksheet();
    settings.set_name("settings").unwrap();
    for (c, (head, value)) in [
        ("form_title", "农村公益性公墓检查"),
        ("form_id", "rural_cemetery"),
        ("version", version),
        ("default_language", "中文 (zh)"),
    ]
    .iter()
    .enumerate()
    {
        settings.write_string(0, c as u16, *head).unwrap();
        settings.write_string(1, c as u16, *value).unwrap();
    }
    book.save(path).unwrap();
}

#[test]
fn a_kobo_style_form_is_filled_on_a_visit_and_travels_to_the_leads_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("field.sqlite");
    let workbook = dir.path().join("cemetery.xlsx");
    kobo_style_form(&workbook, "1");
    let form_id = ok(on_db(&db, "en").args(["form", "import"]).arg(&workbook))
        .trim()
        .to_owned();
    let again = ok(on_db(&db, "en").args(["form", "import"]).arg(&workbook));
    assert_eq!(again.trim(), form_id, "the same workbook is the same form");
    let shown: Value = serde_json::from_str(&ok(on_db(&db, "zh").args([
        "--json",
        "form",
        "show",
        "rural_cemetery",
    ])))
    .unwrap();
    assert_eq!(shown["id"], form_id.as_str());
    assert_eq!(shown["languages"].as_array().map(Vec::len), Some(2));
    assert_eq!(shown["questions"][0]["type"], "group");
    assert_eq!(
        shown["questions"][0]["children"][1]["label"],
        "墓区是否设置围挡"
    );
    assert_eq!(shown["questions"][2]["type"], "repeat");

    let visit = new_visit(&db, "城东公墓");
    let rows = dir.path().join("rows.json");
    std::fs::write(
        &rows,
        r#"{"issues": [{"issue": "围墙倒塌"}, {"issue": "无管理台账"}]}"#,
    )
    .unwrap();
    let saved: Value = serde_json::from_str(&ok(on_db(&db, "en")
        .args([
            "--json", "response", "add", "--form", &form_id, "--visit", &visit,
        ])
        .args([
            "--answer",
            "keeper=老李",
            "--answer",
            "fenced=no",
            "--answer",
            "graves=120",
        ])
        .arg("--answers")
        .arg(&rows)))
    .unwrap();
    assert_eq!(saved["findings_created"].as_array().map(Vec::len), Some(1));
    let response = saved["id"].as_str().unwrap().to_owned();
    let out = on_db(&db, "en")
        .args(["response", "edit", &response, "--answer", "graves=-3"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Cannot be negative"));
    let problems = ok(on_db(&db, "zh").args(["list", "findings"]));
    assert!(problems.contains("墓区是否设置围挡"), "{problems}");

    // A newer version is a new form; the response keeps naming the version it was filled in.
    kobo_style_form(&workbook, "2");
    let newer = ok(on_db(&db, "en").args(["form", "import"]).arg(&workbook))
        .trim()
        .to_owned();
    assert_ne!(newer, form_id);
    let response_shown: Value = serde_json::from_str(&ok(
        on_db(&db, "en").args(["--json", "response", "show", &response])
    ))
    .unwrap();
    assert_eq!(response_shown["version"], "1");
    assert_eq!(
        response_shown["answers"]["issues"][1]["issue"],
        "无管理台账"
    );

    // The lead imports the field laptop's bundle and finds the same form, response and problem.
    let bundle = dir.path().join("field.zfb");
    let exported = ok(on_db(&db, "en")
        .args(["export", "--all", "--out"])
        .arg(&bundle));
    assert!(exported.contains(", 2 forms, 1 response"), "{exported}");
    let lead = dir.path().join("lead.sqlite");
    ok(on_db(&lead, "en").arg("import").arg(&bundle));
    let forms: Value =
        serde_json::from_str(&ok(on_db(&lead, "en").args(["--json", "form", "list"]))).unwrap();
    assert_eq!(forms.as_array().map(Vec::len), Some(2));
    let there: Value = serde_json::from_str(&ok(
        on_db(&lead, "en").args(["--json", "response", "show", &response])
    ))
    .unwrap();
    assert_eq!(there["answers"], response_shown["answers"]);
    assert!(ok(on_db(&lead, "zh").args(["list", "findings"])).contains("墓区是否设置围挡"));

    // In the Trash a response is not listed nor edited; restored, it is again.
    ok(on_db(&lead, "en").args(["response", "delete", &response]));
    assert_eq!(ok(on_db(&lead, "en").args(["response", "list"])).trim(), "");
    let out = on_db(&lead, "en")
        .args(["response", "edit", &response, "--answer", "keeper=老王"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    ok(on_db(&lead, "en").args(["response", "restore", &response]));
    ok(on_db(&lead, "en").args(["response", "edit", &response, "--answer", "keeper=老王"]));
    assert!(ok(on_db(&lead, "en").args(["response", "show", &response])).contains("老王"));
}

#[test]
fn a_form_is_archived_and_offered_again() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("z.sqlite");
    ok(on_db(&db, "zh").args(["form", "import", "--builtin", "care_home_safety"]));
    let archived = |db: &std::path::Path| -> Value {
        let list: Value =
            serde_json::from_str(&ok(on_db(db, "en").args(["--json", "form", "list"]))).unwrap();
        list[0]["archived"].clone()
    };
    assert_eq!(archived(&db), Value::Bool(false));
    let said = ok(on_db(&db, "zh").args(["form", "archive", "care_home_safety"]));
    assert!(said.contains("已归档：养老机构安全检查表"), "{said}");
    assert_eq!(archived(&db), Value::Bool(true));
    ok(on_db(&db, "en").args(["form", "archive", "care_home_safety", "--undo"]));
    assert_eq!(archived(&db), Value::Bool(false));
}
