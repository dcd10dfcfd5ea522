//! The store as an investigator relies on it: what is saved comes back exactly (Chinese text
//! included), every change leaves a trail, deletes go to a Trash that gives them back, a database
//! it cannot or must not open is left untouched, and every list filter shows the right records.
#![allow(clippy::unwrap_used)]

use chrono::NaiveDate;
use std::collections::BTreeSet;
use zoufang::i18n::{Lang, Localized};
use zoufang::model::{
    Category, Finding, FindingId, FindingKind, Status, Subject, SubjectId, Topic, TopicId, Visit,
    VisitId, builtin_topic_id,
};
use zoufang::store::{
    Action, FindingFilter, FindingSort, Outcome, Page, RecordKind, SCHEMA_VERSION, Store,
    StoreError, VisitFilter, VisitSort,
};

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn topic(store: &Store, code: &str) -> TopicId {
    store.resolve_topic(code).unwrap()
}

/// A visit with every field filled in Chinese.
fn full_visit() -> Visit {
    let mut v = Visit::new(day("2026-03-02"), "城西养老院");
    v.region = "岳麓区望月湖街道".into();
    v.investigators = vec!["王敏".into(), "李强".into()];
    v.people_met = 12;
    v.unannounced = true;
    v.notes = "采取“四不两直”方式，直奔现场；与护理员、老人座谈。".into();
    v
}

/// The data fields of a record, without its bookkeeping.
fn fields<T: serde::Serialize>(record: &T) -> serde_json::Value {
    serde_json::to_value(record).unwrap()
}

#[test]
fn a_visit_round_trips_with_its_chinese_text() {
    let mut store = Store::open_in_memory().unwrap();
    let visit = full_visit();
    assert_eq!(store.save_visit(&visit).unwrap(), Outcome::Created);

    let back = store.visit(visit.id).unwrap();
    assert_eq!(fields(&back), fields(&visit));
    assert!(back.meta.created_at.is_some() && back.meta.updated_at.is_some());
    assert!(!back.meta.is_deleted());

    let mut edited = back.clone();
    edited.place = "城西社会福利中心".into();
    edited.investigators.push("赵丽".into());
    edited.unannounced = false;
    assert_eq!(store.save_visit(&edited).unwrap(), Outcome::Updated);
    let again = store.visit(visit.id).unwrap();
    assert_eq!(fields(&again), fields(&edited));
    assert_eq!(again.meta.created_at, back.meta.created_at);
    assert!(again.meta.clock > back.meta.clock, "the clock moves on");

    assert_eq!(store.save_visit(&again).unwrap(), Outcome::Unchanged);
}

#[test]
fn a_finding_round_trips_with_its_rectification() {
    let mut store = Store::open_in_memory().unwrap();
    let visit = full_visit();
    store.save_visit(&visit).unwrap();

    let mut f = Finding::new(visit.id, "护理员配备不足，夜间仅一人值守");
    f.detail = "失能老人 46 人，夜班护理员 1 名，“一床一铃”未覆盖。".into();
    f.topics = vec![topic(&store, "elderly-care"), topic(&store, "安全生产")];
    f.people_affected = 46;
    f.category = Some(Category::Phased);
    f.measures = "按 1:4 配足护理员；安装呼叫系统。".into();
    f.target = "年底前夜班护理员不少于 3 名".into();
    f.deadline = Some(day("2026-12-31"));
    f.owner = "张伟".into();
    f.owner_unit = "市养老服务指导中心".into();
    f.status = Status::InProgress;
    assert_eq!(store.save_finding(&f).unwrap(), Outcome::Created);
    assert_eq!(fields(&store.finding(f.id).unwrap()), fields(&f));

    f.status = Status::Closed;
    f.closed_on = Some(day("2026-11-20"));
    f.verified_by = "王敏".into();
    f.close_note = "经实地复核，整改到位，同意销号。".into();
    assert_eq!(store.save_finding(&f).unwrap(), Outcome::Updated);
    assert_eq!(fields(&store.finding(f.id).unwrap()), fields(&f));
}

#[test]
fn subjects_and_subtopics_round_trip() {
    let mut store = Store::open_in_memory().unwrap();
    let funeral = topic(&store, "funeral");
    let sub = Topic {
        id: TopicId::new(),
        code: "rural-cemetery".into(),
        name_zh: "农村公益性公墓".into(),
        name_en: "Rural public cemeteries".into(),
        parent_id: Some(funeral),
        archived: false,
        meta: Default::default(),
    };
    store.save_topic(&sub).unwrap();
    assert_eq!(fields(&store.topic(sub.id).unwrap()), fields(&sub));
    assert_eq!(store.resolve_topic("农村公益性公墓").unwrap(), sub.id);
    assert_eq!(
        store.resolve_topic("RURAL PUBLIC CEMETERIES").unwrap(),
        sub.id
    );

    let subject = Subject {
        id: SubjectId::new(),
        title: "殡葬工作现状、堵点与出路".into(),
        lead: "党组书记、局长".into(),
        unit: "社会事务处".into(),
        start_date: Some(day("2026-03-01")),
        end_date: Some(day("2026-10-31")),
        topics: vec![funeral, sub.id],
        notes: "解剖式调研".into(),
        meta: Default::default(),
    };
    store.save_subject(&subject).unwrap();
    assert_eq!(
        fields(&store.subject(subject.id).unwrap()),
        fields(&subject)
    );
    let listed = store.subjects(false).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].title, subject.title);
}

