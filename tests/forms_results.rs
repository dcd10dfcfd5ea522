//! Form results and exports (issue 12 items 8 and 12): counts per choice, select_multiple
//! counted per choice, number statistics, the KoboToolbox-style XLSX (responses, repeats joined
//! by the response id, results) and CSV (BOM, formulas neutralised), read back as a user would.

#![allow(clippy::unwrap_used)]

mod common;

use calamine::{Data, DataType, Reader, Xlsx};
use chrono::NaiveDate;
use common::{zoufang, zoufang_in};
use rust_xlsxwriter::Workbook;
use serde_json::Value;
use std::io::Cursor;
use zoufang::forms::record::import_bytes;
use zoufang::forms::response::add_response;
use zoufang::forms::results::{FormResults, results};
use zoufang::forms::results_store::{stored_export_responses, stored_results};
use zoufang::forms::{
    Answer, Answers, ExportResponse, FormDefinition, read_workbook, write_csv, write_xlsx,
};
use zoufang::i18n::Lang;
use zoufang::model::{Finding, Visit, builtin_topic_id};
use zoufang::report::SummaryFilter;
use zoufang::store::{Store, VisitFilter};

type Table<'a> = &'a [&'a [&'a str]];

/// An .xlsx holding `sheets`, each a table whose first row is the header.
fn workbook(sheets: &[(&str, Table<'_>)]) -> Vec<u8> {
    let mut book = Workbook::new();
    for (name, rows) in sheets {
        let ws = book.add_worksheet();
        ws.set_name(*name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                if !cell.is_empty() {
                    ws.write_string(r as u32, c as u16, *cell).unwrap();
                }
            }
        }
    }
    book.save_to_buffer().unwrap()
}

/// A small inspection form: a group, a select_one, a select_multiple, numbers, a date and a
/// repeat of rooms.
const SURVEY: Table<'_> = &[
    &["type", "name", "label::中文 (zh)", "label::English (en)"],
    &["begin_group", "basics", "基本情况", "Basics"],
    &[
        "select_one yn",
        "exits_clear",
        "安全出口畅通",
        "Exits clear",
    ],
    &["integer", "beds", "床位数", "Beds"],
    &["end_group", "", "", ""],
    &["select_multiple hazard", "hazards", "隐患", "Hazards"],
    &["decimal", "score", "评分", "Score"],
    &["date", "checked_on", "检查日期", "Checked on"],
    &["text", "remark", "备注", "Remark"],
    &["note", "thanks", "谢谢", "Thanks"],
    &["begin_repeat", "rooms", "房间", "Rooms"],
    &["text", "room_no", "房间号", "Room"],
    &["integer", "occupants", "入住人数", "Occupants"],
    &["end_repeat", "", "", ""],
];
const CHOICES: Table<'_> = &[
    &[
        "list_name",
        "name",
        "label::中文 (zh)",
        "label::English (en)",
    ],
    &["yn", "yes", "是", "Yes"],
    &["yn", "no", "否", "No"],
    &["hazard", "wires", "电线老化", "Old wiring"],
    &["hazard", "stoves", "违规用火", "Open fire"],
    &["hazard", "exits", "通道堵塞", "Blocked exits"],
];
const SETTINGS: Table<'_> = &[&["form_title", "form_id"], &["养老院检查", "inspection"]];

fn form_bytes() -> Vec<u8> {
    workbook(&[
        ("survey", SURVEY),
        ("choices", CHOICES),
        ("settings", SETTINGS),
    ])
}

fn form() -> FormDefinition {
    read_workbook(form_bytes(), "inspection").unwrap()
}

fn answers(pairs: &[(&str, &str)]) -> Answers {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), Answer::Text((*v).to_owned())))
        .collect()
}

fn rooms(rows: &[(&str, &str)]) -> Answer {
    Answer::Rows(
        rows.iter()
            .map(|(no, n)| answers(&[("room_no", no), ("occupants", n)]))
            .collect(),
    )
}

