//! Hostile or broken files are refused with a clear message, and the database stays exactly as
//! it was.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use std::path::{Path, PathBuf};
use zoufang::bundle::{BundleError, ImportOptions, Limits, import, no_progress};
use zoufang::demo::{DemoOptions, generate};
use zoufang::i18n::{Lang, Localized};
use zoufang::store::Store;

/// A laptop with some data, a good bundle from a colleague, and a temp dir.
struct Setup {
    dir: tempfile::TempDir,
    store: Store,
    good: PathBuf,
}

fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let mut colleague = laptop("李强");
    generate(
        &mut colleague,
        DemoOptions {
            visits: 8,
            seed: 21,
        },
    )
    .unwrap();
    let good = export_all(&colleague, dir.path(), "good.zfb");
    let mut store = laptop("王敏");
    generate(
        &mut store,
        DemoOptions {
            visits: 5,
            seed: 22,
        },
    )
    .unwrap();
    Setup { dir, store, good }
}

/// Imports `file` expecting a refusal; checks the database did not change and returns the error.
fn refused(setup: &mut Setup, file: &Path, limits: Limits) -> BundleError {
    let before = setup.store.digest().unwrap();
    let logged = zoufang::bundle::import_log(&setup.store).unwrap().len();
    let options = ImportOptions {
        dry_run: false,
        limits,
        passphrase: None,
    };
    let err = import(
        &mut setup.store,
        &[file.to_owned()],
        &options,
        &mut no_progress(),
    )
    .expect_err("the file should be refused");
    assert_eq!(setup.store.digest().unwrap(), before, "database unchanged");
    assert_eq!(
        zoufang::bundle::import_log(&setup.store).unwrap().len(),
        logged,
        "a refusal is not logged as an import"
    );
    // Messages name the file, in both languages.
    let name = file.file_name().unwrap().to_string_lossy().into_owned();
    assert!(err.localized(Lang::En).contains(&name), "{err}");
    assert!(err.localized(Lang::Zh).contains(&name));
    err
}

#[test]
fn a_truncated_zip_is_refused() {
    let mut s = setup();
    let bytes = std::fs::read(&s.good).unwrap();
    let cut = s.dir.path().join("cut.zfb");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let err = refused(&mut s, &cut, Limits::default());
    assert!(matches!(err, BundleError::Damaged { .. }), "{err:?}");
    assert!(err.localized(Lang::Zh).contains("损坏或不完整"));
}

#[test]
fn a_wrong_checksum_is_refused() {
    let mut s = setup();
    let bad = s.dir.path().join("altered.zfb");
    let mut entries = read_entries(&s.good);
    // Change a record after the manifest was written.
    let visit = entries
        .iter_mut()
        .find(|(n, _)| n == "records/visit.json")
        .unwrap();
    let text = String::from_utf8(visit.1.clone()).unwrap();
    visit.1 = text
        .replacen("\"place\":\"", "\"place\":\"改", 1)
        .into_bytes();
    write_entries(&bad, &entries);
    let err = refused(&mut s, &bad, Limits::default());
    assert!(matches!(err, BundleError::Checksum { ref name, .. } if name == "records/visit.json"));
    assert!(err.localized(Lang::Zh).contains("校验和"));
}

#[test]
fn an_unknown_format_version_is_refused() {
    let mut s = setup();
    let newer = s.dir.path().join("newer.zfb");
    tamper(&s.good, &newer, |e| {
        edit_json(e, "manifest.json", |m| m["version"] = 4.into());
    });
    let err = refused(&mut s, &newer, Limits::default());
    assert!(matches!(
        err,
        BundleError::NewerFormat {
            found: 4,
            supported: 3,
            ..
        }
    ));
    assert!(err.localized(Lang::Zh).contains("更新版本"));
    assert!(err.to_string().contains("format version 4"));
}

