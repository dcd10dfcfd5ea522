//! The public version of the problem list, as the bureau's web editor receives it: every
//! problem with its rectification, and not one person's name, phone number or ID number —
//! even where someone typed them into free text.
#![allow(clippy::unwrap_used)]

use assert_cmd::Command;
use chrono::NaiveDate;
use std::io::Read;
use zoufang::i18n::Lang;
use zoufang::model::{
    Category, Finding, Interviewee, IntervieweeRole, Status, Subject, Visit, builtin_topic_id,
};
use zoufang::report::{PublicFormat, SummaryFilter, export_public, public_report};
use zoufang::store::Store;

const RESIDENT: &str = "张秀英";
const FAMILY: &str = "李建军";
const INVESTIGATOR: &str = "王敏";
const OWNER: &str = "刘建国";
const VERIFIER: &str = "陈静";
const MOBILE: &str = "13812345678";
const MOBILE_2: &str = "13987654321";
const ID_NUMBER: &str = "110105199001011234";
const ID_NUMBER_X: &str = "43010219851203567X";

/// Everything that must not be published.
const SECRETS: &[&str] = &[
    RESIDENT,
    FAMILY,
    INVESTIGATOR,
    OWNER,
    VERIFIER,
    MOBILE,
    MOBILE_2,
    ID_NUMBER,
    ID_NUMBER_X,
];

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// Free text naming everybody, with their numbers, as a careless clerk types it.
fn leaky(prefix: &str) -> String {
    format!(
        "{prefix}：{RESIDENT}（电话{MOBILE}，身份证{ID_NUMBER}）与家属{FAMILY}（{MOBILE_2}，\
         {ID_NUMBER_X}）反映，{INVESTIGATOR}记录，{OWNER}负责，{VERIFIER}验收"
    )
}

/// A database whose every free-text field holds names, phone and ID numbers.
fn seeded() -> Store {
    let mut store = Store::open_in_memory().unwrap();
    store.set_author(INVESTIGATOR).unwrap();
    let topic = builtin_topic_id(1);
    let mut subject = Subject {
        title: leaky("课题"),
        lead: "党组书记、局长".to_owned(),
        unit: leaky("单位"),
        notes: leaky("课题备注"),
        topics: vec![topic],
        ..Subject::default()
    };
    subject.id = zoufang::model::SubjectId::new();
    store.save_subject(&subject).unwrap();
    let mut visit = Visit::new(day("2026-03-05"), leaky("城西敬老院"));
    visit.region = leaky("岳麓区");
    visit.investigators = vec![INVESTIGATOR.to_owned()];
    visit.notes = leaky("备注");
    visit.subject_id = Some(subject.id);
    visit.set_interviewees(vec![
        Interviewee {
            name: RESIDENT.to_owned(),
            role: IntervieweeRole::Resident,
            contact: MOBILE.to_owned(),
        },
        Interviewee {
            name: FAMILY.to_owned(),
            role: IntervieweeRole::Family,
            contact: MOBILE_2.to_owned(),
        },
    ]);
    store.save_visit(&visit).unwrap();
    for (i, status) in [Status::Open, Status::Closed].into_iter().enumerate() {
        let mut f = Finding::new(visit.id, leaky(&format!("问题{i}")));
        f.detail = leaky("详情");
        f.topics = vec![topic];
        f.category = Some(Category::Phased);
        f.measures = leaky("措施");
        f.target = leaky("目标");
        f.deadline = Some(day("2026-06-30"));
        f.owner = OWNER.to_owned();
        f.owner_unit = leaky("养老服务处");
        f.status = status;
        if status == Status::Closed {
            f.closed_on = Some(day("2026-05-20"));
            f.verified_by = VERIFIER.to_owned();
            f.close_note = leaky("销号说明");
        }
        store.save_finding(&f).unwrap();
    }
    store
}

