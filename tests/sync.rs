//! Team sync through a shared folder, as a team would use it: laptops that write their new
//! changes there and import each other's, in any order, with damaged, foreign, encrypted,
//! duplicated and late files; incremental and compact bundles; format 2 for older readers.
#![allow(clippy::unwrap_used)]

mod common;

use chrono::NaiveDate;
use common::*;
use std::path::{Path, PathBuf};
use zoufang::bundle::{
    ChangesSince, ExportFilter, ExportOptions, Passphrase, SyncOptions, SyncReport, conflicts,
    export_with_options, no_progress, sync,
};
use zoufang::model::{Finding, FindingId, Visit};
use zoufang::store::Store;

#[path = "sync/convergence.rs"]
mod convergence;
#[path = "sync/window.rs"]
mod window;

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// Syncs `store` through `dir` without a passphrase.
fn sync_plain(store: &mut Store, dir: &Path) -> SyncReport {
    sync(store, dir, &SyncOptions::default(), &mut no_progress()).unwrap()
}

/// A visit with one finding on laptop `a`, synced to `dir` and from there to every other laptop.
fn shared_finding(a: &mut Store, others: &mut [&mut Store], dir: &Path) -> FindingId {
    let visit = Visit::new(day("2026-03-05"), "城西敬老院");
    a.save_visit(&visit).unwrap();
    let finding = Finding::new(visit.id, "消防通道堵塞");
    a.save_finding(&finding).unwrap();
    sync_plain(a, dir);
    for other in others.iter_mut() {
        let report = sync_plain(other, dir);
        assert!(report.imported >= 1, "{report:?}");
    }
    finding.id
}

fn edit_detail(store: &mut Store, id: FindingId, detail: &str) {
    let mut finding = store.finding(id).unwrap();
    finding.detail = detail.to_owned();
    store.save_finding(&finding).unwrap();
}

/// The records of a bundle file, per kind.
fn record_count(path: &Path) -> usize {
    read_entries(path)
        .iter()
        .filter(|(name, _)| name.starts_with("records/"))
        .map(|(_, bytes)| {
            let doc: serde_json::Value = serde_json::from_slice(bytes).unwrap();
            doc["records"].as_array().unwrap().len()
        })
        .sum()
}

#[test]
fn three_laptops_converge_through_one_folder_despite_a_damaged_file() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path();
    let mut a = laptop("王敏");
    let mut b = laptop("李强");
    let mut c = laptop("赵兰");
    let id = shared_finding(&mut a, &mut [&mut b, &mut c], folder);
    // A damaged bundle (a copy cut short) and a foreign file under a colleague's folder.
    let damaged_dir = folder.join("0000damaged");
    std::fs::create_dir_all(&damaged_dir).unwrap();
    let good = std::fs::read_dir(folder.join(a.device_id()))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let bytes = std::fs::read(&good).unwrap();
    let damaged = damaged_dir.join("cut.zfb");
    std::fs::write(&damaged, &bytes[..bytes.len() / 2]).unwrap();
    let foreign = damaged_dir.join("notes.zfb");
    std::fs::write(&foreign, "not a bundle at all").unwrap();

    // One edit on each side, and B and C edit the same field: one conflict.
    edit_detail(&mut b, id, "二楼走廊堆放杂物");
    edit_detail(&mut c, id, "楼梯间上锁");
    let mut finding = a.finding(id).unwrap();
    finding.measures = "当场清理".to_owned();
    a.save_finding(&finding).unwrap();

    // Shuffled order: C, A, B, then everyone twice more.
    let first = sync_plain(&mut c, folder);
    assert!(first.wrote.is_some());
    let refused: Vec<&PathBuf> = first.refused.iter().map(|r| &r.file).collect();
    assert_eq!(refused.len(), 2, "{:?}", first.refused);
    assert!(refused.contains(&&damaged) && refused.contains(&&foreign));
    assert!(first.refused.iter().all(|r| !r.reason.is_empty()));
    sync_plain(&mut a, folder);
    let third = sync_plain(&mut b, folder);
    // C's edit and A's edit (C's first sync had nothing of its own to write).
    assert_eq!(third.imported, 2, "{third:?}");
    assert_eq!(
        third.refused.len(),
        2,
        "the damaged files are still skipped"
    );
    for _ in 0..2 {
        for store in [&mut a, &mut b, &mut c] {
            sync_plain(store, folder);
        }
    }
    // Nothing new: a sync writes nothing and imports nothing.
    let idle = sync_plain(&mut a, folder);
    assert_eq!((idle.wrote, idle.imported, idle.conflicts), (None, 0, 0));

    let digest = a.records_digest().unwrap();
    assert_eq!(b.records_digest().unwrap(), digest);
    assert_eq!(c.records_digest().unwrap(), digest);
    let merged = a.finding(id).unwrap();
    assert_eq!(merged.measures, "当场清理");
    // Every laptop saw both sides of the detail, and lists the one conflict.
    for store in [&a, &b, &c] {
        let listed = conflicts(store, true).unwrap();
        assert_eq!(listed.len(), 1, "{listed:?}");
        assert_eq!(listed[0].field, "detail");
        assert_eq!(listed[0].record_id, id.to_string());
    }
}