#[test]
fn built_in_topics_cannot_be_renamed_and_codes_stay_unique() {
    let mut store = Store::open_in_memory().unwrap();
    let codes: Vec<String> = store
        .topics()
        .unwrap()
        .into_iter()
        .map(|t| t.code)
        .collect();
    assert_eq!(
        codes,
        [
            "funeral",
            "elderly-care",
            "child-welfare",
            "social-assistance",
            "disability-subsidy",
            "marriage",
            "social-org",
            "petition",
            "family-planning",
            "safety",
            "public-service"
        ]
    );
    let mut builtin = store.topic(builtin_topic_id(0)).unwrap();
    builtin.name_zh = "殡葬".into();
    assert!(matches!(
        store.save_topic(&builtin),
        Err(StoreError::BuiltinTopic)
    ));
    let dup = Topic {
        id: TopicId::new(),
        code: "funeral".into(),
        name_zh: "重复".into(),
        ..Default::default()
    };
    assert!(matches!(
        store.save_topic(&dup),
        Err(StoreError::DuplicateCode(_))
    ));
}

#[test]
fn invalid_records_and_dangling_references_are_refused_and_change_nothing() {
    let mut store = Store::open_in_memory().unwrap();
    let visit = full_visit();
    store.save_visit(&visit).unwrap();
    let before = store.digest().unwrap();

    let mut bad = Finding::new(visit.id, "   ");
    assert!(matches!(
        store.save_finding(&bad),
        Err(StoreError::Invalid(_))
    ));
    bad.title = "孤儿基本生活费发放延迟".into();
    bad.people_affected = -1;
    assert!(store.save_finding(&bad).is_err());
    bad.people_affected = 0;
    bad.status = Status::Closed;
    assert!(
        store.save_finding(&bad).is_err(),
        "closing needs a verifier"
    );
    bad.status = Status::Open;
    bad.visit_id = VisitId::new();
    assert!(matches!(
        store.save_finding(&bad),
        Err(StoreError::NotFound { .. })
    ));
    bad.visit_id = visit.id;
    bad.topics = vec![TopicId::new()];
    assert!(matches!(
        store.save_finding(&bad),
        Err(StoreError::UnknownTopic(_))
    ));
    let mut v = full_visit();
    v.people_met = -3;
    assert!(store.save_visit(&v).is_err());
    v.people_met = 3;
    v.subject_id = Some(SubjectId::new());
    assert!(store.save_visit(&v).is_err());

    assert_eq!(store.digest().unwrap(), before);
}

#[test]
fn every_change_leaves_a_history_row_with_before_and_after() {
    let mut store = Store::open_in_memory().unwrap();
    store.set_author("王敏").unwrap();
    let mut visit = full_visit();
    store.save_visit(&visit).unwrap();
    let id = visit.id.to_string();

    visit.place = "城东养老院".into();
    store.save_visit(&visit).unwrap();
    store.save_visit(&visit).unwrap(); // unchanged: no row
    store.delete(&id).unwrap();
    store.restore(&id).unwrap();

    let history = store.history(&id).unwrap();
    let actions: Vec<Action> = history.iter().map(|h| h.action).collect();
    assert_eq!(
        actions,
        [
            Action::Create,
            Action::Update,
            Action::Delete,
            Action::Restore
        ]
    );
    assert!(history.iter().all(|h| h.author == "王敏"));
    assert!(history.iter().all(|h| h.device == store.device_id()));

    let create = &history[0];
    assert!(create.before.is_none());
    assert_eq!(create.after.as_ref().unwrap()["place"], "城西养老院");

    let update = &history[1];
    assert_eq!(update.before.as_ref().unwrap()["place"], "城西养老院");
    assert_eq!(update.after.as_ref().unwrap()["place"], "城东养老院");
    assert_eq!(update.changed_fields(), ["place"]);

    let delete = &history[2];
    assert!(delete.before.as_ref().unwrap().get("deleted_at").is_none());
    assert!(delete.after.as_ref().unwrap().get("deleted_at").is_some());
    let restore = &history[3];
    assert!(restore.before.as_ref().unwrap().get("deleted_at").is_some());
    assert!(restore.after.as_ref().unwrap().get("deleted_at").is_none());
}

#[test]
fn a_deleted_visit_takes_its_findings_to_the_trash_and_restore_brings_them_back() {
    let mut store = Store::open_in_memory().unwrap();
    let visit = full_visit();
    store.save_visit(&visit).unwrap();
    let kept = Finding::new(visit.id, "消防通道堵塞");
    let also = Finding::new(visit.id, "护理员配备不足");
    let earlier = Finding::new(visit.id, "床位空置率高");
    for f in [&kept, &also, &earlier] {
        store.save_finding(f).unwrap();
    }
    // One finding was deleted on its own before the visit went.
    store.delete(&earlier.id.to_string()).unwrap();
    assert_eq!(
        store.delete(&visit.id.to_string()).unwrap(),
        RecordKind::Visit
    );

    assert!(store.visit(visit.id).unwrap().meta.is_deleted());
    assert!(store.finding(kept.id).unwrap().meta.is_deleted());
    let live = FindingFilter::default();
    assert_eq!(store.count_findings(&live).unwrap(), 0);
    assert_eq!(store.count_visits(&VisitFilter::default()).unwrap(), 0);
    let trash: BTreeSet<String> = store.trash().unwrap().into_iter().map(|t| t.id).collect();
    let expected: BTreeSet<String> = [
        visit.id.to_string(),
        kept.id.to_string(),
        also.id.to_string(),
        earlier.id.to_string(),
    ]
    .into();
    assert_eq!(trash, expected);
    // Each finding that went with the visit has its own delete in history.
    assert_eq!(
        store
            .history(&kept.id.to_string())
            .unwrap()
            .last()
            .unwrap()
            .action,
        Action::Delete
    );

    store.restore(&visit.id.to_string()).unwrap();
    assert!(!store.visit(visit.id).unwrap().meta.is_deleted());
    assert!(!store.finding(kept.id).unwrap().meta.is_deleted());
    assert!(!store.finding(also.id).unwrap().meta.is_deleted());
    assert!(
        store.finding(earlier.id).unwrap().meta.is_deleted(),
        "a finding deleted on its own stays in the Trash"
    );
    assert_eq!(store.count_findings(&live).unwrap(), 2);
    assert_eq!(store.trash().unwrap().len(), 1);
}