#[test]
fn a_path_escaping_entry_name_is_refused() {
    let mut s = setup();
    for (i, name) in ["../x", "/etc/passwd", "records\\..\\x", "a/../../x"]
        .iter()
        .enumerate()
    {
        let bad = s.dir.path().join(format!("escape{i}.zfb"));
        tamper(&s.good, &bad, |e| {
            e.push(((*name).to_owned(), b"boo".to_vec()));
        });
        let err = refused(&mut s, &bad, Limits::default());
        assert!(
            matches!(err, BundleError::UnsafeName { .. }),
            "{name}: {err:?}"
        );
    }
}

#[test]
fn a_duplicate_entry_is_refused() {
    let mut s = setup();
    let bad = s.dir.path().join("twice.zfb");
    let mut entries = read_entries(&s.good);
    let copy = entries
        .iter()
        .find(|(n, _)| n == "records/topic.json")
        .unwrap()
        .clone();
    entries.push(copy);
    // The zip writer refuses duplicate names, so write the second copy under a name of the
    // same length and patch the name bytes afterwards.
    entries.last_mut().unwrap().0 = "records/topiX.json".to_owned();
    write_entries(&bad, &entries);
    let mut bytes = std::fs::read(&bad).unwrap();
    let from = b"records/topiX.json";
    let mut i = 0;
    while i + from.len() <= bytes.len() {
        if &bytes[i..i + from.len()] == from {
            bytes[i..i + from.len()].copy_from_slice(b"records/topic.json");
        }
        i += 1;
    }
    std::fs::write(&bad, bytes).unwrap();
    let err = refused(&mut s, &bad, Limits::default());
    assert!(
        matches!(err, BundleError::DuplicateEntry { ref name, .. } if name == "records/topic.json"),
        "{err:?}"
    );
    assert!(err.localized(Lang::Zh).contains("records/topic.json"));
}

#[test]
fn an_oversized_entry_is_refused_by_its_header_or_its_bytes() {
    let mut s = setup();
    // A small zip bomb: 8 MiB of zeros compress to a few kilobytes.
    let bomb = s.dir.path().join("bomb.zfb");
    tamper(&s.good, &bomb, |e| {
        e.push(("attachments/zeros".to_owned(), vec![0u8; 8 << 20]));
    });
    assert!(std::fs::metadata(&bomb).unwrap().len() < 200_000);
    let limits = Limits {
        max_entry_bytes: 1 << 20,
        ..Limits::default()
    };
    // An honest header is refused unread …
    let err = refused(&mut s, &bomb, limits);
    assert!(
        matches!(err, BundleError::DeclaredTooLarge { ref name, .. } if name == "attachments/zeros"),
        "{err:?}"
    );
    assert!(err.localized(Lang::Zh).contains("声明大小"));
    // … and one that lies is stopped at the size it declared.
    let liar = s.dir.path().join("liar-bomb.zfb");
    std::fs::copy(&bomb, &liar).unwrap();
    declare_size(&liar, "attachments/zeros", 1000);
    let err = refused(&mut s, &liar, limits);
    assert!(
        matches!(err, BundleError::Damaged { ref detail, .. } if detail.contains("declared")),
        "{err:?}"
    );
    // The total is limited too.
    let limits = Limits {
        max_total_bytes: 4 << 20,
        ..Limits::default()
    };
    let err = refused(&mut s, &bomb, limits);
    assert!(
        matches!(err, BundleError::TooLarge { ref name, .. } if name == "*"),
        "{err:?}"
    );
    assert!(err.localized(Lang::Zh).contains("过大"));
}

#[test]
fn a_record_with_a_bad_date_is_refused() {
    let mut s = setup();
    let bad = s.dir.path().join("baddate.zfb");
    tamper(&s.good, &bad, |e| {
        edit_json(e, "records/visit.json", |doc| {
            doc["records"][0]["data"]["date"] = "2026-13-45".into();
        });
    });
    let err = refused(&mut s, &bad, Limits::default());
    assert!(
        matches!(err, BundleError::BadRecord { kind: "visit", .. }),
        "{err:?}"
    );
    assert!(err.localized(Lang::Zh).contains("走访记录"));
}

