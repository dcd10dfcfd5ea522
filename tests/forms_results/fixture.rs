//! The fixtures of tests/forms_results.rs: a small inspection form, three responses to it, the
//! same responses stored on visits of a database, and reading sheets back.

use calamine::{Data, Reader, Xlsx};
use chrono::NaiveDate;
use rust_xlsxwriter::Workbook;
use std::io::Cursor;
use zoufang::forms::record::import_bytes;
use zoufang::forms::response::add_response;
use zoufang::forms::{Answer, Answers, ExportResponse, FormDefinition, read_workbook};
use zoufang::model::{Finding, Subject, SubjectId, Visit, builtin_topic_id};
use zoufang::store::Store;

pub type Table<'a> = &'a [&'a [&'a str]];

/// An .xlsx holding `sheets`, each a table whose first row is the header.
pub fn workbook(sheets: &[(&str, Table<'_>)]) -> Vec<u8> {
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
pub const SURVEY: Table<'_> = &[
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
pub const CHOICES: Table<'_> = &[
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
pub const SETTINGS: Table<'_> = &[&["form_title", "form_id"], &["养老院检查", "inspection"]];

pub fn form_bytes() -> Vec<u8> {
    workbook(&[
        ("survey", SURVEY),
        ("choices", CHOICES),
        ("settings", SETTINGS),
    ])
}

pub fn form() -> FormDefinition {
    read_workbook(form_bytes(), "inspection").unwrap()
}

pub fn answers(pairs: &[(&str, &str)]) -> Answers {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), Answer::Text((*v).to_owned())))
        .collect()
}

pub fn rooms(rows: &[(&str, &str)]) -> Answer {
    Answer::Rows(
        rows.iter()
            .map(|(no, n)| answers(&[("room_no", no), ("occupants", n)]))
            .collect(),
    )
}

pub fn responses() -> Vec<ExportResponse> {
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

pub fn sheet(bytes: &[u8], name: &str) -> Vec<Vec<Data>> {
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes.to_vec())).unwrap();
    let range = book.worksheet_range(name).unwrap();
    range.rows().map(<[Data]>::to_vec).collect()
}

pub fn column(rows: &[Vec<Data>], name: &str) -> usize {
    rows[1]
        .iter()
        .position(|c| *c == name)
        .unwrap_or_else(|| panic!("no column {name} in {:?}", rows[1]))
}

pub fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// The inspection form and responses on four visits:
///
/// | visit | date  | region           | who  | responses                      |
/// |-------|-------|------------------|------|--------------------------------|
/// | V1    | 03-01 | 芙蓉区东湖街道   | 张伟 | R1 (V1 has a finding under 养老) |
/// | V2    | 04-10 | 长沙县黄花镇     | 王强 | R2, and R3 deleted             |
/// | V3    | 05-05 | 芙蓉区马王堆街道 | 李娜 | R3 (V3 belongs to the subject returned) |
/// | V4    | 05-20 | 望城区 (deleted) | 王强 | R1                             |
///
/// so the live responses in scope are exactly `responses()`.
pub fn stored(store: &mut Store) -> (FormDefinition, SubjectId) {
    store.set_author("张伟").unwrap();
    let form = import_bytes(store, &form_bytes(), "inspection", None)
        .unwrap()
        .form;
    let subject = Subject {
        title: "养老机构安全专项调研".to_owned(),
        ..Subject::default()
    };
    store.save_subject(&subject).unwrap();
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
        if who == "李娜" {
            v.subject_id = Some(subject.id);
        }
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
    (form.definition, subject.id)
}
