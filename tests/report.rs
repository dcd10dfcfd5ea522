//! The summary a team lead reads: every figure on a small dataset counted by hand, the filters,
//! the paragraph in both languages, and the documents (XLSX, DOCX, CSV, Markdown) read back.
#![allow(clippy::unwrap_used)]

use chrono::NaiveDate;
use std::io::Read;
use zoufang::demo::{DemoOptions, generate};
use zoufang::i18n::Lang;
use zoufang::model::{
    Category, Finding, FindingKind, Status, Subject, SubjectId, Topic, TopicId, Visit,
    builtin_topic_id,
};
use zoufang::report::{
    ExportFormat, Figures, SummaryFilter, export, file_name, paragraph, report, summarize,
};
use zoufang::store::{FindingFilter, FindingSort, Page, Store};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// "Today" for every hand-counted figure.
fn today() -> NaiveDate {
    day(2026, 6, 30)
}

fn funeral() -> TopicId {
    builtin_topic_id(0)
}

fn elderly() -> TopicId {
    builtin_topic_id(1)
}

/// The hand-made dataset, and what it holds:
///
/// | visit | date  | place          | region         | who       | people | 四不两直 |
/// |-------|-------|----------------|----------------|-----------|--------|----------|
/// | V1    | 03-01 | 东湖街道养老院 | 芙蓉区东湖街道 | 张伟 李娜 | 12     | yes      |
/// | V2    | 03-15 | 东湖街道养老院 | 芙蓉区东湖街道 | 张伟      | 8      | no       |
/// | V3    | 04-10 | 黄花镇公益性公墓 | 长沙县黄花镇 | 王强      | 20     | yes      |
/// | V4    | 05-05 | 望城区敬老院   | 望城区         | 李娜      | 5      | no       |
/// | V5    | 05-20 | 岳麓区殡仪馆 (deleted, with a problem) | 岳麓区 | 王强 | 100 | yes |
///
/// Findings (today 2026-06-30):
/// - F1 V1 problem 养老 immediate closed, deadline 03-10, 30 people, 市民政局养老服务处
/// - F2 V1 problem 农村养老 (subtopic) phased stage-done, deadline 09-30, 50, 市民政局养老服务处
/// - F3 V2 problem 养老 long-term in-progress, deadline 06-01 (overdue), 7, 芙蓉区民政局
/// - F4 V2 positive case 养老, 200 people (cases do not count in people_affected)
/// - F5 V3 problem 殡葬 immediate open, deadline 04-20 (overdue), 4, 长沙县民政局
/// - F6 V3 negative case 殡葬; F7 V3 good practice 殡葬
/// - F8 V3 problem 殡葬, no category, open, no deadline, 0 people, no unit
/// - F9 V1 problem 养老 immediate open overdue, 1000 people — deleted
/// - F10 V5 problem 殡葬 — its visit is deleted
/// - F11 V2 problem 养老 + 殡葬 phased closed, deadline 05-01, 3, 芙蓉区民政局; its title has a
///   comma and quotes (for the CSV)
struct Data {
    store: Store,
    rural: TopicId,
    subject: SubjectId,
}

fn visit(
    store: &mut Store,
    date: NaiveDate,
    place: &str,
    region: &str,
    who: &[&str],
    people: i64,
    unannounced: bool,
) -> Visit {
    let mut v = Visit::new(date, place);
    v.region = region.to_owned();
    v.investigators = who.iter().map(|s| (*s).to_owned()).collect();
    v.people_met = people;
    v.unannounced = unannounced;
    store.save_visit(&v).unwrap();
    v
}

#[allow(clippy::too_many_arguments)]
fn problem(
    store: &mut Store,
    v: &Visit,
    title: &str,
    topics: &[TopicId],
    category: Option<Category>,
    status: Status,
    deadline: Option<NaiveDate>,
    people: i64,
    unit: &str,
) -> Finding {
    let mut f = Finding::new(v.id, title);
    f.topics = topics.to_vec();
    f.category = category;
    f.status = status;
    f.deadline = deadline;
    f.people_affected = people;
    f.owner_unit = unit.to_owned();
    f.owner = if unit.is_empty() { "" } else { "刘洋" }.to_owned();
    f.measures = "制定整改方案，明确措施、目标、时限、责任人".to_owned();
    if status == Status::Closed {
        f.closed_on = deadline;
        f.verified_by = "机关纪委".to_owned();
    }
    store.save_finding(&f).unwrap();
    f
}

