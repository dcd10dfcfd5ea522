//! The merge laws of case bundles, as a team lead would check them: a round trip keeps every
//! record, importing twice changes nothing, edits made on two laptops meet the same way in
//! either order, the losing version waits in the conflict list, and deletes travel.
#![allow(clippy::unwrap_used)]

mod common;

use chrono::NaiveDate;
use common::*;
use zoufang::bundle::{
    ExportFilter, Keep, conflicts, export, import_log, mark_reviewed, no_progress, resolve,
};
use zoufang::demo::{DemoOptions, generate};
use zoufang::model::builtin_topic_id;
use zoufang::model::{Finding, Visit, VisitId};
use zoufang::store::Store;

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// Two laptops that both hold the same visit (B imported it from A).
fn shared_visit(dir: &std::path::Path) -> (Store, Store, VisitId) {
    let mut a = laptop("王敏");
    let mut b = laptop("李强");
    let visit = Visit::new(day("2026-03-05"), "城西敬老院");
    a.save_visit(&visit).unwrap();
    let mut finding = Finding::new(visit.id, "消防通道堵塞");
    finding.detail = "二楼走廊堆放杂物".into();
    a.save_finding(&finding).unwrap();
    let bundle = export_all(&a, dir, "a0.zfb");
    import_files(&mut b, &[bundle]);
    (a, b, visit.id)
}

#[test]
fn round_trip_into_an_empty_database_keeps_every_record() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = laptop("王敏");
    generate(
        &mut a,
        DemoOptions {
            visits: 40,
            seed: 3,
        },
    )
    .unwrap();
    let id = a
        .list_visits(
            &Default::default(),
            Default::default(),
            true,
            zoufang::store::Page {
                offset: 0,
                limit: 1,
            },
        )
        .unwrap()[0]
        .visit
        .id;
    a.delete(&id.to_string()).unwrap();
    let bundle = export_all(&a, dir.path(), "all.zfb");
    let mut b = laptop("李强");
    let report = import_files(&mut b, std::slice::from_ref(&bundle));
    assert_eq!(report.totals.conflicts, 0);
    assert!(report.totals.added > 100);
    assert_eq!(b.records_digest().unwrap(), a.records_digest().unwrap());
    assert!(
        b.visit(id).unwrap().meta.is_deleted(),
        "the tombstone travelled"
    );
}

#[test]
fn importing_the_same_bundle_again_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = laptop("王敏");
    generate(
        &mut a,
        DemoOptions {
            visits: 20,
            seed: 5,
        },
    )
    .unwrap();
    let bundle = export_all(&a, dir.path(), "a.zfb");
    let mut b = laptop("李强");
    generate(
        &mut b,
        DemoOptions {
            visits: 10,
            seed: 6,
        },
    )
    .unwrap();
    import_files(&mut b, std::slice::from_ref(&bundle));
    let before = b.digest().unwrap();
    let again = import_files(&mut b, std::slice::from_ref(&bundle));
    assert_eq!(
        again.totals.added + again.totals.updated + again.totals.deleted,
        0
    );
    assert_eq!(again.totals.conflicts, 0);
    assert!(again.totals.unchanged > 0);
    assert_eq!(b.digest().unwrap(), before, "records and history unchanged");
    assert!(
        again.backup.is_none(),
        "nothing to write, nothing to back up"
    );
    // Both imports are in the log, with the bundle's hash.
    let log = import_log(&b).unwrap();
    assert_eq!(log.len(), 2);
    assert_eq!(log[0].sha256, log[1].sha256);
    assert_eq!(log[1].result["unchanged"], again.totals.unchanged);
}

#[test]
fn a_filtered_export_carries_what_its_visits_refer_to() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = laptop("王敏");
    generate(
        &mut a,
        DemoOptions {
            visits: 60,
            seed: 9,
        },
    )
    .unwrap();
    let filter = ExportFilter {
        since: Some(day("2025-06-01")),
        until: Some(day("2025-08-31")),
        ..ExportFilter::default()
    };
    let path = dir.path().join("summer.zfb");
    let summary = export(&a, &filter, &path, &mut no_progress()).unwrap();
    let mut b = laptop("李强");
    let report = import_files(&mut b, &[path]);
    assert_eq!(report.per_kind["visit"].added, summary.counts["visit"]);
    assert_eq!(report.per_kind["finding"].added, summary.counts["finding"]);
    for row in b
        .list_visits(
            &Default::default(),
            Default::default(),
            true,
            zoufang::store::Page {
                offset: 0,
                limit: 1000,
            },
        )
        .unwrap()
    {
        assert!(row.visit.date >= day("2025-06-01") && row.visit.date <= day("2025-08-31"));
    }
}

