//! The audit trail travels with the records: after a lead imports an investigator's bundle, a
//! finding's history still says who created it and how its deadline moved, each entry once,
//! whatever the order or the path the bundles took; a bundle whose history is hostile is refused
//! and changes nothing.
#![allow(clippy::unwrap_used)]

mod common;

use assert_cmd::Command;
use chrono::NaiveDate;
use common::*;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use zoufang::bundle::{
    ExportFilter, ImportOptions, Passphrase, export, export_encrypted, import, no_progress,
};
use zoufang::model::{Finding, FindingId, Visit};
use zoufang::store::{Action, HistoryEntry, RecordKind, Store};

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// 王敏 records a finding due 2026-12-31, then extends its deadline to 2027-01-15.
fn investigator_extends_a_deadline(store: &mut Store) -> FindingId {
    let visit = Visit::new(day("2026-03-05"), "城西敬老院");
    store.save_visit(&visit).unwrap();
    let mut finding = Finding::new(visit.id, "消防通道堵塞");
    finding.deadline = Some(day("2026-12-31"));
    store.save_finding(&finding).unwrap();
    finding.deadline = Some(day("2027-01-15"));
    store.save_finding(&finding).unwrap();
    finding.id
}

fn entry_ids(history: &[HistoryEntry]) -> Vec<String> {
    history.iter().map(|e| e.id.clone()).collect()
}

/// The ids of the entries written elsewhere (the receiving laptop's own merge entries differ
/// with the order of imports, as they record what each import changed).
fn travelled_ids(store: &Store, id: &str) -> BTreeSet<String> {
    let history = store.history(id).unwrap();
    history
        .iter()
        .filter(|e| e.device != store.device_id())
        .map(|e| e.id.clone())
        .collect()
}

fn deadline_extension(history: &[HistoryEntry]) -> Vec<&HistoryEntry> {
    history
        .iter()
        .filter(|e| {
            e.action == Action::Update
                && e.before.as_ref().unwrap()["deadline"] == "2026-12-31"
                && e.after.as_ref().unwrap()["deadline"] == "2027-01-15"
        })
        .collect()
}

#[test]
fn a_lead_sees_who_created_a_finding_and_how_its_deadline_moved() {
    let dir = tempfile::tempdir().unwrap();
    let mut wang = laptop("王敏");
    let mut li = laptop("李强");
    let id = investigator_extends_a_deadline(&mut wang).to_string();
    let bundle = export_all(&wang, dir.path(), "王敏.zfb");
    import_files(&mut li, std::slice::from_ref(&bundle));

    let history = li.history(&id).unwrap();
    let created: Vec<_> = history
        .iter()
        .filter(|e| e.action == Action::Create)
        .collect();
    assert_eq!(created.len(), 1, "{history:#?}");
    assert_eq!(created[0].author, "王敏");
    assert_eq!(created[0].device, wang.device_id());
    assert!(created[0].travelled);
    let extension = deadline_extension(&history);
    assert_eq!(extension.len(), 1, "{history:#?}");
    assert_eq!(extension[0].author, "王敏");
    // Beside the import's own entry, after the changes it brought.
    let last = history.last().unwrap();
    assert_eq!((last.action, last.author.as_str()), (Action::Merge, "李强"));
    assert!(!last.travelled);
    // The same ids on both laptops.
    let sent: BTreeSet<String> = entry_ids(&wang.history(&id).unwrap()).into_iter().collect();
    assert!(sent.iter().all(|id| entry_ids(&history).contains(id)));

    // Importing again adds nothing.
    let records = li.records_digest().unwrap();
    import_files(&mut li, &[bundle]);
    assert_eq!(entry_ids(&li.history(&id).unwrap()), entry_ids(&history));
    assert_eq!(li.records_digest().unwrap(), records);
}