fn case(store: &mut Store, v: &Visit, kind: FindingKind, title: &str, topic: TopicId, people: i64) {
    let mut f = Finding::new(v.id, title);
    f.kind = kind;
    f.topics = vec![topic];
    f.people_affected = people;
    store.save_finding(&f).unwrap();
}

fn dataset() -> Data {
    let mut store = Store::open_in_memory().unwrap();
    let rural = Topic {
        code: "rural-elderly".to_owned(),
        name_zh: "农村养老".to_owned(),
        name_en: "Rural elderly care".to_owned(),
        parent_id: Some(elderly()),
        ..Topic::default()
    };
    store.save_topic(&rural).unwrap();
    let subject = Subject {
        title: "农村养老服务体系建设情况".to_owned(),
        ..Subject::default()
    };
    store.save_subject(&subject).unwrap();

    let mut v1 = visit(
        &mut store,
        day(2026, 3, 1),
        "东湖街道养老院",
        "芙蓉区东湖街道",
        &["张伟", "李娜"],
        12,
        true,
    );
    v1.subject_id = Some(subject.id);
    store.save_visit(&v1).unwrap();
    let v2 = visit(
        &mut store,
        day(2026, 3, 15),
        "东湖街道养老院",
        "芙蓉区东湖街道",
        &["张伟"],
        8,
        false,
    );
    let v3 = visit(
        &mut store,
        day(2026, 4, 10),
        "黄花镇公益性公墓",
        "长沙县黄花镇",
        &["王强"],
        20,
        true,
    );
    visit(
        &mut store,
        day(2026, 5, 5),
        "望城区敬老院",
        "望城区",
        &["李娜"],
        5,
        false,
    );
    let v5 = visit(
        &mut store,
        day(2026, 5, 20),
        "岳麓区殡仪馆",
        "岳麓区",
        &["王强"],
        100,
        true,
    );

    use Category::*;
    problem(
        &mut store,
        &v1,
        "消防通道堆放杂物",
        &[elderly()],
        Some(Immediate),
        Status::Closed,
        Some(day(2026, 3, 10)),
        30,
        "市民政局养老服务处",
    );
    problem(
        &mut store,
        &v1,
        "农村互助养老点运营经费不足",
        &[rural.id],
        Some(Phased),
        Status::StageDone,
        Some(day(2026, 9, 30)),
        50,
        "市民政局养老服务处",
    );
    problem(
        &mut store,
        &v2,
        "护理员持证上岗率低",
        &[elderly()],
        Some(LongTerm),
        Status::InProgress,
        Some(day(2026, 6, 1)),
        7,
        "芙蓉区民政局",
    );
    case(
        &mut store,
        &v2,
        FindingKind::PositiveCase,
        "“时间银行”互助养老",
        elderly(),
        200,
    );
    problem(
        &mut store,
        &v3,
        "公墓管理台账不全",
        &[funeral()],
        Some(Immediate),
        Status::Open,
        Some(day(2026, 4, 20)),
        4,
        "长沙县民政局",
    );
    case(
        &mut store,
        &v3,
        FindingKind::NegativeCase,
        "违建墓地屡拆屡建",
        funeral(),
        0,
    );
    case(
        &mut store,
        &v3,
        FindingKind::Practice,
        "村级公益性墓地“一村一策”",
        funeral(),
        80,
    );
    problem(
        &mut store,
        &v3,
        "骨灰堂防火设施老化",
        &[funeral()],
        None,
        Status::Open,
        None,
        0,
        "",
    );
    let f9 = problem(
        &mut store,
        &v1,
        "已删除的问题",
        &[elderly()],
        Some(Immediate),
        Status::Open,
        Some(day(2026, 3, 5)),
        1000,
        "市民政局养老服务处",
    );
    store.delete(&f9.id.to_string()).unwrap();
    problem(
        &mut store,
        &v5,
        "已删除走访上的问题",
        &[funeral()],
        Some(Immediate),
        Status::Open,
        Some(day(2026, 5, 25)),
        500,
        "岳麓区民政局",
    );
    store.delete(&v5.id.to_string()).unwrap();
    problem(
        &mut store,
        &v2,
        "养老院与殡仪服务衔接不畅, 家属反映\"两头跑\"",
        &[elderly(), funeral()],
        Some(Phased),
        Status::Closed,
        Some(day(2026, 5, 1)),
        3,
        "芙蓉区民政局",
    );
    Data {
        store,
        rural: rural.id,
        subject: subject.id,
    }
}