#[test]
fn concurrent_edits_of_one_field_have_the_same_winner_both_ways_and_the_loser_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let (mut a, mut b, id) = shared_visit(dir.path());
    let mut va = a.visit(id).unwrap();
    va.place = "城西敬老院（东院）".into();
    a.save_visit(&va).unwrap();
    let mut vb = b.visit(id).unwrap();
    vb.place = "城西敬老院（西院）".into();
    vb.people_met = 7;
    b.save_visit(&vb).unwrap();
    let from_a = export_all(&a, dir.path(), "a1.zfb");
    let from_b = export_all(&b, dir.path(), "b1.zfb");
    let ra = import_files(&mut a, std::slice::from_ref(&from_b));
    let rb = import_files(&mut b, std::slice::from_ref(&from_a));
    assert_eq!(a.records_digest().unwrap(), b.records_digest().unwrap());
    // B edited last, so B's place wins on both laptops; B's other edit arrives too.
    let merged = a.visit(id).unwrap();
    assert_eq!(merged.place, "城西敬老院（西院）");
    assert_eq!(merged.people_met, 7);
    assert_eq!(ra.totals.conflicts, 1);
    assert_eq!(rb.totals.conflicts, 1);
    for store in [&a, &b] {
        let list = conflicts(store, false).unwrap();
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].field, "place");
        assert_eq!(list[0].loser_value, "城西敬老院（东院）");
        assert_eq!(list[0].winner_value, "城西敬老院（西院）");
        assert_eq!(list[0].loser_author, "王敏");
    }
    // The lost version is in the history too.
    let history = a.history(&id.to_string()).unwrap();
    assert!(
        history
            .iter()
            .any(|h| h.action == zoufang::store::Action::Merge
                && !h.travelled
                && h.before.as_ref().unwrap()["place"] == "城西敬老院（东院）")
    );
    // Importing again adds no conflict; marking it reviewed empties the list.
    let again = import_files(&mut a, &[from_b]);
    assert_eq!(again.totals.conflicts, 0);
    let seq = conflicts(&a, false).unwrap()[0].seq;
    assert!(mark_reviewed(&a, seq).unwrap());
    assert!(conflicts(&a, false).unwrap().is_empty());
    assert_eq!(conflicts(&a, true).unwrap().len(), 1);
}

#[test]
fn an_edit_made_on_top_of_a_colleagues_version_is_not_a_conflict() {
    let dir = tempfile::tempdir().unwrap();
    let (mut a, mut b, id) = shared_visit(dir.path());
    let mut vb = b.visit(id).unwrap();
    vb.notes = "院长陪同".into();
    b.save_visit(&vb).unwrap();
    let report = import_files(&mut a, &[export_all(&b, dir.path(), "b1.zfb")]);
    assert_eq!(report.totals.updated, 1);
    assert_eq!(report.totals.conflicts, 0);
    assert_eq!(a.visit(id).unwrap().notes, "院长陪同");
    // And back again: A edits on top of B's note; B takes it without a conflict.
    let mut va = a.visit(id).unwrap();
    va.notes = "院长及护理部主任陪同".into();
    a.save_visit(&va).unwrap();
    let back = import_files(&mut b, &[export_all(&a, dir.path(), "a1.zfb")]);
    assert_eq!(back.totals.conflicts, 0);
    assert_eq!(b.visit(id).unwrap().notes, "院长及护理部主任陪同");
    assert_eq!(a.records_digest().unwrap(), b.records_digest().unwrap());
}

