//! Photos and documents on visits and findings (issue 6): kept inside the one database file,
//! once per SHA-256, deleted to the Trash like any record, and carried by bundles — verified by
//! hash on the way in.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use std::path::{Path, PathBuf};
use zoufang::bundle::{
    BundleError, ExportFilter, ImportOptions, Limits, Passphrase, agreement_digest, export,
    export_encrypted, import, no_progress,
};
use zoufang::i18n::{Lang, Localized};
use zoufang::model::{AttachmentOwner, Finding, Visit, parse_date};
use zoufang::store::{RecordKind, Store, StoreError};

/// A small but real PNG (1×1 pixel).
const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0,
    0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99, 0x3d, 0x1d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

/// A visit with a finding on a laptop.
fn visit_with_finding(store: &mut Store, place: &str) -> (Visit, Finding) {
    let visit = Visit::new(parse_date("2026-04-01").unwrap(), place);
    store.save_visit(&visit).unwrap();
    let finding = Finding::new(visit.id, "消防通道堵塞");
    store.save_finding(&finding).unwrap();
    (visit, finding)
}

/// A photo file of `len` pseudo-random bytes (distinct per `seed`).
fn photo(dir: &Path, name: &str, len: usize, seed: u8) -> PathBuf {
    let bytes: Vec<u8> = (0..len)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
        .collect();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn blob_count(store: &Store) -> i64 {
    store
        .conn()
        .query_row("SELECT count(*) FROM blob", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn an_attached_file_is_listed_and_extracted_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("zoufang.sqlite");
    let mut store = Store::open(&db).unwrap();
    store.set_author("王敏").unwrap();
    let (visit, _) = visit_with_finding(&mut store, "城西养老院");
    let file = photo(dir.path(), "消防通道.jpg", 200_000, 1);
    let limit = store.max_attachment_bytes().unwrap();
    assert_eq!(limit, 50 * 1024 * 1024, "50 MB by default");
    let a = store
        .attach_file(AttachmentOwner::Visit(visit.id), &file, limit)
        .unwrap();
    drop(store);

    // The one database file is the whole record: reopen it and take the photo back out.
    let store = Store::open(&db).unwrap();
    let list = store.attachments(&visit.id.to_string(), false).unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].name, "消防通道.jpg");
    assert_eq!(list[0].size_bytes, 200_000);
    assert_eq!(list[0].added_by, "王敏");
    assert_eq!(list[0].mime, "image/jpeg", "by its name");
    assert!(list[0].meta.created_at.is_some());
    let out = dir.path().join("out.jpg");
    store.extract_attachment(a.id, &out).unwrap();
    assert_eq!(std::fs::read(&out).unwrap(), std::fs::read(&file).unwrap());
}

#[test]
fn the_same_photo_twice_is_stored_once() {
    let mut store = laptop("王敏");
    let (visit, finding) = visit_with_finding(&mut store, "城西养老院");
    let max = 1 << 20;
    store
        .attach_bytes(AttachmentOwner::Visit(visit.id), "a.png", PNG, max)
        .unwrap();
    store
        .attach_bytes(AttachmentOwner::Finding(finding.id), "b.png", PNG, max)
        .unwrap();
    store
        .attach_bytes(AttachmentOwner::Finding(finding.id), "c.txt", b"note", max)
        .unwrap();
    assert_eq!(blob_count(&store), 2, "two distinct contents");
    let on_finding = store.attachments(&finding.id.to_string(), false).unwrap();
    assert_eq!(on_finding.len(), 2);
    assert_eq!(on_finding[0].mime, "image/png", "by its bytes");
    assert!(on_finding[0].is_image());
    assert!(!on_finding[1].is_image());
}

#[test]
fn a_detached_file_goes_to_the_trash_and_comes_back() {
    let mut store = laptop("王敏");
    let (visit, _) = visit_with_finding(&mut store, "城西养老院");
    let a = store
        .attach_bytes(AttachmentOwner::Visit(visit.id), "现场.png", PNG, 1 << 20)
        .unwrap();
    let owner = visit.id.to_string();
    assert_eq!(
        store.delete(&a.id.to_string()).unwrap(),
        RecordKind::Attachment
    );
    assert!(store.attachments(&owner, false).unwrap().is_empty());
    assert_eq!(store.attachments(&owner, true).unwrap().len(), 1);
    let trash = store.trash().unwrap();
    assert!(
        trash
            .iter()
            .any(|t| t.id == a.id.to_string() && t.title == "现场.png")
    );
    // The bytes stay: a restore brings the photo back whole.
    store.restore(&a.id.to_string()).unwrap();
    let back = store.attachments(&owner, false).unwrap();
    assert_eq!(store.attachment_bytes(&back[0]).unwrap(), PNG);
    let actions: Vec<_> = store
        .history(&a.id.to_string())
        .unwrap()
        .iter()
        .map(|h| h.action.code())
        .collect();
    assert_eq!(actions, ["create", "delete", "restore"]);
}

