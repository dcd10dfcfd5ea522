//! The people interviewed on a visit: recorded by name, role and contact, counted in "people
//! met", carried by bundles (also to and from an older Zoufang), and kept by the migration.
#![allow(clippy::unwrap_used)]

mod common;

use assert_cmd::Command;
use common::*;
use zoufang::model::{Interviewee, IntervieweeRole, ValidationError, Visit};
use zoufang::store::{Store, StoreError};

fn day(s: &str) -> chrono::NaiveDate {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn person(name: &str, role: IntervieweeRole, contact: &str) -> Interviewee {
    Interviewee {
        name: name.to_owned(),
        role,
        contact: contact.to_owned(),
    }
}

fn visit_with_people() -> Visit {
    let mut v = Visit::new(day("2026-03-05"), "城西敬老院");
    v.set_interviewees(vec![
        person("张秀英", IntervieweeRole::Resident, "13812345678"),
        person("周红梅", IntervieweeRole::Staff, ""),
    ]);
    v
}

#[test]
fn interviewees_are_saved_and_people_met_counts_at_least_them() {
    let mut store = laptop("王敏");
    let mut v = visit_with_people();
    assert_eq!(v.people_met, 2, "raised to the people named");
    v.people_met = 12;
    v.set_interviewees(v.interviewees.clone());
    assert_eq!(v.people_met, 12, "a larger count stays");
    store.save_visit(&v).unwrap();
    assert_eq!(store.visit(v.id).unwrap().interviewees, v.interviewees);
    // Found by an interviewee's name (two characters, and three), not by the contact.
    for name in ["秀英", "张秀英", "周红梅"] {
        let hits = store.search(name, 10).unwrap();
        assert_eq!(hits.len(), 1, "{name}");
        assert_eq!(hits[0].id, v.id.to_string());
    }
    assert!(store.search("13812345678", 10).unwrap().is_empty());

    let before = store.digest().unwrap();
    v.people_met = 1;
    let err = store.save_visit(&v).unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Invalid(ValidationError::FewerPeopleThanInterviewees {
                people_met: 1,
                listed: 2
            })
        ),
        "{err}"
    );
    v.people_met = 12;
    v.interviewees[0].name = " ".to_owned();
    assert!(store.save_visit(&v).is_err(), "a nameless interviewee");
    assert_eq!(store.digest().unwrap(), before);
}

#[test]
fn interviewees_travel_in_bundles() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = laptop("王敏");
    let v = visit_with_people();
    a.save_visit(&v).unwrap();
    let bundle = export_all(&a, dir.path(), "a.zfb");
    let mut b = laptop("李强");
    import_files(&mut b, std::slice::from_ref(&bundle));
    assert_eq!(b.visit(v.id).unwrap().interviewees, v.interviewees);
    assert_eq!(b.records_digest().unwrap(), a.records_digest().unwrap());
}

#[test]
fn a_bundle_from_a_zoufang_without_interviewees_still_imports() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = laptop("王敏");
    let v = Visit::new(day("2026-03-05"), "城西敬老院");
    a.save_visit(&v).unwrap();
    let bundle = export_all(&a, dir.path(), "a.zfb");
    let old = dir.path().join("old.zfb");
    tamper(&bundle, &old, |entries| {
        edit_json(entries, "records/visit.json", |doc| {
            for rec in doc["records"].as_array_mut().unwrap() {
                rec["data"].as_object_mut().unwrap().remove("interviewees");
                rec["clocks"]
                    .as_object_mut()
                    .unwrap()
                    .remove("interviewees");
            }
        });
    });
    let mut b = laptop("李强");
    import_files(&mut b, &[old]);
    assert!(b.visit(v.id).unwrap().interviewees.is_empty());
    // The newer bundle of the same data changes nothing more: same value, and the origin
    // clock the older one got loses to any real stamp.
    let report = import_files(&mut b, &[bundle]);
    assert_eq!(report.totals.conflicts, 0);
}

