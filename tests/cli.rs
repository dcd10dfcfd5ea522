//! The command line as a new user meets it (the README story), the JSON shapes scripts read, and
//! every bad input of issue 2: exit code 1, one clear line on stderr in the chosen language, and
//! the database exactly as it was. Usage errors exit 2.
#![allow(clippy::unwrap_used)]

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};
use zoufang::store::Store;

/// A temporary database and the commands that run against it.
struct Db {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

impl Db {
    fn new() -> Db {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("zoufang.sqlite");
        Db { _dir: dir, path }
    }

    /// `zoufang --db <this> --lang <lang> args…`, never touching the user's own database.
    fn cmd(&self, lang: &str, args: &[&str]) -> std::process::Output {
        zoufang()
            .arg("--db")
            .arg(&self.path)
            .args(["--lang", lang])
            .args(args)
            .output()
            .unwrap()
    }

    /// Runs a command that must succeed and returns its stdout.
    fn ok(&self, args: &[&str]) -> String {
        let out = self.cmd("en", args);
        assert!(
            out.status.success(),
            "{args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// Runs a command with `--json` and parses what it prints.
    fn json(&self, args: &[&str]) -> Value {
        let mut all = args.to_vec();
        all.push("--json");
        serde_json::from_str(&self.ok(&all)).unwrap()
    }

    fn digest(&self) -> String {
        Store::open(&self.path).unwrap().digest().unwrap()
    }
}

fn zoufang() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_zoufang"));
    cmd.env_remove("ZOUFANG_DB").env("CI", "true");
    cmd
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8(out.stderr.clone()).unwrap()
}

/// The id a `… add` printed.
fn id(text: &str) -> String {
    let id = text.trim().to_owned();
    assert!(uuid::Uuid::parse_str(&id).is_ok(), "not an id: {id:?}");
    id
}

/// A visit and an open elderly-care problem, overdue for years, to edit and break.
fn recorded(db: &Db) -> (String, String) {
    let visit = id(&db.ok(&[
        "visit",
        "add",
        "--date",
        "2025-04-01",
        "--place",
        "城西养老院",
    ]));
    let finding = id(&db.ok(&[
        "finding",
        "add",
        "--visit",
        &visit,
        "--title",
        "护理员配备不足",
        "--topic",
        "elderly-care",
        "--deadline",
        "2025-06-30",
    ]));
    (visit, finding)
}

const FINDING_KEYS: &[&str] = &[
    "id",
    "visit_id",
    "kind",
    "title",
    "detail",
    "topics",
    "people_affected",
    "category",
    "measures",
    "target",
    "deadline",
    "owner",
    "owner_unit",
    "status",
    "closed_on",
    "verified_by",
    "close_note",
    "updated_at",
];

const VISIT_KEYS: &[&str] = &[
    "id",
    "date",
    "place",
    "region",
    "investigators",
    "people_met",
    "unannounced",
    "subject_id",
    "notes",
    "updated_at",
];

fn assert_keys(value: &Value, keys: &[&str]) {
    for key in keys {
        assert!(value.get(key).is_some(), "missing key {key} in {value}");
    }
}

#[test]
fn the_readme_story() {
    let db = Db::new();
    // Fill a demo database.
    let out = db.ok(&["demo", "--visits", "30"]);
    assert!(out.contains("30 visits"), "{out}");

    // Record a visit with two findings, in Chinese.
    let visit = id(&db.ok(&[
        "visit",
        "add",
        "--date",
        "2025-04-01",
        "--place",
        "城西养老院",
        "--region",
        "岳麓区望月湖街道",
        "--investigator",
        "王敏",
        "--investigator",
        "李强",
        "--people-met",
        "12",
        "--unannounced",
        "--notes",
        "四不两直，直奔现场",
    ]));
    let staff = id(&db.ok(&[
        "finding",
        "add",
        "--visit",
        &visit,
        "--title",
        "护理员配备不足",
        "--detail",
        "夜间仅一名护理员值守",
        "--topic",
        "elderly-care",
        "--category",
        "phased",
        "--deadline",
        "2025-06-30",
        "--owner",
        "张伟",
        "--people-affected",
        "46",
    ]));
    let exit = id(&db.ok(&[
        "finding",
        "add",
        "--visit",
        &visit,
        "--title",
        "消防通道堵塞",
        "--topic",
        "养老服务",
        "--topic",
        "安全生产",
        "--category",
        "立行立改",
        "--deadline",
        "2025-04-10",
    ]));

    // List the overdue elderly-care problems as JSON.
    let list = db.json(&["list", "findings", "--topic", "elderly-care", "--overdue"]);
    let rows = list.as_array().unwrap();
    let ids: Vec<&str> = rows.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert!(ids.contains(&staff.as_str()) && ids.contains(&exit.as_str()));
    let today = chrono::Local::now().date_naive().to_string();
    for row in rows {
        assert_keys(row, FINDING_KEYS);
        assert_eq!(row["kind"], "problem");
        assert!(["open", "in-progress"].contains(&row["status"].as_str().unwrap()));
        assert!(row["deadline"].as_str().unwrap() < today.as_str());
        let topics = row["topics"].as_array().unwrap();
        assert!(topics.iter().any(|t| t == "elderly-care"), "{row}");
    }
    let staff_row = rows.iter().find(|r| r["id"] == staff.as_str()).unwrap();
    assert_eq!(staff_row["visit_id"], visit.as_str());
    assert_eq!(staff_row["title"], "护理员配备不足");
    assert_eq!(staff_row["category"], "phased");
    assert_eq!(staff_row["owner"], "张伟");
    assert_eq!(staff_row["people_affected"], 46);
    let exit_row = rows.iter().find(|r| r["id"] == exit.as_str()).unwrap();
    assert_eq!(
        exit_row["topics"],
        serde_json::json!(["elderly-care", "safety"])
    );
    assert_eq!(exit_row["category"], "immediate");

    // Find a finding by a two-character Chinese word.
    let found = db.ok(&["search", "护理"]);
    assert!(found.contains(&staff), "{found}");
    assert!(found.contains("护理员配备不足"));
    let hits = db.json(&["search", "消防"]);
    assert!(
        hits.as_array()
            .unwrap()
            .iter()
            .any(|h| h["id"] == exit.as_str())
    );
}

#[test]
fn add_edit_delete_restore_with_json_output() {
    let db = Db::new();
    let added = db.json(&[
        "visit",
        "add",
        "--date",
        "2026-03-02",
        "--place",
        "城郊公益性公墓",
        "--investigator",
        "王敏",
    ]);
    let visit = added["id"].as_str().unwrap().to_owned();
    assert_eq!(added.as_object().unwrap().len(), 1, "{added}");

    db.ok(&[
        "visit",
        "edit",
        &visit,
        "--region",
        "芙蓉区",
        "--people-met",
        "8",
    ]);
    let visits = db.json(&["list", "visits"]);
    let v = &visits[0];
    assert_keys(v, VISIT_KEYS);
    assert_eq!(v["place"], "城郊公益性公墓");
    assert_eq!(v["region"], "芙蓉区");
    assert_eq!(v["people_met"], 8);
    assert_eq!(v["investigators"], serde_json::json!(["王敏"]));
    assert_eq!(v["unannounced"], false);
    assert_eq!(v["date"], "2026-03-02");

    let finding = db.json(&[
        "finding",
        "add",
        "--visit",
        &visit,
        "--title",
        "山林地新增违建墓地",
        "--topic",
        "funeral",
    ])["id"]
        .as_str()
        .unwrap()
        .to_owned();
    db.ok(&[
        "finding",
        "edit",
        &finding,
        "--status",
        "closed",
        "--closed-on",
        "2026-04-01",
        "--verified-by",
        "李强",
        "--close-note",
        "已拆除复绿",
    ]);
    let shown = db.json(&["show", &finding]);
    assert_eq!(shown["kind"], "finding");
    assert_eq!(shown["record"]["status"], "closed");
    assert_eq!(shown["record"]["verified_by"], "李强");
    let actions: Vec<&str> = shown["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["create", "update"]);
    assert_eq!(shown["history"][1]["before"]["status"], "open");
    assert_eq!(shown["history"][1]["after"]["status"], "closed");

    // Deleting the visit takes the finding along; restoring brings both back.
    db.ok(&["visit", "delete", &visit]);
    assert_eq!(db.json(&["list", "findings"]), serde_json::json!([]));
    let trash = db.json(&["list", "findings", "--deleted"]);
    assert_eq!(trash[0]["id"], finding.as_str());
    assert!(trash[0]["deleted_at"].is_string());
    assert!(db.ok(&["search", "墓地"]).is_empty());
    db.ok(&["visit", "restore", &visit]);
    assert_eq!(db.json(&["list", "findings"])[0]["id"], finding.as_str());
    db.ok(&["finding", "delete", &finding]);
    assert_eq!(db.json(&["list", "visits"])[0]["findings"], 0);
    db.ok(&["finding", "restore", &finding]);
    assert_eq!(db.json(&["list", "visits"])[0]["findings"], 1);
    let history = db.json(&["show", &visit])["history"].clone();
    let actions: Vec<&str> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["create", "update", "delete", "restore"]);
}

#[test]
fn topics_and_subjects() {
    let db = Db::new();
    let topics = db.json(&["list", "topics"]);
    let codes: Vec<&str> = topics
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes.len(), 11);
    for code in [
        "funeral",
        "elderly-care",
        "child-welfare",
        "social-assistance",
        "public-service",
    ] {
        assert!(codes.contains(&code), "{code}");
    }
    let sub = id(&db.ok(&[
        "topic",
        "add",
        "--code",
        "rural-cemetery",
        "--zh",
        "农村公益性公墓",
        "--en",
        "Rural public cemeteries",
        "--parent",
        "殡葬改革",
    ]));
    let topics = db.json(&["topic", "list"]);
    let row = topics
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == sub.as_str())
        .unwrap();
    assert_eq!(row["parent"], "funeral");
    assert_eq!(row["builtin"], false);