/// The text of an export; an xlsx is unpacked and all its parts read.
fn text_of(bytes: &[u8], format: PublicFormat) -> String {
    if format != PublicFormat::Xlsx {
        return String::from_utf8(bytes.to_vec()).unwrap();
    }
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut all = String::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let mut part = String::new();
        entry.read_to_string(&mut part).unwrap();
        all.push_str(&part);
    }
    all
}

fn assert_nothing_personal(text: &str, what: &str) {
    for secret in SECRETS {
        assert!(!text.contains(secret), "{what} exposes {secret}");
    }
}

#[test]
fn the_public_list_exposes_no_name_phone_or_id_number_in_any_format() {
    let store = seeded();
    for lang in [Lang::Zh, Lang::En] {
        let list =
            public_report(&store, &SummaryFilter::default(), day("2026-07-01"), lang).unwrap();
        assert_eq!(list.rows.len(), 2);
        assert_eq!(list.closed, 1);
        let json = serde_json::to_string(&list).unwrap();
        assert_nothing_personal(&json, "json");
        for format in PublicFormat::ALL.iter().copied() {
            let text = text_of(&export_public(&list, format).unwrap(), format);
            assert_nothing_personal(&text, format.extension());
            // The rows are there, masked rather than dropped.
            assert!(text.contains("138****5678"), "{format:?}");
            assert!(text.contains("110105********1234"), "{format:?}");
            assert!(text.contains("430102********567X"), "{format:?}");
            assert!(text.contains("张**"), "{format:?}");
            assert!(text.contains("措施"), "{format:?}");
            // Narrative fields are not published at all.
            for narrative in ["详情", "销号说明", "备注"] {
                assert!(!text.contains(narrative), "{format:?} shows {narrative}");
            }
        }
    }
}

#[test]
fn a_filter_naming_an_investigator_is_masked_in_the_scope_line() {
    let store = seeded();
    let filter = SummaryFilter {
        investigator: Some(INVESTIGATOR.to_owned()),
        ..SummaryFilter::default()
    };
    let list = public_report(&store, &filter, day("2026-07-01"), Lang::Zh).unwrap();
    assert_eq!(list.rows.len(), 2);
    assert!(list.scope.contains("王*"), "{}", list.scope);
    let html = String::from_utf8(export_public(&list, PublicFormat::Html).unwrap()).unwrap();
    assert_nothing_personal(&html, "html");
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<meta charset=\"utf-8\">"));
}

#[test]
fn the_demo_database_can_go_on_a_website() {
    let mut store = Store::open_in_memory().unwrap();
    zoufang::demo::generate(
        &mut store,
        zoufang::demo::DemoOptions {
            visits: 120,
            seed: 7,
        },
    )
    .unwrap();
    let names = store.person_names().unwrap();
    assert!(
        names.contains("张秀英") || names.contains("李桂兰"),
        "{names:?}"
    );
    let list = public_report(
        &store,
        &SummaryFilter::default(),
        day("2026-07-01"),
        Lang::Zh,
    )
    .unwrap();
    assert!(list.rows.len() > 50);
    for format in PublicFormat::ALL.iter().copied() {
        let text = text_of(&export_public(&list, format).unwrap(), format);
        for name in &names {
            assert!(!text.contains(name.as_str()), "{format:?} exposes {name}");
        }
        // No unmasked mainland mobile number anywhere.
        let digits: Vec<char> = text.chars().collect();
        for w in digits.windows(11) {
            let run: String = w.iter().collect();
            let mobile = run.chars().all(|c| c.is_ascii_digit())
                && run.starts_with('1')
                && ('3'..='9').contains(&w[1]);
            assert!(!mobile, "{format:?} exposes {run}");
        }
    }
}

