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