#[test]
fn a_record_of_an_unknown_kind_is_refused() {
    let mut s = setup();
    let bad = s.dir.path().join("widget.zfb");
    tamper(&s.good, &bad, |e| {
        e.push((
            "records/widget.json".to_owned(),
            br#"{"kind":"widget","records":[]}"#.to_vec(),
        ));
    });
    let err = refused(&mut s, &bad, Limits::default());
    assert!(matches!(err, BundleError::UnknownKind { ref kind, .. } if kind == "widget"));
    assert!(err.localized(Lang::Zh).contains("未知类型"));
    // A document that claims another kind than its name.
    let bad = s.dir.path().join("mislabelled.zfb");
    tamper(&s.good, &bad, |e| {
        edit_json(e, "records/visit.json", |doc| doc["kind"] = "gadget".into());
    });
    assert!(matches!(
        refused(&mut s, &bad, Limits::default()),
        BundleError::UnknownKind { .. }
    ));
}

#[test]
fn a_record_with_an_unknown_status_or_a_missing_visit_is_refused() {
    let mut s = setup();
    let bad = s.dir.path().join("status.zfb");
    tamper(&s.good, &bad, |e| {
        edit_json(e, "records/finding.json", |doc| {
            doc["records"][0]["data"]["status"] = "vanished".into();
        });
    });
    assert!(matches!(
        refused(&mut s, &bad, Limits::default()),
        BundleError::BadRecord {
            kind: "finding",
            ..
        }
    ));
    let orphan = s.dir.path().join("orphan.zfb");
    tamper(&s.good, &orphan, |e| {
        edit_json(e, "records/finding.json", |doc| {
            doc["records"][0]["data"]["visit_id"] = "01890a5d-ac96-774b-bcce-b302099a8057".into();
        });
    });
    let err = refused(&mut s, &orphan, Limits::default());
    assert!(
        matches!(err, BundleError::MissingReference { .. }),
        "{err:?}"
    );
}

#[test]
fn a_database_that_is_not_zoufangs_is_refused() {
    let mut s = setup();
    let foreign = s.dir.path().join("other.sqlite");
    let conn = rusqlite::Connection::open(&foreign).unwrap();
    conn.execute_batch("CREATE TABLE visit (id TEXT); INSERT INTO visit VALUES ('x');")
        .unwrap();
    drop(conn);
    let err = refused(&mut s, &foreign, Limits::default());
    assert!(matches!(err, BundleError::ForeignDatabase(_)), "{err:?}");
    assert!(err.localized(Lang::Zh).contains("不是走访数据库"));
    // A newer Zoufang's database.
    let newer = s.dir.path().join("newer.sqlite");
    drop(Store::open(&newer).unwrap());
    let conn = rusqlite::Connection::open(&newer).unwrap();
    conn.pragma_update(None, "user_version", 99).unwrap();
    drop(conn);
    assert!(matches!(
        refused(&mut s, &newer, Limits::default()),
        BundleError::NewerDatabase { found: 99, .. }
    ));
    // Not even SQLite or zip.
    let text = s.dir.path().join("notes.txt");
    std::fs::write(&text, "走访笔记").unwrap();
    assert!(matches!(
        refused(&mut s, &text, Limits::default()),
        BundleError::NotABundle(_)
    ));
}

#[test]
fn one_bad_file_among_good_ones_stops_the_whole_import() {
    let mut s = setup();
    let cut = s.dir.path().join("cut.zfb");
    let bytes = std::fs::read(&s.good).unwrap();
    std::fs::write(&cut, &bytes[..bytes.len() - 10]).unwrap();
    let good = s.good.clone();
    let before = s.store.digest().unwrap();
    let result = import(
        &mut s.store,
        &[good, cut],
        &ImportOptions::default(),
        &mut no_progress(),
    );
    assert!(result.is_err());
    assert_eq!(s.store.digest().unwrap(), before);
}

