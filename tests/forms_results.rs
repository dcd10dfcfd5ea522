//! Form results and exports (issue 12 items 8 and 12): counts per choice, select_multiple
//! counted per choice, number statistics, the KoboToolbox-style XLSX (responses, repeats joined
//! by the response id, results) and CSV (BOM, formulas neutralised), read back as a user would.

#![allow(clippy::unwrap_used)]

mod common;
#[path = "forms_results/fixture.rs"]
mod fixture;

use calamine::{Data, DataType, Reader, Xlsx};
use chrono::NaiveDate;
use common::{zoufang, zoufang_in};
use fixture::{Table, answers, column, day, form, responses, sheet, stored, workbook};
use serde_json::Value;
use std::io::Cursor;
use zoufang::forms::record::{import_builtin, import_bytes};
use zoufang::forms::response::{add_response, answers_of};
use zoufang::forms::results::{FormResults, results};
use zoufang::forms::results_store::{repeat_depth, stored_export_responses, stored_results};
use zoufang::forms::{Answer, Answers, answers_from_json, write_csv, write_xlsx};
use zoufang::i18n::Lang;
use zoufang::model::{Visit, builtin_topic_id};
use zoufang::report::SummaryFilter;
use zoufang::store::{Store, VisitFilter};

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

// ---------------------------------------------------------------------------------------------
// Over the database: the same results counted in SQL, the summary's filters, the CLI.

fn filter(f: impl FnOnce(&mut SummaryFilter)) -> VisitFilter {
    let mut filter = SummaryFilter::default();
    f(&mut filter);
    filter.visit_filter()
}

