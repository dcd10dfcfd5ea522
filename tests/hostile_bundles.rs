//! The hostile corpus, second campaign (issue 19): bundles made by an attacker from a good one.
//! Each is refused with a message naming the record and the field, the database unchanged;
//! a hostile clock that is accepted can no longer freeze this laptop's clock.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use std::path::{Path, PathBuf};
use zoufang::bundle::{BundleError, ImportOptions, import, no_progress};
use zoufang::demo::{DemoOptions, generate};
use zoufang::i18n::{Lang, Localized};
use zoufang::model::{AttachmentOwner, MAX_COUNTER, Visit, parse_date};
use zoufang::store::Store;

struct Setup {
    dir: tempfile::TempDir,
    store: Store,
    good: PathBuf,
}

/// A colleague's good bundle (demo visits and one photo) and a laptop with data of its own.
fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let mut colleague = laptop("李强");
    generate(
        &mut colleague,
        DemoOptions {
            visits: 3,
            seed: 41,
        },
    )
    .unwrap();
    let visit = colleague
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
    colleague
        .attach_bytes(
            AttachmentOwner::Visit(visit),
            "门口.jpg",
            b"jpeg bytes",
            1 << 20,
        )
        .unwrap();
    let good = export_all(&colleague, dir.path(), "good.zfb");
    let mut store = laptop("王敏");
    generate(
        &mut store,
        DemoOptions {
            visits: 2,
            seed: 42,
        },
    )
    .unwrap();
    Setup { dir, store, good }
}

/// Imports `file` expecting a refusal; the database must not change. Returns the error.
fn refused(s: &mut Setup, file: &Path) -> BundleError {
    let before = s.store.digest().unwrap();
    let err = import(
        &mut s.store,
        &[file.to_owned()],
        &ImportOptions::default(),
        &mut no_progress(),
    )
    .expect_err("the file should be refused");
    assert_eq!(s.store.digest().unwrap(), before, "database unchanged");
    let name = file.file_name().unwrap().to_string_lossy().into_owned();
    assert!(err.localized(Lang::En).contains(&name), "{err}");
    assert!(err.localized(Lang::Zh).contains(&name));
    err
}

/// A copy of the good bundle with `change` applied to one records document.
fn hostile(
    s: &Setup,
    name: &str,
    entry: &str,
    change: impl FnOnce(&mut serde_json::Value),
) -> PathBuf {
    let path = s.dir.path().join(name);
    tamper(&s.good, &path, |e| edit_json(e, entry, change));
    path
}

/// Refused as a bad record of `kind`, the message naming `field` in both languages.
fn bad_record(err: &BundleError, kind: &str, field_en: &str, field_zh: &str) {
    assert!(
        matches!(err, BundleError::BadRecord { kind: k, .. } if *k == kind),
        "{err:?}"
    );
    assert!(err.localized(Lang::En).contains(field_en), "{err}");
    assert!(
        err.localized(Lang::Zh).contains(field_zh),
        "{}",
        err.localized(Lang::Zh)
    );
    assert!(!err.localized(Lang::Zh).contains("记录记录"));
}

#[test]
fn a_tombstone_for_a_built_in_topic_is_refused() {
    let mut s = setup();
    let file = hostile(&s, "tombstone.zfb", "records/topic.json", |doc| {
        let topic = &mut doc["records"][0];
        topic["deleted_at"] = "2026-05-01T00:00:00Z".into();
        topic["clocks"]["deleted_at"] = "001777777777777.000000.evil".into();
    });
    let err = refused(&mut s, &file);
    bad_record(&err, "topic", "built-in", "built-in");
    assert!(
        s.store
            .topics()
            .unwrap()
            .iter()
            .all(|t| t.meta.deleted_at.is_none()),
        "no built-in topic deleted"
    );
}