#[test]
fn changes_dated_in_the_future_or_to_built_in_topics_are_refused() {
    let mut s = setup();
    let future = s.dir.path().join("future.zfb");
    tamper(&s.good, &future, |e| {
        edit_json(e, "records/visit.json", |doc| {
            doc["records"][0]["clocks"]["place"] = "004102444800000.000000.abc".into();
        });
    });
    let err = refused(&mut s, &future, Limits::default());
    assert!(matches!(err, BundleError::FutureClock { .. }), "{err:?}");
    assert!(err.to_string().contains("2100-01-01"), "{err}");
    let renamed = s.dir.path().join("renamed.zfb");
    tamper(&s.good, &renamed, |e| {
        edit_json(e, "records/topic.json", |doc| {
            doc["records"][0]["data"]["name_zh"] = "改名".into();
        });
    });
    let err = refused(&mut s, &renamed, Limits::default());
    assert!(
        matches!(err, BundleError::BadRecord { kind: "topic", .. }),
        "{err:?}"
    );
}

#[test]
fn a_record_that_takes_the_id_of_another_kind_is_refused() {
    let mut s = setup();
    let good = s.good.clone();
    import_files(&mut s.store, &[good]);
    let entries = read_entries(&s.good);
    let findings: serde_json::Value = serde_json::from_slice(
        &entries
            .iter()
            .find(|(n, _)| n == "records/finding.json")
            .unwrap()
            .1,
    )
    .unwrap();
    let finding_id = findings["records"][0]["id"].clone();
    let mut other = laptop("赵磊");
    generate(
        &mut other,
        DemoOptions {
            visits: 2,
            seed: 31,
        },
    )
    .unwrap();
    let theirs = export_all(&other, s.dir.path(), "theirs.zfb");
    let bad = s.dir.path().join("taken.zfb");
    tamper(&theirs, &bad, |e| {
        edit_json(e, "records/visit.json", |doc| {
            let records = doc["records"].as_array_mut().unwrap();
            records.truncate(1);
            records[0]["id"] = finding_id;
        });
        edit_json(e, "records/finding.json", |doc| {
            doc["records"] = serde_json::json!([]);
        });
        edit_json(e, "manifest.json", |m| {
            m["counts"]["visit"] = 1.into();
            m["counts"]["finding"] = 0.into();
        });
    });
    let err = refused(&mut s, &bad, Limits::default());
    assert!(
        matches!(err, BundleError::BadRecord { ref detail, .. } if detail.contains("finding")),
        "{err:?}"
    );
}

#[test]
fn a_manifest_that_lies_about_its_counts_is_refused() {
    let mut s = setup();
    let bad = s.dir.path().join("liar.zfb");
    tamper(&s.good, &bad, |e| {
        edit_json(e, "manifest.json", |m| {
            let n = m["counts"]["visit"].as_u64().unwrap();
            m["counts"]["visit"] = (n + 5).into();
        });
    });
    let err = refused(&mut s, &bad, Limits::default());
    assert!(matches!(err, BundleError::BadManifest { .. }), "{err:?}");
    let en = err.localized(Lang::En);
    assert!(
        en.contains("visit lists 13 records, the file holds 8"),
        "{en}"
    );
    assert!(err.localized(Lang::Zh).contains("清单"));
}

/// `depth` nested arrays around `inner`.
fn nested(depth: usize, inner: &str) -> String {
    format!("{}{inner}{}", "[".repeat(depth), "]".repeat(depth))
}

#[test]
fn deeply_nested_json_is_refused_without_overflowing_the_stack() {
    let mut s = setup();
    // In a record's field …
    let bad = s.dir.path().join("deep-record.zfb");
    tamper(&s.good, &bad, |e| {
        let entry = e
            .iter_mut()
            .find(|(n, _)| n == "records/visit.json")
            .unwrap();
        let text = String::from_utf8(entry.1.clone()).unwrap();
        entry.1 = text
            .replacen(
                "\"notes\":",
                &format!("\"notes\":{},\"x\":", nested(100_000, "1")),
                1,
            )
            .into_bytes();
    });
    let err = refused(&mut s, &bad, Limits::default());
    assert!(
        matches!(err, BundleError::TooDeep { ref name, .. } if name == "records/visit.json"),
        "{err:?}"
    );
    assert!(err.localized(Lang::En).contains("nested too deeply"));
    assert!(err.localized(Lang::Zh).contains("嵌套"));
    // … and in the manifest.
    let bad = s.dir.path().join("deep-manifest.zfb");
    let mut entries = read_entries(&s.good);
    let manifest = entries
        .iter_mut()
        .find(|(n, _)| n == "manifest.json")
        .unwrap();
    manifest.1 = nested(1_000_000, "").into_bytes();
    write_entries(&bad, &entries);
    let err = refused(&mut s, &bad, Limits::default());
    assert!(
        matches!(err, BundleError::TooDeep { ref name, .. } if name == "manifest.json"),
        "{err:?}"
    );
}