#[test]
fn zoufang_summary_public_writes_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("z.sqlite");
    let run = |args: &[&str]| {
        let mut cmd = Command::cargo_bin("zoufang").unwrap();
        cmd.arg("--db").arg(&db).args(["--lang", "zh"]).args(args);
        cmd.assert()
    };
    run(&["author", INVESTIGATOR]).success();
    let out = run(&[
        "visit",
        "add",
        "--date",
        "2026-03-05",
        "--place",
        "城西敬老院",
        "--interviewee",
        &format!("{RESIDENT},群众,{MOBILE}"),
        "--interviewee",
        &format!("{FAMILY},家属"),
        "--investigator",
        VERIFIER,
    ])
    .success()
    .get_output()
    .stdout
    .clone();
    let visit = String::from_utf8(out).unwrap().trim().to_owned();
    run(&[
        "finding",
        "add",
        "--visit",
        &visit,
        "--title",
        &leaky("问题"),
        "--measures",
        &leaky("措施"),
        "--owner",
        OWNER,
        "--category",
        "phased",
        "--deadline",
        "2026-06-30",
    ])
    .success();
    for format in ["csv", "xlsx", "md", "html", "json"] {
        let out = dir.path().join(format!("public.{format}"));
        let mut cmd = Command::cargo_bin("zoufang").unwrap();
        cmd.arg("--db")
            .arg(&db)
            .args([
                "--lang", "zh", "summary", "--public", "--format", format, "--out",
            ])
            .arg(&out)
            .assert()
            .success();
        let bytes = std::fs::read(&out).unwrap();
        let kind = match format {
            "xlsx" => PublicFormat::Xlsx,
            _ => PublicFormat::Csv,
        };
        let text = text_of(&bytes, kind);
        assert_nothing_personal(&text, format);
        assert!(text.contains("138****5678"), "{format}");
    }
    // docx has no public version; html has no internal one.
    run(&["summary", "--public", "--format", "docx", "--out", "x.docx"]).code(1);
    run(&["summary", "--format", "html"]).code(1);
}

/// Every writing of a number people use, or someone hiding it would: (text, what must be gone).
const WRITINGS: &[(&str, &str)] = &[
    ("电话(0731)8888-6666", "88886666"),
    ("电话（0731）88886666", "88886666"),
    ("座机0731 8888 6666", "88886666"),
    ("0731—88886666", "88886666"),
    ("0731–8888–6666转123", "88886666"),
    ("010-6666 8888-205", "66668888"),
    ("联系方式：8888 6666", "8888"),
    ("座机88886666", "8888"),
    ("手机138.1234.5678", "1234"),
    ("138 1234 5678", "1234"),
    ("1381 2345 678", "2345"),
    ("138‐1234‒5678", "1234"),
    ("138\u{200B}1234\u{200C}5678", "1234"),
    ("138\u{00AD}1234\u{2060}5678", "1234"),
    ("138\u{00A0}1234\u{00A0}5678", "1234"),
    ("\u{FEFF}１３８１２３４５６７８", "1234"),
    ("一三八一二三四五六七八", "1234"),
    ("幺三八 幺二三四 五六七八", "1234"),
    ("+86 138 1234 5678", "1234"),
    ("（+86）13812345678", "1234"),
    ("0086-138-1234-5678", "1234"),
    ("身份证 110105 19900101 1234", "19900101"),
    ("身份证110 105 1990 0101 123X", "19900101"),
    ("卡号 6222 0212 3456 7890 123", "3456"),
    ("卡号6222-0212-3456-7890", "3456"),
];

/// The digits of `text` in its normal form (as a reader would key them in).
fn digits_of(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    text.nfkc()
        .map(|c| match c {
            '一' | '幺' => '1',
            '二' => '2',
            '三' => '3',
            '四' => '4',
            '五' => '5',
            '六' => '6',
            '七' => '7',
            '八' => '8',
            '九' => '9',
            '〇' | '零' => '0',
            c => c,
        })
        .filter(char::is_ascii_digit)
        .collect()
}