#[test]
fn an_encrypted_folder_needs_the_team_passphrase() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path();
    let team = Passphrase::new("correct horse battery staple 走访")
        .unwrap()
        .with_work_factor(6);
    let with_team = SyncOptions {
        passphrase: Some(team),
        ..SyncOptions::default()
    };
    let mut a = laptop("王敏");
    let mut b = laptop("李强");
    let visit = Visit::new(day("2026-03-05"), "城西敬老院");
    a.save_visit(&visit).unwrap();
    let wrote = sync(&mut a, folder, &with_team, &mut no_progress())
        .unwrap()
        .wrote
        .unwrap();
    assert!(
        std::fs::read(&wrote)
            .unwrap()
            .starts_with(b"age-encryption.org/v1")
    );

    // Without the passphrase (and with a wrong one) the file is named and skipped.
    let without = sync_plain(&mut b, folder);
    assert_eq!(without.imported, 0);
    assert_eq!(without.refused.len(), 1);
    assert_eq!(without.refused[0].file, wrote);
    let wrong = SyncOptions {
        passphrase: Some(
            Passphrase::new("a wrong passphrase entirely")
                .unwrap()
                .with_work_factor(6),
        ),
        ..SyncOptions::default()
    };
    let wrong = sync(&mut b, folder, &wrong, &mut no_progress()).unwrap();
    assert_eq!((wrong.imported, wrong.refused.len()), (0, 1));

    let right = sync(&mut b, folder, &with_team, &mut no_progress()).unwrap();
    assert_eq!((right.imported, right.refused.len()), (1, 0));
    assert!(b.visit(visit.id).is_ok());
    // B's own bundle is encrypted too, and A reads it with the same passphrase.
    sync(&mut a, folder, &with_team, &mut no_progress()).unwrap();
    assert_eq!(a.records_digest().unwrap(), b.records_digest().unwrap());
}

#[test]
fn format_2_bundles_are_written_on_request_and_still_import() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = laptop("王敏");
    let mut b = laptop("李强");
    let visit = Visit::new(day("2026-03-05"), "城西敬老院");
    a.save_visit(&visit).unwrap();
    let mut finding = Finding::new(visit.id, "消防通道堵塞");
    finding.topics = vec![zoufang::model::builtin_topic_id(1)];
    a.save_finding(&finding).unwrap();
    let out = dir.path().join("old.zfb");
    let options = ExportOptions {
        older_reader: true,
        ..ExportOptions::default()
    };
    let filter = ExportFilter {
        all: true,
        ..ExportFilter::default()
    };
    export_with_options(&a, &filter, &out, &options, &mut no_progress()).unwrap();
    let entries = read_entries(&out);
    let manifest: serde_json::Value = serde_json::from_slice(
        &entries
            .iter()
            .find(|(n, _)| n == "manifest.json")
            .unwrap()
            .1,
    )
    .unwrap();
    assert!(manifest["version"].as_u64().unwrap() <= 2);
    assert!(!entries.iter().any(|(n, _)| n.starts_with("history/")));
    // Every record carries its clocks in full, as a version-2 reader expects.
    let findings: serde_json::Value = serde_json::from_slice(
        &entries
            .iter()
            .find(|(n, _)| n == "records/finding.json")
            .unwrap()
            .1,
    )
    .unwrap();
    let record = &findings["records"][0];
    assert!(record.get("clock").is_none());
    assert!(record["clocks"]["title"].is_string());
    import_files(&mut b, &[out]);
    assert_eq!(a.records_digest().unwrap(), b.records_digest().unwrap());
}