#[test]
fn a_fifty_thousand_character_title_is_refused_at_once() {
    let mut s = setup();
    let file = hostile(&s, "long.zfb", "records/finding.json", |doc| {
        doc["records"][0]["data"]["title"] = "长".repeat(50_000).into();
    });
    let started = std::time::Instant::now();
    let err = refused(&mut s, &file);
    bad_record(&err, "finding", "title is too long", "标题过长");
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
}

#[test]
fn a_count_beyond_ten_million_is_refused() {
    let mut s = setup();
    let file = hostile(&s, "count.zfb", "records/finding.json", |doc| {
        doc["records"][0]["data"]["people_affected"] = i64::MAX.into();
    });
    let err = refused(&mut s, &file);
    bad_record(
        &err,
        "finding",
        "people affected is too large",
        "涉及人数过大",
    );
}

#[test]
fn a_nil_id_is_refused() {
    let mut s = setup();
    let file = hostile(&s, "nil.zfb", "records/visit.json", |doc| {
        doc["records"][0]["id"] = "00000000-0000-0000-0000-000000000000".into();
    });
    let err = refused(&mut s, &file);
    assert!(err.localized(Lang::En).contains("nil id"), "{err}");
}

#[test]
fn years_the_command_line_refuses_are_refused_from_bundles_too() {
    let mut s = setup();
    for (i, date) in ["1900-01-01", "9999-12-31"].into_iter().enumerate() {
        let file = hostile(&s, &format!("year{i}.zfb"), "records/visit.json", |doc| {
            doc["records"][0]["data"]["date"] = date.into();
        });
        let err = refused(&mut s, &file);
        bad_record(&err, "visit", date, "不是合理的日期");
    }
}

#[test]
fn a_place_made_only_of_invisible_characters_is_refused() {
    let mut s = setup();
    let file = hostile(&s, "invisible.zfb", "records/visit.json", |doc| {
        doc["records"][0]["data"]["place"] = "\u{200B}\u{FEFF} ".into();
    });
    let err = refused(&mut s, &file);
    bad_record(&err, "visit", "place must not be empty", "走访地点不能为空");
    let mut typed = Visit::new(parse_date("2026-04-01").unwrap(), "\u{200B}");
    assert!(
        s.store.save_visit(&typed).is_err(),
        "the same rule as typed"
    );
    typed.place = "城西养老院".to_owned();
    s.store.save_visit(&typed).unwrap();
}

#[test]
fn an_attachment_whose_declared_size_differs_from_its_bytes_is_refused() {
    let mut s = setup();
    let file = hostile(&s, "size.zfb", "records/attachment.json", |doc| {
        doc["records"][0]["data"]["size_bytes"] = 999_999.into();
    });
    let err = refused(&mut s, &file);
    bad_record(&err, "attachment", "size_bytes", "size_bytes");
}

#[test]
fn manifest_counts_for_kinds_the_bundle_lacks_are_refused() {
    let mut s = setup();
    let file = s.dir.path().join("counts.zfb");
    tamper(&s.good, &file, |e| {
        e.retain(|(n, _)| n != "records/subject.json");
        edit_json(e, "manifest.json", |m| m["counts"]["subject"] = 5.into());
    });
    let err = refused(&mut s, &file);
    assert!(matches!(err, BundleError::BadManifest { .. }), "{err:?}");
    assert!(err.to_string().contains("subject lists 5"), "{err}");
}

#[test]
fn topics_whose_parents_make_a_cycle_are_refused() {
    let mut s = setup();
    let mut owner = laptop("赵磊");
    let topic = |code: &str, name: &str| zoufang::model::Topic {
        id: zoufang::model::TopicId::new(),
        code: code.to_owned(),
        name_zh: name.to_owned(),
        ..Default::default()
    };
    let a = topic("cycle-a", "甲专题");
    let mut b = topic("cycle-b", "乙专题");
    b.parent_id = Some(a.id);
    owner.save_topic(&a).unwrap();
    owner.save_topic(&b).unwrap();
    let filter = zoufang::bundle::ExportFilter {
        all: true,
        ..Default::default()
    };
    let good = s.dir.path().join("topics.zfb");
    zoufang::bundle::export(&owner, &filter, &good, &mut no_progress()).unwrap();
    let file = s.dir.path().join("cycle.zfb");
    let a_id = a.id.to_string();
    let b_id = b.id.to_string();
    tamper(&good, &file, |e| {
        edit_json(e, "records/topic.json", |doc| {
            for rec in doc["records"].as_array_mut().unwrap() {
                if rec["id"] == a_id.as_str() {
                    rec["data"]["parent_id"] = b_id.as_str().into();
                }
            }
        });
    });
    let err = refused(&mut s, &file);
    bad_record(&err, "topic", "parent_id", "parent_id");
}