#[test]
fn a_file_above_the_limit_is_refused_with_its_size_and_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = laptop("王敏");
    let (visit, _) = visit_with_finding(&mut store, "城西养老院");
    store.set_max_attachment_mb(1).unwrap();
    let limit = store.max_attachment_bytes().unwrap();
    assert_eq!(limit, 1024 * 1024);
    let big = photo(dir.path(), "航拍.jpg", 3 * 1024 * 1024, 2);
    let before = store.digest().unwrap();
    let err = store
        .attach_file(AttachmentOwner::Visit(visit.id), &big, limit)
        .unwrap_err();
    assert!(matches!(err, StoreError::FileTooLarge { .. }), "{err:?}");
    assert_eq!(store.digest().unwrap(), before, "nothing written");
    let en = err.localized(Lang::En);
    assert!(
        en.contains("3.0 MB") && en.contains("1.0 MB") && en.ends_with("航拍.jpg"),
        "{en}"
    );
    let zh = err.localized(Lang::Zh);
    assert!(
        zh.contains("文件过大") && zh.contains("3.0 MB") && zh.contains("1.0 MB"),
        "{zh}"
    );
}

#[test]
fn an_attachment_needs_a_live_owner() {
    let mut store = laptop("王敏");
    let (visit, _) = visit_with_finding(&mut store, "城西养老院");
    store.delete(&visit.id.to_string()).unwrap();
    let err = store
        .attach_bytes(AttachmentOwner::Visit(visit.id), "a.png", PNG, 1 << 20)
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound { .. }), "{err:?}");
    assert_eq!(
        blob_count(&store),
        0,
        "the bytes went with the refused record"
    );
}

/// Two laptops: 王敏 attaches photos, the team lead 李强 imports her bundle.
struct Team {
    dir: tempfile::TempDir,
    wang: Store,
    lead: Store,
    visit: Visit,
}

fn team() -> Team {
    let dir = tempfile::tempdir().unwrap();
    let mut wang = laptop("王敏");
    let (visit, finding) = visit_with_finding(&mut wang, "城西养老院");
    let max = 1 << 20;
    wang.attach_bytes(AttachmentOwner::Visit(visit.id), "大门.png", PNG, max)
        .unwrap();
    let evidence = wang
        .attach_bytes(
            AttachmentOwner::Finding(finding.id),
            "整改后.jpg",
            &[0xff, 0xd8, 0xff, 0xe0, 1, 2, 3],
            max,
        )
        .unwrap();
    wang.set_evidence(evidence.id, true).unwrap();
    let gone = wang
        .attach_bytes(
            AttachmentOwner::Finding(finding.id),
            "拍错了.png",
            b"oops",
            max,
        )
        .unwrap();
    wang.delete(&gone.id.to_string()).unwrap();
    Team {
        dir,
        wang,
        lead: laptop("李强"),
        visit,
    }
}

