//! Every released schema version upgrades with its data intact (issue 8, item 6).
//!
//! `tests/fixtures/schema-N.sqlite` is a small database of schema version N with demo data, and
//! `schema-N.json` what it held when it was made (the records' digest, counts, a word to find).
//! When a migration is added, make the new version's fixture once, with the build that
//! introduces it, and commit both files:
//!
//! ```text
//! cargo test --test migrations -- --ignored make_fixture --nocapture
//! ```
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use zoufang::demo::{DemoOptions, generate};
use zoufang::store::backup::list_backups;
use zoufang::store::{
    FindingFilter, RecordKind, SCHEMA_VERSION, Store, VisitFilter, read_row, select_list,
};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn fixture(version: i64) -> PathBuf {
    fixtures().join(format!("schema-{version}.sqlite"))
}

fn user_version(path: &Path) -> i64 {
    rusqlite::Connection::open(path)
        .unwrap()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn every_released_schema_version_has_a_fixture() {
    for version in 1..=SCHEMA_VERSION {
        assert!(
            fixture(version).is_file() && fixture(version).with_extension("json").is_file(),
            "no fixture of schema version {version}: make it with \
             `cargo test --test migrations -- --ignored make_fixture` and commit it"
        );
    }
}

#[test]
fn each_fixture_upgrades_with_its_data_intact() {
    for version in 1..=SCHEMA_VERSION {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("zoufang.sqlite");
        std::fs::copy(fixture(version), &db).unwrap();
        assert_eq!(user_version(&db), version, "the fixture is of its version");
        let expected: serde_json::Value = serde_json::from_slice(
            &std::fs::read(fixture(version).with_extension("json")).unwrap(),
        )
        .unwrap();

        let store = Store::open(&db).unwrap();
        assert_eq!(
            user_version(&db),
            SCHEMA_VERSION,
            "schema {version} migrated"
        );
        assert_eq!(
            digest_as_of(&store, version),
            expected["records_digest"].as_str().unwrap(),
            "schema {version}: every record, clock and tombstone kept"
        );
        assert_eq!(
            store.count_visits(&VisitFilter::default()).unwrap() as u64,
            expected["visits"].as_u64().unwrap()
        );
        assert_eq!(
            store.count_findings(&FindingFilter::default()).unwrap() as u64,
            expected["findings"].as_u64().unwrap()
        );
        assert_eq!(store.author(), expected["author"].as_str().unwrap());
        let word = expected["search"].as_str().unwrap();
        assert!(
            !store.search(word, 10).unwrap().is_empty(),
            "schema {version}: the search index still finds {word}"
        );
        assert!(zoufang::bundle::conflicts(&store, true).unwrap().is_empty());
        drop(store);

        // A migration is preceded by a backup of the file as it was; opening again takes none.
        let backups = list_backups(&db).unwrap();
        if version < SCHEMA_VERSION {
            assert_eq!(backups.len(), 1, "schema {version}: one backup first");
            assert_eq!(user_version(&backups[0].path), version);
        } else {
            assert!(backups.is_empty(), "no migration, no backup");
        }
        Store::open(&db).unwrap();
        assert_eq!(list_backups(&db).unwrap().len(), backups.len());
    }
}

/// A colleague who has not updated yet sends their database file: every released schema
/// imports, its records arriving with the fields added since filled as a migration fills them.
#[test]
fn each_fixture_imports_as_a_colleagues_database() {
    for version in 1..=SCHEMA_VERSION {
        let dir = tempfile::tempdir().unwrap();
        let theirs = dir.path().join("colleague.sqlite");
        std::fs::copy(fixture(version), &theirs).unwrap();
        let expected: serde_json::Value = serde_json::from_slice(
            &std::fs::read(fixture(version).with_extension("json")).unwrap(),
        )
        .unwrap();
        let mut mine = Store::open(dir.path().join("mine.sqlite")).unwrap();
        zoufang::bundle::import(
            &mut mine,
            &[theirs],
            &zoufang::bundle::ImportOptions::default(),
            &mut zoufang::bundle::no_progress(),
        )
        .unwrap_or_else(|e| panic!("schema {version}: {e}"));
        assert_eq!(
            mine.count_visits(&VisitFilter::default()).unwrap() as u64,
            expected["visits"].as_u64().unwrap(),
            "schema {version}"
        );
        assert_eq!(
            mine.count_findings(&FindingFilter::default()).unwrap() as u64,
            expected["findings"].as_u64().unwrap(),
            "schema {version}"
        );
    }
}

/// The digest of an upgraded fixture leaves out the fields its version did not have yet
/// (`store::ADDED_COLUMNS`: the version that added each, kind, field).
use zoufang::store::ADDED_COLUMNS as ADDED_FIELDS;

/// `Store::records_digest` as a database of schema `version` computed it: the same records,
/// clocks and tombstones, without the fields later migrations added.
fn digest_as_of(store: &Store, version: i64) -> String {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    for kind in RecordKind::ALL {
        let sql = format!(
            "SELECT {} FROM {} t ORDER BY t.id",
            select_list(kind, "t"),
            kind.table()
        );
        let mut stmt = store.conn().prepare(&sql).unwrap();
        let mut rows = stmt.query([]).unwrap();
        while let Some(row) = rows.next().unwrap() {
            let mut rec = read_row(kind, row, 0).unwrap();
            for (added, added_kind, field) in ADDED_FIELDS {
                if *added > version && *added_kind == kind {
                    rec.data.remove(*field);
                    rec.clocks.remove(*field);
                }
            }
            hasher.update(kind.table().as_bytes());
            hasher.update(rec.id.as_bytes());
            hasher.update(serde_json::to_string(&rec.data).unwrap().as_bytes());
            hasher.update(serde_json::to_string(&rec.clocks).unwrap().as_bytes());
            hasher.update(format!("{:?}", rec.meta.deleted_at).as_bytes());
        }
    }
    // Schema 4 added attachments: the digest covers the hashes of the bytes held.
    if version >= 4 {
        let mut stmt = store
            .conn()
            .prepare("SELECT sha256 FROM blob ORDER BY sha256")
            .unwrap();
        let mut rows = stmt.query([]).unwrap();
        while let Some(row) = rows.next().unwrap() {
            hasher.update(b"blob");
            hasher.update(row.get::<_, String>(0).unwrap().as_bytes());
        }
    }
    zoufang::store::hex(&hasher.finalize())
}

/// Writes the fixture of the current schema version (and, once, the backfilled version 1).
#[test]
#[ignore = "makes the fixture of a new schema version; run by hand"]
fn make_fixture() {
    std::fs::create_dir_all(fixtures()).unwrap();
    make(SCHEMA_VERSION, |_| {});
    if !fixture(1).exists() {
        // Version 1 was released before fixtures were kept: it is version 2 without the tables
        // migration 2 added (the import log and conflicts), which is exactly what version 1 was.
        assert_eq!(
            SCHEMA_VERSION, 2,
            "backfill version 1 from a version 2 build"
        );
        make(1, |conn| {
            conn.execute_batch(
                "DROP TABLE conflict; DROP TABLE import_log; PRAGMA user_version = 1;",
            )
            .unwrap();
        });
    }
}

fn make(version: i64, downgrade: impl FnOnce(&rusqlite::Connection)) {
    let path = fixture(version);
    assert!(
        !path.exists(),
        "{} exists: fixtures are never remade",
        path.display()
    );
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("fixture.sqlite");
    let mut store = Store::open(&db).unwrap();
    store.set_author("固定样本").unwrap();
    generate(&mut store, DemoOptions { visits: 6, seed: 8 }).unwrap();
    // Some history of every kind: an edit and a record in the Trash.
    let rows = store
        .list_visits(
            &VisitFilter::default(),
            zoufang::store::VisitSort::Date,
            true,
            zoufang::store::Page {
                offset: 0,
                limit: 10,
            },
        )
        .unwrap();
    let mut visit = rows[0].visit.clone();
    visit.notes = "复查：整改已落实".to_owned();
    store.save_visit(&visit).unwrap();
    store.delete(&rows[1].visit.id.to_string()).unwrap();
    if version >= 4 {
        // Attachments (schema 4): one kept, one in the Trash, sharing their bytes.
        let owner = zoufang::model::AttachmentOwner::Visit(rows[0].visit.id);
        let photo = b"\xff\xd8\xff\xe0 not really a photo";
        store
            .attach_bytes(owner, "现场.jpg", photo, 1 << 20)
            .unwrap();
        let copy = store
            .attach_bytes(owner, "副本.jpg", photo, 1 << 20)
            .unwrap();
        store.delete(&copy.id.to_string()).unwrap();
    }
    if version >= 8 {
        // Forms (schema 8): a template, a response on a visit whose failing checklist item
        // raised a problem, and a second response in the Trash.
        let form = zoufang::forms::record::import_builtin(&mut store, "养老机构安全检查表", None)
            .unwrap()
            .form;
        let answers: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(fixtures().join("forms/elderly-care-answers.json")).unwrap(),
        )
        .unwrap();
        let answers = zoufang::forms::answers_from_json(&answers).unwrap();
        let now = chrono::NaiveDate::from_ymd_opt(2026, 3, 5)
            .unwrap()
            .and_hms_opt(10, 0, 0)
            .unwrap();
        let visit = rows[0].visit.id;
        let saved =
            zoufang::forms::response::add_response(&mut store, &form, visit, answers.clone(), now)
                .unwrap();
        assert!(
            !saved.findings_created.is_empty(),
            "the fixture raises a problem"
        );
        let gone =
            zoufang::forms::response::add_response(&mut store, &form, visit, answers, now).unwrap();
        store.delete(&gone.id.to_string()).unwrap();
    }
    let search: String = rows[0].visit.place.chars().take(2).collect();
    let expected = serde_json::json!({
        "schema_version": version,
        "records_digest": store.records_digest().unwrap(),
        "visits": store.count_visits(&VisitFilter::default()).unwrap(),
        "findings": store.count_findings(&FindingFilter::default()).unwrap(),
        "author": store.author(),
        "search": search,
    });
    drop(store);
    let conn = rusqlite::Connection::open(&db).unwrap();
    downgrade(&conn);
    conn.execute_batch("PRAGMA journal_mode = DELETE; VACUUM;")
        .unwrap();
    drop(conn);
    std::fs::copy(&db, &path).unwrap();
    std::fs::write(
        path.with_extension("json"),
        serde_json::to_string_pretty(&expected).unwrap() + "\n",
    )
    .unwrap();
    println!("wrote {}", path.display());
}