fn figures_of(data: &Data, filter: &SummaryFilter) -> Figures {
    summarize(&data.store, filter, today()).unwrap().totals
}

#[test]
fn every_figure_matches_the_hand_count() {
    let data = dataset();
    let s = summarize(&data.store, &SummaryFilter::default(), today()).unwrap();
    assert_eq!(
        s.totals,
        Figures {
            visits: 4,
            unannounced_visits: 2,
            units_visited: 3,
            people_interviewed: 45,
            findings: 9,
            problems: 6,
            immediate: 2,
            phased: 2,
            long_term: 1,
            uncategorized: 1,
            immediate_done: 1,
            phased_stage_reached: 2,
            open: 2,
            in_progress: 1,
            stage_done: 1,
            closed: 2,
            overdue: 2,
            positive_cases: 1,
            negative_cases: 1,
            practices: 1,
            people_affected: 94,
        }
    );
}

#[test]
fn overdue_is_judged_as_of_the_given_day() {
    let data = dataset();
    let early = summarize(&data.store, &SummaryFilter::default(), day(2026, 4, 1)).unwrap();
    assert_eq!(early.totals.overdue, 0, "nothing was late on 1 April");
    let later = summarize(&data.store, &SummaryFilter::default(), day(2026, 10, 1)).unwrap();
    // F3 and F5 stay late; F2 is stage-done, so its passed deadline does not count.
    assert_eq!(later.totals.overdue, 2);
}

#[test]
fn per_topic_rows_roll_up_subtopics_and_count_shared_findings_in_each() {
    let data = dataset();
    let s = summarize(&data.store, &SummaryFilter::default(), today()).unwrap();
    let codes: Vec<&str> = s.by_topic.iter().map(|t| t.code.as_str()).collect();
    // Every top-level topic of the catalogue, the subtopic right after its parent.
    assert_eq!(codes.len(), 12);
    assert_eq!(&codes[..3], &["funeral", "elderly-care", "rural-elderly"]);

    let row = |code: &str| s.by_topic.iter().find(|t| t.code == code).unwrap();
    let elderly = row("elderly-care");
    assert_eq!(elderly.depth, 0);
    assert_eq!(
        elderly.figures,
        Figures {
            visits: 2,
            unannounced_visits: 1,
            units_visited: 1,
            people_interviewed: 20,
            findings: 5,
            problems: 4,
            immediate: 1,
            phased: 2,
            long_term: 1,
            uncategorized: 0,
            immediate_done: 1,
            phased_stage_reached: 2,
            open: 0,
            in_progress: 1,
            stage_done: 1,
            closed: 2,
            overdue: 1,
            positive_cases: 1,
            negative_cases: 0,
            practices: 0,
            people_affected: 90,
        }
    );
    let rural = row("rural-elderly");
    assert_eq!(
        (rural.depth, rural.parent.as_deref()),
        (1, Some("elderly-care"))
    );
    assert_eq!(
        (
            rural.figures.visits,
            rural.figures.problems,
            rural.figures.people_affected
        ),
        (1, 1, 50)
    );
    let funeral = row("funeral");
    assert_eq!(
        (
            funeral.figures.visits,
            funeral.figures.units_visited,
            funeral.figures.people_interviewed,
            funeral.figures.findings,
            funeral.figures.problems,
            funeral.figures.uncategorized,
            funeral.figures.closed,
            funeral.figures.overdue,
            funeral.figures.negative_cases,
            funeral.figures.practices,
            funeral.figures.people_affected,
        ),
        (2, 2, 28, 5, 3, 1, 1, 1, 1, 1, 7)
    );
    assert_eq!(row("marriage").figures, Figures::default());
}

#[test]
fn a_topic_includes_its_subtopics() {
    let data = dataset();
    let by_parent = summarize(
        &data.store,
        &SummaryFilter {
            topics: vec![elderly()],
            ..SummaryFilter::default()
        },
        today(),
    )
    .unwrap();
    assert_eq!(
        by_parent.totals.findings, 5,
        "F1 F2 F3 F4 F11, F2 via 农村养老"
    );
    assert_eq!(by_parent.totals.visits, 2);
    assert_eq!(by_parent.totals.people_interviewed, 20);
    let rows: Vec<(&str, usize)> = by_parent
        .by_topic
        .iter()
        .map(|t| (t.code.as_str(), t.depth))
        .collect();
    assert_eq!(rows, [("elderly-care", 0), ("rural-elderly", 1)]);

    let by_child = figures_of(
        &data,
        &SummaryFilter {
            topics: vec![data.rural],
            ..SummaryFilter::default()
        },
    );
    assert_eq!(
        (by_child.visits, by_child.findings, by_child.phased),
        (1, 1, 1)
    );
}