fn responses() -> Vec<ExportResponse> {
    let mut first = answers(&[
        ("exits_clear", "yes"),
        ("beds", "40"),
        ("hazards", "wires stoves"),
        ("score", "7.5"),
        ("checked_on", "2026-11-03"),
        ("remark", "=HYPERLINK(\"http://x\")"),
    ]);
    first.insert("rooms".into(), rooms(&[("101", "2"), ("102", "3")]));
    let mut second = answers(&[
        ("exits_clear", "no"),
        ("beds", "12"),
        ("hazards", "wires"),
        ("score", "4"),
    ]);
    second.insert("rooms".into(), rooms(&[("A1", "1")]));
    let third = answers(&[("exits_clear", "no")]);
    [first, second, third]
        .into_iter()
        .enumerate()
        .map(|(i, answers)| ExportResponse {
            id: format!("resp-{}", i + 1),
            visit_id: format!("visit-{}", i + 1),
            date: NaiveDate::from_ymd_opt(2026, 11, i as u32 + 1),
            investigators: "张三".into(),
            complete: i != 2,
            answers,
        })
        .collect()
}

fn sheet(bytes: &[u8], name: &str) -> Vec<Vec<Data>> {
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes.to_vec())).unwrap();
    let range = book.worksheet_range(name).unwrap();
    range.rows().map(<[Data]>::to_vec).collect()
}

fn column(rows: &[Vec<Data>], name: &str) -> usize {
    rows[1]
        .iter()
        .position(|c| *c == name)
        .unwrap_or_else(|| panic!("no column {name} in {:?}", rows[1]))
}

#[test]
fn results_count_choices_per_pick_and_number_stats() {
    let def = form();
    let all: Vec<Answers> = responses().into_iter().map(|r| r.answers).collect();
    let r = results(&def, &all);
    assert_eq!(r.responses, 3);
    let q = |name: &str| r.questions.iter().find(|q| q.name == name).unwrap();
    let exits = q("exits_clear").counts.clone().unwrap();
    assert_eq!((exits["yes"], exits["no"]), (1, 2));
    let hazards = q("hazards").counts.clone().unwrap();
    assert_eq!(
        (hazards["wires"], hazards["stoves"], hazards["exits"]),
        (2, 1, 0)
    );
    let beds = q("beds").stats.clone().unwrap();
    assert_eq!(
        (beds.n, beds.min, beds.max, beds.mean),
        (2, Some(12.0), Some(40.0), Some(26.0))
    );
    let occupants = q("occupants").stats.clone().unwrap();
    assert_eq!((occupants.n, occupants.mean), (3, Some(2.0)));
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(json["questions"][0]["name"], "exits_clear");
    assert_eq!(json["questions"][0]["type"], "select_one");
}

#[test]
fn xlsx_has_labels_names_typed_values_and_choice_columns() {
    let def = form();
    let rs = responses();
    let all: Vec<Answers> = rs.iter().map(|r| r.answers.clone()).collect();
    let bytes = write_xlsx(&def, &rs, &results(&def, &all), Lang::Zh).unwrap();
    let book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes.clone())).unwrap();
    assert_eq!(book.sheet_names(), ["养老院检查", "rooms", "结果"]);

    let rows = sheet(&bytes, "养老院检查");
    // Labels in the user's language, then the names; groups flattened, notes and repeats left out.
    let names: Vec<String> = rows[1].iter().map(ToString::to_string).collect();
    assert_eq!(
        names[..9],
        [
            "exits_clear",
            "beds",
            "hazards",
            "hazards/wires",
            "hazards/stoves",
            "hazards/exits",
            "score",
            "checked_on",
            "remark"
        ]
    );
    assert_eq!(rows[0][0].to_string(), "安全出口畅通");
    assert_eq!(rows[0][4].to_string(), "隐患/违规用火");
    assert!(names.contains(&"_id".to_owned()) && !names.contains(&"thanks".to_owned()));
    assert_eq!(rows.len(), 2 + 3);
    let first = &rows[2];
    assert_eq!(first[column(&rows, "beds")], Data::Float(40.0));
    assert_eq!(first[column(&rows, "hazards")].to_string(), "wires stoves");
    assert_eq!(first[column(&rows, "hazards/wires")], Data::Float(1.0));
    assert_eq!(first[column(&rows, "hazards/exits")], Data::Float(0.0));
    assert_eq!(first[column(&rows, "score")], Data::Float(7.5));
    match &first[column(&rows, "checked_on")] {
        Data::DateTime(d) => assert_eq!(
            d.as_datetime().unwrap().date(),
            NaiveDate::from_ymd_opt(2026, 11, 3).unwrap()
        ),
        other => panic!("the date is not a date: {other:?}"),
    }
    // Formula-like text stays text.
    assert_eq!(
        first[column(&rows, "remark")],
        Data::String("=HYPERLINK(\"http://x\")".into())
    );
    assert_eq!(first[column(&rows, "_id")].to_string(), "resp-1");
    // An unanswered select_multiple leaves its choice columns empty, not 0.
    assert_eq!(rows[4][column(&rows, "hazards/wires")], Data::Empty);
    assert_eq!(rows[4][column(&rows, "_complete")], Data::Bool(false));
}

