//! An import says which records it adds, updates, moves to the Trash and flags, by kind and
//! title, per file: what a team lead reads before applying a colleague's bundle.
#![allow(clippy::unwrap_used)]

mod common;

use chrono::NaiveDate;
use common::*;
use zoufang::bundle::{Change, ImportOptions, import, no_progress};
use zoufang::model::{Finding, Visit};

/// What a report lists, as (change, kind, title), sorted.
fn listed(report: &zoufang::bundle::ImportReport) -> Vec<(Change, String, String)> {
    let mut out: Vec<_> = report
        .files
        .iter()
        .flat_map(|f| &f.changes)
        .map(|c| (c.change, c.kind.clone(), c.title.clone()))
        .collect();
    out.sort();
    out
}

#[test]
fn the_preview_names_the_new_finding_the_edited_visit_and_the_deletion() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = laptop("王敏");
    let mut b = laptop("李强");
    let mut visit = Visit::new(NaiveDate::from_ymd_opt(2026, 3, 5).unwrap(), "城西敬老院");
    a.save_visit(&visit).unwrap();
    let kept = Finding::new(visit.id, "消防通道堵塞");
    let gone = Finding::new(visit.id, "电线老化");
    a.save_finding(&kept).unwrap();
    a.save_finding(&gone).unwrap();
    let first = export_all(&a, dir.path(), "first.zfb");
    import_files(&mut b, &[first]);

    visit.place = "城西敬老院北楼".into();
    a.save_visit(&visit).unwrap();
    a.save_finding(&Finding::new(visit.id, "护理员不足"))
        .unwrap();
    a.delete(&gone.id.to_string()).unwrap();
    let second = export_all(&a, dir.path(), "second.zfb");

    let preview = import(
        &mut b,
        std::slice::from_ref(&second),
        &ImportOptions {
            dry_run: true,
            ..ImportOptions::default()
        },
        &mut no_progress(),
    )
    .unwrap();
    let expected = vec![
        (Change::Added, "finding".to_owned(), "护理员不足".to_owned()),
        (
            Change::Updated,
            "visit".to_owned(),
            "城西敬老院北楼 2026-03-05".to_owned(),
        ),
        (Change::Deleted, "finding".to_owned(), "电线老化".to_owned()),
    ];
    assert_eq!(listed(&preview), expected);
    assert_eq!(preview.files[0].changes_unlisted.added, 0);
    let new_id = &preview.files[0]
        .changes
        .iter()
        .find(|c| c.change == Change::Added)
        .unwrap()
        .id;
    assert!(b.kind_of(new_id).is_err(), "a preview writes nothing");

    let applied = import_files(&mut b, std::slice::from_ref(&second));
    assert_eq!(listed(&applied), expected, "the import lists what it did");
    assert!(b.kind_of(new_id).is_ok());
    let again = import_files(&mut b, &[second]);
    assert!(listed(&again).is_empty(), "importing again changes nothing");
}

#[test]
fn a_concurrent_edit_is_listed_as_a_conflict_with_the_record_s_title() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = laptop("王敏");
    let mut b = laptop("李强");
    let visit = Visit::new(NaiveDate::from_ymd_opt(2026, 3, 5).unwrap(), "东湖社区");
    a.save_visit(&visit).unwrap();
    let mut finding = Finding::new(visit.id, "路灯损坏");
    a.save_finding(&finding).unwrap();
    let first = export_all(&a, dir.path(), "first.zfb");
    import_files(&mut b, &[first]);

    let mut theirs = finding.clone();
    theirs.detail = "三处路灯不亮".into();
    b.save_finding(&theirs).unwrap();
    finding.detail = "五处路灯不亮".into();
    a.save_finding(&finding).unwrap();
    let second = export_all(&a, dir.path(), "second.zfb");
    let report = import_files(&mut b, &[second]);
    assert!(report.totals.conflicts > 0);
    assert!(
        listed(&report).contains(&(
            Change::Conflict,
            "finding".to_owned(),
            "路灯损坏".to_owned()
        )),
        "{:?}",
        listed(&report)
    );
}