#[test]
fn format_3_records_are_compact_and_full_ones_still_read() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = laptop("王敏");
    let visit = Visit::new(day("2026-03-05"), "城西敬老院");
    a.save_visit(&visit).unwrap();
    let finding = Finding::new(visit.id, "消防通道堵塞");
    a.save_finding(&finding).unwrap();
    let compact = export_all(&a, dir.path(), "compact.zfb");
    let entries = read_entries(&compact);
    let findings: serde_json::Value = serde_json::from_slice(
        &entries
            .iter()
            .find(|(n, _)| n == "records/finding.json")
            .unwrap()
            .1,
    )
    .unwrap();
    let record = &findings["records"][0];
    // Never edited: one record clock, no field clock.
    assert!(record["clock"].is_string());
    assert_eq!(record["clocks"].as_object().unwrap().len(), 0);

    // A format-3 bundle written before compaction (every clock, no record clock) still reads.
    let full = dir.path().join("full.zfb");
    tamper(&compact, &full, |entries| {
        for (name, bytes) in entries.iter_mut() {
            if !name.starts_with("records/") {
                continue;
            }
            let mut doc: serde_json::Value = serde_json::from_slice(bytes).unwrap();
            for record in doc["records"].as_array_mut().unwrap() {
                let clock = record["clock"].take();
                let record = record.as_object_mut().unwrap();
                record.remove("clock");
                let fields: Vec<String> = record["data"]
                    .as_object()
                    .unwrap()
                    .keys()
                    .cloned()
                    .collect();
                let clocks = record["clocks"].as_object_mut().unwrap();
                for field in fields {
                    clocks.entry(field).or_insert(clock.clone());
                }
            }
            *bytes = serde_json::to_vec(&doc).unwrap();
        }
    });
    for file in [compact, full] {
        let mut b = laptop("李强");
        import_files(&mut b, &[file]);
        assert_eq!(b.records_digest().unwrap(), a.records_digest().unwrap());
    }
}

#[test]
fn a_laptop_with_nothing_of_its_own_writes_nothing_on_its_first_sync() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = laptop("王敏");
    let report = sync_plain(&mut a, dir.path());
    assert_eq!(report.wrote, None, "{report:?}");
    // Its first visit is its own change, and goes.
    a.save_visit(&Visit::new(day("2026-03-05"), "城西敬老院"))
        .unwrap();
    let wrote = sync_plain(&mut a, dir.path()).wrote.unwrap();
    assert_eq!(record_count(&wrote), 1);
}

#[test]
fn a_sync_does_not_read_again_a_file_it_imported_unless_the_file_changed() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = laptop("王敏");
    let mut b = laptop("李强");
    shared_finding(&mut a, &mut [&mut b], dir.path());
    let file = std::fs::read_dir(dir.path().join(a.device_id()))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let set_modified = |time: std::time::SystemTime| {
        let handle = std::fs::File::options().write(true).open(&file).unwrap();
        handle.set_modified(time).unwrap();
    };
    // Spoilt in place, same size, same time of change: the sync does not even read it.
    let modified = std::fs::metadata(&file).unwrap().modified().unwrap();
    let size = std::fs::metadata(&file).unwrap().len();
    std::fs::write(&file, vec![b'x'; usize::try_from(size).unwrap()]).unwrap();
    set_modified(modified);
    let report = sync_plain(&mut b, dir.path());
    assert_eq!(
        (report.imported, report.refused.len()),
        (0, 0),
        "{report:?}"
    );
    // Its time of change moves on: it is read again, and found damaged.
    set_modified(modified + std::time::Duration::from_secs(1));
    let report = sync_plain(&mut b, dir.path());
    assert_eq!(report.refused.len(), 1, "{report:?}");
    assert_eq!(report.refused[0].file, file);
}

#[test]
fn an_incremental_bundle_after_one_edit_holds_one_record() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("team");
    std::fs::create_dir(&folder).unwrap();
    let mut a = laptop("王敏");
    zoufang::demo::generate(
        &mut a,
        zoufang::demo::DemoOptions {
            visits: 30,
            seed: 5,
        },
    )
    .unwrap();
    let full = export_all(&a, dir.path(), "full.zfb");
    let first = sync_plain(&mut a, &folder).wrote.unwrap();
    // Everything but the built-in topics as every laptop has them.
    let builtin = zoufang::model::BUILTIN_TOPICS.len();
    assert_eq!(record_count(&first), record_count(&full) - builtin);
    let id = a
        .list_findings(
            &Default::default(),
            Default::default(),
            true,
            zoufang::store::Page {
                offset: 0,
                limit: 1,
            },
        )
        .unwrap()[0]
        .finding
        .id;
    edit_detail(&mut a, id, "复查时仍未整改");

    // Since the bundle sent before, and since the last sync to the folder: the one finding.
    let filter = ExportFilter::default();
    for since in [
        ChangesSince::of_bundle(&full, None).unwrap(),
        zoufang::bundle::sync_mark(&a, &folder)
            .unwrap()
            .map(ChangesSince::Mark)
            .unwrap(),
    ] {
        let out = dir.path().join("changes.zfb");
        let options = ExportOptions {
            changes_since: Some(&since),
            ..ExportOptions::default()
        };
        let summary = export_with_options(&a, &filter, &out, &options, &mut no_progress())
            .unwrap()
            .unwrap();
        assert_eq!(summary.counts.values().sum::<usize>(), 1, "{since:?}");
        assert_eq!(summary.counts["finding"], 1);
        assert_eq!(record_count(&out), 1);
    }
    let second = sync_plain(&mut a, &folder).wrote.unwrap();
    assert_eq!(record_count(&second), 1);
    assert!(std::fs::metadata(&second).unwrap().len() < 20_000);
    // An incremental bundle is an ordinary bundle: both files give a new laptop everything.
    let mut b = laptop("李强");
    import_files(&mut b, &[second, first]);
    assert_eq!(b.records_digest().unwrap(), a.records_digest().unwrap());
}