#[test]
fn entries_arriving_by_two_paths_and_coming_home_are_kept_once() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = laptop("王敏");
    let mut b = laptop("李强");
    let mut c = laptop("张伟");
    let id = investigator_extends_a_deadline(&mut a).to_string();
    let from_a = export_all(&a, dir.path(), "a.zfb");
    import_files(&mut b, std::slice::from_ref(&from_a));
    let from_b = export_all(&b, dir.path(), "b.zfb");
    // C gets A's entries directly and again through B, in one import and then another.
    import_files(&mut c, &[from_b.clone(), from_a.clone()]);
    import_files(&mut c, &[from_a, from_b]);
    let history = c.history(&id).unwrap();
    let ids = entry_ids(&history);
    let unique: BTreeSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "{history:#?}");
    assert_eq!(deadline_extension(&history).len(), 1);
    assert_eq!(history.iter().filter(|e| e.author == "王敏").count(), 2);
    // Back home: A's own entries are not added to A again.
    let from_c = export_all(&c, dir.path(), "c.zfb");
    let before = a.history(&id).unwrap().len();
    import_files(&mut a, &[from_c]);
    let after = a.history(&id).unwrap();
    assert_eq!(after.iter().filter(|e| e.author == "王敏").count(), 2);
    // A learns of B's and C's merges, nothing more.
    assert_eq!(
        after.len(),
        before + after.iter().filter(|e| e.travelled).count()
    );
    assert!(
        after
            .iter()
            .filter(|e| e.travelled)
            .all(|e| e.author != "王敏")
    );
}

#[test]
fn the_history_is_the_same_whichever_bundle_comes_first() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = laptop("王敏");
    let id = investigator_extends_a_deadline(&mut a).to_string();
    let shared = export_all(&a, dir.path(), "shared.zfb");
    let mut b = laptop("李强");
    import_files(&mut b, &[shared]);
    // Both go on editing the same finding.
    let fid: FindingId = id.parse().unwrap();
    let mut f = a.finding(fid).unwrap();
    f.owner = "民政局".into();
    a.save_finding(&f).unwrap();
    let mut f = b.finding(fid).unwrap();
    f.people_affected = 12;
    b.save_finding(&f).unwrap();
    let (fa, fb) = (
        export_all(&a, dir.path(), "a.zfb"),
        export_all(&b, dir.path(), "b.zfb"),
    );
    let mut one = laptop("张伟");
    import_files(&mut one, std::slice::from_ref(&fa));
    import_files(&mut one, std::slice::from_ref(&fb));
    let mut two = laptop("张伟");
    import_files(&mut two, &[fb]);
    import_files(&mut two, &[fa]);
    assert_eq!(travelled_ids(&one, &id), travelled_ids(&two, &id));
    assert!(
        travelled_ids(&one, &id).len() >= 5,
        "{:#?}",
        one.history(&id)
    );
    assert_eq!(one.records_digest().unwrap(), two.records_digest().unwrap());
}