#[test]
fn filters_narrow_visits_and_findings_together() {
    let data = dataset();
    let dates = figures_of(
        &data,
        &SummaryFilter {
            since: Some(day(2026, 3, 10)),
            until: Some(day(2026, 4, 30)),
            ..SummaryFilter::default()
        },
    );
    assert_eq!(
        (
            dates.visits,
            dates.findings,
            dates.problems,
            dates.people_interviewed
        ),
        (2, 7, 4, 28)
    );

    let region = figures_of(
        &data,
        &SummaryFilter {
            region: Some("芙蓉区".to_owned()),
            ..SummaryFilter::default()
        },
    );
    assert_eq!(
        (
            region.visits,
            region.units_visited,
            region.findings,
            region.problems
        ),
        (2, 1, 5, 4)
    );

    let investigator = figures_of(
        &data,
        &SummaryFilter {
            investigator: Some("李娜".to_owned()),
            ..SummaryFilter::default()
        },
    );
    assert_eq!(
        (
            investigator.visits,
            investigator.units_visited,
            investigator.people_interviewed,
            investigator.findings
        ),
        (2, 2, 17, 2)
    );

    let subject = figures_of(
        &data,
        &SummaryFilter {
            subject: Some(data.subject),
            ..SummaryFilter::default()
        },
    );
    assert_eq!((subject.visits, subject.findings), (1, 2));

    let combined = figures_of(
        &data,
        &SummaryFilter {
            topics: vec![funeral()],
            region: Some("芙蓉区".to_owned()),
            ..SummaryFilter::default()
        },
    );
    assert_eq!(
        (
            combined.visits,
            combined.findings,
            combined.problems,
            combined.closed
        ),
        (1, 1, 1, 1),
        "only F11 on V2 is about funerals in 芙蓉区"
    );

    let nothing = figures_of(
        &data,
        &SummaryFilter {
            region: Some("不存在的区".to_owned()),
            ..SummaryFilter::default()
        },
    );
    assert_eq!(nothing, Figures::default());
}

#[test]
fn regions_and_responsible_units() {
    let data = dataset();
    let s = summarize(&data.store, &SummaryFilter::default(), today()).unwrap();
    let regions: Vec<(&str, i64, i64)> = s
        .by_region
        .iter()
        .map(|r| (r.region.as_str(), r.figures.visits, r.figures.problems))
        .collect();
    assert_eq!(
        regions,
        [
            ("芙蓉区东湖街道", 2, 4),
            ("望城区", 1, 0),
            ("长沙县黄花镇", 1, 2)
        ]
    );
    let units: Vec<(&str, i64, i64, i64)> = s
        .by_owner_unit
        .iter()
        .map(|u| {
            (
                u.owner_unit.as_str(),
                u.figures.problems,
                u.figures.closed,
                u.figures.overdue,
            )
        })
        .collect();
    assert_eq!(
        units,
        [
            ("市民政局养老服务处", 2, 1, 0),
            ("芙蓉区民政局", 2, 1, 1),
            ("", 1, 0, 0),
            ("长沙县民政局", 1, 0, 1),
        ]
    );
}

#[test]
fn the_paragraph_reads_like_the_staged_report() {
    let data = dataset();
    let s = summarize(&data.store, &SummaryFilter::default(), today()).unwrap();
    assert_eq!(
        paragraph(&s, Lang::Zh),
        "截至2026年6月30日，累计走访基层单位3个（走访4次，其中“四不两直”2次），走访党员群众45人，\
         查找问题6个，其中立行立改2个、阶段性整改2个、长期整改1个、尚未明确整改类别1个。\
         1个问题立行立改到位，2个问题已完成阶段性整改目标，1个问题长期整改；已销号2个，逾期未完成2个。\
         对2个正反典型案例开展“解剖式”调研（正面典型1个、反面典型1个），提炼总结经验做法1个。\
         问题涉及群众94人（户）。"
    );
    assert_eq!(
        paragraph(&s, Lang::En),
        "As of 30 Jun 2026: 3 grassroots units visited (4 visits, 2 unannounced), 45 party members \
         and residents interviewed, 6 problems found: 2 to fix at once, 2 phased and 1 long-term, \
         1 without a category yet. 1 has been fixed at once, 2 have reached the stage target of a \
         phased rectification, and 1 is being rectified over the long term; 2 closed, 2 overdue. \
         2 typical cases studied in depth (1 positive, 1 negative); 1 good practice written up. \
         The problems affect 94 people or households."
    );
}

