//! Reading an import source as hostile input: a bundle (zip) or a colleague's whole database.
//! Everything is checked before the database is touched: sizes (counted in bytes actually
//! decompressed), entry names, duplicates, checksums, the format version, and every record's
//! kind, id, dates and values. This file reads the source and the zip; `validate` checks one
//! record, `database` reads a colleague's database.

use super::crypt::{Passphrase, decrypt, looks_encrypted};
use super::error::{BundleError, Detail, Result};
use super::format::{
    ATTACHMENTS_DIR, FORMAT_NAME, FORMAT_VERSION, Limits, MANIFEST, Manifest, RecordsDoc,
    records_entry,
};
use super::{Progress, Stage};
use crate::store::{RecordKind, StoredRecord};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};

mod database;
mod validate;

pub(crate) use database::field_value;
use database::read_database;
pub(crate) use validate::validate;

/// What kind of file an import came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SourceKind {
    /// A `.zfb` bundle.
    Bundle,
    /// A whole Zoufang database file.
    Database,
}

impl SourceKind {
    /// Its code in the import log.
    pub fn code(self) -> &'static str {
        match self {
            SourceKind::Bundle => "bundle",
            SourceKind::Database => "database",
        }
    }
}

/// Where an import's records came from.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Origin {
    /// Bundle or database.
    pub kind: SourceKind,
    /// The file.
    pub path: PathBuf,
    /// Whether it was an encrypted bundle.
    pub encrypted: bool,
    /// The bundle id (none for a database file).
    pub bundle_id: Option<String>,
    /// SHA-256 of the whole file.
    pub sha256: String,
    /// Its creator's name.
    pub creator: String,
    /// Its creator's device id.
    pub device_id: String,
}

/// One validated incoming record and, per changed field, the value its last change replaced.
#[derive(Clone, Debug)]
pub(crate) struct Incoming {
    pub rec: StoredRecord,
    pub base: Map<String, Value>,
}

/// A validated source: its origin, its records (parents before children), and the bytes of
/// its attachments by SHA-256 (each checked against its hash).
pub(crate) struct Source {
    pub origin: Origin,
    pub records: Vec<Incoming>,
    pub blobs: BTreeMap<String, Vec<u8>>,
    /// The history of its records, checked (`history.rs`).
    pub history: Vec<crate::store::HistoryRow>,
    /// Their `before`/`after` texts, in the same order (made as their ids were checked).
    pub history_texts: Vec<crate::store::EntryTexts>,
}

/// Refuses an attachment record whose bytes the source does not carry, and bytes that no
/// attachment record names (they would only fill the database).
fn check_blobs(records: &[Incoming], blobs: &BTreeMap<String, Vec<u8>>, path: &Path) -> Result<()> {
    let mut named = HashSet::new();
    for incoming in records
        .iter()
        .filter(|r| r.rec.kind == RecordKind::Attachment)
    {
        let sha256 = incoming
            .rec
            .data
            .get("sha256")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let Some(bytes) = blobs.get(sha256) else {
            return Err(BundleError::MissingAttachment {
                id: incoming.rec.id.clone(),
                sha256: sha256.to_owned(),
                path: path.to_owned(),
            });
        };
        let declared = incoming.rec.data.get("size_bytes").and_then(Value::as_i64);
        if declared != i64::try_from(bytes.len()).ok() {
            return Err(BundleError::BadRecord {
                kind: RecordKind::Attachment.table(),
                id: incoming.rec.id.clone(),
                detail: Detail::new(
                    format!(
                        "文件大小（size_bytes）写的是 {}，实际内容为 {} 字节",
                        declared.map_or_else(|| "空".to_owned(), |d| d.to_string()),
                        bytes.len()
                    ),
                    format!(
                        "size_bytes says {}, its content has {} bytes",
                        declared.map_or_else(|| "nothing".to_owned(), |d| d.to_string()),
                        bytes.len()
                    ),
                ),
                path: path.to_owned(),
            });
        }
        named.insert(sha256);
    }
    // A form's workbook travels as a blob too.
    for incoming in records.iter().filter(|r| r.rec.kind == RecordKind::Form) {
        let sha256 = incoming
            .rec
            .data
            .get("workbook")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let Some(workbook) = blobs.get(sha256) else {
            return Err(BundleError::MissingAttachment {
                id: incoming.rec.id.clone(),
                sha256: sha256.to_owned(),
                path: path.to_owned(),
            });
        };
        // The form is what its workbook says: answers are checked against this definition.
        crate::forms::incoming::check_form_record(&incoming.rec, workbook).map_err(
            |(zh, en)| BundleError::BadRecord {
                kind: RecordKind::Form.table(),
                id: incoming.rec.id.clone(),
                detail: Detail::new(zh, en),
                path: path.to_owned(),
            },
        )?;
        named.insert(sha256);
    }
    if let Some(sha256) = blobs.keys().find(|s| !named.contains(s.as_str())) {
        return Err(BundleError::UnexpectedEntry {
            name: format!("{ATTACHMENTS_DIR}{sha256}"),
            path: path.to_owned(),
        });
    }
    Ok(())
}