#[test]
fn restoring_a_finding_of_a_deleted_visit_brings_the_visit_back() {
    let mut store = Store::open_in_memory().unwrap();
    let visit = full_visit();
    store.save_visit(&visit).unwrap();
    let f = Finding::new(visit.id, "低保动态管理不及时");
    store.save_finding(&f).unwrap();
    store.delete(&visit.id.to_string()).unwrap();
    store.restore(&f.id.to_string()).unwrap();
    assert!(!store.visit(visit.id).unwrap().meta.is_deleted());
    assert_eq!(store.count_findings(&FindingFilter::default()).unwrap(), 1);
}

#[test]
fn deleting_twice_or_an_unknown_id_changes_nothing() {
    let mut store = Store::open_in_memory().unwrap();
    let visit = full_visit();
    store.save_visit(&visit).unwrap();
    store.delete(&visit.id.to_string()).unwrap();
    let before = store.digest().unwrap();
    store.delete(&visit.id.to_string()).unwrap();
    assert!(matches!(
        store.delete(&VisitId::new().to_string()),
        Err(StoreError::NotFound { .. })
    ));
    assert_eq!(store.digest().unwrap(), before);
}

// ---------------------------------------------------------------------------------------------
// The database file

#[test]
fn an_empty_file_is_migrated_to_the_current_schema_with_the_catalogue() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.sqlite");
    std::fs::write(&path, b"").unwrap();
    let device;
    let visit = full_visit();
    {
        let mut store = Store::open(&path).unwrap();
        let version: i64 = store
            .conn()
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, SCHEMA_VERSION);
        assert_eq!(store.topics().unwrap().len(), 11);
        device = store.device_id().to_owned();
        assert!(!device.is_empty());
        store.save_visit(&visit).unwrap();
    }
    // Opening again keeps the data, the catalogue (not seeded twice) and the device id.
    let store = Store::open(&path).unwrap();
    assert_eq!(store.device_id(), device);
    assert_eq!(store.topics().unwrap().len(), 11);
    assert_eq!(fields(&store.visit(visit.id).unwrap()), fields(&visit));
}

#[test]
fn a_missing_file_is_created_in_a_missing_directory() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a").join("b").join("zoufang.sqlite");
    let store = Store::open(&path).unwrap();
    assert_eq!(store.path(), path);
    assert!(path.exists());
}

#[test]
fn a_database_from_a_newer_version_is_refused_and_left_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("newer.sqlite");
    {
        let mut store = Store::open(&path).unwrap();
        store.save_visit(&full_visit()).unwrap();
        store
            .conn()
            .pragma_update(None, "user_version", 99)
            .unwrap();
    }
    let bytes = std::fs::read(&path).unwrap();
    let err = Store::open(&path)
        .err()
        .expect("a newer database is refused");
    match &err {
        StoreError::NewerSchema {
            found, supported, ..
        } => {
            assert_eq!(*found, 99);
            assert_eq!(*supported, SCHEMA_VERSION);
        }
        other => panic!("expected NewerSchema, got {other:?}"),
    }
    let en = err.localized(Lang::En);
    assert!(
        en.contains("newer version") && en.contains("newer.sqlite"),
        "{en}"
    );
    assert!(err.localized(Lang::Zh).contains("更新版本"));
    assert_eq!(std::fs::read(&path).unwrap(), bytes);
    assert!(!dir.path().join("newer.sqlite-wal").exists());
}

#[test]
fn a_file_that_is_not_sqlite_is_refused_and_left_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    for (name, content) in [
        (
            "notes.sqlite",
            "这不是数据库：走访笔记\n".repeat(200).into_bytes(),
        ),
        ("short.sqlite", b"hello".to_vec()),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, &content).unwrap();
        let err = Store::open(&path).err().expect("not a database");
        assert!(matches!(err, StoreError::NotADatabase(_)), "{err:?}");
        assert!(err.localized(Lang::En).contains(name));
        assert!(err.localized(Lang::Zh).contains("不是走访数据库"));
        assert_eq!(std::fs::read(&path).unwrap(), content);
    }
}

#[test]
fn another_programs_sqlite_file_is_refused_and_left_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.sqlite");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(
            "CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES ('李强');",
        )
        .unwrap();
    }
    let bytes = std::fs::read(&path).unwrap();
    assert!(matches!(
        Store::open(&path),
        Err(StoreError::NotADatabase(_))
    ));
    assert_eq!(std::fs::read(&path).unwrap(), bytes);
}