#[test]
fn the_paragraph_names_its_scope() {
    let data = dataset();
    let s = summarize(
        &data.store,
        &SummaryFilter {
            topics: vec![elderly()],
            since: Some(day(2026, 3, 1)),
            until: Some(day(2026, 6, 30)),
            ..SummaryFilter::default()
        },
        today(),
    )
    .unwrap();
    let zh = paragraph(&s, Lang::Zh);
    assert!(
        zh.starts_with(
            "2026年3月1日至2026年6月30日，围绕养老服务专题，累计走访基层单位1个（走访2次"
        ),
        "{zh}"
    );
    assert!(
        !zh.contains("尚未明确整改类别"),
        "no uncategorized problem here: {zh}"
    );
    let en = paragraph(&s, Lang::En);
    assert!(
        en.starts_with("From 1 Mar 2026 to 30 Jun 2026, on the topic Elderly care: 1 grassroots unit visited (2 visits, 1 unannounced)"),
        "{en}"
    );
}

/// Reads one entry of a zip (XLSX and DOCX are zips).
fn zip_entry(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut entry = zip
        .by_name(name)
        .unwrap_or_else(|_| panic!("{name} is missing"));
    let mut text = String::new();
    entry.read_to_string(&mut text).unwrap();
    text
}

/// A minimal well-formedness check: every tag closed in order.
fn assert_well_formed(xml: &str) {
    let mut stack: Vec<String> = Vec::new();
    let mut rest = xml;
    while let Some(start) = rest.find('<') {
        let end = rest[start..].find('>').expect("unclosed tag") + start;
        let tag = &rest[start + 1..end];
        rest = &rest[end + 1..];
        if tag.starts_with('?') || tag.starts_with('!') {
            continue;
        }
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(stack.pop().as_deref(), Some(name), "mismatched </{name}>");
        } else if !tag.ends_with('/') {
            let name = tag.split_whitespace().next().unwrap();
            stack.push(name.to_owned());
        }
    }
    assert!(stack.is_empty(), "unclosed: {stack:?}");
}

#[test]
fn the_workbook_has_five_sheets_in_chinese_with_real_dates() {
    let data = dataset();
    let r = report(&data.store, &SummaryFilter::default(), today()).unwrap();
    let bytes = export(&r, ExportFormat::Xlsx, Lang::Zh).unwrap();
    let workbook = zip_entry(&bytes, "xl/workbook.xml");
    let names: Vec<&str> = workbook
        .split("<sheet name=\"")
        .skip(1)
        .map(|s| &s[..s.find('"').unwrap()])
        .collect();
    assert_eq!(
        names,
        ["汇总", "分专题", "问题清单", "走访记录", "典型案例"]
    );

    let strings = zip_entry(&bytes, "xl/sharedStrings.xml");
    for text in [
        "查找问题（个）",
        "养老服务",
        "农村养老",
        "护理员持证上岗率低",
        "整改措施",
        "“时间银行”互助养老",
        "累计走访基层单位3个",
    ] {
        assert!(strings.contains(text), "{text} missing from the workbook");
    }
    // The problem list: header frozen, autofilter over 6 problems, the visit date as a number.
    let problems = zip_entry(&bytes, "xl/worksheets/sheet3.xml");
    assert!(problems.contains("state=\"frozen\""));
    assert!(problems.contains("<autoFilter ref=\"A1:S7\""), "{problems}");
    let serial = (day(2026, 3, 1) - day(1899, 12, 30)).num_days();
    assert!(
        problems.contains(&format!("<v>{serial}</v>")),
        "dates are real dates"
    );
    for sheet in 1..=5 {
        assert_well_formed(&zip_entry(
            &bytes,
            &format!("xl/worksheets/sheet{sheet}.xml"),
        ));
    }
}

