//! Reading a colleague's whole Zoufang database, read-only, and the history bases of records.

use super::validate::validate;
use super::{Incoming, Origin, Source, SourceKind, check_blobs, file_sha256};
use crate::bundle::error::{BundleError, Detail, Result};
use crate::bundle::format::{ATTACHMENTS_DIR, BundleRecord};
use crate::bundle::{Progress, Stage};
use crate::store::foreign::{ForeignDatabase, ForeignOpenError};
use crate::store::{DELETED_FIELD, RecordKind, SCHEMA_VERSION, StoredRecord};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// Reads a colleague's whole database, read-only, after checking it is Zoufang's.
pub(super) fn read_database(path: &Path, progress: &mut dyn FnMut(Progress)) -> Result<Source> {
    let sha256 = file_sha256(path, u64::MAX)?;
    let foreign = || BundleError::ForeignDatabase(path.to_owned());
    // A damaged or foreign file says so; anything else (say, a copied write-ahead log that
    // cannot be opened read-only) is a file problem, reported as it is.
    let db = ForeignDatabase::open(path).map_err(|e| match e {
        ForeignOpenError::NotADatabase => foreign(),
        ForeignOpenError::Unreadable(text) => BundleError::File {
            source: std::io::Error::other(text),
            path: path.to_owned(),
        },
    })?;
    let version = db.version();
    if version > SCHEMA_VERSION {
        return Err(BundleError::NewerDatabase {
            found: version,
            supported: SCHEMA_VERSION,
            path: path.to_owned(),
        });
    }
    let has_tables = db.has_core_tables().map_err(|_| foreign())?;
    if version < 1 || !has_tables {
        return Err(foreign());
    }
    // Nothing of a foreign schema is run or copied: a trigger, a view in place of a table or
    // a changed table is refused before a row is read.
    db.check_schema(path)?;
    let meta = |key: &str| -> Result<String> {
        Ok(db.meta(key).map_err(|_| foreign())?.unwrap_or_default())
    };
    let origin = Origin {
        kind: SourceKind::Database,
        path: path.to_owned(),
        encrypted: false,
        bundle_id: None,
        sha256,
        creator: meta("author")?,
        device_id: meta("device_id")?,
    };
    let mut records = Vec::new();
    // Attachments came with schema 4, forms with schema 8.
    let kinds = RecordKind::ALL.into_iter().filter(|k| match k {
        RecordKind::Attachment => version >= 4,
        RecordKind::Form | RecordKind::Response | RecordKind::Answer => version >= 8,
        _ => true,
    });
    for kind in kinds {
        let total = db.count(kind).map_err(|_| foreign())?;
        let mut done = 0u64;
        db.each_record(
            kind,
            |_| foreign(),
            |rec| {
                let rec = rec.map_err(|e| BundleError::BadRecord {
                    kind: kind.table(),
                    id: String::new(),
                    detail: Detail::of(&e),
                    path: path.to_owned(),
                })?;
                let base = db.history_base(&rec.id)?;
                let record = BundleRecord::from_stored(rec, base);
                records.push(validate(kind, record, path)?);
                done += 1;
                if done.is_multiple_of(500) {
                    progress(Progress {
                        stage: Stage::Reading,
                        done,
                        total: u64::try_from(total).unwrap_or(0),
                    });
                }
                Ok(())
            },
        )?;
    }
    let blobs = database_blobs(&db, &records, path)?;
    check_blobs(&records, &blobs, path)?;
    let history = crate::bundle::history::from_database(&db, &records, path)?;
    Ok(Source {
        origin,
        records,
        blobs,
        history: history.rows,
        history_texts: history.texts,
    })
}

/// The bytes of the attachments among `records`, read from a colleague's database and checked
/// against their hashes.
fn database_blobs(
    db: &ForeignDatabase,
    records: &[Incoming],
    path: &Path,
) -> Result<BTreeMap<String, Vec<u8>>> {
    let mut blobs = BTreeMap::new();
    for incoming in records {
        let Some(sha256) = incoming
            .rec
            .kind
            .blob_field()
            .and_then(|field| incoming.rec.data.get(field))
            .and_then(Value::as_str)
        else {
            continue;
        };
        if blobs.contains_key(sha256) {
            continue;
        }
        let bytes = db
            .read_blob(sha256)
            .map_err(|_| BundleError::AttachmentHash {
                name: format!("{ATTACHMENTS_DIR}{sha256}"),
                path: path.to_owned(),
            })?;
        if let Some(bytes) = bytes {
            blobs.insert(sha256.to_owned(), bytes);
        }
    }
    Ok(blobs)
}

/// A field's value as merging compares it; the tombstone as epoch milliseconds (or null).
pub(crate) fn field_value(rec: &StoredRecord, field: &str) -> Value {
    if field == DELETED_FIELD {
        rec.meta
            .deleted_at
            .map_or(Value::Null, |t| Value::from(t.timestamp_millis()))
    } else {
        rec.data.get(field).cloned().unwrap_or(Value::Null)
    }
}