#[test]
fn the_author_is_kept_in_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.sqlite");
    Store::open(&path).unwrap().set_author("李强").unwrap();
    assert_eq!(Store::open(&path).unwrap().author(), "李强");
    assert!(Store::open(&path).unwrap().set_author("  ").is_err());
}

// ---------------------------------------------------------------------------------------------
// Filters: a small world of three visits and seven findings.

struct World {
    store: Store,
    subject: SubjectId,
    rural_cemetery: TopicId,
    visits: [VisitId; 3],
    deleted: FindingId,
}

fn world() -> World {
    let mut store = Store::open_in_memory().unwrap();
    let funeral = topic(&store, "funeral");
    let rural_cemetery = Topic {
        id: TopicId::new(),
        code: "rural-cemetery".into(),
        name_zh: "农村公益性公墓".into(),
        name_en: "Rural public cemeteries".into(),
        parent_id: Some(funeral),
        archived: false,
        meta: Default::default(),
    };
    store.save_topic(&rural_cemetery).unwrap();
    let subject = Subject {
        id: SubjectId::new(),
        title: "殡葬工作现状、堵点与出路".into(),
        lead: "党组书记、局长".into(),
        ..Default::default()
    };
    store.save_subject(&subject).unwrap();

    let mut a = Visit::new(day("2026-03-02"), "城郊公益性公墓");
    a.region = "芙蓉区东湖街道".into();
    a.investigators = vec!["王敏".into(), "李强".into()];
    a.unannounced = true;
    a.subject_id = Some(subject.id);
    let mut b = Visit::new(day("2026-04-15"), "城西养老院");
    b.region = "岳麓区".into();
    b.investigators = vec!["赵丽".into()];
    let mut c = Visit::new(day("2026-05-20"), "社区救助服务站");
    c.region = "长沙县黄花镇".into();
    c.investigators = vec!["王敏".into()];
    for v in [&a, &b, &c] {
        store.save_visit(v).unwrap();
    }

    let t = |code: &str| topic(&store, code);
    let problem = |visit: &Visit, title: &str, cat: Category, deadline: &str, status: Status| {
        let mut f = Finding::new(visit.id, title);
        f.category = Some(cat);
        f.deadline = Some(day(deadline));
        f.status = status;
        f
    };
    let case = |visit: &Visit, title: &str, kind: FindingKind| {
        let mut f = Finding::new(visit.id, title);
        f.kind = kind;
        f
    };
    let mut f1 = problem(
        &a,
        "山林地新增违建墓地",
        Category::Immediate,
        "2026-03-20",
        Status::Open,
    );
    f1.topics = vec![rural_cemetery.id];
    f1.owner = "张伟".into();
    f1.owner_unit = "芙蓉区民政局".into();
    let mut f2 = case(&a, "公益性公墓惠民殡葬", FindingKind::PositiveCase);
    f2.topics = vec![funeral];
    let mut f3 = problem(
        &b,
        "护理员配备不足",
        Category::Phased,
        "2026-06-30",
        Status::InProgress,
    );
    f3.topics = vec![t("elderly-care")];
    f3.owner = "刘洋".into();
    f3.owner_unit = "城西养老院".into();
    let mut f4 = problem(
        &b,
        "消防通道堵塞",
        Category::Immediate,
        "2026-04-20",
        Status::Closed,
    );
    f4.topics = vec![t("elderly-care"), t("safety")];
    f4.closed_on = Some(day("2026-04-18"));
    f4.verified_by = "王敏".into();
    let mut f5 = case(&c, "低保一门受理、全城通办", FindingKind::Practice);
    f5.topics = vec![t("social-assistance")];
    let mut f6 = problem(
        &c,
        "低保动态管理不及时",
        Category::LongTerm,
        "2026-12-31",
        Status::StageDone,
    );
    f6.topics = vec![t("social-assistance")];
    f6.owner = "张伟".into();
    let mut f7 = case(&c, "孤儿基本生活费发放延迟", FindingKind::NegativeCase);
    f7.topics = vec![t("child-welfare")];
    for f in [&f1, &f2, &f3, &f4, &f5, &f6, &f7] {
        store.save_finding(f).unwrap();
    }
    store.delete(&f7.id.to_string()).unwrap();
    World {
        store,
        subject: subject.id,
        rural_cemetery: rural_cemetery.id,
        visits: [a.id, b.id, c.id],
        deleted: f7.id,
    }
}

/// The titles a finding filter shows, after checking that its count agrees with its list.
#[allow(clippy::needless_pass_by_value)] // filters are built inline at each call
fn findings(store: &Store, filter: FindingFilter) -> BTreeSet<String> {
    let rows = store
        .list_findings(&filter, FindingSort::Date, true, Page::ALL)
        .unwrap();
    assert_eq!(
        store.count_findings(&filter).unwrap(),
        rows.len(),
        "count and list disagree for {filter:?}"
    );
    rows.into_iter().map(|r| r.finding.title).collect()
}

/// The places a visit filter shows, after checking its count.
#[allow(clippy::needless_pass_by_value)]
fn visits(store: &Store, filter: VisitFilter) -> BTreeSet<String> {
    let rows = store
        .list_visits(&filter, VisitSort::Date, true, Page::ALL)
        .unwrap();
    assert_eq!(
        store.count_visits(&filter).unwrap(),
        rows.len(),
        "count and list disagree for {filter:?}"
    );
    rows.into_iter().map(|r| r.visit.place).collect()
}