#[test]
fn the_workbook_speaks_english_when_asked() {
    let data = dataset();
    let r = report(&data.store, &SummaryFilter::default(), today()).unwrap();
    let bytes = export(&r, ExportFormat::Xlsx, Lang::En).unwrap();
    let workbook = zip_entry(&bytes, "xl/workbook.xml");
    for name in [
        "Summary",
        "By topic",
        "Problem list",
        "Visits",
        "Typical cases",
    ] {
        assert!(
            workbook.contains(&format!("<sheet name=\"{name}\"")),
            "{name}"
        );
    }
}

#[test]
fn the_word_document_holds_the_paragraph_and_a_section_per_topic() {
    let data = dataset();
    let filter = SummaryFilter {
        topics: vec![elderly()],
        ..SummaryFilter::default()
    };
    let r = report(&data.store, &filter, today()).unwrap();
    let bytes = export(&r, ExportFormat::Docx, Lang::Zh).unwrap();
    for part in [
        "[Content_Types].xml",
        "_rels/.rels",
        "word/_rels/document.xml.rels",
        "word/styles.xml",
        "docProps/core.xml",
    ] {
        assert_well_formed(&zip_entry(&bytes, part));
    }
    let doc = zip_entry(&bytes, "word/document.xml");
    assert_well_formed(&doc);
    let expected = paragraph(&r.summary, Lang::Zh);
    assert!(
        doc.contains(&expected),
        "the figures paragraph is in the document"
    );
    assert!(doc.contains("养老服务专题走基层调研情况汇总"), "title");
    assert!(
        doc.contains("（一）养老服务"),
        "one section for the filtered topic"
    );
    assert!(doc.contains("护理员持证上岗率低"));
    assert!(doc.contains("整改中（逾期）"), "overdue problems say so");
    assert!(zip_entry(&bytes, "word/styles.xml").contains("w:eastAsia=\"SimSun\""));
    // The title with a comma and quotes is escaped, not broken.
    assert!(doc.contains("家属反映&quot;两头跑&quot;"));
}

