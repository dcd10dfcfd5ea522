//! Encrypted bundles, as an investigator uses them: a bundle on a USB stick is unreadable
//! without its passphrase, opens with it, and a wrong passphrase changes nothing.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use std::path::{Path, PathBuf};
use zoufang::bundle::{
    BundleError, ExportFilter, ImportOptions, Passphrase, export_encrypted, import, import_log,
    is_encrypted, no_progress,
};
use zoufang::demo::{DemoOptions, generate};
use zoufang::model::{Finding, Visit};
use zoufang::store::Store;

/// Chinese text typed into the records; none of it may show in the encrypted file.
const SECRETS: &[&str] = &[
    "城西敬老院",
    "低保户张秀英",
    "独居老人李桂兰反映夜间无人值守",
    "护理员配备不足",
    "王敏",
];

/// A low work factor keeps the tests fast; the format is the same.
fn passphrase(text: &str) -> Passphrase {
    Passphrase::new(text).unwrap().with_work_factor(8)
}

/// A laptop with demo data and a visit whose every field holds one of the [`SECRETS`].
fn laptop_with_secrets() -> Store {
    let mut store = laptop("王敏");
    generate(
        &mut store,
        DemoOptions {
            visits: 15,
            seed: 4,
        },
    )
    .unwrap();
    let mut visit = Visit::new(
        chrono::NaiveDate::from_ymd_opt(2026, 3, 5).unwrap(),
        SECRETS[0],
    );
    visit.notes = format!("走访{}家", SECRETS[1]);
    visit.investigators = vec![SECRETS[4].to_owned()];
    store.save_visit(&visit).unwrap();
    let mut finding = Finding::new(visit.id, SECRETS[3]);
    finding.detail = SECRETS[2].to_owned();
    store.save_finding(&finding).unwrap();
    store
}

fn export_sealed(store: &Store, dir: &Path, name: &str, pass: &str) -> PathBuf {
    let path = dir.join(name);
    let filter = ExportFilter {
        all: true,
        ..ExportFilter::default()
    };
    let summary =
        export_encrypted(store, &filter, &path, &passphrase(pass), &mut no_progress()).unwrap();
    assert!(summary.encrypted);
    path
}

fn import_with(store: &mut Store, file: &Path, pass: Option<&str>) -> Result<(), BundleError> {
    let options = ImportOptions {
        passphrase: pass.map(passphrase),
        ..ImportOptions::default()
    };
    import(store, &[file.to_owned()], &options, &mut no_progress()).map(|_| ())
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn an_encrypted_bundle_round_trips_with_its_passphrase() {
    let dir = tempfile::tempdir().unwrap();
    let a = laptop_with_secrets();
    let sealed = export_sealed(&a, dir.path(), "a.zfb", "走基层 找问题 2026");
    assert!(is_encrypted(&sealed).unwrap());
    let mut b = laptop("李强");
    import_with(&mut b, &sealed, Some("走基层 找问题 2026")).unwrap();
    assert_eq!(b.records_digest().unwrap(), a.records_digest().unwrap());
    let log = import_log(&b).unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].creator, "王敏");

    // The plain bundle of the same data is not taken for an encrypted one.
    let plain = export_all(&a, dir.path(), "plain.zfb");
    assert!(!is_encrypted(&plain).unwrap());
}

#[test]
fn the_encrypted_file_holds_none_of_the_plaintext() {
    let dir = tempfile::tempdir().unwrap();
    let a = laptop_with_secrets();
    let sealed =
        std::fs::read(export_sealed(&a, dir.path(), "a.zfb", "走基层 找问题 2026")).unwrap();
    let plain = std::fs::read(export_all(&a, dir.path(), "plain.zfb")).unwrap();
    assert!(sealed.starts_with(b"age-encryption.org/v1\n"));
    // The zip's entry names are stored as they are in a plain bundle, not in a sealed one.
    for name in [
        "manifest.json",
        "records/visit.json",
        "records/finding.json",
    ] {
        assert!(contains(&plain, name.as_bytes()), "{name} in the plain zip");
        assert!(!contains(&sealed, name.as_bytes()), "{name} leaked");
    }
    // The records hold the secrets (so the check below looks for something real) …
    let entries = read_entries(&dir.path().join("plain.zfb"));
    let records: Vec<u8> = entries.iter().flat_map(|(_, b)| b.clone()).collect();
    for secret in SECRETS {
        assert!(
            contains(&records, secret.as_bytes()),
            "{secret} in the records"
        );
        // … and the encrypted file holds none of them, nor any two characters of them in a row.
        let chars: Vec<char> = secret.chars().collect();
        for piece in chars.windows(2.min(chars.len())) {
            let piece: String = piece.iter().collect();
            assert!(!contains(&sealed, piece.as_bytes()), "{piece} leaked");
        }
    }
}