fn set(titles: &[&str]) -> BTreeSet<String> {
    titles.iter().map(|t| (*t).to_owned()).collect()
}

const F1: &str = "山林地新增违建墓地";
const F2: &str = "公益性公墓惠民殡葬";
const F3: &str = "护理员配备不足";
const F4: &str = "消防通道堵塞";
const F5: &str = "低保一门受理、全城通办";
const F6: &str = "低保动态管理不及时";
const F7: &str = "孤儿基本生活费发放延迟";

#[test]
fn finding_filters_topic_includes_subtopics() {
    let w = world();
    let s = &w.store;
    let by = |codes: &[&str]| FindingFilter {
        topics: codes.iter().map(|c| topic(s, c)).collect(),
        ..Default::default()
    };
    assert_eq!(findings(s, by(&["funeral"])), set(&[F1, F2]));
    assert_eq!(findings(s, by(&["rural-cemetery"])), set(&[F1]));
    assert_eq!(findings(s, by(&["elderly-care"])), set(&[F3, F4]));
    assert_eq!(findings(s, by(&["safety"])), set(&[F4]));
    assert_eq!(
        findings(s, by(&["safety", "social-assistance"])),
        set(&[F4, F5, F6])
    );
    assert_eq!(findings(s, by(&["marriage"])), set(&[]));
    let counts = s.topic_counts().unwrap();
    let count = |id: TopicId| counts.iter().find(|c| c.topic.id == id).unwrap().findings;
    assert_eq!(count(topic(s, "funeral")), 2);
    assert_eq!(count(w.rural_cemetery), 1);
    assert_eq!(
        count(topic(s, "child-welfare")),
        0,
        "deleted findings do not count"
    );
}

#[test]
fn finding_filters_kind_status_category() {
    let w = world();
    let s = &w.store;
    let all = findings(s, FindingFilter::default());
    assert_eq!(all, set(&[F1, F2, F3, F4, F5, F6]));
    let kinds = |k: Vec<FindingKind>| FindingFilter {
        kinds: k,
        ..Default::default()
    };
    assert_eq!(
        findings(s, kinds(vec![FindingKind::Problem])),
        set(&[F1, F3, F4, F6])
    );
    assert_eq!(findings(s, kinds(vec![FindingKind::Practice])), set(&[F5]));
    assert_eq!(
        findings(
            s,
            kinds(vec![FindingKind::PositiveCase, FindingKind::NegativeCase])
        ),
        set(&[F2])
    );
    let statuses = |st: Vec<Status>| FindingFilter {
        kinds: vec![FindingKind::Problem],
        statuses: st,
        ..Default::default()
    };
    assert_eq!(findings(s, statuses(vec![Status::Open])), set(&[F1]));
    assert_eq!(findings(s, statuses(vec![Status::Closed])), set(&[F4]));
    assert_eq!(
        findings(s, statuses(vec![Status::InProgress, Status::StageDone])),
        set(&[F3, F6])
    );
    let cats = |c: Vec<Category>| FindingFilter {
        categories: c,
        ..Default::default()
    };
    assert_eq!(findings(s, cats(vec![Category::Immediate])), set(&[F1, F4]));
    assert_eq!(findings(s, cats(vec![Category::Phased])), set(&[F3]));
    assert_eq!(findings(s, cats(vec![Category::LongTerm])), set(&[F6]));
}

#[test]
fn finding_filter_overdue_uses_the_given_today() {
    let w = world();
    let s = &w.store;
    let overdue = |today: &str| FindingFilter {
        overdue: true,
        today: Some(day(today)),
        ..Default::default()
    };
    assert_eq!(
        findings(s, overdue("2026-03-20")),
        set(&[]),
        "not on the deadline day"
    );
    assert_eq!(findings(s, overdue("2026-03-21")), set(&[F1]));
    assert_eq!(findings(s, overdue("2026-07-01")), set(&[F1, F3]));
    // The closed problem and the stage-done one never count; nor do the cases.
    assert_eq!(findings(s, overdue("2030-01-01")), set(&[F1, F3]));
    let rows = s
        .list_findings(
            &overdue("2026-07-01"),
            FindingSort::Deadline,
            true,
            Page::ALL,
        )
        .unwrap();
    assert!(rows.iter().all(|r| r.overdue));
    assert_eq!(rows[0].finding.title, F1, "sorted by deadline");
    let mut elderly = overdue("2026-07-01");
    elderly.topics = vec![topic(s, "elderly-care")];
    assert_eq!(findings(s, elderly), set(&[F3]));
}

#[test]
fn findings_without_a_deadline_sort_after_the_dated_ones_both_ways() {
    let w = world();
    let s = &w.store;
    for ascending in [true, false] {
        let rows = s
            .list_findings(
                &FindingFilter::default(),
                FindingSort::Deadline,
                ascending,
                Page::ALL,
            )
            .unwrap();
        let deadlines: Vec<_> = rows.iter().map(|r| r.finding.deadline).collect();
        let dated = deadlines.iter().take_while(|d| d.is_some()).count();
        assert!(dated > 1 && dated < deadlines.len(), "{deadlines:?}");
        assert!(
            deadlines[dated..].iter().all(Option::is_none),
            "undated last (ascending {ascending}): {deadlines:?}"
        );
        let mut sorted = deadlines[..dated].to_vec();
        sorted.sort();
        if !ascending {
            sorted.reverse();
        }
        assert_eq!(deadlines[..dated], sorted[..]);
    }
}