#[test]
fn sql_results_equal_the_in_memory_results_and_filters_narrow_them() {
    let mut store = Store::open_in_memory().unwrap();
    let (def, _) = stored(&mut store);
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
    let subject = {
        let mut store = Store::open(&db).unwrap();
        stored(&mut store).1
    };
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
    // Every question has the same four keys; what does not apply is null.
    for q in json["questions"].as_array().unwrap() {
        assert_eq!(json_keys(q), ["counts", "name", "stats", "type"]);
    }
    assert_eq!(question("hazards")["type"], "select_multiple");
    assert_eq!(question("hazards")["counts"]["wires"], 2);
    assert!(question("hazards")["stats"].is_null());
    assert!(question("beds")["counts"].is_null());
    assert_eq!(
        json_keys(&question("beds")["stats"]),
        ["max", "mean", "min", "n"]
    );
    assert_eq!(question("beds")["stats"]["mean"], 26.0);
    // The summary's filters narrow the responses.
    assert_eq!(run_json(&["--region", "芙蓉区"])["responses"], 2);
    assert_eq!(run_json(&["--until", "2026-03-31"])["responses"], 1);
    assert_eq!(run_json(&["--topic", "养老服务"])["responses"], 1);
    let subject = subject.to_string();
    let of_subject = run_json(&["--subject", &subject]);
    assert_eq!(of_subject["responses"], 1);
    assert_eq!(of_subject["questions"][0]["counts"]["no"], 1);

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

#[test]
fn nested_repeats_count_over_every_row_and_join_to_their_parent_row() {
    let survey: Table<'_> = &[
        &["type", "name", "label"],
        &["begin_repeat", "buildings", "Buildings"],
        &["text", "b_name", "Building"],
        &["begin_repeat", "floors", "Floors"],
        &["integer", "extinguishers", "Extinguishers"],
        &["select_one yn", "alarm_ok", "Alarm works"],
        &["end_repeat", "", ""],
        &["end_repeat", "", ""],
    ];
    let choices: Table<'_> = &[
        &["list_name", "name", "label"],
        &["yn", "yes", "Yes"],
        &["yn", "no", "No"],
    ];
    let settings: Table<'_> = &[
        &["form_title", "form_id"],
        &["Buildings", "buildings_check"],
    ];
    let bytes = workbook(&[
        ("survey", survey),
        ("choices", choices),
        ("settings", settings),
    ]);
    let floor = |n: &str, ok: &str| answers(&[("extinguishers", n), ("alarm_ok", ok)]);
    let building = |name: &str, floors: Vec<Answers>| {
        let mut b = answers(&[("b_name", name)]);
        b.insert("floors".into(), Answer::Rows(floors));
        b
    };
    let mut response = Answers::new();
    response.insert(
        "buildings".into(),
        Answer::Rows(vec![
            building("A", vec![floor("2", "yes"), floor("4", "no")]),
            building("B", vec![floor("6", "no")]),
        ]),
    );

    let mut store = Store::open_in_memory().unwrap();
    store.set_author("张伟").unwrap();
    let form = import_bytes(&mut store, &bytes, "buildings_check", None)
        .unwrap()
        .form;
    let visit = Visit::new(day(2026, 6, 1), "城东敬老院");
    store.save_visit(&visit).unwrap();
    let now = day(2026, 6, 1).and_hms_opt(10, 0, 0).unwrap();
    add_response(&mut store, &form, visit.id, response.clone(), now).unwrap();

    let def = &form.definition;
    let r = stored_results(&store, def, &VisitFilter::default()).unwrap();
    assert_eq!(r, results(def, &[response]));
    let alarm = r.questions.iter().find(|q| q.name == "alarm_ok").unwrap();
    let alarm = alarm.counts.clone().unwrap();
    assert_eq!((alarm["yes"], alarm["no"]), (1, 2));
    let ext = r
        .questions
        .iter()
        .find(|q| q.name == "extinguishers")
        .unwrap();
    assert_eq!(ext.stats.clone().unwrap().mean, Some(4.0));

    let exported = stored_export_responses(&store, def, &VisitFilter::default()).unwrap();
    let bytes = write_xlsx(def, &exported, &r, Lang::En).unwrap();
    // The repeat keeps its name; the responses sheet, titled like it, gives way.
    let book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes.clone())).unwrap();
    assert_eq!(
        book.sheet_names(),
        ["Buildings (2)", "buildings", "floors", "results"]
    );
    let buildings = sheet(&bytes, "buildings");
    let floors = sheet(&bytes, "floors");
    let index_of = |name: &str| -> f64 {
        let row = buildings[2..]
            .iter()
            .find(|row| row[column(&buildings, "b_name")] == name)
            .unwrap();
        row[column(&buildings, "_index")].as_f64().unwrap()
    };
    let by_parent: Vec<(String, f64, f64)> = floors[2..]
        .iter()
        .map(|row| {
            (
                row[column(&floors, "_parent_table_name")].to_string(),
                row[column(&floors, "_parent_index")].as_f64().unwrap(),
                row[column(&floors, "extinguishers")].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        by_parent,
        [
            ("buildings".into(), index_of("A"), 2.0),
            ("buildings".into(), index_of("A"), 4.0),
            ("buildings".into(), index_of("B"), 6.0)
        ]
    );
}

#[test]
fn a_form_without_repeats_counts_the_same_in_sql() {
    let mut store = Store::open_in_memory().unwrap();
    store.set_author("张伟").unwrap();
    let form = import_builtin(&mut store, "care_home_safety", None)
        .unwrap()
        .form;
    assert_eq!(repeat_depth(&form.definition.questions), 0);
    let json: Value = serde_json::from_str(
        &std::fs::read_to_string("tests/fixtures/forms/elderly-care-answers.json").unwrap(),
    )
    .unwrap();
    let visit = Visit::new(day(2026, 6, 1), "幸福里养老院");
    store.save_visit(&visit).unwrap();
    let now = day(2026, 6, 1).and_hms_opt(10, 0, 0).unwrap();
    let mut saved = Vec::new();
    for residents in ["120", "80"] {
        let mut answers = answers_from_json(&json).unwrap();
        answers.insert("residents".into(), Answer::Text(residents.into()));
        let id = add_response(&mut store, &form, visit.id, answers, now)
            .unwrap()
            .id;
        saved.push(answers_of(&store, id).unwrap().answers);
    }
    let def = &form.definition;
    let r = stored_results(&store, def, &VisitFilter::default()).unwrap();
    assert_eq!(r, results(def, &saved));
    let residents = r.questions.iter().find(|q| q.name == "residents").unwrap();
    assert_eq!(residents.stats.clone().unwrap().mean, Some(100.0));
}