#[test]
fn a_wrong_or_missing_passphrase_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let a = laptop_with_secrets();
    let sealed = export_sealed(&a, dir.path(), "a.zfb", "走基层 找问题 2026");
    let mut b = laptop("李强");
    generate(&mut b, DemoOptions { visits: 5, seed: 9 }).unwrap();
    let before = b.digest().unwrap();

    let err = import_with(&mut b, &sealed, Some("走基层 找问题 2025")).unwrap_err();
    assert!(matches!(err, BundleError::WrongPassphrase(_)), "{err}");
    assert!(err.to_string().contains("wrong passphrase"), "{err}");
    let err = import_with(&mut b, &sealed, None).unwrap_err();
    assert!(matches!(err, BundleError::NeedsPassphrase(_)), "{err}");

    assert_eq!(b.digest().unwrap(), before);
    assert!(import_log(&b).unwrap().is_empty());
    assert!(!dir.path().join("backups").exists());
}

#[test]
fn a_damaged_encrypted_bundle_is_refused_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let a = laptop_with_secrets();
    let sealed = export_sealed(&a, dir.path(), "a.zfb", "走基层 找问题 2026");
    let mut bytes = std::fs::read(&sealed).unwrap();
    let last = bytes.len() - 40;
    bytes[last] ^= 0x55;
    let damaged = dir.path().join("damaged.zfb");
    std::fs::write(&damaged, &bytes).unwrap();
    bytes.truncate(bytes.len() / 2);
    let truncated = dir.path().join("truncated.zfb");
    std::fs::write(&truncated, &bytes).unwrap();

    let mut b = laptop("李强");
    let before = b.digest().unwrap();
    for file in [&damaged, &truncated] {
        let err = import_with(&mut b, file, Some("走基层 找问题 2026")).unwrap_err();
        assert!(matches!(err, BundleError::Damaged { .. }), "{err}");
    }
    assert_eq!(b.digest().unwrap(), before);
}

#[test]
fn a_short_passphrase_is_refused_for_a_new_bundle() {
    let dir = tempfile::tempdir().unwrap();
    let a = laptop_with_secrets();
    let out = dir.path().join("weak.zfb");
    let filter = ExportFilter {
        all: true,
        ..ExportFilter::default()
    };
    let err = export_encrypted(
        &a,
        &filter,
        &out,
        &passphrase("1234567"),
        &mut no_progress(),
    )
    .unwrap_err();
    assert!(
        matches!(err, BundleError::WeakPassphrase { min: 8 }),
        "{err}"
    );
    assert!(!out.exists());
}

#[test]
fn plain_and_encrypted_bundles_import_together_in_one_transaction() {
    let dir = tempfile::tempdir().unwrap();
    let a = laptop_with_secrets();
    let sealed = export_sealed(&a, dir.path(), "a.zfb", "走基层 找问题 2026");
    let mut c = laptop("赵磊");
    generate(&mut c, DemoOptions { visits: 5, seed: 2 }).unwrap();
    let plain = export_all(&c, dir.path(), "c.zfb");
    let mut b = laptop("李强");
    let options = ImportOptions {
        passphrase: Some(passphrase("走基层 找问题 2026")),
        ..ImportOptions::default()
    };
    let report = import(&mut b, &[plain, sealed], &options, &mut no_progress()).unwrap();
    assert_eq!(report.files.len(), 2);
    assert!(!report.files[0].origin.encrypted);
    assert!(report.files[1].origin.encrypted);
    assert!(report.totals.added > 20);
}