#[test]
fn a_database_from_before_interviewees_is_migrated_with_an_empty_list() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.sqlite");
    let id = {
        let mut store = Store::open(&path).unwrap();
        let v = Visit::new(day("2026-03-05"), "城西敬老院");
        store.save_visit(&v).unwrap();
        v.id
    };
    // Turn the file back into schema 2: no column, no clock, no attachments, no history ids,
    // no search place, no ledger sources, the first search tables, version 2.
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(
            "DROP INDEX history_entry; ALTER TABLE history DROP COLUMN entry_id;
             DROP TABLE history_travelled;
             ALTER TABLE visit DROP COLUMN interviewees;
             UPDATE visit SET clocks = json_remove(clocks, '$.interviewees');
             DROP TABLE attachment; DROP TABLE blob;
             ALTER TABLE search_doc DROP COLUMN place;
             DROP TABLE ledger_source; DROP TABLE ledger_visit;
             DROP TABLE form; DROP TABLE response; DROP TABLE answer;
             DROP INDEX finding_response;
             ALTER TABLE finding DROP COLUMN response_id; ALTER TABLE finding DROP COLUMN question;
             UPDATE finding SET clocks = json_remove(clocks, '$.response_id', '$.question');
             DROP TABLE search_tri; DROP TABLE search_gram;
             ALTER TABLE search_doc DROP COLUMN title; ALTER TABLE search_doc DROP COLUMN body;
             CREATE VIRTUAL TABLE search_tri USING fts5(title, body, tokenize = 'trigram',
                 content = '', contentless_delete = 1);
             CREATE VIRTUAL TABLE search_gram USING fts5(title, body, tokenize = 'unicode61',
                 content = '', contentless_delete = 1);
             PRAGMA user_version = 2;",
        )
        .unwrap();
    }
    let store = Store::open(&path).unwrap();
    assert!(store.visit(id).unwrap().interviewees.is_empty());
    let rec = store.load_any(&id.to_string()).unwrap();
    assert_eq!(
        rec.clocks.get("interviewees"),
        Some(&zoufang::model::Hlc::origin())
    );
    // Its bundle carries a clock for every field, so another laptop accepts it.
    let bundle = export_all(&store, dir.path(), "m.zfb");
    let mut b = laptop("李强");
    import_files(&mut b, &[bundle]);
    assert!(b.visit(id).unwrap().interviewees.is_empty());
}

#[test]
fn the_command_line_records_and_shows_interviewees() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("z.sqlite");
    let zoufang = || {
        let mut cmd = Command::cargo_bin("zoufang").unwrap();
        cmd.arg("--db").arg(&db).args(["--lang", "en"]);
        cmd
    };
    let out = zoufang()
        .args([
            "visit",
            "add",
            "--date",
            "2026-04-01",
            "--place",
            "城西养老院",
        ])
        .args(["--interviewee", "张秀英,群众,13812345678"])
        .args(["--interviewee", "李建军，family"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let id = String::from_utf8(out).unwrap().trim().to_owned();
    let out = zoufang()
        .args(["--json", "list", "visits"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let list: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let v = &list[0];
    assert_eq!(v["people_met"], 2);
    assert_eq!(v["interviewees"][0]["name"], "张秀英");
    assert_eq!(v["interviewees"][0]["role"], "resident");
    assert_eq!(v["interviewees"][0]["contact"], "13812345678");
    assert_eq!(v["interviewees"][1]["role"], "family");

    let err = zoufang()
        .args(["visit", "edit", &id, "--people-met", "1"])
        .assert()
        .code(1)
        .get_output()
        .stderr
        .clone();
    assert!(String::from_utf8(err).unwrap().contains("people met (1)"));
    zoufang()
        .args(["visit", "edit", &id, "--interviewee", "王五,boss"])
        .assert()
        .code(1);
    zoufang()
        .args([
            "visit",
            "edit",
            &id,
            "--no-interviewees",
            "--people-met",
            "1",
        ])
        .assert()
        .success();
    let out = zoufang()
        .args(["--json", "show", &id])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let shown: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(shown["record"]["interviewees"], serde_json::json!([]));
    assert_eq!(shown["record"]["people_met"], 1);
}

#[test]
fn an_unknown_role_lists_the_chinese_words_accepted_too() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("z.sqlite");
    let refused = zoufang_in(&db, "zh")
        .args([
            "visit",
            "add",
            "--date",
            "2026-04-01",
            "--place",
            "城西养老院",
            "--interviewee",
            "张秀英,村民",
        ])
        .assert()
        .failure();
    let stderr = String::from_utf8_lossy(&refused.get_output().stderr).into_owned();
    assert!(
        stderr.contains("群众（resident）") && stderr.contains("家属（family）"),
        "{stderr}"
    );
    // And the Chinese word is taken.
    zoufang_in(&db, "zh")
        .args([
            "visit",
            "add",
            "--date",
            "2026-04-01",
            "--place",
            "城西养老院",
            "--interviewee",
            "张秀英,家属",
        ])
        .assert()
        .success();
}