#[test]
fn an_export_with_a_filter_carries_only_its_records_history() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = laptop("王敏");
    let kept = investigator_extends_a_deadline(&mut a).to_string();
    let other = Visit::new(day("2025-01-10"), "城东社区");
    a.save_visit(&other).unwrap();
    let out = dir.path().join("spring.zfb");
    let filter = ExportFilter {
        since: Some(day("2026-01-01")),
        ..ExportFilter::default()
    };
    export(&a, &filter, &out, &mut no_progress()).unwrap();
    let entries = read_entries(&out);
    let manifest: Value = serde_json::from_slice(&entries[0].1).unwrap();
    assert_eq!(manifest["version"], 3);
    let ids: BTreeSet<String> = entries
        .iter()
        .filter(|(n, _)| n.starts_with("history/"))
        .flat_map(|(_, b)| {
            let doc: Value = serde_json::from_slice(b).unwrap();
            doc["entries"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["record_id"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(ids.contains(&kept));
    assert!(!ids.contains(&other.id.to_string()));
}

#[test]
fn an_encrypted_bundle_carries_the_history_too() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = laptop("王敏");
    let id = investigator_extends_a_deadline(&mut a).to_string();
    let out = dir.path().join("sealed.zfb");
    let passphrase = Passphrase::new("correct horse battery staple").unwrap();
    let filter = ExportFilter {
        all: true,
        ..ExportFilter::default()
    };
    export_encrypted(&a, &filter, &out, &passphrase, &mut no_progress()).unwrap();
    let mut b = laptop("李强");
    let options = ImportOptions {
        passphrase: Some(passphrase),
        ..ImportOptions::default()
    };
    import(&mut b, &[out], &options, &mut no_progress()).unwrap();
    assert_eq!(deadline_extension(&b.history(&id).unwrap()).len(), 1);
}

#[test]
fn a_bundle_from_before_history_travelled_still_imports() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = laptop("王敏");
    let id = investigator_extends_a_deadline(&mut a).to_string();
    let new = export_all(&a, dir.path(), "new.zfb");
    let old = dir.path().join("old.zfb");
    tamper(&new, &old, |entries| {
        entries.retain(|(n, _)| !n.starts_with("history/"));
        edit_json(entries, "manifest.json", |m| m["version"] = 2.into());
    });
    let mut b = laptop("李强");
    import_files(&mut b, &[old]);
    let history = b.history(&id).unwrap();
    assert_eq!(
        history.len(),
        1,
        "only the import's own entry: {history:#?}"
    );
}

/// One deliberate flaw in a history entry.
type Flaw = Box<dyn FnOnce(&mut Value)>;

/// Rewrites the first history entry of `src` with `change`, writing `dst`.
fn with_bad_entry(src: &Path, dst: &Path, change: impl FnOnce(&mut Value)) {
    tamper(src, dst, |entries| {
        edit_json(entries, "history/000001.json", |doc| {
            change(&mut doc["entries"][0]);
        });
    });
}

#[test]
fn a_hostile_history_is_refused_naming_the_entry_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = laptop("王敏");
    investigator_extends_a_deadline(&mut a);
    let good = export_all(&a, dir.path(), "good.zfb");
    let bad = dir.path().join("bad.zfb");
    let cases: Vec<(&str, Flaw)> = vec![
        (
            "oversize",
            Box::new(|e| e["after"]["detail"] = "很".repeat(400_000).into()),
        ),
        ("unknown action", Box::new(|e| e["action"] = "erase".into())),
        (
            "forged author",
            Box::new(|e| e["author"] = "纪委书记".into()),
        ),
        ("bad time", Box::new(|e| e["at"] = "yesterday".into())),
        ("extra field", Box::new(|e| e["note"] = "x".into())),
    ];
    let mut b = laptop("李强");
    let before = b.digest().unwrap();
    for (case, change) in cases {
        with_bad_entry(&good, &bad, change);
        let err = import(
            &mut b,
            std::slice::from_ref(&bad),
            &ImportOptions::default(),
            &mut no_progress(),
        )
        .unwrap_err();
        let message = err.to_string();
        assert!(
            message.contains("history") && message.contains("bad.zfb"),
            "{case}: {message}"
        );
        if case != "extra field" {
            assert!(message.contains("history entry 1 "), "{case}: {message}");
        }
        assert_eq!(b.digest().unwrap(), before, "{case}: database unchanged");
    }
}

fn stdout(cmd: &mut Command) -> String {
    String::from_utf8(cmd.assert().success().get_output().stdout.clone()).unwrap()
}

#[test]
fn entries_about_records_the_file_does_not_hold_are_left_out() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = laptop("王敏");
    let id = investigator_extends_a_deadline(&mut a).to_string();
    let mut b = laptop("李强");
    let own = Visit::new(day("2026-04-01"), "城北社区");
    b.save_visit(&own).unwrap();
    let own_id = own.id.to_string();
    let before = b.history(&own_id).unwrap();
    // A forged entry for B's own visit, well formed and with the right id.
    let good = export_all(&a, dir.path(), "good.zfb");
    let forged = dir.path().join("forged.zfb");
    let target = own_id.clone();
    with_bad_entry(&good, &forged, move |e| {
        e["record_id"] = target.into();
        e["kind"] = "visit".into();
        e["author"] = "纪委书记".into();
        let row: zoufang::store::HistoryRow = serde_json::from_value(e.clone()).unwrap();
        e["id"] = row.content_id().into();
    });
    import_files(&mut b, &[forged]);
    assert_eq!(b.history(&own_id).unwrap(), before);
    assert_eq!(deadline_extension(&b.history(&id).unwrap()).len(), 1);
}