#[test]
fn numbers_are_masked_in_every_writing() {
    let redactor = zoufang::report::Redactor::default();
    for (text, gone) in WRITINGS {
        let out = redactor.redact(text);
        assert!(
            !digits_of(&out).contains(gone),
            "{text:?} became {out:?}, still showing {gone}"
        );
        assert!(out.contains('*'), "{text:?}");
        assert!(
            !out.contains('\u{200B}'),
            "invisible characters are dropped"
        );
    }
    // Ordinary numbers stay.
    for text in [
        "2026-04-01前完成",
        "2026.04.01—2026.06.30",
        "联系人2026年4月1日到场",
        "联系 2026-04-01",
        "涉及46户，132人",
        "投入资金1,200,000元",
        "第（一）项",
    ] {
        assert_eq!(redactor.redact(text), text);
    }
}

#[test]
fn names_are_masked_spaced_out_hidden_or_in_traditional_characters() {
    let redactor = zoufang::report::Redactor::new(["张秀英".to_owned(), "陈建国".to_owned()]);
    for text in [
        "张 秀 英反映",
        "张\u{200B}秀\u{200D}英反映",
        "張秀英反映",
        "陳建國反映",
        "陈\u{3000}建国反映",
    ] {
        let out = redactor.redact(text);
        assert!(out.ends_with("反映"), "{out}");
        assert_eq!(out.matches('*').count(), 2, "{text:?} became {out:?}");
        let surname = text.chars().next().unwrap();
        assert!(out.starts_with(surname), "the surname stays: {out}");
    }
}

#[test]
fn a_name_once_on_the_interviewee_list_stays_masked_after_it_is_removed() {
    let mut store = Store::open_in_memory().unwrap();
    let mut visit = Visit::new(day("2026-03-05"), "城西敬老院");
    visit.set_interviewees(vec![Interviewee {
        name: "赵桂芳".to_owned(),
        role: IntervieweeRole::Resident,
        contact: String::new(),
    }]);
    store.save_visit(&visit).unwrap();
    visit.set_interviewees(Vec::new());
    store.save_visit(&visit).unwrap();
    let mut f = Finding::new(visit.id, "赵桂芳反映护理不到位");
    f.topics = vec![builtin_topic_id(1)];
    store.save_finding(&f).unwrap();
    assert!(store.past_person_names().unwrap().contains("赵桂芳"));
    let list = public_report(
        &store,
        &SummaryFilter::default(),
        day("2026-07-01"),
        Lang::Zh,
    )
    .unwrap();
    assert_eq!(list.rows[0].title, "赵**反映护理不到位");
}

mod writings {
    use super::digits_of;
    use proptest::prelude::*;

    /// How one digit is written: ASCII, fullwidth, or a Chinese numeral.
    fn write_digit(d: char, style: u8) -> String {
        let Some(n) = d.to_digit(10).map(|n| n as usize) else {
            return d.to_string();
        };
        match style % 3 {
            0 => d.to_string(),
            1 => char::from_u32('０' as u32 + n as u32)
                .unwrap_or(d)
                .to_string(),
            _ => ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'][n].to_string(),
        }
    }

    /// What may stand between two groups.
    const SEPARATORS: &[&str] = &[
        "", " ", "-", ".", "—", "–", "‒", "－", "\u{3000}", "\u{00A0}", "\u{200B}", "\u{00AD}",
        "\u{2060}", "\u{FEFF}", " - ", "·",
    ];
    /// What may stand around the number.
    const CONTEXTS: &[(&str, &str)] = &[
        ("电话", "。"),
        ("请联系", "核实"),
        ("（", "）"),
        ("张某，", "，"),
        ("", ""),
    ];