#[test]
fn a_delete_travels_and_an_older_edit_does_not_bring_the_record_back() {
    let dir = tempfile::tempdir().unwrap();
    let (mut a, mut b, id) = shared_visit(dir.path());
    // B edits first, A deletes later.
    let mut vb = b.visit(id).unwrap();
    vb.region = "西湖区".into();
    b.save_visit(&vb).unwrap();
    let from_b = export_all(&b, dir.path(), "b1.zfb");
    a.delete(&id.to_string()).unwrap();
    let from_a = export_all(&a, dir.path(), "a1.zfb");
    let rb = import_files(&mut b, std::slice::from_ref(&from_a));
    assert_eq!(rb.per_kind["visit"].deleted, 1);
    assert_eq!(
        rb.per_kind["finding"].deleted, 1,
        "its finding went with it"
    );
    import_files(&mut a, std::slice::from_ref(&from_b));
    for store in [&a, &b] {
        let visit = store.visit(id).unwrap();
        assert!(visit.meta.is_deleted(), "still in the Trash");
        assert_eq!(visit.region, "西湖区", "the edit is kept, in the Trash");
    }
    assert_eq!(a.records_digest().unwrap(), b.records_digest().unwrap());
    // Importing the old bundle again still does not resurrect it.
    import_files(&mut b, &[from_b]);
    assert!(b.visit(id).unwrap().meta.is_deleted());
}

#[test]
fn a_restore_made_after_the_delete_wins() {
    let dir = tempfile::tempdir().unwrap();
    let (mut a, mut b, id) = shared_visit(dir.path());
    a.delete(&id.to_string()).unwrap();
    import_files(&mut b, &[export_all(&a, dir.path(), "a1.zfb")]);
    b.restore(&id.to_string()).unwrap();
    import_files(&mut a, &[export_all(&b, dir.path(), "b1.zfb")]);
    assert!(!a.visit(id).unwrap().meta.is_deleted());
    assert_eq!(a.records_digest().unwrap(), b.records_digest().unwrap());
}

#[test]
fn later_local_edits_win_over_what_was_imported() {
    let dir = tempfile::tempdir().unwrap();
    let (mut a, mut b, id) = shared_visit(dir.path());
    let mut vb = b.visit(id).unwrap();
    vb.notes = "第一次".into();
    b.save_visit(&vb).unwrap();
    import_files(&mut a, &[export_all(&b, dir.path(), "b1.zfb")]);
    let mut va = a.visit(id).unwrap();
    va.notes = "第二次".into();
    a.save_visit(&va).unwrap();
    import_files(&mut b, &[export_all(&a, dir.path(), "a1.zfb")]);
    assert_eq!(b.visit(id).unwrap().notes, "第二次");
}

#[test]
fn a_colleagues_whole_database_file_imports_like_a_bundle() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("colleague.sqlite");
    {
        let mut c = Store::open(&db).unwrap();
        c.set_author("赵磊").unwrap();
        generate(
            &mut c,
            DemoOptions {
                visits: 15,
                seed: 11,
            },
        )
        .unwrap();
    }
    let c = Store::open(&db).unwrap();
    let expected = c.records_digest().unwrap();
    drop(c);
    let mut a = laptop("王敏");
    let report = import_files(&mut a, std::slice::from_ref(&db));
    assert!(report.totals.added > 15);
    assert_eq!(a.records_digest().unwrap(), expected);
    let log = import_log(&a).unwrap();
    assert_eq!(log[0].source, "database");
    assert_eq!(log[0].creator, "赵磊");
}

#[test]
fn applying_takes_a_backup_first_and_keeps_ten() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = Store::open(dir.path().join("a.sqlite")).unwrap();
    let mut sources = Vec::new();
    for i in 0..12 {
        let mut b = laptop("李强");
        b.save_visit(&Visit::new(day("2026-01-02"), format!("社区{i}")))
            .unwrap();
        sources.push(export_all(&b, dir.path(), &format!("b{i}.zfb")));
    }
    let before = a.records_digest().unwrap();
    let first = import_files(&mut a, &sources[..1]);
    let backup = first.backup.unwrap();
    let copy = Store::open(&backup).unwrap();
    assert_eq!(
        copy.records_digest().unwrap(),
        before,
        "the backup is the database before"
    );
    drop(copy);
    for s in &sources[1..] {
        import_files(&mut a, std::slice::from_ref(s));
    }
    let kept = std::fs::read_dir(dir.path().join("backups"))
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().extension().unwrap() == "sqlite")
        .count();
    assert_eq!(kept, zoufang::store::BACKUPS_KEPT);
}

