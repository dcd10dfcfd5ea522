//! The bundle file format, version 3 (see `docs/bundle-format.md`): the manifest, the record
//! documents, the attachments' bytes, the entry names and the limits a reader enforces.

use crate::model::Hlc;
use crate::store::{RecordKind, StoredRecord};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// The `format` field of every manifest.
pub const FORMAT_NAME: &str = "zoufang-bundle";

/// The newest format version this build reads, and the one it writes for bundles carrying
/// history (version 3 added `history.json`).
pub const FORMAT_VERSION: u32 = 3;

/// The version written for bundles with attachments or set-element clocks but no history
/// (version 2 added `attachments/<sha256>`, `records/attachment.json` and clock entries
/// `<field>/<element>`).
pub const FORMAT_VERSION_WITHOUT_HISTORY: u32 = 2;

/// The entry holding the history of the bundle's records (format version 3).
pub const HISTORY_ENTRY: &str = "history.json";

/// The version written for bundles with neither, so a colleague whose Zoufang predates them
/// can still read them.
pub const FORMAT_VERSION_WITHOUT_ATTACHMENTS: u32 = 1;

/// The folder of attachment entries.
pub const ATTACHMENTS_DIR: &str = "attachments/";

/// The entry holding the bytes whose SHA-256 is `sha256`.
pub fn attachment_entry(sha256: &str) -> String {
    format!("{ATTACHMENTS_DIR}{sha256}")
}

/// The manifest's entry name.
pub const MANIFEST: &str = "manifest.json";

/// The usual file extension of a bundle.
pub const EXTENSION: &str = "zfb";

/// The entry holding the records of one kind.
pub fn records_entry(kind: RecordKind) -> String {
    format!("records/{}.json", kind.table())
}

/// How much a reader accepts before it calls a file hostile.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The largest bundle file.
    pub max_file_bytes: u64,
    /// The largest entry, counted in bytes actually decompressed.
    pub max_entry_bytes: u64,
    /// All entries together, decompressed.
    pub max_total_bytes: u64,
    /// The most entries.
    pub max_entries: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 4 << 30,
            max_entry_bytes: 256 << 20,
            max_total_bytes: 2 << 30,
            max_entries: 100_000,
        }
    }
}

/// Who made a bundle.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Creator {
    /// The author name set on the exporting laptop.
    pub name: String,
    /// The exporting database's device id.
    pub device_id: String,
}

/// One entry's size and checksum, as the manifest lists it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntryInfo {
    /// Decompressed size in bytes.
    pub size: u64,
    /// SHA-256 of the decompressed bytes, lowercase hex.
    pub sha256: String,
}

/// The filter an export used, recorded for the reader's information.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FilterInfo {
    /// Everything was exported.
    #[serde(default)]
    pub all: bool,
    /// Topic ids (subtopics included).
    #[serde(default)]
    pub topics: Vec<String>,
    /// First visit day.
    #[serde(default)]
    pub since: Option<String>,
    /// Last visit day.
    #[serde(default)]
    pub until: Option<String>,
    /// Investigator name.
    #[serde(default)]
    pub investigator: Option<String>,
    /// Subject id.
    #[serde(default)]
    pub subject: Option<String>,
}

/// `manifest.json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Always [`FORMAT_NAME`].
    pub format: String,
    /// The format version.
    pub version: u32,
    /// A fresh UUID per export.
    pub bundle_id: String,
    /// Who exported it.
    pub creator: Creator,
    /// When (UTC).
    pub created_at: DateTime<Utc>,
    /// The schema version of the exporting database.
    pub schema_version: i64,
    /// What was selected.
    pub filter: FilterInfo,
    /// Records per kind (`topic`, `subject`, `visit`, `finding`).
    pub counts: BTreeMap<String, usize>,
    /// Every other entry by name, with its size and SHA-256.
    pub entries: BTreeMap<String, EntryInfo>,
}

/// The document `records/<kind>.json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordsDoc {
    /// The kind of every record in it (`topic`, `subject`, `visit`, `finding`).
    pub kind: String,
    /// The records.
    pub records: Vec<BundleRecord>,
}

/// One record with its id, field clocks, bookkeeping and tombstone.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BundleRecord {
    /// Its id.
    pub id: String,
    /// Its data fields (the kind's columns).
    pub data: Map<String, Value>,
    /// The clock of the last change to each field, and `deleted_at` for the tombstone; in a
    /// compact record (format 3, `clock` given) only those that differ from `clock`.
    pub clocks: BTreeMap<String, Hlc>,
    /// Format 3: the record's clock, written once; a field or element clock missing from
    /// `clocks` equals it (see [`BundleRecord::compacted`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clock: Option<Hlc>,
    /// When it was made.
    #[serde(default)]
    pub created_at: Option<DateTime<Utc>>,
    /// When it was last changed.
    #[serde(default)]
    pub updated_at: Option<DateTime<Utc>>,
    /// Who changed it last.
    #[serde(default)]
    pub updated_by: String,
    /// Its tombstone.
    #[serde(default)]
    pub deleted_at: Option<DateTime<Utc>>,
    /// For fields changed since creation: the value the last change replaced (lets a reader
    /// tell an edit made on top of its own version from a concurrent one).
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub base: Map<String, Value>,
}