#[test]
fn a_photo_arrives_on_the_team_leads_laptop_byte_identical() {
    let mut t = team();
    let bundle = export_all(&t.wang, t.dir.path(), "王敏.zfb");
    let entries = read_entries(&bundle);
    let names: Vec<&str> = entries.iter().map(|(n, _)| n.as_str()).collect();
    assert!(names.contains(&"records/attachment.json"));
    assert_eq!(
        names
            .iter()
            .filter(|n| n.starts_with("attachments/"))
            .count(),
        3,
        "every exported attachment's bytes, the Trash's included"
    );
    let report = import_files(&mut t.lead, std::slice::from_ref(&bundle));
    assert_eq!(report.per_kind["attachment"].added, 3);

    let list = t.lead.attachments(&t.visit.id.to_string(), false).unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].added_by, "王敏");
    assert_eq!(t.lead.attachment_bytes(&list[0]).unwrap(), PNG);
    assert_eq!(
        agreement_digest(&t.lead, &[]).unwrap(),
        agreement_digest(&t.wang, &[]).unwrap(),
        "the two laptops agree"
    );
    assert_eq!(
        t.lead.records_digest().unwrap(),
        t.wang.records_digest().unwrap()
    );
    // The evidence flag and the tombstone travel too.
    let evidence: Vec<_> = t
        .lead
        .conn()
        .prepare("SELECT name FROM attachment WHERE evidence = 1")
        .unwrap()
        .query_map([], |r| r.get::<_, String>(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(evidence, ["整改后.jpg"]);
    assert!(
        t.lead
            .trash()
            .unwrap()
            .iter()
            .any(|e| e.title == "拍错了.png")
    );

    // Importing again changes nothing and stores nothing twice.
    let blobs = blob_count(&t.lead);
    let again = import_files(&mut t.lead, &[bundle]);
    assert_eq!(again.totals.added + again.totals.updated, 0);
    assert_eq!(blob_count(&t.lead), blobs);
}

#[test]
fn a_bundle_without_attachments_stays_readable_by_older_versions() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = laptop("王敏");
    visit_with_finding(&mut store, "城西养老院");
    let bundle = export_all(&store, dir.path(), "plain.zfb");
    let entries = read_entries(&bundle);
    let manifest: serde_json::Value = serde_json::from_slice(&entries[0].1).unwrap();
    // Version 3: the records' history travels with them (tests/bundle_history.rs) …
    assert_eq!(manifest["version"], 3);
    // … unless it is left out for a colleague who has not updated.
    let older = |store: &Store, path: &Path| {
        let all = ExportFilter {
            all: true,
            ..Default::default()
        };
        zoufang::bundle::export_without_history(store, &all, path, &mut no_progress()).unwrap();
        read_entries(path)
    };
    let entries = older(&store, &dir.path().join("plain-v1.zfb"));
    let manifest: serde_json::Value = serde_json::from_slice(&entries[0].1).unwrap();
    assert_eq!(manifest["version"], 1);
    assert!(entries.iter().all(|(n, _)| n != "records/attachment.json"));

    let t = team();
    let entries = older(&t.wang, &t.dir.path().join("photos.zfb"));
    let manifest: serde_json::Value = serde_json::from_slice(&entries[0].1).unwrap();
    assert_eq!(manifest["version"], 2);
    assert_eq!(manifest["counts"]["attachment"], 3);
}

#[test]
fn a_filtered_bundle_carries_the_attachments_of_its_visits_only() {
    let mut t = team();
    let other = Visit::new(parse_date("2025-01-10").unwrap(), "北山公墓");
    t.wang.save_visit(&other).unwrap();
    t.wang
        .attach_bytes(
            AttachmentOwner::Visit(other.id),
            "墓区.png",
            b"other",
            1 << 20,
        )
        .unwrap();
    let path = t.dir.path().join("spring.zfb");
    let filter = ExportFilter {
        since: Some(parse_date("2026-01-01").unwrap()),
        ..ExportFilter::default()
    };
    let summary = export(&t.wang, &filter, &path, &mut no_progress()).unwrap();
    assert_eq!(summary.counts["attachment"], 3);
    import_files(&mut t.lead, &[path]);
    assert!(
        t.lead
            .attachments(&other.id.to_string(), true)
            .unwrap()
            .is_empty()
    );
    assert_eq!(blob_count(&t.lead), 3);
}

#[test]
fn an_encrypted_bundle_carries_attachments_too() {
    let mut t = team();
    let path = t.dir.path().join("sealed.zfb");
    let passphrase = Passphrase::new("城西养老院二〇二六")
        .unwrap()
        .with_work_factor(8);
    let filter = ExportFilter {
        all: true,
        ..ExportFilter::default()
    };
    export_encrypted(&t.wang, &filter, &path, &passphrase, &mut no_progress()).unwrap();
    let options = ImportOptions {
        passphrase: Some(passphrase),
        ..ImportOptions::default()
    };
    import(&mut t.lead, &[path], &options, &mut no_progress()).unwrap();
    let list = t.lead.attachments(&t.visit.id.to_string(), false).unwrap();
    assert_eq!(t.lead.attachment_bytes(&list[0]).unwrap(), PNG);
}

#[test]
fn a_colleagues_database_brings_its_attachments() {
    let t = team();
    let file = t.dir.path().join("wang.sqlite");
    let mut on_disk = Store::open(&file).unwrap();
    import_files(&mut on_disk, &[export_all(&t.wang, t.dir.path(), "w.zfb")]);
    drop(on_disk);
    let mut lead = t.lead;
    import_files(&mut lead, &[file]);
    let list = lead.attachments(&t.visit.id.to_string(), false).unwrap();
    assert_eq!(lead.attachment_bytes(&list[0]).unwrap(), PNG);
    assert_eq!(blob_count(&lead), 3);
}