#[test]
fn a_clock_counter_beyond_six_digits_is_refused() {
    let mut s = setup();
    let file = hostile(&s, "counter.zfb", "records/visit.json", |doc| {
        let now = chrono::Utc::now().timestamp_millis();
        doc["records"][0]["clocks"]["place"] = format!("{now:015}.4294967295.evil").into();
    });
    let err = refused(&mut s, &file);
    bad_record(&err, "visit", "counter", "counter");
}

#[test]
fn a_far_future_clock_names_its_real_date() {
    let mut s = setup();
    let file = hostile(&s, "far.zfb", "records/visit.json", |doc| {
        doc["records"][0]["clocks"]["place"] = "9000000000000000000.000000.evil".into();
    });
    let err = refused(&mut s, &file);
    assert!(matches!(err, BundleError::FutureClock { .. }), "{err:?}");
    assert!(!err.to_string().contains("1970"), "{err}");
    assert!(err.to_string().contains("dated 285200"), "{err}");
}

/// A bundle whose clock is hours ahead with its counter at the maximum is within the bounds
/// and accepted; afterwards this laptop's own edits still win, in the order they were made.
#[test]
fn a_clock_ahead_with_its_counter_at_the_maximum_cannot_freeze_local_time() {
    let mut s = setup();
    let good = s.good.clone();
    import_files(&mut s.store, &[good]);
    let visit_id = s
        .store
        .list_visits(
            &Default::default(),
            Default::default(),
            true,
            zoufang::store::Page {
                offset: 0,
                limit: 100,
            },
        )
        .unwrap()
        .into_iter()
        .map(|r| r.visit.id)
        .find(|id| {
            read_entries(&s.good).iter().any(|(n, b)| {
                n == "records/visit.json" && String::from_utf8_lossy(b).contains(&id.to_string())
            })
        })
        .unwrap();
    let ahead = chrono::Utc::now().timestamp_millis() + 3 * 3600 * 1000;
    let attack = s.dir.path().join("attack.zfb");
    let id = visit_id.to_string();
    tamper(&s.good, &attack, |e| {
        edit_json(e, "records/visit.json", |doc| {
            for rec in doc["records"].as_array_mut().unwrap() {
                if rec["id"] == id.as_str() {
                    rec["data"]["place"] = "攻击者的地点".into();
                    rec["clocks"]["place"] = format!("{ahead:015}.{MAX_COUNTER:06}.zzzz").into();
                }
            }
        });
    });
    import_files(&mut s.store, &[attack]);
    assert_eq!(s.store.visit(visit_id).unwrap().place, "攻击者的地点");
    for place in ["第一次修改", "第二次修改"] {
        let mut v = s.store.visit(visit_id).unwrap();
        v.place = place.to_owned();
        s.store.save_visit(&v).unwrap();
    }
    assert_eq!(s.store.visit(visit_id).unwrap().place, "第二次修改");
    // Sent back to the attacker's side and merged there, the local edit still wins.
    let mut other = laptop("攻击者");
    let back = export_all(&s.store, s.dir.path(), "back.zfb");
    let attack_again = s.dir.path().join("attack.zfb");
    import_files(&mut other, &[attack_again]);
    import_files(&mut other, &[back]);
    assert_eq!(other.visit(visit_id).unwrap().place, "第二次修改");
}