#[test]
fn finding_filters_by_visit_date_investigator_region_subject_owner() {
    let w = world();
    let s = &w.store;
    let f = FindingFilter::default;
    let since = FindingFilter {
        since: Some(day("2026-04-15")),
        ..f()
    };
    assert_eq!(findings(s, since), set(&[F3, F4, F5, F6]));
    let until = FindingFilter {
        until: Some(day("2026-04-15")),
        ..f()
    };
    assert_eq!(findings(s, until), set(&[F1, F2, F3, F4]));
    let range = FindingFilter {
        since: Some(day("2026-04-01")),
        until: Some(day("2026-04-30")),
        ..f()
    };
    assert_eq!(findings(s, range), set(&[F3, F4]));
    let wang = FindingFilter {
        investigator: Some("王敏".into()),
        ..f()
    };
    assert_eq!(findings(s, wang), set(&[F1, F2, F5, F6]));
    let region = FindingFilter {
        region: Some("黄花".into()),
        ..f()
    };
    assert_eq!(findings(s, region), set(&[F5, F6]));
    let subject = FindingFilter {
        subject: Some(w.subject),
        ..f()
    };
    assert_eq!(findings(s, subject), set(&[F1, F2]));
    let owner = FindingFilter {
        owner: Some("张伟".into()),
        ..f()
    };
    assert_eq!(findings(s, owner), set(&[F1, F6]));
    let unit = FindingFilter {
        owner: Some("民政局".into()),
        ..f()
    };
    assert_eq!(findings(s, unit), set(&[F1]));
    let visit = FindingFilter {
        visit: Some(w.visits[1]),
        ..f()
    };
    assert_eq!(findings(s, visit), set(&[F3, F4]));
}

#[test]
fn finding_filters_free_text_and_trash() {
    let w = world();
    let s = &w.store;
    let text = |t: &str| FindingFilter {
        text: Some(t.into()),
        ..Default::default()
    };
    assert_eq!(findings(s, text("低保")), set(&[F5, F6]));
    assert_eq!(findings(s, text("墓")), set(&[F1, F2]));
    assert_eq!(findings(s, text("护理员")), set(&[F3]));
    assert_eq!(findings(s, text("孤儿")), set(&[]), "deleted: not found");
    assert_eq!(findings(s, text("低保 管理")), set(&[F6]));
    let trash = FindingFilter {
        deleted: true,
        ..Default::default()
    };
    assert_eq!(findings(s, trash), set(&[F7]));
    let rows = s
        .list_findings(
            &FindingFilter {
                deleted: true,
                ..Default::default()
            },
            FindingSort::Date,
            true,
            Page::ALL,
        )
        .unwrap();
    assert_eq!(rows[0].finding.id, w.deleted);
    // Filters combine.
    let both = FindingFilter {
        topics: vec![topic(s, "social-assistance")],
        kinds: vec![FindingKind::Problem],
        owner: Some("张伟".into()),
        since: Some(day("2026-05-01")),
        ..Default::default()
    };
    assert_eq!(findings(s, both), set(&[F6]));
}

#[test]
fn visit_filters() {
    let mut w = world();
    let s = &w.store;
    let f = VisitFilter::default;
    let (a, b, c) = ("城郊公益性公墓", "城西养老院", "社区救助服务站");
    assert_eq!(visits(s, f()), set(&[a, b, c]));
    let topics = |codes: &[&str]| VisitFilter {
        topics: codes.iter().map(|c| topic(s, c)).collect(),
        ..f()
    };
    assert_eq!(visits(s, topics(&["funeral"])), set(&[a]));
    assert_eq!(visits(s, topics(&["rural-cemetery"])), set(&[a]));
    assert_eq!(visits(s, topics(&["elderly-care"])), set(&[b]));
    assert_eq!(
        visits(s, topics(&["child-welfare"])),
        set(&[]),
        "its finding is deleted"
    );
    let since = VisitFilter {
        since: Some(day("2026-04-15")),
        ..f()
    };
    assert_eq!(visits(s, since), set(&[b, c]));
    let until = VisitFilter {
        until: Some(day("2026-04-14")),
        ..f()
    };
    assert_eq!(visits(s, until), set(&[a]));
    let wang = VisitFilter {
        investigator: Some("王敏".into()),
        ..f()
    };
    assert_eq!(visits(s, wang), set(&[a, c]));
    let region = VisitFilter {
        region: Some("岳麓区".into()),
        ..f()
    };
    assert_eq!(visits(s, region), set(&[b]));
    let subject = VisitFilter {
        subject: Some(w.subject),
        ..f()
    };
    assert_eq!(visits(s, subject), set(&[a]));
    let unannounced = VisitFilter {
        unannounced: Some(true),
        ..f()
    };
    assert_eq!(visits(s, unannounced), set(&[a]));
    let announced = VisitFilter {
        unannounced: Some(false),
        ..f()
    };
    assert_eq!(visits(s, announced), set(&[b, c]));
    let text = VisitFilter {
        text: Some("养老院".into()),
        ..f()
    };
    assert_eq!(visits(s, text), set(&[b]));
    let rows = s
        .list_visits(&f(), VisitSort::Findings, false, Page::ALL)
        .unwrap();
    assert_eq!(rows[0].visit.place, c, "three findings");
    assert_eq!(rows[0].findings, 2, "the deleted one is not counted");

    w.store.delete(&w.visits[0].to_string()).unwrap();
    let s = &w.store;
    assert_eq!(visits(s, f()), set(&[b, c]));
    let trash = VisitFilter {
        deleted: true,
        ..f()
    };
    assert_eq!(visits(s, trash), set(&[a]));
    let trash = FindingFilter {
        deleted: true,
        ..Default::default()
    };
    assert_eq!(findings(s, trash), set(&[F1, F2, F7]));
}