/// Imports `file` expecting a refusal, with the database unchanged.
fn refused(store: &mut Store, file: &Path) -> BundleError {
    let before = store.digest().unwrap();
    let options = ImportOptions {
        limits: Limits::default(),
        ..ImportOptions::default()
    };
    let err = import(store, &[file.to_owned()], &options, &mut no_progress()).unwrap_err();
    assert_eq!(store.digest().unwrap(), before, "database unchanged");
    assert!(zoufang::bundle::import_log(store).unwrap().is_empty());
    let name = file.file_name().unwrap().to_string_lossy().into_owned();
    assert!(err.localized(Lang::Zh).ends_with(&name), "{err}");
    err
}

fn png_entry(entries: &mut [(String, Vec<u8>)]) -> &mut (String, Vec<u8>) {
    let sha = zoufang::store::sha256_hex(PNG);
    entries
        .iter_mut()
        .find(|(n, _)| *n == format!("attachments/{sha}"))
        .unwrap()
}

#[test]
fn a_tampered_attachment_is_refused_and_nothing_changes() {
    let mut t = team();
    let good = export_all(&t.wang, t.dir.path(), "good.zfb");

    // Bytes changed, manifest left alone: the manifest's checksum catches it.
    let altered = t.dir.path().join("altered.zfb");
    let mut entries = read_entries(&good);
    png_entry(&mut entries).1[20] ^= 1;
    write_entries(&altered, &entries);
    let err = refused(&mut t.lead, &altered);
    assert!(
        matches!(err, BundleError::Checksum { ref name, .. } if name.starts_with("attachments/")),
        "{err:?}"
    );

    // Bytes and manifest changed together: the content no longer hashes to its name.
    let forged = t.dir.path().join("forged.zfb");
    tamper(&good, &forged, |e| png_entry(e).1[20] ^= 1);
    let err = refused(&mut t.lead, &forged);
    assert!(matches!(err, BundleError::AttachmentHash { .. }), "{err:?}");
    assert!(err.localized(Lang::Zh).contains("SHA-256 不符"));

    // The bytes left out: the record is refused rather than left without its content.
    let missing = t.dir.path().join("missing.zfb");
    let sha = zoufang::store::sha256_hex(PNG);
    tamper(&good, &missing, |e| e.retain(|(n, _)| !n.ends_with(&sha)));
    let err = refused(&mut t.lead, &missing);
    assert!(
        matches!(err, BundleError::MissingAttachment { .. }),
        "{err:?}"
    );

    // Bytes no record names: refused rather than stored for nothing.
    let stuffed = t.dir.path().join("stuffed.zfb");
    tamper(&good, &stuffed, |e| {
        let junk = vec![7u8; 4096];
        let name = format!("attachments/{}", zoufang::store::sha256_hex(&junk));
        e.push((name, junk));
    });
    let err = refused(&mut t.lead, &stuffed);
    assert!(
        matches!(err, BundleError::UnexpectedEntry { .. }),
        "{err:?}"
    );

    // The good one still goes in.
    import_files(&mut t.lead, &[good]);
    assert_eq!(blob_count(&t.lead), 3);
}

#[test]
fn a_version_one_bundle_cannot_smuggle_attachments() {
    let mut t = team();
    let good = export_all(&t.wang, t.dir.path(), "good.zfb");
    let old = t.dir.path().join("v1.zfb");
    tamper(&good, &old, |e| {
        edit_json(e, "manifest.json", |m| m["version"] = 1.into());
    });
    let err = refused(&mut t.lead, &old);
    assert!(
        matches!(err, BundleError::UnexpectedEntry { .. }),
        "{err:?}"
    );
}

#[test]
fn a_missing_blob_is_noticed_by_the_digests() {
    let t = team();
    let before = (
        t.wang.digest().unwrap(),
        agreement_digest(&t.wang, &[]).unwrap(),
    );
    assert!(t.wang.missing_blobs().unwrap().is_empty());
    let sha = zoufang::store::sha256_hex(PNG);
    t.wang
        .conn()
        .execute("DELETE FROM blob WHERE sha256 = ?1", [&sha])
        .unwrap();
    assert_eq!(t.wang.missing_blobs().unwrap(), [sha]);
    assert_ne!(t.wang.digest().unwrap(), before.0);
    assert_ne!(agreement_digest(&t.wang, &[]).unwrap(), before.1);
    // And such a database cannot pass the hole on in a bundle.
    let filter = ExportFilter {
        all: true,
        ..ExportFilter::default()
    };
    let path = t.dir.path().join("holey.zfb");
    let err = export(&t.wang, &filter, &path, &mut no_progress()).unwrap_err();
    assert!(err.to_string().contains("missing"), "{err}");
}