#[test]
fn the_command_prints_the_sync_contract() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("team");
    std::fs::create_dir(&folder).unwrap();
    let a = dir.path().join("a.sqlite");
    let b = dir.path().join("b.sqlite");
    zoufang(&a)
        .args([
            "visit",
            "add",
            "--date",
            "2026-03-05",
            "--place",
            "城西敬老院",
        ])
        .assert()
        .success();
    let run = |db: &Path| -> serde_json::Value {
        let out = zoufang(db)
            .arg("--json")
            .arg("sync")
            .arg(&folder)
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        serde_json::from_slice(&out).unwrap()
    };
    let first = run(&a);
    let keys: Vec<&String> = first.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["conflicts", "imported", "refused", "wrote"]);
    assert!(first["wrote"].as_str().unwrap().ends_with(".zfb"));
    let second = run(&b);
    assert_eq!(second["imported"], 1);
    assert_eq!(second["refused"], serde_json::json!([]));
    // B had nothing of its own (the built-in topics every laptop has): A finds nothing new.
    let idle = run(&a);
    assert_eq!(
        idle,
        serde_json::json!({"wrote": null, "imported": 0, "conflicts": 0, "refused": []})
    );
    let digest = |db: &Path| {
        zoufang(db)
            .arg("digest")
            .assert()
            .success()
            .get_output()
            .stdout
            .clone()
    };
    assert_eq!(digest(&a), digest(&b));
    // The human-readable form counts bundles and colleagues.
    let text = zoufang_in(&b, "zh")
        .arg("sync")
        .arg(&folder)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert!(
        String::from_utf8(text)
            .unwrap()
            .contains("份新的数据包，来自")
    );
}

/// The entries of the worked example in docs/bundle-format.md: each `<!-- entry: NAME -->`
/// line and the JSON block after it.
fn doc_example_entries() -> Vec<(String, Vec<u8>)> {
    let doc = include_str!("../docs/bundle-format.md");
    let mut entries = Vec::new();
    let mut rest = doc;
    while let Some(start) = rest.find("<!-- entry: ") {
        let after = &rest[start + "<!-- entry: ".len()..];
        let name_end = after.find(" -->").unwrap();
        let name = after[..name_end].to_owned();
        let block = &after[after.find("```json\n").unwrap() + "```json\n".len()..];
        let end = block.find("```").unwrap();
        entries.push((name, block.as_bytes()[..end].to_vec()));
        rest = &block[end..];
    }
    entries
}

#[test]
fn the_worked_example_of_the_format_doc_imports() {
    let dir = tempfile::tempdir().unwrap();
    let mut entries = doc_example_entries();
    let names: Vec<&str> = entries.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "manifest.json",
            "records/topic.json",
            "records/subject.json",
            "records/visit.json",
            "records/finding.json"
        ]
    );
    // Rule 4 of the doc: the manifest lists every other entry's size and SHA-256.
    fix_manifest(&mut entries);
    let path = dir.path().join("example.zfb");
    write_entries(&path, &entries);
    let mut b = laptop("李强");
    let report = import_files(&mut b, &[path]);
    assert_eq!(report.totals.added, 2);
    let visit = b
        .visit("0195aa00-0000-7000-8000-0000000000a1".parse().unwrap())
        .unwrap();
    assert_eq!(visit.place, "城东社会福利院");
    assert_eq!(visit.interviewees[0].name, "张秀英");
    let finding = b
        .finding("0195aa00-0000-7000-8000-0000000000f1".parse().unwrap())
        .unwrap();
    assert_eq!(finding.status, zoufang::model::Status::InProgress);
    assert_eq!(finding.deadline, Some(day("2026-03-31")));
    assert_eq!(finding.topics, vec![zoufang::model::builtin_topic_id(1)]);
    // The clocks landed as the doc says: status at 08:01, every other field at 08:00.
    let stored = b
        .load_stored(zoufang::store::RecordKind::Finding, &finding.id.to_string())
        .unwrap()
        .unwrap();
    assert!(
        stored.clocks["status"]
            .to_string()
            .starts_with("001772697660000.")
    );
    assert!(
        stored.clocks["title"]
            .to_string()
            .starts_with("001772697600000.")
    );
}