/// Overwrites the uncompressed size in every zip header of the entry `name`.
fn declare_size(bundle: &Path, name: &str, size: u32) {
    let mut bytes = std::fs::read(bundle).unwrap();
    let name = name.as_bytes();
    let mut patched = 0;
    for i in 0..bytes.len().saturating_sub(4) {
        let sig = &bytes[i..i + 4];
        // Local header: size at 22, name length at 26, name at 30.
        // Central header: size at 24, name length at 28, name at 46.
        let (size_at, name_at) = match sig {
            b"PK\x03\x04" => (22, 30),
            b"PK\x01\x02" => (24, 46),
            _ => continue,
        };
        let start = i + name_at;
        if bytes.get(start..start + name.len()) == Some(name) {
            bytes[i + size_at..i + size_at + 4].copy_from_slice(&size.to_le_bytes());
            patched += 1;
        }
    }
    assert_eq!(patched, 2, "both headers found");
    std::fs::write(bundle, bytes).unwrap();
}

#[test]
fn an_entry_declaring_two_gigabytes_is_refused_before_it_is_read() {
    let mut s = setup();
    let bad = s.dir.path().join("huge.zfb");
    std::fs::copy(&s.good, &bad).unwrap();
    declare_size(&bad, "records/visit.json", 2 << 30);
    let err = refused(&mut s, &bad, Limits::default());
    assert!(
        matches!(err, BundleError::DeclaredTooLarge { ref name, declared: 2_147_483_648, .. } if name == "records/visit.json"),
        "{err:?}"
    );
    assert!(
        err.localized(Lang::En)
            .contains("declares 2147483648 bytes"),
        "{err}"
    );
    assert!(err.localized(Lang::Zh).contains("声明大小"));
}

#[test]
fn the_record_decoder_alone_reads_good_documents_and_refuses_bad_ones() {
    let s = setup();
    let entries = read_entries(&s.good);
    let visits = &entries
        .iter()
        .find(|(n, _)| n == "records/visit.json")
        .unwrap()
        .1;
    assert_eq!(zoufang::bundle::decode_records("visit", visits).unwrap(), 8);
    assert!(matches!(
        zoufang::bundle::decode_records("finding", visits),
        Err(BundleError::UnknownKind { .. })
    ));
    assert!(matches!(
        zoufang::bundle::decode_records("widget", visits),
        Err(BundleError::UnknownKind { .. })
    ));
    let deep = format!(
        r#"{{"kind":"visit","records":[{{"id":"x","data":{{"notes":{}}}}}]}}"#,
        nested(100_000, "")
    );
    assert!(matches!(
        zoufang::bundle::decode_records("visit", deep.as_bytes()),
        Err(BundleError::TooDeep { .. })
    ));
}