#[test]
fn the_word_document_charts_the_problems_of_every_topic() {
    let data = dataset();
    let r = report(&data.store, &SummaryFilter::default(), today()).unwrap();
    let bars = zoufang::report::chart::topic_bars(&r.summary, Lang::Zh);
    assert!(bars.len() >= 2, "problems in several topics");
    let bytes = export(&r, ExportFormat::Docx, Lang::Zh).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).unwrap();
    let mut png = Vec::new();
    zip.by_name("word/media/chart1.png")
        .expect("the chart picture")
        .read_to_end(&mut png)
        .unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n"), "a PNG");
    assert!(zip_entry(&bytes, "[Content_Types].xml").contains(r#"Extension="png""#));
    assert!(zip_entry(&bytes, "word/_rels/document.xml.rels").contains("media/chart1.png"));
    let doc = zip_entry(&bytes, "word/document.xml");
    assert_well_formed(&doc);
    assert!(
        doc.contains(r#"r:embed="rIdChart1""#),
        "the document draws the chart"
    );
    // The picture's alternative text says every bar's numbers.
    for bar in &bars {
        assert!(doc.contains(&bar.describe(Lang::Zh)), "{}", bar.name);
    }

    // A scope without problems has no chart (and no dangling part).
    let none = SummaryFilter {
        since: Some(day(2001, 1, 1)),
        until: Some(day(2001, 1, 2)),
        ..SummaryFilter::default()
    };
    let r = report(&data.store, &none, today()).unwrap();
    let bytes = export(&r, ExportFormat::Docx, Lang::Zh).unwrap();
    assert!(!zip_entry(&bytes, "[Content_Types].xml").contains("png"));
    assert!(!zip_entry(&bytes, "word/_rels/document.xml.rels").contains("chart"));
}

/// Parses RFC 4180 CSV.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    rows
}

#[test]
fn the_csv_starts_with_a_bom_and_round_trips_chinese() {
    let data = dataset();
    let r = report(&data.store, &SummaryFilter::default(), today()).unwrap();
    let bytes = export(&r, ExportFormat::Csv, Lang::Zh).unwrap();
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF", "UTF-8 byte-order mark");
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let rows = parse_csv(&text);
    assert_eq!(rows.len(), 7, "header + 6 problems");
    assert_eq!(&rows[0][..3], ["序号", "走访日期", "走访单位"]);
    assert!(rows.iter().all(|r| r.len() == rows[0].len()));
    let titles: Vec<&str> = rows[1..].iter().map(|r| r[5].as_str()).collect();
    assert!(titles.contains(&"养老院与殡仪服务衔接不畅, 家属反映\"两头跑\""));
    assert!(titles.contains(&"公墓管理台账不全"));
    let overdue_row = rows.iter().find(|r| r[5] == "护理员持证上岗率低").unwrap();
    assert_eq!(overdue_row[1], "2026-03-15");
    assert_eq!(overdue_row[14], "整改中");
    assert_eq!(overdue_row[15], "是");
}

#[test]
fn the_markdown_holds_the_figures_and_lists() {
    let data = dataset();
    let r = report(&data.store, &SummaryFilter::default(), today()).unwrap();
    let md = String::from_utf8(export(&r, ExportFormat::Markdown, Lang::Zh).unwrap()).unwrap();
    assert!(md.starts_with("# 走基层调研情况汇总\n"));
    assert!(md.contains(&paragraph(&r.summary, Lang::Zh)));
    assert!(md.contains("| 查找问题（个） | 6 |"));
    assert!(md.contains("| 逾期未完成 | 2 |"));
    assert!(
        md.contains("| 养老服务 | 2 | 1 | 20 | 4 | 1 | 2 | 1 | 2 | 1 | 1 | 0 | 0 |"),
        "{md}"
    );
    assert!(md.contains("| 　农村养老 |"), "subtopics are indented");
    assert!(md.contains("违建墓地屡拆屡建"));
    let en = String::from_utf8(export(&r, ExportFormat::Markdown, Lang::En).unwrap()).unwrap();
    assert!(en.contains("| Problems found | 6 |"));
}

/// The figures again, counted in Rust from the store's own lists.
fn recount(store: &Store, filter: &SummaryFilter, today: NaiveDate) -> Figures {
    let visits = store
        .list_visits(&filter.visit_filter(), Default::default(), true, Page::ALL)
        .unwrap();
    let findings = store
        .list_findings(
            &FindingFilter {
                today: Some(today),
                ..filter.finding_filter(&[], today)
            },
            FindingSort::Date,
            true,
            Page::ALL,
        )
        .unwrap();
    let mut places: Vec<&str> = visits.iter().map(|v| v.visit.place.as_str()).collect();
    places.sort_unstable();
    places.dedup();
    let problems: Vec<&Finding> = findings
        .iter()
        .map(|r| &r.finding)
        .filter(|f| f.kind == FindingKind::Problem)
        .collect();
    let count = |p: &dyn Fn(&Finding) -> bool| problems.iter().filter(|f| p(f)).count() as i64;
    let kind = |k: FindingKind| findings.iter().filter(|r| r.finding.kind == k).count() as i64;
    Figures {
        visits: visits.len() as i64,
        unannounced_visits: visits.iter().filter(|v| v.visit.unannounced).count() as i64,
        units_visited: places.len() as i64,
        people_interviewed: visits.iter().map(|v| v.visit.people_met).sum(),
        findings: findings.len() as i64,
        problems: problems.len() as i64,
        immediate: count(&|f| f.category == Some(Category::Immediate)),
        phased: count(&|f| f.category == Some(Category::Phased)),
        long_term: count(&|f| f.category == Some(Category::LongTerm)),
        uncategorized: count(&|f| f.category.is_none()),
        immediate_done: count(&|f| {
            f.category == Some(Category::Immediate) && f.status == Status::Closed
        }),
        phased_stage_reached: count(&|f| {
            f.category == Some(Category::Phased)
                && matches!(f.status, Status::StageDone | Status::Closed)
        }),
        open: count(&|f| f.status == Status::Open),
        in_progress: count(&|f| f.status == Status::InProgress),
        stage_done: count(&|f| f.status == Status::StageDone),
        closed: count(&|f| f.status == Status::Closed),
        overdue: count(&|f| f.is_overdue(today)),
        positive_cases: kind(FindingKind::PositiveCase),
        negative_cases: kind(FindingKind::NegativeCase),
        practices: kind(FindingKind::Practice),
        people_affected: problems.iter().map(|f| f.people_affected).sum(),
    }
}

#[test]
fn on_demo_data_the_figures_agree_with_a_recount_of_the_lists() {
    let mut store = Store::open_in_memory().unwrap();
    generate(
        &mut store,
        DemoOptions {
            visits: 300,
            seed: 11,
        },
    )
    .unwrap();
    let safety = store.resolve_topic("safety").unwrap();
    let filters = [
        SummaryFilter::default(),
        SummaryFilter {
            topics: vec![elderly()],
            ..SummaryFilter::default()
        },
        SummaryFilter {
            topics: vec![funeral(), safety],
            since: Some(day(2025, 6, 1)),
            until: Some(day(2026, 3, 31)),
            ..SummaryFilter::default()
        },
        SummaryFilter {
            region: Some("芙蓉区".to_owned()),
            ..SummaryFilter::default()
        },
    ];
    for filter in &filters {
        let s = summarize(&store, filter, today()).unwrap();
        assert_eq!(s.totals, recount(&store, filter, today()), "{filter:?}");
        assert!(
            s.totals.problems > 0,
            "the demo data has problems in {filter:?}"
        );
        // Each topic's row is the summary filtered by that topic alone.
        if filter.topics.is_empty() && filter.region.is_none() {
            for row in s.by_topic.iter().filter(|t| t.depth == 0) {
                let alone = SummaryFilter {
                    topics: vec![row.topic_id],
                    ..SummaryFilter::default()
                };
                assert_eq!(
                    row.figures,
                    recount(&store, &alone, today()),
                    "{}",
                    row.code
                );
            }
            // Regions partition the visits, so their rows add up to the totals.
            let visits: i64 = s.by_region.iter().map(|r| r.figures.visits).sum();
            let problems: i64 = s.by_region.iter().map(|r| r.figures.problems).sum();
            assert_eq!((visits, problems), (s.totals.visits, s.totals.problems));
            let unit_problems: i64 = s.by_owner_unit.iter().map(|u| u.figures.problems).sum();
            assert_eq!(unit_problems, s.totals.problems);
        }
    }
}

#[test]
fn the_lists_behind_the_figures() {
    let data = dataset();
    let r = report(&data.store, &SummaryFilter::default(), today()).unwrap();
    assert_eq!(r.problems.len(), 6);
    assert!(
        r.problems
            .iter()
            .all(|p| p.finding.kind == FindingKind::Problem)
    );
    assert_eq!(r.cases.len(), 3);
    assert_eq!(r.visits.len(), 4);
    assert_eq!(r.problems.iter().filter(|p| p.overdue).count(), 2);
    assert_eq!(
        r.topic_names(&[elderly(), funeral()], Lang::Zh),
        "养老服务、殡葬改革"
    );
    assert_eq!(r.problems_under(elderly()).count(), 4);
    assert_eq!(r.problems_outside_sections().count(), 0);
}

#[test]
fn suggested_file_names_name_the_topic_and_the_day() {
    let data = dataset();
    let filter = SummaryFilter {
        topics: vec![elderly()],
        ..SummaryFilter::default()
    };
    let s = summarize(&data.store, &filter, today()).unwrap();
    assert_eq!(
        file_name(&s, ExportFormat::Xlsx, Lang::Zh),
        "走访汇总-养老服务-2026-06-30.xlsx"
    );
    let all = summarize(&data.store, &SummaryFilter::default(), today()).unwrap();
    assert_eq!(
        file_name(&all, ExportFormat::Docx, Lang::En),
        "visit-summary-2026-06-30.docx"
    );
}

#[test]
fn the_scope_line_names_every_filter() {
    let data = dataset();
    let s = summarize(
        &data.store,
        &SummaryFilter {
            topics: vec![elderly(), elderly()],
            since: Some(day(2026, 3, 1)),
            subject: Some(data.subject),
            region: Some(" 芙蓉区 ".to_owned()),
            investigator: Some("张伟".to_owned()),
            ..SummaryFilter::default()
        },
        today(),
    )
    .unwrap();
    assert_eq!(
        s.filter.describe(Lang::Zh),
        "专题：养老服务；时间：2026年3月1日起；调研课题：农村养老服务体系建设情况；地区：芙蓉区；走访人员：张伟"
    );
    assert_eq!(
        s.filter.describe(Lang::En),
        "Topics: Elderly care; Dates: from 1 Mar 2026; Subject: 农村养老服务体系建设情况; Region: 芙蓉区; Investigator: 张伟"
    );
    assert_eq!(
        s.totals.visits, 1,
        "V1: 张伟, 芙蓉区, the subject, elderly care"
    );
    let everything = summarize(&data.store, &SummaryFilter::default(), today()).unwrap();
    assert_eq!(everything.filter.describe(Lang::Zh), "全部走访记录");
}