#[test]
fn a_dry_run_reports_without_writing() {
    let dir = tempfile::tempdir().unwrap();
    let (a, mut b, id) = shared_visit(dir.path());
    let mut vb = b.visit(id).unwrap();
    vb.place = "新地点".into();
    b.save_visit(&vb).unwrap();
    let mut va = a.visit(id).unwrap();
    va.place = "另一地点".into();
    let mut a = a;
    a.save_visit(&va).unwrap();
    let from_a = export_all(&a, dir.path(), "a1.zfb");
    let before = b.digest().unwrap();
    let logged = import_log(&b).unwrap().len();
    let options = zoufang::bundle::ImportOptions {
        dry_run: true,
        ..Default::default()
    };
    let preview = zoufang::bundle::import(
        &mut b,
        std::slice::from_ref(&from_a),
        &options,
        &mut no_progress(),
    )
    .unwrap();
    assert!(preview.dry_run);
    assert_eq!(b.digest().unwrap(), before);
    assert_eq!(
        import_log(&b).unwrap().len(),
        logged,
        "a preview is not logged"
    );
    let real = import_files(&mut b, &[from_a]);
    assert_eq!(
        preview.totals, real.totals,
        "the preview said what importing did"
    );
    assert_eq!(real.totals.conflicts, 1);
}

#[test]
fn export_and_import_report_progress_for_a_progress_bar() {
    use zoufang::bundle::{ImportOptions, Progress, Stage, import};
    let dir = tempfile::tempdir().unwrap();
    let mut a = laptop("王敏");
    generate(
        &mut a,
        DemoOptions {
            visits: 400,
            seed: 1,
        },
    )
    .unwrap();
    let path = dir.path().join("big.zfb");
    let mut seen: Vec<Progress> = Vec::new();
    let filter = ExportFilter {
        all: true,
        ..ExportFilter::default()
    };
    export(&a, &filter, &path, &mut |p| seen.push(p)).unwrap();
    assert!(
        seen.iter()
            .all(|p| p.stage == Stage::Exporting && p.done <= p.total)
    );
    assert_eq!(seen.last().map(|p| p.done), seen.last().map(|p| p.total));
    let mut b = laptop("李强");
    let mut stages = Vec::new();
    import(&mut b, &[path], &ImportOptions::default(), &mut |p| {
        stages.push(p.stage);
    })
    .unwrap();
    for stage in [Stage::Reading, Stage::Merging, Stage::Writing] {
        assert!(stages.contains(&stage), "{stage:?} reported");
    }
}

/// A visit with one finding tagged `funeral`, on A and (imported) on B.
fn shared_finding(dir: &std::path::Path) -> (Store, Store, zoufang::model::FindingId) {
    let mut a = laptop("王敏");
    let mut b = laptop("李强");
    let visit = Visit::new(day("2026-03-05"), "北山公墓");
    a.save_visit(&visit).unwrap();
    let mut finding = Finding::new(visit.id, "违规硬化大墓");
    finding.topics = vec![builtin_topic_id(0)];
    a.save_finding(&finding).unwrap();
    import_files(&mut b, &[export_all(&a, dir, "a0.zfb")]);
    (a, b, finding.id)
}

#[test]
fn topics_added_by_two_colleagues_are_both_kept_and_a_removal_sticks() {
    let dir = tempfile::tempdir().unwrap();
    let (mut a, mut b, id) = shared_finding(dir.path());
    let (funeral, elderly, child) = (
        builtin_topic_id(0),
        builtin_topic_id(1),
        builtin_topic_id(2),
    );
    let mut fa = a.finding(id).unwrap();
    fa.topics.push(elderly);
    a.save_finding(&fa).unwrap();
    let mut fb = b.finding(id).unwrap();
    fb.topics = vec![child];
    b.save_finding(&fb).unwrap();
    let from_a = export_all(&a, dir.path(), "a1.zfb");
    let from_b = export_all(&b, dir.path(), "b1.zfb");
    let ra = import_files(&mut a, std::slice::from_ref(&from_b));
    let rb = import_files(&mut b, std::slice::from_ref(&from_a));
    assert_eq!(
        ra.totals.conflicts + rb.totals.conflicts,
        0,
        "nothing to review"
    );
    for store in [&a, &b] {
        let topics = store.finding(id).unwrap().topics;
        assert_eq!(topics.len(), 2, "{topics:?}");
        assert!(topics.contains(&elderly) && topics.contains(&child));
        assert!(!topics.contains(&funeral), "B's removal sticks");
    }
    assert_eq!(a.records_digest().unwrap(), b.records_digest().unwrap());
    // A lead importing both, in either order, gets the same.
    for files in [[&from_a, &from_b], [&from_b, &from_a]] {
        let mut lead = laptop("赵队长");
        import_files(&mut lead, &[files[0].clone(), files[1].clone()]);
        assert_eq!(lead.records_digest().unwrap(), a.records_digest().unwrap());
    }
}

