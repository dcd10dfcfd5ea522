//! The agreement check: one SHA-256 over the synced content (records with their field clocks
//! and tombstones, in a canonical order, attachments with whether their content is held; local-only data such as history and the import log
//! left out). Two databases print the same digest exactly when they hold the same synced data,
//! so two people can compare after swapping bundles.

use super::Result;
use super::export::{ExportFilter, select};
use crate::model::TopicId;
use crate::store::{Store, hex};
use sha2::{Digest, Sha256};

/// What a digest covers and its value.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct AgreementDigest {
    /// SHA-256, lowercase hex.
    pub digest: String,
    /// Records it covers.
    pub records: usize,
}

/// The digest of everything, or of the records a bundle of `topics` would carry.
pub fn agreement_digest(store: &Store, topics: &[TopicId]) -> Result<AgreementDigest> {
    let filter = ExportFilter {
        all: topics.is_empty(),
        topics: topics.to_vec(),
        ..ExportFilter::default()
    };
    let mut hasher = Sha256::new();
    let mut records = 0;
    for (kind, mut recs) in select(store, &filter)? {
        recs.sort_by(|a, b| a.id.cmp(&b.id));
        for rec in recs {
            records += 1;
            hasher.update(kind.table().as_bytes());
            hasher.update([0]);
            hasher.update(rec.id.as_bytes());
            hasher.update([0]);
            hasher.update(serde_json::to_string(&rec.data)?.as_bytes());
            hasher.update([0]);
            hasher.update(serde_json::to_string(&rec.clocks)?.as_bytes());
            hasher.update([0]);
            hasher.update(
                rec.meta
                    .deleted_at
                    .map(|t| t.timestamp_millis().to_string())
                    .unwrap_or_default()
                    .as_bytes(),
            );
            if let Some(field) = kind.blob_field() {
                // The record's SHA-256 stands for the content; a laptop missing the content
                // does not agree.
                let sha256 = rec.data.get(field).and_then(|v| v.as_str());
                let held = match sha256 {
                    Some(sha256) => store.has_blob(sha256)?,
                    None => false,
                };
                hasher.update([0, u8::from(held)]);
            }
            hasher.update([0xff]);
        }
    }
    Ok(AgreementDigest {
        digest: hex(&hasher.finalize()),
        records,
    })
}