impl BundleRecord {
    /// The bundle form of a stored record.
    pub fn from_stored(rec: StoredRecord, base: Map<String, Value>) -> BundleRecord {
        BundleRecord {
            id: rec.id,
            data: rec.data,
            clocks: rec.clocks,
            clock: None,
            created_at: rec.meta.created_at,
            updated_at: rec.meta.updated_at,
            updated_by: rec.meta.updated_by,
            deleted_at: rec.meta.deleted_at,
            base,
        }
    }

    /// The compact form format 3 writes: the record clock once, and only the clocks that
    /// differ from it. The keys left out are exactly those [`BundleRecord::expanded`] puts
    /// back — every column of the kind, and the tombstone when there is one — so the record
    /// reads back exactly as it was. Element clocks (`field/<element>`) are written only where
    /// the database holds one (an element without its own clock carries its field's), so they
    /// are compact already. A record lacking a column's clock (written by an older Zoufang) is
    /// left in full.
    pub fn compacted(mut self, kind: RecordKind) -> BundleRecord {
        let Some(clock) = self.clocks.values().max().cloned() else {
            return self;
        };
        let implied = self.implied_keys(kind);
        if !implied.iter().all(|k| self.clocks.contains_key(k)) {
            return self;
        }
        for key in implied {
            if self.clocks.get(&key) == Some(&clock) {
                self.clocks.remove(&key);
            }
        }
        self.clock = Some(clock);
        self
    }

    /// The full form of a record read from a file: for a compact record, every clock the
    /// writer left out (see [`BundleRecord::compacted`]) set to the record clock.
    pub fn expanded(mut self, kind: RecordKind) -> BundleRecord {
        let Some(clock) = self.clock.take() else {
            return self;
        };
        for key in self.implied_keys(kind) {
            self.clocks.entry(key).or_insert_with(|| clock.clone());
        }
        self
    }

    /// The clock keys a compact record may leave out, derived from the kind's column specs so
    /// that every record kind gets compaction without code of its own.
    fn implied_keys(&self, kind: RecordKind) -> Vec<String> {
        let mut keys: Vec<String> = kind
            .columns()
            .iter()
            .map(|(name, _)| (*name).to_owned())
            .collect();
        if self.deleted_at.is_some() {
            keys.push(crate::store::DELETED_FIELD.to_owned());
        }
        keys
    }

    /// The stored form (not yet validated).
    pub fn into_stored(self, kind: RecordKind) -> (StoredRecord, Map<String, Value>) {
        let clock = self.clocks.values().max().cloned();
        let rec = StoredRecord {
            kind,
            id: self.id,
            data: self.data,
            clocks: self.clocks,
            meta: crate::model::RecordMeta {
                created_at: self.created_at,
                updated_at: self.updated_at,
                updated_by: self.updated_by,
                clock,
                deleted_at: self.deleted_at,
            },
        };
        (rec, self.base)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clock(millis: i64) -> Hlc {
        Hlc {
            millis,
            counter: 0,
            device: "0195aa00b0e5400080000000000000b1".to_owned(),
        }
    }

    /// A record of `kind` whose every column was written at 1000, but the first at 2000.
    fn record(kind: RecordKind, deleted: bool) -> BundleRecord {
        let mut clocks: BTreeMap<String, Hlc> = kind
            .columns()
            .iter()
            .map(|(name, _)| ((*name).to_owned(), clock(1_000)))
            .collect();
        clocks.insert(kind.columns()[0].0.to_owned(), clock(2_000));
        if deleted {
            clocks.insert(crate::store::DELETED_FIELD.to_owned(), clock(2_000));
        }
        BundleRecord {
            id: "0195aa00-0000-7000-8000-0000000000f1".to_owned(),
            data: Map::new(),
            clocks,
            clock: None,
            created_at: None,
            updated_at: None,
            updated_by: String::new(),
            deleted_at: deleted.then(Utc::now),
            base: Map::new(),
        }
    }

    #[test]
    fn every_kind_is_compact_and_reads_back_exactly() {
        // Every kind, those added later included, from its column specs alone.
        for kind in RecordKind::ALL {
            for deleted in [false, true] {
                let full = record(kind, deleted);
                let compact = full.clone().compacted(kind);
                assert_eq!(compact.clock, Some(clock(2_000)), "{kind:?}");
                // Only the clocks that differ from the record's remain.
                assert_eq!(compact.clocks.len(), kind.columns().len() - 1, "{kind:?}");
                assert!(compact.clocks.values().all(|c| *c == clock(1_000)));
                assert_eq!(compact.expanded(kind), full, "{kind:?}");
            }
        }
    }

    #[test]
    fn a_record_missing_a_column_clock_stays_full() {
        let kind = RecordKind::Finding;
        let mut full = record(kind, false);
        full.clocks.remove("title");
        let written = full.clone().compacted(kind);
        assert_eq!(
            written, full,
            "left as it was: the reader would invent that clock"
        );
    }
}