    /// `digits` cut into groups of `sizes` (cycled), each digit written in `styles`, groups
    /// joined by `sep`.
    fn write(digits: &str, sizes: &[usize], styles: &[u8], sep: &str) -> String {
        let mut out = String::new();
        let mut in_group = 0;
        let mut g = 0;
        for (i, d) in digits.chars().enumerate() {
            if in_group == sizes[g % sizes.len()].max(1) {
                out.push_str(sep);
                in_group = 0;
                g += 1;
            }
            out.push_str(&write_digit(d, styles[i % styles.len()]));
            in_group += 1;
        }
        out
    }

    fn mobile() -> impl Strategy<Value = String> {
        (
            "1[3-9][0-9]{9}",
            prop::sample::select(vec!["", "+86 ", "(+86)", "86-", "0086 "]),
        )
            .prop_map(|(m, p)| format!("{p}{m}"))
    }

    fn id_number() -> impl Strategy<Value = String> {
        (
            "[1-6][0-9]{5}",
            1950u32..2020,
            1u32..13,
            1u32..29,
            "[0-9]{3}[0-9X]",
        )
            .prop_map(|(a, y, m, d, t)| format!("{a}{y}{m:02}{d:02}{t}"))
    }

    fn landline() -> impl Strategy<Value = String> {
        ("0[3-9][0-9]{2}", "[2-8][0-9]{7}").prop_map(|(a, l)| format!("({a}){l}"))
    }

    fn card() -> impl Strategy<Value = String> {
        "62[0-9]{14,17}"
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn no_writing_of_a_number_survives(
            number in prop_oneof![mobile(), id_number(), landline(), card()],
            sizes in prop::collection::vec(prop::sample::select(vec![3usize, 4, 4, 4, 6, 8]), 1..4),
            styles in prop::collection::vec(0u8..3, 1..4),
            sep in prop::sample::select(SEPARATORS.to_vec()),
            (before, after) in prop::sample::select(CONTEXTS.to_vec()),
        ) {
            // Card numbers are written in fours (or as one run); the rest in any grouping.
            let sizes = if number.starts_with("62") && number.len() >= 16 { vec![4] } else { sizes };
            // The prefix (+86, an area code in brackets) as it is; the number's digits written.
            let cut = number
                .rfind(|c: char| !c.is_ascii_digit() && c != 'X')
                .map_or(0, |i| i + 1);
            let (head, digits) = number.split_at(cut);
            let text = format!("{before}{head}{}{after}", write(digits, &sizes, &styles, sep));
            let out = zoufang::report::Redactor::default().redact(&text);
            let shown = digits_of(&out);
            let digits_only: String = digits.chars().filter(char::is_ascii_digit).collect();
            prop_assert!(!shown.contains(&digits_only), "{text:?} -> {out:?}");
            // At least four of the number's digits are masked.
            let around = digits_of(&format!("{before}{head}{after}")).len();
            prop_assert!(shown.len() + 4 <= digits_only.len() + around, "{text:?} -> {out:?}");
        }

        #[test]
        fn no_writing_of_a_name_survives(
            name in prop::sample::select(vec!["张秀英", "陈建国", "刘伟", "欧阳红梅"]),
            traditional in any::<bool>(),
            sep in prop::sample::select(vec!["", " ", "\u{3000}", "\u{200B}", "\u{00AD}", "\u{FEFF}", "\u{00A0}"]),
            (before, after) in prop::sample::select(CONTEXTS.to_vec()),
        ) {
            let written: Vec<String> = name
                .chars()
                .map(|c| {
                    let t = match c { '张' => '張', '陈' => '陳', '国' => '國', '刘' => '劉', '伟' => '偉', '欧' => '歐', '红' => '紅', c => c };
                    if traditional { t } else { c }.to_string()
                })
                .collect();
            let text = format!("{before}{}{after}", written.join(sep));
            let redactor = zoufang::report::Redactor::new([name.to_owned()]);
            let out = redactor.redact(&text);
            let stars = out.matches('*').count();
            prop_assert_eq!(stars, name.chars().count() - 1, "{:?} -> {:?}", text, out);
        }
    }
}
