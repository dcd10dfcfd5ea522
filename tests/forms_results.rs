//! Form results and exports (issue 12 items 8 and 12): counts per choice, select_multiple
//! counted per choice, number statistics, the KoboToolbox-style XLSX (responses, repeats joined
//! by the response id, results) and CSV (BOM, formulas neutralised), read back as a user would.

#![allow(clippy::unwrap_used)]

use calamine::{Data, DataType, Reader, Xlsx};
use chrono::NaiveDate;
use rust_xlsxwriter::Workbook;
use std::io::Cursor;
use zoufang::forms::results::results;
use zoufang::forms::{
    Answer, Answers, ExportResponse, FormDefinition, read_workbook, write_csv, write_xlsx,
};
use zoufang::i18n::Lang;

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
fn form() -> FormDefinition {
    let survey: Table<'_> = &[
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
    let choices: Table<'_> = &[
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
    let settings: Table<'_> = &[&["form_title", "form_id"], &["养老院检查", "inspection"]];
    read_workbook(
        workbook(&[
            ("survey", survey),
            ("choices", choices),
            ("settings", settings),
        ]),
        "inspection",
    )
    .unwrap()
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
