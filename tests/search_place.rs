//! A finding is found by where it was made: its visit's place and region are part of its search
//! text ("年检率 浏阳"), and follow edits of the visit.
#![allow(clippy::unwrap_used)]

mod common;

use common::{export_all, import_files, laptop};
use zoufang::model::{Finding, Visit};
use zoufang::store::{RecordKind, Store};

fn finding_ids(store: &Store, query: &str) -> Vec<String> {
    store
        .search(query, 50)
        .unwrap()
        .into_iter()
        .filter(|h| h.kind == RecordKind::Finding)
        .map(|h| h.id)
        .collect()
}

fn visit_in(store: &mut Store, place: &str, region: &str) -> Visit {
    let mut visit = Visit::new("2026-06-02".parse().unwrap(), place);
    visit.region = region.into();
    store.save_visit(&visit).unwrap();
    visit
}

#[test]
fn a_word_of_the_finding_and_its_visits_region_find_it() {
    let mut store = Store::open_in_memory().unwrap();
    let liuyang = visit_in(&mut store, "集里街道社区卫生服务中心", "浏阳市");
    let ningxiang = visit_in(&mut store, "玉潭街道社区卫生服务中心", "宁乡市");
    let here = Finding::new(liuyang.id, "老年人健康体检年检率偏低");
    let there = Finding::new(ningxiang.id, "老年人健康体检年检率偏低");
    store.save_finding(&here).unwrap();
    store.save_finding(&there).unwrap();

    assert_eq!(finding_ids(&store, "年检率 浏阳"), [here.id.to_string()]);
    assert_eq!(finding_ids(&store, "年检率 宁乡"), [there.id.to_string()]);
    assert_eq!(
        finding_ids(&store, "集里街道 年检率"),
        [here.id.to_string()],
        "the place finds it too"
    );
}

#[test]
fn editing_the_visits_region_moves_its_findings_in_search() {
    let mut store = Store::open_in_memory().unwrap();
    let mut visit = visit_in(&mut store, "集里街道社区卫生服务中心", "浏阳市");
    let finding = Finding::new(visit.id, "老年人健康体检年检率偏低");
    store.save_finding(&finding).unwrap();

    visit.region = "宁乡市".into();
    store.save_visit(&visit).unwrap();
    assert!(finding_ids(&store, "年检率 浏阳").is_empty());
    assert_eq!(finding_ids(&store, "年检率 宁乡"), [finding.id.to_string()]);

    visit.place = "城南卫生院".into();
    store.save_visit(&visit).unwrap();
    assert_eq!(
        finding_ids(&store, "年检率 城南卫生院"),
        [finding.id.to_string()]
    );
    assert!(finding_ids(&store, "年检率 集里").is_empty());
}

#[test]
fn a_database_indexed_before_finds_its_findings_by_region_once_opened() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("zoufang.sqlite");
    let fixture =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/schema-4.sqlite");
    std::fs::copy(fixture, &db).unwrap();
    let store = Store::open(&db).unwrap();
    let rows = store
        .list_findings(
            &zoufang::store::FindingFilter::default(),
            zoufang::store::FindingSort::Date,
            true,
            zoufang::store::Page::ALL,
        )
        .unwrap();
    assert!(!rows.is_empty());
    for row in rows {
        let word: String = row.finding.title.chars().take(3).collect();
        let query = format!("{word} {}", row.region);
        assert!(
            finding_ids(&store, &query).contains(&row.finding.id.to_string()),
            "{query} finds {}",
            row.finding.title
        );
    }
}

#[test]
fn a_merged_visit_brings_its_findings_place_and_a_merged_edit_of_it_moves_them() {
    let dir = tempfile::tempdir().unwrap();
    let mut mine = laptop("王敏");
    let mut visit = visit_in(&mut mine, "集里街道社区卫生服务中心", "浏阳市");
    let finding = Finding::new(visit.id, "老年人健康体检年检率偏低");
    mine.save_finding(&finding).unwrap();

    // A colleague's empty laptop imports the visit and its finding together.
    let mut theirs = laptop("李强");
    import_files(&mut theirs, &[export_all(&mine, dir.path(), "1.zfb")]);
    assert_eq!(
        finding_ids(&theirs, "年检率 浏阳"),
        [finding.id.to_string()]
    );

    // Only the visit changes: the finding, not in the merge's changes, follows its region.
    visit.region = "宁乡市".into();
    mine.save_visit(&visit).unwrap();
    import_files(&mut theirs, &[export_all(&mine, dir.path(), "2.zfb")]);
    assert!(finding_ids(&theirs, "年检率 浏阳").is_empty());
    assert_eq!(
        finding_ids(&theirs, "年检率 宁乡"),
        [finding.id.to_string()]
    );
}