    let subject = id(&db.ok(&[
        "subject",
        "add",
        "--title",
        "殡葬工作现状、堵点与出路",
        "--lead",
        "党组书记、局长",
        "--topic",
        "funeral",
        "--start",
        "2026-03-01",
        "--end",
        "2026-10-31",
    ]));
    let subjects = db.json(&["subject", "list"]);
    assert_eq!(subjects[0]["id"], subject.as_str());
    assert_eq!(subjects[0]["topics"], serde_json::json!(["funeral"]));
    assert_eq!(db.json(&["list", "subjects"]), subjects);

    // A finding tagged with the subtopic is listed under its parent topic, and by subject.
    let visit = id(&db.ok(&[
        "visit",
        "add",
        "--date",
        "2026-03-02",
        "--place",
        "农村公墓",
        "--subject",
        &subject,
    ]));
    let finding = id(&db.ok(&[
        "finding",
        "add",
        "--visit",
        &visit,
        "--title",
        "选址未定",
        "--topic",
        "rural-cemetery",
        "--topic",
        "funeral",
        "--topic",
        "Rural public cemeteries",
    ]));
    let listed = db.json(&["list", "findings", "--topic", "funeral"]);
    assert_eq!(listed[0]["id"], finding.as_str());
    assert_eq!(
        listed[0]["topics"],
        serde_json::json!(["rural-cemetery", "funeral"]),
        "a topic given twice is kept once"
    );
    let by_subject = db.json(&["list", "visits", "--subject", &subject]);
    assert_eq!(by_subject[0]["subject_id"], subject.as_str());
    assert_eq!(by_subject.as_array().unwrap().len(), 1);
}

