//! Conformance of the XLSForm reader: small workbooks written here from xlsform.org's
//! examples, each feature read as the spec says and each refusal naming sheet, row and column.
#![allow(clippy::unwrap_used)]

use rust_xlsxwriter::Workbook;
use std::io::Write;
use zoufang::forms::{FormDefinition, FormError, QuestionType, Required, read_workbook};
use zoufang::i18n::{Lang, Localized};

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

fn read(sheets: &[(&str, Table<'_>)]) -> Result<FormDefinition, FormError> {
    read_workbook(workbook(sheets), "from_file_name")
}

fn ok(sheets: &[(&str, Table<'_>)]) -> FormDefinition {
    match read(sheets) {
        Ok(def) => def,
        Err(e) => panic!("refused:\n{}", e.localized(Lang::En)),
    }
}

/// The problems of a refused workbook as (sheet, row, column, English message).
fn problems(sheets: &[(&str, Table<'_>)]) -> Vec<(String, Option<usize>, Option<String>, String)> {
    match read(sheets) {
        Ok(_) => panic!("the workbook was accepted"),
        Err(FormError::Workbook(ps)) => ps
            .into_iter()
            .map(|p| {
                (
                    p.sheet.clone(),
                    p.row,
                    p.column.clone(),
                    p.message(Lang::En).to_owned(),
                )
            })
            .collect(),
        Err(other) => panic!("unexpected {other:?}"),
    }
}

/// Asserts exactly one problem, at `sheet`/`row`/`column`, whose message contains `needle`.
fn refused_at(
    sheets: &[(&str, Table<'_>)],
    sheet: &str,
    row: Option<usize>,
    column: Option<&str>,
    needle: &str,
) {
    let ps = problems(sheets);
    assert_eq!(ps.len(), 1, "{ps:?}");
    let (s, r, c, m) = &ps[0];
    assert_eq!((s.as_str(), *r, c.as_deref()), (sheet, row, column), "{m}");
    assert!(m.contains(needle), "{m:?} lacks {needle:?}");
}

const YES_NO: Table<'static> = &[
    &["list_name", "name", "label"],
    &["yn", "yes", "Yes"],
    &["yn", "no", "No"],
];

#[test]
fn the_simplest_form_reads_with_defaults_from_the_file_name() {
    let def = ok(&[(
        "survey",
        &[
            &["type", "name", "label"],
            &["text", "your_name", "What is your name?"],
        ],
    )]);
    assert_eq!(def.form_id, "from_file_name");
    assert_eq!(def.title, "from_file_name");
    assert_eq!(def.questions.len(), 1);
    assert_eq!(def.questions[0].kind, QuestionType::Text);
    assert_eq!(def.questions[0].row, 2);
}

#[test]
fn headers_match_case_insensitively_with_pyxform_aliases_and_extra_columns_are_ignored() {
    let def = ok(&[
        (
            "Survey",
            &[
                &[
                    "TYPE",
                    "Name",
                    "Label",
                    "Relevance",
                    "Constraint",
                    "constraint message",
                    "Calculate",
                    "ReadOnly",
                    "media::image",
                    "my notes",
                ],
                &[
                    "integer",
                    "age",
                    "Age",
                    "",
                    ". >= 0",
                    "No negative ages",
                    "",
                    "yes",
                    "a.png",
                    "ignored",
                ],
                &[
                    "integer",
                    "years",
                    "Years",
                    "${age} > 2",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                ],
                &[
                    "calculate",
                    "double",
                    "",
                    "",
                    "",
                    "",
                    "${age} * 2",
                    "",
                    "",
                    "",
                ],
            ],
        ),
        ("choices", YES_NO),
    ]);
    let age = &def.questions[0];
    assert_eq!(age.constraint.as_ref().map(|e| e.source()), Some(". >= 0"));
    assert_eq!(
        age.constraint_message.pick(Lang::En, None),
        Some("No negative ages")
    );
    assert!(age.read_only);
    assert_eq!(
        def.questions[1].relevant.as_ref().map(|e| e.source()),
        Some("${age} > 2")
    );
    assert_eq!(
        def.questions[2].calculation.as_ref().map(|e| e.source()),
        Some("${age} * 2")
    );
}

#[test]
fn translated_columns_and_settings_are_read() {
    let def = ok(&[
        (
            "survey",
            &[
                &[
                    "type",
                    "name",
                    "label::English (en)",
                    "label::中文 (zh)",
                    "hint::English (en)",
                    "required",
                    "required_message::中文 (zh)",
                ],
                &[
                    "select_one yn",
                    "smoke",
                    "Do you smoke?",
                    "您吸烟吗？",
                    "Be honest",
                    "yes",
                    "请回答",
                ],
            ],
        ),
        (
            "choices",
            &[
                &[
                    "list_name",
                    "name",
                    "label::English (en)",
                    "label::中文 (zh)",
                ],
                &["yn", "yes", "Yes", "是"],
                &["yn", "no", "No", "否"],
            ],
        ),
        (
            "settings",
            &[
                &["form_title", "form_id", "version", "default_language"],
                &["Health", "health_v1", "2026120101", "English (en)"],
            ],
        ),
    ]);
    assert_eq!(
        (
            def.form_id.as_str(),
            def.title.as_str(),
            def.version.as_str()
        ),
        ("health_v1", "Health", "2026120101")
    );
    assert_eq!(def.default_language.as_deref(), Some("English (en)"));
    assert_eq!(
        def.languages,
        vec!["English (en)".to_owned(), "中文 (zh)".to_owned()]
    );
    let q = &def.questions[0];
    assert_eq!(q.label.pick(Lang::Zh, None), Some("您吸烟吗？"));
    assert_eq!(q.label.pick(Lang::En, None), Some("Do you smoke?"));
    assert_eq!(q.required, Required::Yes);
    assert_eq!(q.required_message.pick(Lang::Zh, None), Some("请回答"));
    assert_eq!(def.choices["yn"][1].label.pick(Lang::Zh, None), Some("否"));
}

#[test]
fn groups_and_repeats_hold_their_children() {
    let def = ok(&[(
        "survey",
        &[
            &["type", "name", "label", "repeat_count"],
            &["begin group", "household", "Household", ""],
            &["integer", "size", "Size", ""],
            &["begin_repeat", "member", "Member", "${size}"],
            &["text", "m_name", "Name", ""],
            &["end_repeat", "", "", ""],
            &["end group", "", "", ""],
            &["note", "bye", "Thanks", ""],
        ],
    )]);
    assert_eq!(def.questions.len(), 2);
    let group = &def.questions[0];
    assert_eq!(group.kind, QuestionType::Group);
    assert_eq!(group.children[1].kind, QuestionType::Repeat);
    assert_eq!(
        group.children[1].repeat_count.as_ref().map(|e| e.source()),
        Some("${size}")
    );
    assert_eq!(group.children[1].children[0].name, "m_name");
    assert_eq!(def.question_count(), 5);
}

#[test]
fn every_supported_type_reads_with_its_aliases() {
    let rows: Vec<[&str; 3]> = vec![
        ["type", "name", "label"],
        ["text", "t", "T"],
        ["string", "t2", "T"],
        ["integer", "i", "I"],
        ["int", "i2", "I"],
        ["decimal", "d", "D"],
        ["range", "r", "R"],
        ["date", "da", "Da"],
        ["time", "ti", "Ti"],
        ["datetime", "dt", "Dt"],
        ["select_one yn", "s1", "S"],
        ["select one yn", "s1b", "S"],
        ["select_multiple yn", "sm", "S"],
        ["select all that apply yn", "sm2", "S"],
        ["select_one yn or_other", "so", "S"],
        ["rank yn", "rk", "R"],
        ["note", "n", "N"],
        ["acknowledge", "a", "A"],
        ["hidden", "h", ""],
        ["image", "im", "Im"],
        ["photo", "ph", "Ph"],
        ["audio", "au", "Au"],
        ["video", "vi", "Vi"],
        ["file", "fi", "Fi"],
        ["geopoint", "g", "G"],
        ["gps", "g2", "G"],
        ["barcode", "b", "B"],
        ["phone number", "p", "P"],
        ["start", "start", ""],
        ["end", "end", ""],
        ["today", "today", ""],
        ["deviceid", "deviceid", ""],
        ["imei", "imei", ""],
        ["username", "username", ""],
        ["simserial", "simserial", ""],
        ["subscriberid", "subscriberid", ""],
        ["phonenumber", "phonenumber", ""],
    ];
    let table: Vec<&[&str]> = rows.iter().map(|r| r.as_slice()).collect();
    let def = ok(&[("survey", &table), ("choices", YES_NO)]);
    assert_eq!(def.questions.len(), rows.len() - 1);
    let kinds: Vec<&str> = def
        .questions
        .iter()
        .map(|q| q.kind.xlsform_name())
        .collect();
    assert_eq!(
        &kinds[..6],
        &["text", "text", "integer", "integer", "decimal", "range"]
    );
    assert!(def.questions[13].or_other);
    assert_eq!(
        def.questions[26].constraint.as_ref().map(|e| e.source()),
        Some(r"regex(., '^\d*$')")
    );
    assert_eq!(def.questions[31].kind, QuestionType::Deviceid);
}

#[test]
fn a_cascading_choice_filter_reads_choice_columns() {
    let def = ok(&[
        (
            "survey",
            &[
                &["type", "name", "label", "choice_filter"],
                &["select_one province", "province", "Province", ""],
                &["select_one city", "city", "City", "province=${province}"],
            ],
        ),
        (
            "choices",
            &[
                &["list_name", "name", "label", "province"],
                &["province", "hubei", "湖北", ""],
                &["province", "hunan", "湖南", ""],
                &["city", "wuhan", "武汉", "hubei"],
                &["city", "changsha", "长沙", "hunan"],
            ],
        ),
    ]);
    assert_eq!(
        def.choices["city"][0]
            .extra
            .get("province")
            .map(String::as_str),
        Some("hubei")
    );
}

#[test]
fn unsupported_and_unknown_types_are_refused_at_their_cell() {
    let survey: Table<'_> = &[
        &["type", "name", "label"],
        &["text", "a", "A"],
        &["select_one_from_file towns.csv", "town", "Town"],
    ];
    refused_at(
        &[("survey", survey)],
        "survey",
        Some(3),
        Some("type"),
        "select_one_from_file",
    );
    let survey: Table<'_> = &[&["type", "name", "label"], &["geotrace", "path", "Path"]];
    refused_at(
        &[("survey", survey)],
        "survey",
        Some(2),
        Some("type"),
        "not supported",
    );
    let survey: Table<'_> = &[&["type", "name", "label"], &["signature", "s", "S"]];
    refused_at(
        &[("survey", survey)],
        "survey",
        Some(2),
        Some("type"),
        "unknown type",
    );
}

#[test]
fn a_workbook_without_survey_sheet_is_refused() {
    refused_at(
        &[("choices", YES_NO)],
        "survey",
        None,
        None,
        "no survey sheet",
    );
}

#[test]
fn structural_refusals_name_their_place() {
    refused_at(
        &[(
            "survey",
            &[
                &["type", "name", "label"],
                &["text", "a", "A"],
                &["integer", "a", "A again"],
            ],
        )],
        "survey",
        Some(3),
        Some("name"),
        "used twice",
    );
    refused_at(
        &[
            (
                "survey",
                &[
                    &["type", "name", "label"],
                    &["select_one colours", "c", "C"],
                ],
            ),
            ("choices", YES_NO),
        ],
        "survey",
        Some(2),
        Some("type"),
        "no list colours",
    );
    refused_at(
        &[(
            "survey",
            &[
                &["type", "name", "label"],
                &["begin_group", "g", "G"],
                &["text", "a", "A"],
            ],
        )],
        "survey",
        Some(2),
        Some("type"),
        "never closed",
    );
    refused_at(
        &[(
            "survey",
            &[
                &["type", "name", "label"],
                &["text", "a", "A"],
                &["end_group", "", ""],
            ],
        )],
        "survey",
        Some(3),
        Some("type"),
        "without a begin_group",
    );
    refused_at(
        &[(
            "survey",
            &[
                &["type", "name", "label"],
                &["begin_repeat", "r", "R"],
                &["end_group", "", ""],
            ],
        )],
        "survey",
        Some(3),
        Some("type"),
        "does not close",
    );
    refused_at(
        &[(
            "survey",
            &[&["type", "name", "label"], &["text", "2bad name", "A"]],
        )],
        "survey",
        Some(2),
        Some("name"),
        "invalid",
    );
    refused_at(
        &[
            (
                "choices",
                &[
                    &["list_name", "name", "label"],
                    &["yn", "yes", "Y"],
                    &["yn", "yes", "Y"],
                ],
            ),
            (
                "survey",
                &[&["type", "name", "label"], &["select_one yn", "a", "A"]],
            ),
        ],
        "choices",
        Some(3),
        Some("name"),
        "twice",
    );
}

#[test]
fn expression_refusals_name_their_column() {
    refused_at(
        &[(
            "survey",
            &[
                &["type", "name", "label", "relevant"],
                &["text", "a", "A", ""],
                &["text", "b", "B", "${a} = "],
            ],
        )],
        "survey",
        Some(3),
        Some("relevant"),
        "does not parse",
    );
    refused_at(
        &[(
            "survey",
            &[
                &["type", "name", "label", "Constraint"],
                &["integer", "a", "A", ". < ${nowhere}"],
            ],
        )],
        "survey",
        Some(2),
        Some("Constraint"),
        "${nowhere} refers to no question",
    );
    refused_at(
        &[(
            "survey",
            &[
                &["type", "name", "label", "relevant"],
                &["text", "a", "A", "pulldata('x', 'y', 'z', 'w')"],
            ],
        )],
        "survey",
        Some(2),
        Some("relevant"),
        "pulldata",
    );
    refused_at(
        &[(
            "survey",
            &[
                &["type", "name", "label", "relevant"],
                &["text", "a", "A", ""],
                &["text", "b", "B", "a = 'x'"],
            ],
        )],
        "survey",
        Some(3),
        Some("relevant"),
        "write ${a}",
    );
    refused_at(
        &[(
            "survey",
            &[
                &["type", "name", "label", "hint"],
                &["note", "n", "Hello ${who}", ""],
            ],
        )],
        "survey",
        Some(2),
        Some("label"),
        "${who} refers to no question",
    );
    let long = format!("{}1", "1 + ".repeat(2000));
    refused_at(
        &[(
            "survey",
            &[
                &["type", "name", "label", "calculation"],
                &["calculate", "c", "", &long],
            ],
        )],
        "survey",
        Some(2),
        Some("calculation"),
        "longer than",
    );
}

#[test]
fn a_cycle_among_calculations_is_refused() {
    let ps = problems(&[(
        "survey",
        &[
            &["type", "name", "label", "calculation"],
            &["calculate", "a", "", "${b} + 1"],
            &["calculate", "b", "", "${c} + 1"],
            &["calculate", "c", "", "${a} + 1"],
            &["calculate", "d", "", "${d}"],
            &["calculate", "e", "", "${a} + 2"],
        ],
    )]);
    assert_eq!(
        ps.len(),
        2,
        "one cycle a→b→c→a and the self-reference of d: {ps:?}"
    );
    assert!(ps.iter().all(|(s, _, c, m)| s == "survey"
        && c.as_deref() == Some("calculation")
        && m.contains("cycle")));
    assert!(
        ps.iter()
            .any(|(_, r, _, m)| *r == Some(5) && m.contains("d → d"))
    );
}

#[test]
fn every_problem_of_a_workbook_is_reported_at_once_in_both_languages() {
    let sheets: &[(&str, Table<'_>)] = &[(
        "survey",
        &[
            &["type", "name", "label", "relevant"],
            &["osm", "map", "Map", ""],
            &["text", "a", "A", "${zz}"],
            &["text", "a", "A", ""],
            &["begin group", "g", "G", ""],
        ],
    )];
    assert_eq!(problems(sheets).len(), 4);
    let Err(err) = read(sheets) else {
        panic!("accepted")
    };
    let zh = err.localized(Lang::Zh);
    assert!(zh.contains("工作表 survey 第 2 行 type 列"), "{zh}");
    assert!(zh.contains("不支持题型 osm"), "{zh}");
    let en = err.localized(Lang::En);
    assert!(en.contains("sheet survey, row 3, column relevant"), "{en}");
}

#[test]
fn hostile_workbooks_are_bounded() {
    // A zip bomb: a small file that inflates past the limit.
    let mut bytes = workbook(&[("survey", &[&["type", "name", "label"], &["text", "a", "A"]])]);
    let mut zip = zip::ZipWriter::new_append(std::io::Cursor::new(&mut bytes)).unwrap();
    zip.start_file("xl/bomb.bin", zip::write::SimpleFileOptions::default())
        .unwrap();
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..80 {
        zip.write_all(&zeros).unwrap();
    }
    zip.finish().unwrap();
    assert!(bytes.len() < 1 << 20, "the bomb is small: {}", bytes.len());
    match read_workbook(bytes, "bomb") {
        Err(FormError::Workbook(ps)) => {
            assert!(ps[0].message(Lang::En).contains("inflates"), "{ps:?}");
        }
        other => panic!("{other:?}"),
    }
    // Too many rows.
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("survey").unwrap();
    ws.write_string(0, 0, "type").unwrap();
    ws.write_string(0, 1, "name").unwrap();
    ws.write_string(30_000, 0, "text").unwrap();
    match read_workbook(book.save_to_buffer().unwrap(), "rows") {
        Err(FormError::Workbook(ps)) => assert!(ps[0].message(Lang::En).contains("rows"), "{ps:?}"),
        other => panic!("{other:?}"),
    }
    // Deep nesting.
    let mut rows: Vec<Vec<String>> = vec![vec!["type".into(), "name".into(), "label".into()]];
    for i in 0..40 {
        rows.push(vec!["begin group".into(), format!("g{i}"), "G".into()]);
    }
    let table: Vec<Vec<&str>> = rows
        .iter()
        .map(|r| r.iter().map(String::as_str).collect())
        .collect();
    let table: Vec<&[&str]> = table.iter().map(Vec::as_slice).collect();
    let ps = problems(&[("survey", &table)]);
    assert!(
        ps.iter().any(|(_, _, _, m)| m.contains("nest deeper")),
        "{ps:?}"
    );
    // Not a workbook at all.
    assert!(matches!(
        read_workbook(b"hello".to_vec(), "x"),
        Err(FormError::Workbook(_))
    ));
}

#[test]
fn a_legacy_xls_workbook_reads_like_an_xlsx() {
    // Written by xlwt (tests/fixtures/forms/legacy.xls); numbers come back as numbers.
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/forms/legacy.xls");
    let def = zoufang::forms::read_file(&path).unwrap();
    assert_eq!(
        (def.form_id.as_str(), def.version.as_str()),
        ("legacy_xls", "3")
    );
    assert_eq!(
        def.questions[1].label.pick(Lang::Zh, None),
        Some("每天几支")
    );
    assert_eq!(
        def.questions[1].relevant.as_ref().map(|e| e.source()),
        Some("${smokes} = 'yes'")
    );
}

#[test]
fn checklist_columns_read_choice_names_or_an_expression_and_a_known_category() {
    let def = ok(&[
        (
            "survey",
            &[
                &[
                    "type",
                    "name",
                    "label",
                    "finding_if",
                    "finding_category",
                    "finding_title",
                    "topics",
                ],
                &[
                    "select_one yn",
                    "exits",
                    "Exits clear?",
                    "no",
                    "立行立改",
                    "Exits blocked",
                    "safety",
                ],
                &[
                    "integer",
                    "staff",
                    "Staff",
                    ". < 2",
                    "phased",
                    "",
                    "elderly-care 安全生产",
                ],
            ],
        ),
        ("choices", YES_NO),
    ]);
    let exits = def.questions[0].finding.as_ref().unwrap();
    assert_eq!(
        exits.rule,
        zoufang::forms::FindingRule::Choices(vec!["no".into()])
    );
    assert_eq!(exits.category.as_deref(), Some("immediate"));
    assert_eq!(exits.title.pick(Lang::En, None), Some("Exits blocked"));
    let staff = &def.questions[1];
    assert!(matches!(
        staff.finding.as_ref().map(|f| &f.rule),
        Some(zoufang::forms::FindingRule::Expression(_))
    ));
    assert_eq!(
        staff.topics,
        vec!["elderly-care".to_owned(), "安全生产".to_owned()]
    );
    refused_at(
        &[
            (
                "survey",
                &[
                    &["type", "name", "label", "finding_if", "Finding_Category"],
                    &["select_one yn", "a", "A", "no", "someday"],
                ],
            ),
            ("choices", YES_NO),
        ],
        "survey",
        Some(2),
        Some("Finding_Category"),
        "someday",
    );
}