/// Reads and validates one import source.
/// An encrypted bundle is decrypted into memory with `passphrase` first (none given: refused
/// with [`BundleError::NeedsPassphrase`]).
pub(crate) fn read_source(
    path: &Path,
    limits: &Limits,
    passphrase: Option<&Passphrase>,
    progress: &mut dyn FnMut(Progress),
) -> Result<Source> {
    let file_err = |source| BundleError::File {
        source,
        path: path.to_owned(),
    };
    let mut head = [0u8; 32];
    let n = std::fs::File::open(path)
        .and_then(|mut f| read_up_to(&mut f, &mut head))
        .map_err(file_err)?;
    let head = &head[..n];
    if head.starts_with(b"SQLite format 3\0") {
        read_database(path, progress)
    } else if head.starts_with(b"PK") {
        let sha256 = file_sha256(path, limits.max_file_bytes)?;
        let file = std::fs::File::open(path).map_err(file_err)?;
        read_bundle(
            std::io::BufReader::new(file),
            path,
            sha256,
            false,
            limits,
            progress,
        )
    } else if looks_encrypted(head) {
        let sha256 = file_sha256(path, limits.max_file_bytes)?;
        let passphrase = passphrase.ok_or_else(|| BundleError::NeedsPassphrase(path.to_owned()))?;
        let plain = decrypt(path, passphrase, limits)?;
        if !plain.starts_with(b"PK") {
            return Err(BundleError::NotABundle(path.to_owned()));
        }
        read_bundle(
            std::io::Cursor::new(plain),
            path,
            sha256,
            true,
            limits,
            progress,
        )
    } else {
        Err(BundleError::NotABundle(path.to_owned()))
    }
}