#[test]
fn list_filters_reach_the_store() {
    let db = Db::new();
    let (visit, overdue) = recorded(&db);
    let practice = id(&db.ok(&[
        "finding",
        "add",
        "--visit",
        &visit,
        "--title",
        "低保一门受理",
        "--kind",
        "经验做法",
        "--topic",
        "social-assistance",
    ]));
    let count = |args: &[&str]| {
        let mut all = vec!["list", "findings"];
        all.extend_from_slice(args);
        db.json(&all).as_array().unwrap().len()
    };
    assert_eq!(count(&[]), 2);
    assert_eq!(count(&["--kind", "practice"]), 1);
    assert_eq!(count(&["--kind", "problem", "--status", "open"]), 1);
    assert_eq!(count(&["--category", "long-term"]), 0);
    assert_eq!(count(&["--overdue"]), 1);
    assert_eq!(count(&["--since", "2025-04-02"]), 0);
    assert_eq!(count(&["--until", "2025-04-01"]), 2);
    assert_eq!(count(&["--region", "岳麓"]), 0);
    assert_eq!(count(&["--text", "低保"]), 1);
    assert_eq!(count(&["--topic", "社会救助"]), 1);
    assert_eq!(count(&["--limit", "1"]), 1);
    db.ok(&["finding", "delete", &practice]);
    assert_eq!(count(&["--deleted"]), 1);
    let rows = db.json(&["list", "findings", "--overdue"]);
    assert_eq!(rows[0]["id"], overdue.as_str());
    assert_eq!(rows[0]["overdue"], true);
    // Plain text output: one line per row, the id in it.
    let text = db.ok(&["list", "findings"]);
    assert_eq!(text.lines().count(), 1);
    assert!(text.contains(&overdue) && text.contains("护理员配备不足"));
}