#[test]
fn investigators_keep_the_order_they_were_typed_in() {
    let dir = tempfile::tempdir().unwrap();
    let (mut a, mut b, id) = shared_visit(dir.path());
    let mut va = a.visit(id).unwrap();
    va.investigators = vec!["王敏".into(), "张强".into()];
    a.save_visit(&va).unwrap();
    import_files(&mut b, &[export_all(&a, dir.path(), "a1.zfb")]);
    let mut vb = b.visit(id).unwrap();
    assert_eq!(vb.investigators, ["王敏", "张强"]);
    vb.investigators = vec!["张强".into(), "王敏".into(), "李强".into()];
    b.save_visit(&vb).unwrap();
    let from_b = export_all(&b, dir.path(), "b1.zfb");
    let manifest = read_entries(&from_b)
        .into_iter()
        .find(|(name, _)| name == "manifest.json")
        .unwrap();
    let manifest: serde_json::Value = serde_json::from_slice(&manifest.1).unwrap();
    assert!(
        manifest["version"].as_u64().unwrap() >= 2,
        "element clocks need a version-2 reader"
    );
    import_files(&mut a, &[from_b]);
    assert_eq!(a.visit(id).unwrap().investigators, ["张强", "王敏", "李强"]);
}

#[test]
fn an_edit_newer_than_the_delete_is_listed_and_keeping_it_restores_the_record() {
    let dir = tempfile::tempdir().unwrap();
    let (mut a, mut b, id) = shared_visit(dir.path());
    a.delete(&id.to_string()).unwrap();
    let from_a = export_all(&a, dir.path(), "a1.zfb");
    std::thread::sleep(std::time::Duration::from_millis(5));
    let mut vb = b.visit(id).unwrap();
    vb.region = "西湖区".into();
    b.save_visit(&vb).unwrap();
    let from_b = export_all(&b, dir.path(), "b1.zfb");
    let mut digests = Vec::new();
    for files in [[&from_a, &from_b], [&from_b, &from_a]] {
        let mut lead = laptop("赵队长");
        let report = import_files(&mut lead, &[files[0].clone(), files[1].clone()]);
        assert_eq!(report.totals.conflicts, 1, "{report:?}");
        let visit = lead.visit(id).unwrap();
        assert!(visit.meta.is_deleted(), "nothing resurrects by itself");
        assert_eq!(visit.region, "西湖区", "the edit is kept, in the Trash");
        let listed = conflicts(&lead, false).unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].field, "deleted_at");
        assert_eq!(listed[0].loser_author, "李强");
        digests.push(lead.records_digest().unwrap());
    }
    assert_eq!(digests[0], digests[1]);
    // B, whose edit it is, sees the same conflict and keeps the edit: the visit comes back.
    let report = import_files(&mut b, std::slice::from_ref(&from_a));
    assert_eq!(report.totals.conflicts, 1);
    let seq = conflicts(&b, false).unwrap()[0].seq;
    resolve(&mut b, seq, Keep::Mine).unwrap();
    assert!(!b.visit(id).unwrap().meta.is_deleted());
    import_files(&mut a, &[export_all(&b, dir.path(), "b2.zfb")]);
    let visit = a.visit(id).unwrap();
    assert!(!visit.meta.is_deleted(), "the restore travels");
    assert_eq!(visit.region, "西湖区");
    assert_eq!(a.records_digest().unwrap(), b.records_digest().unwrap());
}