#[test]
fn on_the_command_line_show_lists_the_travelled_history_with_its_values() {
    let dir = tempfile::tempdir().unwrap();
    let p = |name: &str| -> PathBuf { dir.path().join(name) };
    let (wang, li) = (p("wang.sqlite"), p("li.sqlite"));
    stdout(zoufang(&wang).args(["author", "王敏"]));
    stdout(zoufang(&li).args(["author", "李强"]));
    let id = {
        let mut store = Store::open(&wang).unwrap();
        investigator_extends_a_deadline(&mut store).to_string()
    };
    let bundle = p("王敏.zfb");
    stdout(
        zoufang(&wang)
            .args(["export", "--all", "--out"])
            .arg(&bundle),
    );
    stdout(zoufang(&li).arg("import").arg(&bundle));
    stdout(zoufang(&li).arg("import").arg(&bundle));

    let shown: Value =
        serde_json::from_str(&stdout(zoufang(&li).args(["--json", "show", &id]))).unwrap();
    let history = shown["history"].as_array().unwrap();
    let summary: Vec<(&str, &str)> = history
        .iter()
        .map(|e| (e["action"].as_str().unwrap(), e["author"].as_str().unwrap()))
        .collect();
    assert_eq!(
        summary,
        [("create", "王敏"), ("update", "王敏"), ("merge", "李强")]
    );
    assert_eq!(history[1]["before"]["deadline"], "2026-12-31");
    assert_eq!(history[1]["after"]["deadline"], "2027-01-15");
    assert!(history[1]["device"].as_str().is_some_and(|d| !d.is_empty()));
    assert!(history[1]["at"].as_str().is_some());

    let text = stdout(zoufang(&li).args(["show", &id]));
    assert!(text.contains("deadline: 2026-12-31 → 2027-01-15"), "{text}");
}

#[test]
fn history_written_before_entries_had_ids_gets_them_and_travels() {
    for version in 1..=5 {
        history_of_a_fixture_travels(version);
    }
}

/// The fixture of schema `version`, upgraded, exports its history and another laptop takes it.
fn history_of_a_fixture_travels(version: i64) {
    let dir = tempfile::tempdir().unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(format!("tests/fixtures/schema-{version}.sqlite"));
    let db = dir.path().join("old.sqlite");
    std::fs::copy(fixture, &db).unwrap();
    let old = Store::open(&db).unwrap();
    let bundle = export_all(&old, dir.path(), "old.zfb");
    let mut lead = laptop("李强");
    // The reader checks every id against its content: the migration gave the right ones.
    import_files(&mut lead, &[bundle]);
    let visit = old
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
        .id
        .to_string();
    let mine = old.history(&visit).unwrap();
    assert!(!mine.is_empty() && mine.iter().all(|e| e.id.len() == 32));
    let theirs = lead.history(&visit).unwrap();
    for entry in &mine {
        assert!(theirs.iter().any(|t| t.id == entry.id && t.travelled));
    }
}

#[test]
fn a_large_export_carries_every_records_history() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = laptop("王敏");
    let options = zoufang::demo::DemoOptions {
        visits: 120,
        seed: 5,
    };
    zoufang::demo::generate(&mut a, options).unwrap();
    let bundle = export_all(&a, dir.path(), "all.zfb");
    let mut b = laptop("李强");
    import_files(&mut b, &[bundle]);
    let page = zoufang::store::Page {
        offset: 0,
        limit: 1_000,
    };
    let visits = a
        .list_visits(&Default::default(), Default::default(), true, page)
        .unwrap();
    assert!(visits.len() > 100);
    for row in visits {
        let id = row.visit.id.to_string();
        let sent: BTreeSet<String> = entry_ids(&a.history(&id).unwrap()).into_iter().collect();
        assert!(!sent.is_empty());
        assert_eq!(travelled_ids(&b, &id), sent, "visit {id}");
    }
}