#[test]
fn repeat_sheet_joins_by_response_id() {
    let def = form();
    let rs = responses();
    let bytes = write_xlsx(&def, &rs, &results(&def, &[]), Lang::En).unwrap();
    let rows = sheet(&bytes, "rooms");
    assert_eq!(rows[0][0].to_string(), "Room");
    let joined: Vec<(String, String, f64)> = rows[2..]
        .iter()
        .map(|r| {
            (
                r[column(&rows, "_submission__id")].to_string(),
                r[column(&rows, "room_no")].to_string(),
                r[column(&rows, "_parent_index")].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        joined,
        [
            ("resp-1".into(), "101".into(), 1.0),
            ("resp-1".into(), "102".into(), 1.0),
            ("resp-2".into(), "A1".into(), 2.0)
        ]
    );
    assert_eq!(
        rows[2][column(&rows, "_parent_table_name")].to_string(),
        "inspection"
    );
    assert_eq!(rows[4][column(&rows, "occupants")], Data::Float(1.0));
}

#[test]
fn results_sheet_counts_choices_and_numbers() {
    let def = form();
    let rs = responses();
    let all: Vec<Answers> = rs.iter().map(|r| r.answers.clone()).collect();
    let bytes = write_xlsx(&def, &rs, &results(&def, &all), Lang::En).unwrap();
    let rows = sheet(&bytes, "results");
    assert!(
        rows[0][0].to_string().contains("3 responses"),
        "{:?}",
        rows[0]
    );
    let find = |name: &str, choice: &str| {
        rows.iter()
            .find(|r| r[0] == name && (r[3] == choice || choice.is_empty() && r[3] == Data::Empty))
            .unwrap_or_else(|| panic!("no row {name} {choice}"))
            .clone()
    };
    assert_eq!(find("hazards", "wires")[5], Data::Float(2.0));
    assert_eq!(find("hazards", "exits")[5], Data::Float(0.0));
    assert_eq!(find("hazards", "stoves")[4].to_string(), "Open fire");
    let beds = find("beds", "");
    assert_eq!(
        (&beds[6], &beds[7], &beds[8], &beds[9]),
        (
            &Data::Float(2.0),
            &Data::Float(12.0),
            &Data::Float(40.0),
            &Data::Float(26.0)
        )
    );
}

#[test]
fn csv_starts_with_bom_and_neutralises_formulas() {
    let def = form();
    let csv = write_csv(&def, &responses());
    assert!(csv.starts_with('\u{feff}'));
    let mut lines = csv.trim_start_matches('\u{feff}').split("\r\n");
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(
        header[..4],
        ["exits_clear", "beds", "hazards", "hazards/wires"]
    );
    let first = lines.next().unwrap();
    assert!(
        first.starts_with("yes,40,wires stoves,1,1,0,7.5,2026-11-03,"),
        "{first}"
    );
    assert!(
        first.contains("\"'=HYPERLINK(\"\"http://x\"\")\""),
        "{first}"
    );
    assert!(
        first.contains("resp-1,visit-1,2026-11-01,张三,1,1"),
        "{first}"
    );
    assert_eq!(csv.matches("\r\n").count(), 4);
}

/// Writes the example export to $ZOUFANG_EXPORT_SAMPLE for checking by hand (LibreOffice,
/// openpyxl); does nothing without it.
#[test]
fn sample_export_for_hand_checks() {
    let Ok(dir) = std::env::var("ZOUFANG_EXPORT_SAMPLE") else {
        return;
    };
    let def = form();
    let rs = responses();
    let all: Vec<Answers> = rs.iter().map(|r| r.answers.clone()).collect();
    let bytes = write_xlsx(&def, &rs, &results(&def, &all), Lang::Zh).unwrap();
    std::fs::write(format!("{dir}/sample.xlsx"), bytes).unwrap();
    std::fs::write(format!("{dir}/sample.csv"), write_csv(&def, &rs)).unwrap();
}

// ---------------------------------------------------------------------------------------------
// Over the database: the same results counted in SQL, the summary's filters, the CLI.

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// The inspection form and responses on four visits:
///
/// | visit | date  | region           | who  | responses                      |
/// |-------|-------|------------------|------|--------------------------------|
/// | V1    | 03-01 | 芙蓉区东湖街道   | 张伟 | R1 (V1 has a finding under 养老) |
/// | V2    | 04-10 | 长沙县黄花镇     | 王强 | R2, and R3 deleted             |
/// | V3    | 05-05 | 芙蓉区马王堆街道 | 李娜 | R3                             |
/// | V4    | 05-20 | 望城区 (deleted) | 王强 | R1                             |
///
/// so the live responses in scope are exactly `responses()`.
fn stored(store: &mut Store) -> FormDefinition {
    store.set_author("张伟").unwrap();
    let form = import_bytes(store, &form_bytes(), "inspection", None)
        .unwrap()
        .form;
    let mut visits = Vec::new();
    for (date, region, who) in [
        (day(2026, 3, 1), "芙蓉区东湖街道", "张伟"),
        (day(2026, 4, 10), "长沙县黄花镇", "王强"),
        (day(2026, 5, 5), "芙蓉区马王堆街道", "李娜"),
        (day(2026, 5, 20), "望城区", "王强"),
    ] {
        let mut v = Visit::new(date, format!("{region}养老院"));
        v.region = region.to_owned();
        v.investigators = vec![who.to_owned()];
        store.save_visit(&v).unwrap();
        visits.push(v);
    }
    let mut f = Finding::new(visits[0].id, "消防通道堵塞");
    f.topics = vec![builtin_topic_id(1)];
    store.save_finding(&f).unwrap();
    let now = day(2026, 11, 2).and_hms_opt(9, 0, 0).unwrap();
    let r = responses();
    let mut add = |visit: usize, response: usize| {
        add_response(
            store,
            &form,
            visits[visit].id,
            r[response].answers.clone(),
            now,
        )
        .unwrap()
        .id
    };
    add(0, 0);
    add(1, 1);
    let gone = add(1, 2);
    add(2, 2);
    add(3, 0);
    store.delete(&gone.to_string()).unwrap();
    store.delete(&visits[3].id.to_string()).unwrap();
    form.definition
}

fn filter(f: impl FnOnce(&mut SummaryFilter)) -> VisitFilter {
    let mut filter = SummaryFilter::default();
    f(&mut filter);
    filter.visit_filter()
}

#[test]
fn sql_results_equal_the_in_memory_results_and_filters_narrow_them() {
    let mut store = Store::open_in_memory().unwrap();
    let def = stored(&mut store);
    let all: Vec<Answers> = responses().into_iter().map(|r| r.answers).collect();
    let everything = stored_results(&store, &def, &VisitFilter::default()).unwrap();
    assert_eq!(everything, results(&def, &all));
    assert_eq!(everything.responses, 3);

    let counts = |r: &FormResults, name: &str| {
        r.questions
            .iter()
            .find(|q| q.name == name)
            .and_then(|q| q.counts.clone())
            .unwrap()
    };
    let stats = |r: &FormResults, name: &str| {
        r.questions
            .iter()
            .find(|q| q.name == name)
            .and_then(|q| q.stats.clone())
            .unwrap()
    };
    // Region: V1 and V3.
    let r = stored_results(&store, &def, &filter(|f| f.region = Some("芙蓉区".into()))).unwrap();
    assert_eq!(r.responses, 2);
    assert_eq!(counts(&r, "exits_clear")["yes"], 1);
    assert_eq!(counts(&r, "exits_clear")["no"], 1);
    assert_eq!(stats(&r, "beds").n, 1);
    assert_eq!(stats(&r, "occupants").mean, Some(2.5));
    // Topic: the visit with a finding under 养老 (V1).
    let r = stored_results(
        &store,
        &def,
        &filter(|f| f.topics = vec![builtin_topic_id(1)]),
    )
    .unwrap();
    assert_eq!(r.responses, 1);
    assert_eq!(counts(&r, "hazards")["stoves"], 1);
    assert_eq!(counts(&r, "hazards")["exits"], 0);
    // Period: V2 and V3.
    let r = stored_results(&store, &def, &filter(|f| f.since = Some(day(2026, 4, 1)))).unwrap();
    assert_eq!(r.responses, 2);
    assert_eq!(counts(&r, "exits_clear")["no"], 2);
    assert_eq!(stats(&r, "score").max, Some(4.0));
    // Investigator: V2, whose second response is in the Trash (and V4 is deleted).
    let r = stored_results(
        &store,
        &def,
        &filter(|f| f.investigator = Some("王强".into())),
    )
    .unwrap();
    assert_eq!(r.responses, 1);
    assert_eq!(counts(&r, "hazards")["wires"], 1);

    // The export reads the same responses back, answers and repeats included.
    let exported = stored_export_responses(&store, &def, &VisitFilter::default()).unwrap();
    assert_eq!(exported.len(), 3);
    assert_eq!(exported[0].date, Some(day(2026, 3, 1)));
    assert_eq!(exported[0].investigators, "张伟");
    assert_eq!(exported[0].answers["rooms"], all[0]["rooms"]);
}

fn json_keys(v: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    keys
}

#[test]
fn cli_form_results_prints_and_exports_with_filters() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db.sqlite");
    {
        let mut store = Store::open(&db).unwrap();
        stored(&mut store);
    }
    let run_json = |extra: &[&str]| -> Value {
        let out = zoufang(&db)
            .args(["--json", "form", "results", "inspection"])
            .args(extra)
            .assert()
            .success();
        serde_json::from_slice(&out.get_output().stdout).unwrap()
    };
    let json = run_json(&[]);
    assert_eq!(json_keys(&json), ["questions", "responses"]);
    assert_eq!(json["responses"], 3);
    let question = |name: &str| -> Value {
        json["questions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|q| q["name"] == name)
            .unwrap()
            .clone()
    };
    assert_eq!(json_keys(&question("hazards")), ["counts", "name", "type"]);
    assert_eq!(question("hazards")["type"], "select_multiple");
    assert_eq!(question("hazards")["counts"]["wires"], 2);
    assert_eq!(json_keys(&question("beds")), ["name", "stats", "type"]);
    assert_eq!(
        json_keys(&question("beds")["stats"]),
        ["max", "mean", "min", "n"]
    );
    assert_eq!(question("beds")["stats"]["mean"], 26.0);
    // The summary's filters narrow the responses.
    assert_eq!(run_json(&["--region", "芙蓉区"])["responses"], 2);
    assert_eq!(run_json(&["--until", "2026-03-31"])["responses"], 1);
    assert_eq!(run_json(&["--topic", "养老服务"])["responses"], 1);

    // Text, in the user's language.
    let out = zoufang_in(&db, "zh")
        .args(["form", "results", "inspection"])
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(
        text.contains("共 3 份回答") && text.contains("安全出口畅通"),
        "{text}"
    );
    assert!(
        text.contains("电线老化") && text.contains("平均 26"),
        "{text}"
    );

    // CSV with its BOM; files never replaced unasked.
    let csv = dir.path().join("inspection.csv");
    let arg = csv.to_str().unwrap();
    zoufang(&db)
        .args([
            "form",
            "results",
            "inspection",
            "--format",
            "csv",
            "--out",
            arg,
        ])
        .assert()
        .success();
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(
        text.starts_with("\u{feff}exits_clear,beds,hazards,"),
        "{text}"
    );
    assert_eq!(text.lines().count(), 4);
    zoufang(&db)
        .args([
            "form",
            "results",
            "inspection",
            "--format",
            "csv",
            "--out",
            arg,
        ])
        .assert()
        .failure();
    zoufang(&db)
        .args([
            "form",
            "results",
            "inspection",
            "--format",
            "csv",
            "--out",
            arg,
        ])
        .args(["--force", "--investigator", "李娜"])
        .assert()
        .success();
    assert_eq!(std::fs::read_to_string(&csv).unwrap().lines().count(), 2);

    // XLSX needs a file; its repeat sheet is joined by the response id.
    zoufang(&db)
        .args(["form", "results", "inspection", "--format", "xlsx"])
        .assert()
        .failure();
    let xlsx = dir.path().join("inspection.xlsx");
    zoufang(&db)
        .args(["form", "results", "inspection", "--format", "xlsx", "--out"])
        .arg(&xlsx)
        .assert()
        .success();
    let bytes = std::fs::read(&xlsx).unwrap();
    let main = sheet(&bytes, "养老院检查");
    let rooms = sheet(&bytes, "rooms");
    let first_id = main[2][column(&main, "_id")].to_string();
    let joined: Vec<String> = rooms[2..]
        .iter()
        .filter(|r| r[column(&rooms, "_submission__id")] == first_id.as_str())
        .map(|r| r[column(&rooms, "room_no")].to_string())
        .collect();
    assert_eq!(joined, ["101", "102"]);
    assert_eq!(rooms.len(), 2 + 3);
    assert!(
        sheet(&bytes, "results")[0][0]
            .to_string()
            .contains("3 responses")
    );
}