#[test]
fn pages_cover_the_list_exactly_once_in_order() {
    let mut store = Store::open_in_memory().unwrap();
    zoufang::demo::generate(
        &mut store,
        zoufang::demo::DemoOptions {
            visits: 40,
            seed: 11,
        },
    )
    .unwrap();
    let filter = FindingFilter::default();
    let all = store
        .list_findings(&filter, FindingSort::Date, true, Page::ALL)
        .unwrap();
    assert_eq!(all.len(), store.count_findings(&filter).unwrap());
    assert!(all.len() > 50);
    let mut paged = Vec::new();
    for offset in (0..all.len() + 7).step_by(7) {
        let page = store
            .list_findings(&filter, FindingSort::Date, true, Page { offset, limit: 7 })
            .unwrap();
        assert!(page.len() <= 7);
        paged.extend(page.into_iter().map(|r| r.finding.id));
    }
    let ids: Vec<FindingId> = all.iter().map(|r| r.finding.id).collect();
    assert_eq!(paged, ids);
    assert!(all.windows(2).all(|w| w[0].visit_date <= w[1].visit_date));

    let vf = VisitFilter::default();
    let visits = store
        .list_visits(
            &vf,
            VisitSort::Date,
            false,
            Page {
                offset: 35,
                limit: 10,
            },
        )
        .unwrap();
    assert_eq!(visits.len(), 5);
    assert_eq!(store.count_visits(&vf).unwrap(), 40);
}

#[test]
fn demo_data_covers_every_topic_kind_category_and_status() {
    let mut store = Store::open_in_memory().unwrap();
    let options = zoufang::demo::DemoOptions {
        visits: 300,
        seed: 7,
    };
    let summary = zoufang::demo::generate(&mut store, options).unwrap();
    assert_eq!(summary.visits, 300);
    let all = FindingFilter::default();
    assert_eq!(store.count_findings(&all).unwrap(), summary.findings);
    for t in store.topic_counts().unwrap() {
        assert!(t.findings > 0, "no demo findings for {}", t.topic.code);
    }
    let count = |filter: FindingFilter| store.count_findings(&filter).unwrap();
    for kind in FindingKind::ALL {
        assert!(
            count(FindingFilter {
                kinds: vec![*kind],
                ..Default::default()
            }) > 0,
            "{kind}"
        );
    }
    for status in Status::ALL {
        let f = FindingFilter {
            kinds: vec![FindingKind::Problem],
            statuses: vec![*status],
            ..Default::default()
        };
        assert!(count(f) > 0, "{status}");
    }
    for category in Category::ALL {
        assert!(
            count(FindingFilter {
                categories: vec![*category],
                ..Default::default()
            }) > 0
        );
    }
    assert!(
        count(FindingFilter {
            overdue: true,
            ..Default::default()
        }) > 0
    );
    // Every closed problem says who verified it and when.
    let closed = store
        .list_findings(
            &FindingFilter {
                statuses: vec![Status::Closed],
                ..Default::default()
            },
            FindingSort::Date,
            true,
            Page::ALL,
        )
        .unwrap();
    assert!(
        closed
            .iter()
            .all(|r| r.finding.validate().is_ok() && r.finding.closed_on.is_some())
    );

    // The same seed gives the same records, ids included.
    let mut again = Store::open_in_memory().unwrap();
    zoufang::demo::generate(&mut again, options).unwrap();
    let records = |s: &Store| {
        s.list_findings(&all, FindingSort::Date, true, Page::ALL)
            .unwrap()
            .into_iter()
            .map(|r| fields(&r.finding))
            .collect::<Vec<_>>()
    };
    assert_eq!(records(&store), records(&again));
}

#[test]
fn a_record_stays_editable_when_something_it_refers_to_is_deleted() {
    // A user topic or a subject goes to the Trash: the findings and visits that name it must
    // still be editable (only a *new* reference has to point at a live record).
    let mut store = Store::open_in_memory().unwrap();
    let own = Topic {
        id: TopicId::new(),
        code: "night-care".into(),
        name_zh: "夜间照护".into(),
        parent_id: Some(topic(&store, "elderly-care")),
        ..Default::default()
    };
    store.save_topic(&own).unwrap();
    let subject = Subject {
        id: SubjectId::new(),
        title: "养老服务体系建设调研".into(),
        ..Default::default()
    };
    store.save_subject(&subject).unwrap();
    let mut visit = full_visit();
    visit.subject_id = Some(subject.id);
    store.save_visit(&visit).unwrap();
    let mut finding = Finding::new(visit.id, "夜班护理员不足");
    finding.topics = vec![own.id];
    store.save_finding(&finding).unwrap();

    store.delete(&own.id.to_string()).unwrap();
    store.delete(&subject.id.to_string()).unwrap();

    finding.detail = "夜间仅一人值守".into();
    assert_eq!(store.save_finding(&finding).unwrap(), Outcome::Updated);
    visit.notes = "补充：已约谈院长".into();
    assert_eq!(store.save_visit(&visit).unwrap(), Outcome::Updated);
    // A new reference to the deleted topic is still refused.
    let mut other = Finding::new(visit.id, "呼叫系统未覆盖");
    other.topics = vec![own.id];
    assert!(matches!(
        store.save_finding(&other),
        Err(StoreError::UnknownTopic(_))
    ));
}