/// Imports a copy of the good bundle with its first visit (or finding) changed; returns the
/// refusal in both languages after checking it names the record kind and id and the field.
fn field_refusal(
    s: &mut Setup,
    name: &str,
    entry: &str,
    field: &str,
    change: impl FnOnce(&mut serde_json::Value),
) -> (String, String) {
    let bad = s.dir.path().join(name);
    let mut id = String::new();
    tamper(&s.good, &bad, |e| {
        edit_json(e, entry, |doc| {
            let record = &mut doc["records"][0];
            id = record["id"].as_str().unwrap().to_owned();
            change(record);
        });
    });
    let err = refused(s, &bad, Limits::default());
    assert!(matches!(err, BundleError::BadRecord { .. }), "{err:?}");
    let (zh, en) = (err.localized(Lang::Zh), err.localized(Lang::En));
    for message in [&zh, &en] {
        assert!(message.contains(&id), "the record's id: {message}");
        assert!(message.contains(field), "the field {field}: {message}");
    }
    // The Chinese message is Chinese: no English words (field names, codes, JSON literals and
    // the file name aside).
    for english in [
        "premature",
        "range",
        "missing",
        "expected",
        "invalid",
        "must",
        "found",
        "field ",
    ] {
        assert!(!zh.contains(english), "English in {zh}");
    }
    (zh, en)
}

#[test]
fn a_bad_field_is_named_with_the_value_it_must_hold() {
    let mut s = setup();
    let (zh, en) = field_refusal(&mut s, "emptydate.zfb", "records/visit.json", "date", |r| {
        r["data"]["date"] = "".into();
    });
    assert!(zh.contains("走访记录") && zh.contains("走访日期"), "{zh}");
    assert!(zh.contains("2026-04-01") && zh.contains("空字符串"), "{zh}");
    assert!(
        en.contains("visit") && en.contains("YYYY-MM-DD") && en.contains("empty"),
        "{en}"
    );

    let (zh, en) = field_refusal(
        &mut s,
        "huge.zfb",
        "records/visit.json",
        "people_met",
        |r| {
            r["data"]["people_met"] = serde_json::json!(1e30);
        },
    );
    assert!(zh.contains("走访人数") && zh.contains("之间的整数"), "{zh}");
    assert!(en.contains("whole number"), "{en}");

    let (zh, en) = field_refusal(
        &mut s,
        "nofield.zfb",
        "records/visit.json",
        "unannounced",
        |r| {
            r["data"].as_object_mut().unwrap().remove("unannounced");
            r["clocks"].as_object_mut().unwrap().remove("unannounced");
        },
    );
    assert!(zh.contains("缺少字段") && zh.contains("四不两直"), "{zh}");
    assert!(en.contains("missing field unannounced"), "{en}");

    let (zh, en) = field_refusal(
        &mut s,
        "status.zfb",
        "records/finding.json",
        "status",
        |r| {
            r["data"]["status"] = "vanished".into();
        },
    );
    assert!(zh.contains("问题") || zh.contains("发现"), "{zh}");
    assert!(
        zh.contains("已销号（closed）") && zh.contains("“vanished”"),
        "{zh}"
    );
    assert!(en.contains("one of open, in-progress"), "{en}");
}

#[test]
fn a_bad_interviewee_role_lists_the_chinese_words_too_and_they_are_accepted() {
    let mut s = setup();
    let with_role = |role: &'static str| {
        move |r: &mut serde_json::Value| {
            r["data"]["interviewees"] =
                serde_json::json!([{"name": "张秀英", "role": role, "contact": ""}]);
            r["data"]["people_met"] = serde_json::json!(5);
        }
    };
    let (zh, en) = field_refusal(
        &mut s,
        "role.zfb",
        "records/visit.json",
        "interviewees[0].role",
        with_role("villager"),
    );
    assert!(
        zh.contains("群众（resident）") && zh.contains("家属（family）"),
        "{zh}"
    );
    assert!(zh.contains("受访人身份"), "{zh}");
    assert!(
        en.contains("one of resident, family, staff, official, other"),
        "{en}"
    );

    // Written as the command line accepts it, 群众 reads as resident.
    let chinese = s.dir.path().join("群众.zfb");
    tamper(&s.good, &chinese, |e| {
        edit_json(e, "records/visit.json", |doc| {
            with_role("群众")(&mut doc["records"][0]);
        });
    });
    let options = ImportOptions {
        dry_run: false,
        limits: Limits::default(),
        passphrase: None,
    };
    import(&mut s.store, &[chinese], &options, &mut no_progress()).unwrap();
    let names = s.store.person_names().unwrap();
    assert!(names.contains("张秀英"));
}