#[test]
fn a_colleagues_whole_database_brings_its_history_too() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("wang.sqlite");
    let id = {
        let mut wang = Store::open(&path).unwrap();
        wang.set_author("王敏").unwrap();
        investigator_extends_a_deadline(&mut wang).to_string()
    };
    let mut li = laptop("李强");
    import_files(&mut li, std::slice::from_ref(&path));
    let history = li.history(&id).unwrap();
    assert_eq!(deadline_extension(&history).len(), 1, "{history:#?}");
    let again = history.len();
    import_files(&mut li, &[path]);
    assert_eq!(li.history(&id).unwrap().len(), again);
}

/// Every history entry of every record of `store` with its content, by entry id, leaving out
/// those written on `device` (a receiving laptop's own merge entries).
fn whole_history(store: &Store, leave_out_device: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for kind in RecordKind::ALL {
        for rec in store.all_records(kind).unwrap() {
            for e in store.history(&rec.id).unwrap() {
                if e.device != leave_out_device {
                    let content = (&rec.id, e.action, &e.at, &e.author, &e.device);
                    let values = (&e.before, &e.after);
                    out.insert(e.id.clone(), format!("{content:?} {values:?}"));
                }
            }
        }
    }
    out
}

#[test]
fn a_whole_database_exported_and_imported_into_an_empty_one_has_the_same_history() {
    let dir = tempfile::tempdir().unwrap();
    let mut wang = laptop("王敏");
    // Enough records that the export reads the history in one pass, not per record.
    let options = zoufang::demo::DemoOptions {
        visits: 100,
        seed: 3,
    };
    zoufang::demo::generate(&mut wang, options).unwrap();
    let id = investigator_extends_a_deadline(&mut wang).to_string();
    let mut li = laptop("李强");
    import_files(&mut li, &[export_all(&wang, dir.path(), "first.zfb")]);
    // Both change who is responsible: a conflict on 李强's laptop when 王敏's bundle comes.
    let fid: FindingId = id.parse().unwrap();
    let mut f = wang.finding(fid).unwrap();
    f.owner = "民政局".into();
    wang.save_finding(&f).unwrap();
    let mut f = li.finding(fid).unwrap();
    f.owner = "街道办".into();
    f.people_affected = 12;
    li.save_finding(&f).unwrap();
    // A visit edited (one more investigator), one deleted, one deleted and restored.
    let page = zoufang::store::Page {
        offset: 0,
        limit: 3,
    };
    let visits = wang
        .list_visits(&Default::default(), Default::default(), true, page)
        .unwrap();
    let mut edited = visits[0].visit.clone();
    edited.investigators.push("赵丽".into());
    wang.save_visit(&edited).unwrap();
    wang.delete(&visits[1].visit.id.to_string()).unwrap();
    li.delete(&visits[2].visit.id.to_string()).unwrap();
    li.restore(&visits[2].visit.id.to_string()).unwrap();
    import_files(&mut li, &[export_all(&wang, dir.path(), "second.zfb")]);
    assert!(
        !li.conflicts(true).unwrap().is_empty(),
        "a conflict to review"
    );

    let everything = export_all(&li, dir.path(), "everything.zfb");
    let mut zhang = laptop("张伟");
    import_files(&mut zhang, &[everything]);
    assert_eq!(
        zhang.records_digest().unwrap(),
        li.records_digest().unwrap()
    );
    let sent = whole_history(&li, "none");
    let arrived = whole_history(&zhang, zhang.device_id());
    assert!(sent.len() > 300, "{} entries", sent.len());
    for action in ["Merge", "Conflict", "Delete", "Restore", "Update"] {
        assert!(
            sent.values().any(|e| e.contains(action)),
            "no {action} entry"
        );
    }
    let differ: Vec<_> = sent
        .iter()
        .filter(|(id, e)| arrived.get(*id) != Some(*e))
        .collect();
    assert!(differ.is_empty(), "{differ:#?}");
    assert_eq!(arrived.len(), sent.len());
}