#[test]
fn built_in_topics_cannot_be_deleted() {
    let mut store = Store::open_in_memory().unwrap();
    let funeral = topic(&store, "funeral").to_string();
    let before = store.digest().unwrap();
    assert!(matches!(
        store.delete(&funeral),
        Err(StoreError::BuiltinTopic)
    ));
    assert_eq!(store.digest().unwrap(), before);
    assert!(store.resolve_topic("funeral").is_ok());
}

#[test]
fn a_finding_deleted_in_the_same_millisecond_as_its_visit_stays_in_the_trash() {
    // Restoring a visit brings back the findings deleted *with* it; one deleted on its own just
    // before (here: in the same transaction, so the same millisecond) must stay in the Trash.
    let mut store = Store::open_in_memory().unwrap();
    let visit = full_visit();
    store.save_visit(&visit).unwrap();
    let alone = Finding::new(visit.id, "床位空置率高");
    let along = Finding::new(visit.id, "消防通道堵塞");
    store.save_finding(&alone).unwrap();
    store.save_finding(&along).unwrap();
    store
        .write(|w| {
            w.set_deleted(RecordKind::Finding, &alone.id.to_string(), true)?;
            w.set_deleted(RecordKind::Visit, &visit.id.to_string(), true)
        })
        .unwrap();
    store.restore(&visit.id.to_string()).unwrap();
    assert!(!store.finding(along.id).unwrap().meta.is_deleted());
    assert!(store.finding(alone.id).unwrap().meta.is_deleted());
}

#[test]
fn two_programs_opening_a_new_database_at_once_both_succeed() {
    // The window and a command started together on a fresh machine both see an empty file.
    let dir = tempfile::tempdir().unwrap();
    for round in 0..20 {
        let path = dir.path().join(format!("race-{round}.sqlite"));
        let barrier = std::sync::Arc::new(std::sync::Barrier::new(2));
        let handles: Vec<_> = (0..2)
            .map(|_| {
                let (path, barrier) = (path.clone(), barrier.clone());
                std::thread::spawn(move || {
                    barrier.wait();
                    Store::open(&path)
                        .map(|s| (s.topics().unwrap().len(), s.device_id().to_owned()))
                })
            })
            .collect();
        let opened: Vec<(usize, String)> = handles
            .into_iter()
            .map(|h| h.join().unwrap().unwrap())
            .collect();
        assert_eq!(opened[0].0, 11, "round {round}: the catalogue is there");
        assert_eq!(
            opened[0], opened[1],
            "round {round}: one catalogue, one device id"
        );
    }
}

#[test]
fn two_programs_writing_at_once_both_land_with_ordered_clocks() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shared.sqlite");
    Store::open(&path).unwrap();
    let handles: Vec<_> = ["王敏", "李强"]
        .into_iter()
        .map(|who| {
            let path = path.clone();
            std::thread::spawn(move || {
                let mut store = Store::open(&path).unwrap();
                for i in 0..40 {
                    let mut v = full_visit();
                    v.place = format!("{who}走访点{i}");
                    store.save_visit(&v).unwrap();
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    let store = Store::open(&path).unwrap();
    assert_eq!(store.count_visits(&VisitFilter::default()).unwrap(), 80);
    let clocks: Vec<String> = {
        let mut stmt = store
            .conn()
            .prepare("SELECT clock FROM history ORDER BY seq")
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    assert_eq!(clocks.len(), 80);
    assert!(
        clocks.windows(2).all(|w| w[0] < w[1]),
        "the clock never goes backwards, whoever writes"
    );
}

#[test]
fn lists_sort_chinese_titles_and_places_by_pinyin() {
    let mut store = Store::open_in_memory().unwrap();
    let mut visit_ids = Vec::new();
    for place in ["岳麓区敬老院", "北湖区殡仪馆", "芙蓉区养老院"] {
        let visit = Visit::new(day("2026-05-01"), place);
        store.save_visit(&visit).unwrap();
        visit_ids.push(visit.id);
    }
    for title in ["违建墓地", "安全隐患", "殡仪馆收费公示不全"] {
        store
            .save_finding(&Finding::new(visit_ids[0], title))
            .unwrap();
    }
    let titles: Vec<String> = store
        .list_findings(
            &FindingFilter::default(),
            FindingSort::Title,
            true,
            Page::ALL,
        )
        .unwrap()
        .into_iter()
        .map(|r| r.finding.title)
        .collect();
    assert_eq!(titles, ["安全隐患", "殡仪馆收费公示不全", "违建墓地"]);
    let places: Vec<String> = store
        .list_visits(&VisitFilter::default(), VisitSort::Place, true, Page::ALL)
        .unwrap()
        .into_iter()
        .map(|r| r.visit.place)
        .collect();
    assert_eq!(places, ["北湖区殡仪馆", "芙蓉区养老院", "岳麓区敬老院"]);
}