#[test]
fn global_flags_go_before_or_after_the_subcommand() {
    let db = Db::new();
    recorded(&db);
    let path = db.path.to_str().unwrap();
    let run = |args: &[&str]| {
        let out = zoufang().args(args).output().unwrap();
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        serde_json::from_str::<Value>(&stdout(&out)).unwrap()
    };
    let a = run(&["--db", path, "--json", "--lang", "zh", "list", "visits"]);
    let b = run(&["list", "visits", "--db", path, "--json", "--lang", "zh"]);
    let c = run(&["list", "--json", "visits", "--db", path]);
    let d = run(&["--json", "list", "--lang", "en", "visits", "--db", path]);
    assert_eq!(a.as_array().unwrap().len(), 1);
    assert_eq!(a, b);
    assert_eq!(a, c);
    assert_eq!(a, d);
}

#[test]
fn the_database_can_come_from_the_environment() {
    let db = Db::new();
    let out = zoufang()
        .env("ZOUFANG_DB", &db.path)
        .args([
            "visit",
            "add",
            "--date",
            "2026-01-05",
            "--place",
            "市儿童福利院",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let listed = db.json(&["list", "visits"]);
    assert_eq!(listed[0]["id"], id(&stdout(&out)).as_str());
}

#[test]
fn author_is_set_and_written_into_history() {
    let db = Db::new();
    assert_eq!(db.json(&["author", "李强"])["author"], "李强");
    assert_eq!(db.ok(&["author"]).trim(), "李强");
    let (visit, _) = recorded(&db);
    assert_eq!(db.json(&["show", &visit])["history"][0]["author"], "李强");
}

// ---------------------------------------------------------------------------------------------
// Bad input: exit 1, one line naming the problem (zh and en), the database unchanged.

/// Runs `args` in both languages against `db`, expecting a user error whose message holds the
/// given Chinese and English text, and no change to the database.
fn refused(db: &Db, args: &[&str], zh: &str, en: &str) {
    let before = db.digest();
    for (lang, expected) in [("zh", zh), ("en", en)] {
        let out = db.cmd(lang, args);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{lang} {args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "one line, not: {err:?}");
        assert!(
            err.contains(expected),
            "{lang} {args:?}: {err:?} lacks {expected:?}"
        );
        assert!(stdout(&out).is_empty(), "nothing on stdout");
    }
    assert_eq!(db.digest(), before, "{args:?} changed the database");
}

#[test]
fn a_wrong_date_is_refused() {
    let db = Db::new();
    let (_, finding) = recorded(&db);
    let add = [
        "visit",
        "add",
        "--date",
        "2026-13-45",
        "--place",
        "城西养老院",
    ];
    refused(
        &db,
        &add,
        "日期无效：2026-13-45",
        "not a real date: 2026-13-45",
    );
    let edit = ["finding", "edit", &finding, "--deadline", "2026-02-30"];
    refused(&db, &edit, "2026-02-30", "2026-02-30");
    let list = ["list", "findings", "--since", "yesterday"];
    refused(&db, &list, "日期无效", "not a real date");
}

#[test]
fn an_unknown_topic_is_refused() {
    let db = Db::new();
    let (visit, finding) = recorded(&db);
    let add = [
        "finding",
        "add",
        "--visit",
        &visit,
        "--title",
        "选址未定",
        "--topic",
        "墓地管理",
    ];
    refused(&db, &add, "未知专题：墓地管理", "unknown topic: 墓地管理");
    let edit = [
        "finding", "edit", &finding, "--topic", "elderly", "--title", "改了",
    ];
    refused(&db, &edit, "未知专题：elderly", "unknown topic: elderly");
    refused(
        &db,
        &["list", "findings", "--topic", "nope"],
        "未知专题",
        "unknown topic",
    );
}

#[test]
fn a_visit_that_does_not_exist_is_refused() {
    let db = Db::new();
    recorded(&db);
    let ghost = uuid::Uuid::now_v7().to_string();
    let add = [
        "finding",
        "add",
        "--visit",
        &ghost,
        "--title",
        "护理员配备不足",
    ];
    refused(&db, &add, "找不到走访记录", "no visit with id");
    refused(
        &db,
        &["visit", "edit", &ghost, "--place", "x"],
        "找不到",
        &ghost,
    );
    refused(&db, &["visit", "delete", &ghost], "找不到", &ghost);
    refused(&db, &["show", &ghost], "找不到", &ghost);
    let junk = ["finding", "add", "--visit", "城西养老院", "--title", "x"];
    refused(&db, &junk, "不是有效的记录编号", "not a record id");
}

#[test]
fn an_empty_title_or_place_is_refused() {
    let db = Db::new();
    let (visit, finding) = recorded(&db);
    let add = ["finding", "add", "--visit", &visit, "--title", ""];
    refused(&db, &add, "标题不能为空", "title must not be empty");
    let spaces = ["finding", "edit", &finding, "--title", "   "];
    refused(&db, &spaces, "标题不能为空", "title must not be empty");
    let place = ["visit", "add", "--date", "2026-01-01", "--place", " "];
    refused(&db, &place, "走访地点不能为空", "place must not be empty");
}

#[test]
fn a_negative_count_is_refused() {
    let db = Db::new();
    let (visit, finding) = recorded(&db);
    let met = ["visit", "edit", &visit, "--people-met", "-3"];
    refused(
        &db,
        &met,
        "走访人数不能为负数",
        "people met must be 0 or more",
    );
    let affected = ["finding", "edit", &finding, "--people-affected", "-1"];
    refused(
        &db,
        &affected,
        "涉及人数不能为负数",
        "people affected must be 0 or more",
    );
    let add = [
        "visit",
        "add",
        "--date",
        "2026-01-01",
        "--place",
        "x",
        "--people-met",
        "-12",
    ];
    refused(&db, &add, "（-12）", "not -12");
}

#[test]
fn closing_a_problem_without_a_verifier_is_refused() {
    let db = Db::new();
    let (_, finding) = recorded(&db);
    let close = [
        "finding",
        "edit",
        &finding,
        "--status",
        "closed",
        "--closed-on",
        "2026-05-01",
    ];
    refused(
        &db,
        &close,
        "销号需要填写验收人",
        "needs the name of who verified it",
    );
    let no_date = [
        "finding",
        "edit",
        &finding,
        "--status",
        "已销号",
        "--verified-by",
        "王敏",
    ];
    refused(
        &db,
        &no_date,
        "销号需要填写销号日期",
        "needs a closing date",
    );
}

#[test]
fn unknown_kind_status_or_category_is_refused() {
    let db = Db::new();
    let (_, finding) = recorded(&db);
    refused(
        &db,
        &["finding", "edit", &finding, "--status", "done"],
        "未知的整改状态：done",
        "unknown status: done",
    );
    refused(
        &db,
        &["finding", "edit", &finding, "--kind", "问题2"],
        "未知的类型",
        "unknown kind",
    );
    refused(
        &db,
        &["list", "findings", "--category", "soon"],
        "未知的整改类别",
        "unknown category",
    );
}

/// Runs `args` against a file Zoufang must refuse, in both languages; the file keeps its bytes.
fn refused_file(path: &Path, args: &[&str], zh: &str, en: &str) {
    let bytes = std::fs::read(path).unwrap();
    for (lang, expected) in [("zh", zh), ("en", en)] {
        let out = zoufang()
            .arg("--db")
            .arg(path)
            .args(["--lang", lang])
            .args(args)
            .output()
            .unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert_eq!(err.lines().count(), 1, "{err:?}");
        assert!(err.contains(expected), "{err:?} lacks {expected:?}");
        let name = path.file_name().unwrap().to_str().unwrap();
        assert!(
            err.trim_end().ends_with(name),
            "names the file last: {err:?}"
        );
    }
    assert_eq!(std::fs::read(path).unwrap(), bytes, "the file changed");
    let wal = format!("{}-wal", path.display());
    assert!(!Path::new(&wal).exists());
}

#[test]
fn a_file_that_is_not_a_database_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("走访笔记.sqlite");
    std::fs::write(&path, "2026-03-02 城西养老院：护理员配备不足\n".repeat(100)).unwrap();
    let add = ["visit", "add", "--date", "2026-01-01", "--place", "x"];
    refused_file(&path, &add, "这不是走访数据库", "not a Zoufang database");
    refused_file(
        &path,
        &["list", "visits"],
        "这不是走访数据库",
        "not a Zoufang database",
    );
}

#[test]
fn a_database_from_a_newer_version_is_refused_untouched() {
    let db = Db::new();
    recorded(&db);
    {
        let store = Store::open(&db.path).unwrap();
        store
            .conn()
            .pragma_update(None, "user_version", 99)
            .unwrap();
    }
    let add = ["visit", "add", "--date", "2026-01-01", "--place", "x"];
    refused_file(&db.path, &add, "更新版本", "newer version of Zoufang");
    refused_file(
        &db.path,
        &["list", "findings", "--json"],
        "结构版本 99",
        "schema 99",
    );
}

#[test]
fn usage_errors_exit_2() {
    let db = Db::new();
    recorded(&db);
    let before = db.digest();
    for args in [
        &["frobnicate"][..],
        &["visit", "add", "--place", "城西养老院"],
        &[
            "visit",
            "add",
            "--date",
            "2026-01-01",
            "--place",
            "x",
            "--people-met",
            "many",
        ],
        &["list", "everything"],
        &["list", "visits", "--lang", "fr"],
        &["search"],
        &["finding", "add", "--title", "无走访"],
    ] {
        let out = db.cmd("en", args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(!stderr(&out).is_empty());
    }
    assert_eq!(db.digest(), before);
}

#[test]
fn help_and_version_succeed() {
    let out = zoufang().arg("--help").output().unwrap();
    assert!(out.status.success());
    for word in [
        "visit", "finding", "list", "search", "demo", "--db", "--json", "--lang",
    ] {
        assert!(stdout(&out).contains(word), "{word}");
    }
    assert!(
        zoufang()
            .arg("--version")
            .output()
            .unwrap()
            .status
            .success()
    );
}

#[test]
fn a_database_path_that_cannot_be_made_names_the_folder() {
    let db = Db::new();
    recorded(&db);
    // A database "inside" a file: its folder cannot be created.
    let inside = db.path.join("zoufang.sqlite");
    let out = zoufang()
        .arg("--db")
        .arg(&inside)
        .args(["--lang", "en", "list", "visits"])
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_eq!(err.lines().count(), 1, "{err:?}");
    assert!(
        err.trim_end().ends_with(db.path.to_str().unwrap()),
        "names the folder last: {err:?}"
    );
}

#[test]
fn show_prints_the_record_and_its_history_in_the_users_language() {
    let db = Db::new();
    let (_, finding) = recorded(&db);
    db.ok(&["finding", "edit", &finding, "--owner", "张伟"]);
    let zh = stdout(&db.cmd("zh", &["show", &finding]));
    assert!(zh.starts_with("发现\n"), "{zh}");
    assert!(zh.contains("title: 护理员配备不足"));
    assert!(zh.contains("修改记录："));
    // Each change with its values before → after.
    assert!(zh.contains("新建") && zh.contains("修改"), "{zh}");
    assert!(zh.contains("责任人：— → 张伟"), "{zh}");
    let en = stdout(&db.cmd("en", &["show", &finding]));
    assert!(en.contains("History:") && en.contains("created") && en.contains("changed"));
    assert!(en.contains("owner: — → 张伟"), "{en}");
}

#[test]
fn topic_subject_and_author_mistakes_are_refused() {
    let db = Db::new();
    let (visit, _) = recorded(&db);
    refused(
        &db,
        &["topic", "add", "--code", "funeral", "--zh", "重复"],
        "专题代码“funeral”已存在",
        "a topic with code funeral already exists",
    );
    refused(
        &db,
        &["topic", "add", "--code", "Bad Code", "--zh", "坏"],
        "只能包含小写字母",
        "may hold only lowercase letters",
    );
    refused(
        &db,
        &[
            "topic", "add", "--code", "x1", "--zh", "子", "--parent", "nope",
        ],
        "未知专题：nope",
        "unknown topic: nope",
    );
    refused(
        &db,
        &[
            "subject",
            "add",
            "--title",
            "课题",
            "--start",
            "2026-05-01",
            "--end",
            "2026-04-01",
        ],
        "结束日期早于开始日期",
        "the end date is before the start date",
    );
    let ghost = uuid::Uuid::now_v7().to_string();
    refused(
        &db,
        &["visit", "edit", &visit, "--subject", &ghost],
        "找不到调研课题",
        "no subject with id",
    );
    refused(
        &db,
        &["author", " "],
        "姓名不能为空",
        "name must not be empty",
    );
}

#[test]
fn a_reader_that_stops_early_does_not_make_the_command_fail() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("pipe.sqlite");
    let exe = env!("CARGO_BIN_EXE_zoufang");
    let status = Command::new(exe)
        .args(["--db", db.to_str().unwrap(), "demo", "--visits", "300"])
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let mut child = Command::new(exe)
        .args(["--db", db.to_str().unwrap(), "--json", "list", "findings"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert_eq!(first.trim(), "[");
    // The reader is gone (like `| head -1`); the command must end quietly.
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "{output:?}");
    assert!(!String::from_utf8_lossy(&output.stderr).contains("panicked"));
}

#[test]
fn history_names_a_visits_subject_by_its_title_not_its_id() {
    let db = Db::new();
    let subject = db.json(&["subject", "add", "--title", "殡葬工作现状、堵点与出路"])["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let visit = db.json(&[
        "visit",
        "add",
        "--date",
        "2026-03-02",
        "--place",
        "城郊公益性公墓",
    ])["id"]
        .as_str()
        .unwrap()
        .to_owned();
    db.ok(&["visit", "edit", &visit, "--subject", &subject]);
    let out = stdout(&db.cmd("zh", &["show", &visit]));
    assert!(
        out.contains("调研课题：— → 殡葬工作现状、堵点与出路"),
        "{out}"
    );
    let history = out.split("修改记录").nth(1).unwrap();
    assert!(!history.contains(&subject), "no id in the history: {out}");
}