pub(crate) fn read_up_to(reader: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match reader.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

/// SHA-256 of a whole file, refusing files above `max_bytes`.
pub(crate) fn file_sha256(path: &Path, max_bytes: u64) -> Result<String> {
    let file_err = |source| BundleError::File {
        source,
        path: path.to_owned(),
    };
    let mut file = std::fs::File::open(path).map_err(file_err)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut total = 0u64;
    loop {
        let n = file.read(&mut buf).map_err(file_err)?;
        if n == 0 {
            break;
        }
        total += n as u64;
        if total > max_bytes {
            return Err(BundleError::TooLarge {
                name: "*".to_owned(),
                limit: max_bytes,
                path: path.to_owned(),
            });
        }
        hasher.update(&buf[..n]);
    }
    Ok(crate::store::hex(&hasher.finalize()))
}

/// Refuses names that could escape a folder or mean different files on different systems.
fn check_name(name: &str, path: &Path) -> Result<()> {
    let unsafe_name = name.is_empty()
        || name.starts_with('/')
        || name.contains('\\')
        || name.contains(':')
        || name.contains('\0')
        || name.len() > 255
        || name
            .split('/')
            .any(|part| part.is_empty() || part == "." || part == "..");
    if unsafe_name {
        return Err(BundleError::UnsafeName {
            name: name.chars().take(120).collect(),
            path: path.to_owned(),
        });
    }
    Ok(())
}

/// Reads the zip of a bundle (from the file, or decrypted in memory); `sha256` is the file's.
fn read_bundle<R: Read + std::io::Seek>(
    zip_bytes: R,
    path: &Path,
    sha256: String,
    encrypted: bool,
    limits: &Limits,
    progress: &mut dyn FnMut(Progress),
) -> Result<Source> {
    let damaged = |e: zip::result::ZipError| BundleError::Damaged {
        detail: e.to_string(),
        path: path.to_owned(),
    };
    let mut archive = zip::ZipArchive::new(zip_bytes).map_err(damaged)?;
    if archive.has_duplicate_names() {
        // The zip reader keeps one entry per name; which copy would win is not ours to guess.
        return Err(BundleError::DuplicateEntry {
            name: duplicate_name(path).unwrap_or_else(|| "*".to_owned()),
            path: path.to_owned(),
        });
    }
    if archive.len() > limits.max_entries {
        return Err(BundleError::TooManyEntries {
            limit: limits.max_entries,
            path: path.to_owned(),
        });
    }
    // Read every entry, checking names and sizes as we go.
    let mut contents: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let mut total = 0u64;
    let count = archive.len() as u64;
    for i in 0..archive.len() {
        progress(Progress {
            stage: Stage::Reading,
            done: i as u64,
            total: count,
        });
        let mut entry = archive.by_index(i).map_err(damaged)?;
        let name = entry.name().map_err(damaged)?.into_owned();
        check_name(&name, path)?;
        if entry.is_dir() || entry.is_symlink() {
            return Err(BundleError::UnexpectedEntry {
                name,
                path: path.to_owned(),
            });
        }
        if contents.contains_key(&name) {
            return Err(BundleError::DuplicateEntry {
                name,
                path: path.to_owned(),
            });
        }
        let too_large = |name: &str, limit| BundleError::TooLarge {
            name: name.to_owned(),
            limit,
            path: path.to_owned(),
        };
        // The header's size is a claim: one beyond the limit is refused unread; within it, the
        // bytes actually decompressed are what count.
        if entry.size() > limits.max_entry_bytes {
            return Err(BundleError::DeclaredTooLarge {
                name,
                declared: entry.size(),
                limit: limits.max_entry_bytes,
                path: path.to_owned(),
            });
        }
        let mut bytes = Vec::new();
        (&mut entry)
            .take(limits.max_entry_bytes + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| BundleError::Damaged {
                detail: e.to_string(),
                path: path.to_owned(),
            })?;
        if bytes.len() as u64 > limits.max_entry_bytes {
            return Err(too_large(&name, limits.max_entry_bytes));
        }
        total += bytes.len() as u64;
        if total > limits.max_total_bytes {
            return Err(too_large("*", limits.max_total_bytes));
        }
        contents.insert(name, bytes);
    }
    let manifest = parse_manifest(contents.remove(MANIFEST), path)?;
    // Every entry listed, with matching checksum, and nothing unlisted.
    for (name, info) in &manifest.entries {
        let Some(bytes) = contents.get(name) else {
            return Err(BundleError::EntryMismatch {
                name: name.clone(),
                path: path.to_owned(),
            });
        };
        let digest = crate::store::hex(&Sha256::digest(bytes));
        if digest != info.sha256.to_ascii_lowercase() || bytes.len() as u64 != info.size {
            return Err(BundleError::Checksum {
                name: name.clone(),
                path: path.to_owned(),
            });
        }
    }
    if let Some(name) = contents.keys().find(|n| !manifest.entries.contains_key(*n)) {
        return Err(BundleError::EntryMismatch {
            name: name.clone(),
            path: path.to_owned(),
        });
    }
    // Which entries are records of which kind, and which attachments.
    let mut by_kind: BTreeMap<RecordKind, Vec<u8>> = BTreeMap::new();
    let mut blobs: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let mut history_docs = Vec::new();
    for (name, bytes) in contents {
        if manifest.version >= 3 && super::history::is_history_doc(&name) {
            history_docs.push((name, bytes));
        } else if let Some(sha256) = name.strip_prefix(ATTACHMENTS_DIR)
            && manifest.version >= 2
        {
            // Content-addressed: the name is the hash of the bytes, whatever the manifest says.
            if !crate::model::is_sha256(sha256) || crate::store::sha256_hex(&bytes) != sha256 {
                return Err(BundleError::AttachmentHash {
                    name,
                    path: path.to_owned(),
                });
            }
            blobs.insert(sha256.to_owned(), bytes);
        } else if let Some(file) = name.strip_prefix("records/")
            && let Some(kind) = file.strip_suffix(".json")
        {
            let Some(kind) = RecordKind::from_code(kind) else {
                return Err(BundleError::UnknownKind {
                    kind: kind.to_owned(),
                    path: path.to_owned(),
                });
            };
            by_kind.insert(kind, bytes);
        } else {
            // Attachments (`attachments/<sha256>`) came with format version 2.
            return Err(BundleError::UnexpectedEntry {
                name,
                path: path.to_owned(),
            });
        }
    }
    // A count for records of a kind the bundle does not carry is a manifest that lies as much
    // as a wrong count does.
    if let Some((kind, listed)) = manifest.counts.iter().find(|(kind, listed)| {
        **listed > 0 && RecordKind::from_code(kind).is_some_and(|k| !by_kind.contains_key(&k))
    }) {
        let kind: String = kind.chars().take(40).collect();
        return Err(BundleError::BadManifest {
            detail: Detail::new(
                format!("清单写明 {kind} 有 {listed} 条记录，案卷包中却没有"),
                format!("{kind} lists {listed} records, the bundle holds none"),
            ),
            path: path.to_owned(),
        });
    }
    // The history is parsed and checked on a second core while the records are validated:
    // together they are most of reading a bundle. A fault in the records is reported first.
    let (records, parsed_history) = std::thread::scope(|scope| {
        let history = scope.spawn(|| super::history::parse_docs(&history_docs, path));
        let records = read_records(by_kind, &manifest, path);
        let history = history
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (records, history)
    });
    let records = records?;
    check_blobs(&records, &blobs, path)?;
    let history = super::history::keep_rows(parsed_history?, &records, path)?;
    let (history, history_texts) = (history.rows, history.texts);
    Ok(Source {
        blobs,
        history,
        history_texts,
        origin: Origin {
            kind: SourceKind::Bundle,
            path: path.to_owned(),
            encrypted,
            bundle_id: Some(manifest.bundle_id),
            sha256,
            creator: manifest.creator.name,
            device_id: manifest.creator.device_id,
        },
        records,
    })
}

/// Parses and validates the records documents of a bundle, parents first.
fn read_records(
    by_kind: BTreeMap<RecordKind, Vec<u8>>,
    manifest: &Manifest,
    path: &Path,
) -> Result<Vec<Incoming>> {
    let mut records = Vec::new();
    let mut seen = HashSet::new();
    for (kind, bytes) in by_kind {
        let doc: RecordsDoc = parse_json(&bytes, &records_entry(kind), path)?;
        if doc.kind != kind.table() {
            return Err(BundleError::UnknownKind {
                kind: doc.kind.chars().take(40).collect(),
                path: path.to_owned(),
            });
        }
        let listed = manifest.counts.get(kind.table()).copied().unwrap_or(0);
        if listed != doc.records.len() {
            let (kind, held) = (kind.table(), doc.records.len());
            return Err(BundleError::BadManifest {
                detail: Detail::new(
                    format!("清单写明 {kind} 有 {listed} 条记录，文件中有 {held} 条"),
                    format!("{kind} lists {listed} records, the file holds {held}"),
                ),
                path: path.to_owned(),
            });
        }
        for incoming in validate_all(kind, doc.records, path) {
            let incoming = incoming?;
            if !seen.insert(incoming.rec.id.clone()) {
                return Err(BundleError::BadRecord {
                    kind: kind.table(),
                    id: incoming.rec.id,
                    detail: Detail::new("同一编号出现两次", "the same id twice"),
                    path: path.to_owned(),
                });
            }
            records.push(incoming);
        }
    }
    Ok(records)
}

/// Validates records of one kind, each on its own, in their order; past a few hundred, the
/// second half on another core.
fn validate_all(
    kind: RecordKind,
    mut records: Vec<super::format::BundleRecord>,
    path: &Path,
) -> Vec<Result<Incoming>> {
    let one = |record: super::format::BundleRecord| validate(kind, record.expanded(kind), path);
    if records.len() < 512 {
        return records.into_iter().map(one).collect();
    }
    let second = records.split_off(records.len() / 2);
    std::thread::scope(|scope| {
        let later = scope.spawn(|| second.into_iter().map(one).collect::<Vec<_>>());
        let mut all: Vec<_> = records.into_iter().map(one).collect();
        all.extend(
            later
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
        );
        all
    })
}

/// Decodes and validates one records document (the `records/<kind>.json` entry of a bundle) as
/// an import does, without a database; returns how many records it holds. The record decoder
/// on its own, for the fuzz target `records` and for tools that check a document.
pub fn decode_records(kind: &str, bytes: &[u8]) -> Result<usize> {
    let path = Path::new("records");
    let Some(kind) = RecordKind::from_code(kind) else {
        return Err(BundleError::UnknownKind {
            kind: kind.chars().take(40).collect(),
            path: path.to_owned(),
        });
    };
    let doc: RecordsDoc = parse_json(bytes, &records_entry(kind), path)?;
    if doc.kind != kind.table() {
        return Err(BundleError::UnknownKind {
            kind: doc.kind.chars().take(40).collect(),
            path: path.to_owned(),
        });
    }
    let count = doc.records.len();
    for record in doc.records {
        validate(kind, record.expanded(kind), path)?;
    }
    Ok(count)
}

/// Parses the JSON entry `name`; JSON nested beyond serde_json's recursion limit (128) is
/// refused as [`BundleError::TooDeep`], any other fault names the entry.
pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(
    bytes: &[u8],
    name: &str,
    path: &Path,
) -> Result<T> {
    serde_json::from_slice(bytes).map_err(|e| {
        if e.to_string().starts_with("recursion limit exceeded") {
            BundleError::TooDeep {
                name: name.to_owned(),
                path: path.to_owned(),
            }
        } else if name == MANIFEST {
            BundleError::BadManifest {
                detail: e.to_string().into(),
                path: path.to_owned(),
            }
        } else {
            BundleError::BadEntry {
                name: name.to_owned(),
                detail: e.to_string(),
                path: path.to_owned(),
            }
        }
    })
}

/// The first name that occurs twice in the zip's central directory (the zip reader keeps one
/// entry per name, so the directory is walked here to name the duplicate in the message).
fn duplicate_name(path: &Path) -> Option<String> {
    use std::io::{Seek, SeekFrom};
    let u16_at = |b: &[u8], i: usize| Some(u16::from_le_bytes(b.get(i..i + 2)?.try_into().ok()?));
    let u32_at = |b: &[u8], i: usize| Some(u32::from_le_bytes(b.get(i..i + 4)?.try_into().ok()?));
    let mut file = std::fs::File::open(path).ok()?;
    let len = file.metadata().ok()?.len();
    let tail_len = len.min(65_557);
    file.seek(SeekFrom::Start(len - tail_len)).ok()?;
    let mut tail = vec![0; tail_len as usize];
    file.read_exact(&mut tail).ok()?;
    let end = tail.windows(4).rposition(|w| w == b"PK\x05\x06")?;
    let (size, offset) = (u32_at(&tail, end + 12)?, u32_at(&tail, end + 16)?);
    file.seek(SeekFrom::Start(u64::from(offset))).ok()?;
    let mut dir = vec![0; usize::try_from(size).ok()?.min(64 << 20)];
    file.read_exact(&mut dir).ok()?;
    let mut seen = HashSet::new();
    let mut at = 0;
    while dir.get(at..at + 4) == Some(b"PK\x01\x02") {
        let name_len = usize::from(u16_at(&dir, at + 28)?);
        let rest = usize::from(u16_at(&dir, at + 30)?) + usize::from(u16_at(&dir, at + 32)?);
        let name = String::from_utf8_lossy(dir.get(at + 46..at + 46 + name_len)?).into_owned();
        if !seen.insert(name.clone()) {
            return Some(name);
        }
        at += 46 + name_len + rest;
    }
    None
}

fn parse_manifest(bytes: Option<Vec<u8>>, path: &Path) -> Result<Manifest> {
    let bad = |detail: Detail| BundleError::BadManifest {
        detail,
        path: path.to_owned(),
    };
    let bytes = bytes.ok_or_else(|| {
        bad(Detail::new(
            format!("缺少 {MANIFEST}"),
            format!("no {MANIFEST}"),
        ))
    })?;
    // Format and version first, so a newer bundle gets the message that says so.
    let value: Value = parse_json(&bytes, MANIFEST, path)?;
    if value.get("format").and_then(Value::as_str) != Some(FORMAT_NAME) {
        return Err(bad(Detail::new(
            format!("不是 {FORMAT_NAME} 清单"),
            format!("not a {FORMAT_NAME} manifest"),
        )));
    }
    let version = value
        .get("version")
        .and_then(Value::as_u64)
        .ok_or_else(|| bad(Detail::new("缺少格式版本", "no format version")))?;
    if version > u64::from(FORMAT_VERSION) {
        return Err(BundleError::NewerFormat {
            found: version,
            supported: FORMAT_VERSION,
            path: path.to_owned(),
        });
    }
    if version < 1 {
        return Err(bad(Detail::new(
            format!("未知的格式版本 {version}"),
            format!("unknown format version {version}"),
        )));
    }
    let manifest: Manifest =
        serde_json::from_value(value).map_err(|e| bad(e.to_string().into()))?;
    for name in manifest.entries.keys() {
        check_name(name, path)?;
    }
    Ok(manifest)
}
