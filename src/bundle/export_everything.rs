//! Exporting everything in format 3 — a team's first sync, a whole database handed to a
//! colleague: each record goes from its row straight to its JSON, its clocks compacted from
//! the form the database keeps them in (the record clock once, and the few that differ), never
//! expanded into a clock per field to be compacted again. The bundle is the one
//! [`BundleRecord::compacted`] writes, byte for byte (a test below holds the two together).

use super::error::Result;
use super::export::{Contents, ExportFilter, ExportOptions, ExportSummary, finish};
use super::export_file::Deflater;
use super::format::{BundleRecord, FORMAT_VERSION, records_entry};
use super::{Progress, Stage};
use crate::model::Hlc;
use crate::store::{
    DELETED_FIELD, RecordKind, Store, StoreError, StoredRow, StoredStamp, StoredValue,
};
use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::Path;

/// Past a few hundred records one pass over the history for the bases beats a query per record.
const MANY_RECORDS: u64 = 256;

/// Writes the bundle of every record (format 3), streaming the records from the database;
/// `None` when there is nothing and the options skip that.
pub(crate) fn write_everything(
    store: &Store,
    filter: &ExportFilter,
    out: &Path,
    options: &ExportOptions<'_>,
    progress: &mut dyn FnMut(Progress),
) -> Result<Option<ExportSummary>> {
    let sizes = record_counts(store)?;
    let total = sizes.values().sum();
    if total == 0 && options.skip_if_empty {
        return Ok(None);
    }
    crate::paths::check_output(out, store.path(), true).map_err(StoreError::from)?;
    let (docs, streamed) = std::thread::scope(|scope| -> Result<_> {
        // The records' documents are deflated while their history is read.
        let mut deflater = Deflater::new(scope);
        let streamed = stream_records(store, &sizes, &mut deflater, progress)?;
        let ids: HashSet<&str> = streamed.ids.iter().map(String::as_str).collect();
        for (name, doc) in super::history::export_docs_of(store, &ids)? {
            deflater.add(name, doc);
        }
        Ok((deflater.finish()?, streamed))
    })?;
    let contents = Contents {
        docs,
        counts: streamed.counts,
        blobs: store.blob_sizes(streamed.blob_hashes)?,
        version: FORMAT_VERSION,
        total,
    };
    finish(store, filter, contents, out, options.passphrase, progress).map(Some)
}

/// What the rest of the bundle needs of the records streamed.
struct Streamed {
    /// Records per kind.
    counts: BTreeMap<String, usize>,
    /// Every record's id (their history goes too).
    ids: Vec<String>,
    /// The SHA-256 of every attachment (and workbook) the records name.
    blob_hashes: BTreeSet<String>,
}

/// Where finished documents go.
trait DocSink {
    /// Takes the document `name`.
    fn add(&mut self, name: String, bytes: Vec<u8>);
}

impl DocSink for Deflater<'_, '_> {
    fn add(&mut self, name: String, bytes: Vec<u8>) {
        Deflater::add(self, name, bytes);
    }
}

impl DocSink for Vec<(String, Vec<u8>)> {
    fn add(&mut self, name: String, bytes: Vec<u8>) {
        self.push((name, bytes));
    }
}

/// How many records of each kind the database holds.
fn record_counts(store: &Store) -> Result<BTreeMap<RecordKind, u64>> {
    let mut sizes = BTreeMap::new();
    for kind in RecordKind::ALL {
        sizes.insert(kind, store.record_count(kind)?);
    }
    Ok(sizes)
}

/// Room for a record's JSON (a finding takes about 800 bytes): a document that need not grow
/// is never copied, and room not written to costs nothing.
const BYTES_PER_RECORD: u64 = 1024;

/// Writes the `records/<kind>.json` document of every kind, parents first, handing each to
/// `docs` as it is done.
fn stream_records(
    store: &Store,
    sizes: &BTreeMap<RecordKind, u64>,
    docs: &mut dyn DocSink,
    progress: &mut dyn FnMut(Progress),
) -> Result<Streamed> {
    let total: u64 = sizes.values().sum();
    let mut bases = if total > MANY_RECORDS {
        Some(store.history_bases()?)
    } else {
        None
    };
    let mut streamed = Streamed {
        counts: BTreeMap::new(),
        ids: Vec::with_capacity(usize::try_from(total).unwrap_or(0)),
        blob_hashes: BTreeSet::new(),
    };
    let mut done = 0u64;
    for kind in RecordKind::ALL {
        let columns = kind.columns();
        let keys = KindKeys::of(kind);
        let blob_column = kind
            .blob_field()
            .and_then(|field| columns.iter().position(|(name, _)| *name == field));
        let room = sizes.get(&kind).copied().unwrap_or(0) * BYTES_PER_RECORD;
        let mut doc = Vec::with_capacity(usize::try_from(room).unwrap_or(0));
        doc.extend_from_slice(b"{\"kind\":");
        serde_json::to_writer(&mut doc, kind.table())?;
        doc.extend_from_slice(b",\"records\":[");
        let mut count = 0usize;
        store.for_each_row(kind, |row| -> Result<()> {
            let id = row.id()?;
            let base = match bases.as_mut() {
                Some(all) => all.remove(id).unwrap_or_default(),
                None => store.history_base(id)?,
            };
            if count > 0 {
                doc.push(b',');
            }
            write_record(&mut doc, kind, row, &keys, &base)?;
            if let Some(StoredValue::Text(sha256)) =
                blob_column.map(|c| row.column(c)).transpose()?
            {
                streamed.blob_hashes.insert(sha256.to_owned());
            }
            streamed.ids.push(id.to_owned());
            count += 1;
            done += 1;
            if done.is_multiple_of(500) {
                progress(Progress {
                    stage: Stage::Exporting,
                    done,
                    total,
                });
            }
            Ok(())
        })?;
        doc.extend_from_slice(b"]}");
        if kind > RecordKind::Visit && kind != RecordKind::Finding && count == 0 {
            // No attachments or forms: maybe a bundle an older Zoufang, without them, reads.
            continue;
        }
        streamed.counts.insert(kind.table().to_owned(), count);
        docs.add(records_entry(kind), doc);
    }
    Ok(streamed)
}

/// Appends the compact JSON of the record in `row` to `out`.
fn write_record(
    out: &mut Vec<u8>,
    kind: RecordKind,
    row: &StoredRow<'_>,
    keys: &KindKeys,
    base: &Map<String, Value>,
) -> Result<()> {
    let stamps = row.stamps()?;
    let deleted_at = row.deleted_at()?;
    let implied = &keys.implied[usize::from(deleted_at.is_some())];
    let Some(clocks) = compact_clocks(implied, row.clock()?, &stamps) else {
        // A clock not in the form this laptop writes: the record goes the long way, which
        // reads every clock (and refuses one that is not a clock).
        let record = BundleRecord::from_stored(row.to_stored()?, base.clone()).compacted(kind);
        serde_json::to_writer(&mut *out, &record)?;
        return Ok(());
    };
    let columns = kind.columns();
    let mut data = Vec::with_capacity(keys.order.len());
    for &i in &keys.order {
        let value = match row.column(i)? {
            StoredValue::Json(text) => {
                FieldOut::Parsed(serde_json::from_str(text).map_err(StoreError::from)?)
            }
            other => FieldOut::Stored(other),
        };
        data.push((columns[i].0, value));
    }
    let record = RecordOut {
        id: row.id()?,
        data: DataOut(&data),
        clocks: ClocksOut(&clocks.entries),
        clock: clocks.clock,
        created_at: time_text(row.created_at()?),
        updated_at: time_text(row.updated_at()?),
        updated_by: row.updated_by()?,
        deleted_at: time_text(deleted_at),
        base,
    };
    serde_json::to_writer(&mut *out, &record)?;
    Ok(())
}

/// The keys of a kind's records, worked out once per kind.
struct KindKeys {
    /// The data columns' indexes in key order (a record's data is written in key order, as a
    /// JSON map of it is).
    order: Vec<usize>,
    /// [`implied_keys`] of a live record, then of a deleted one.
    implied: [Vec<&'static str>; 2],
}

impl KindKeys {
    fn of(kind: RecordKind) -> KindKeys {
        let columns = kind.columns();
        let mut order: Vec<usize> = (0..columns.len()).collect();
        order.sort_by_key(|&i| columns[i].0);
        KindKeys {
            order,
            implied: [implied_keys(kind, false), implied_keys(kind, true)],
        }
    }
}

/// The clocks a compact record carries.
#[derive(Debug, PartialEq)]
struct CompactClocks<'s> {
    /// The record clock, when the record is compact.
    clock: Option<&'s str>,
    /// The clocks written beside it, by key, in key order.
    entries: Vec<(&'s str, &'s str)>,
}

/// The clock keys a compact record of `kind` leaves out when they hold the record clock (see
/// [`BundleRecord::compacted`]), in key order: its columns, and the tombstone of a deleted one.
fn implied_keys(kind: RecordKind, deleted: bool) -> Vec<&'static str> {
    let mut keys: Vec<&'static str> = kind.columns().iter().map(|(name, _)| *name).collect();
    if deleted {
        keys.push(DELETED_FIELD);
    }
    keys.sort_unstable();
    keys
}

/// What [`BundleRecord::compacted`] makes of the stored clocks (`stamps`, in key order), from
/// their text — the text of a clock sorts like the clock; `implied` are the
/// [`implied_keys`]. `None` when a stamp is not in the text form this laptop writes.
fn compact_clocks<'s>(
    implied: &[&str],
    record_clock: &'s str,
    stamps: &'s [(std::borrow::Cow<'s, str>, StoredStamp<'s>)],
) -> Option<CompactClocks<'s>> {
    let mut entries = Vec::with_capacity(stamps.len());
    let mut newest: Option<&str> = None;
    for (key, stamp) in stamps {
        let text = match stamp {
            StoredStamp::SameAsRecord => record_clock,
            StoredStamp::Stamp(text) => text.as_ref(),
        };
        if !Hlc::is_canonical_text(text) {
            return None;
        }
        if newest.is_none_or(|n| text > n) {
            newest = Some(text);
        }
        entries.push((key.as_ref(), text));
    }
    let Some(newest) = newest else {
        return Some(CompactClocks {
            clock: None,
            entries,
        });
    };
    // Both in key order: walk them side by side.
    let is_implied = |next: &mut usize, key: &str| {
        while *next < implied.len() && implied[*next] < key {
            *next += 1;
        }
        *next < implied.len() && implied[*next] == key
    };
    let mut next = 0;
    let held = entries
        .iter()
        .filter(|(key, _)| is_implied(&mut next, key))
        .count();
    if held < implied.len() {
        // A reader would invent the missing clocks: the record stays in full.
        return Some(CompactClocks {
            clock: None,
            entries,
        });
    }
    let mut next = 0;
    entries.retain(|(key, text)| !(is_implied(&mut next, key) && *text == newest));
    Some(CompactClocks {
        clock: Some(newest),
        entries,
    })
}

/// A time as `chrono` serialises it.
fn time_text(time: Option<DateTime<Utc>>) -> Option<String> {
    time.map(|t| t.to_rfc3339_opts(SecondsFormat::AutoSi, true))
}

/// A [`BundleRecord`] as written from its row (the same fields, in the same order).
#[derive(Serialize)]
struct RecordOut<'a> {
    id: &'a str,
    data: DataOut<'a>,
    clocks: ClocksOut<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    clock: Option<&'a str>,
    created_at: Option<String>,
    updated_at: Option<String>,
    updated_by: &'a str,
    deleted_at: Option<String>,
    #[serde(skip_serializing_if = "is_empty")]
    base: &'a Map<String, Value>,
}

fn is_empty(map: &&Map<String, Value>) -> bool {
    map.is_empty()
}

/// A data field's value.
enum FieldOut<'a> {
    /// As the column holds it.
    Stored(StoredValue<'a>),
    /// A list or object, parsed.
    Parsed(Value),
}

/// A record's data, by field name in key order.
struct DataOut<'a>(&'a [(&'static str, FieldOut<'a>)]);

impl Serialize for DataOut<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (name, value) in self.0 {
            match value {
                FieldOut::Parsed(value) => map.serialize_entry(name, value)?,
                FieldOut::Stored(StoredValue::Null) => map.serialize_entry(name, &())?,
                FieldOut::Stored(StoredValue::Int(n)) => map.serialize_entry(name, n)?,
                // Not a number (NaN) is written as `null`, as a JSON value of it is.
                FieldOut::Stored(StoredValue::Real(f)) => map.serialize_entry(name, f)?,
                FieldOut::Stored(StoredValue::Bool(b)) => map.serialize_entry(name, b)?,
                FieldOut::Stored(StoredValue::Text(t) | StoredValue::Json(t)) => {
                    map.serialize_entry(name, t)?;
                }
            }
        }
        map.end()
    }
}

/// Clocks by key.
struct ClocksOut<'a>(&'a [(&'a str, &'a str)]);

impl Serialize for ClocksOut<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (key, stamp) in self.0 {
            map.serialize_entry(key, stamp)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bundle::format::RecordsDoc;
    use crate::bundle::{ImportOptions, import, no_progress};
    use crate::model::AttachmentOwner;
    use std::borrow::Cow;

    /// The record documents the long way: every record read whole, its clocks expanded, then
    /// compacted.
    fn the_long_way(store: &Store) -> Vec<(String, String)> {
        let mut bases = store.history_bases().unwrap();
        let mut docs = Vec::new();
        for kind in RecordKind::ALL {
            let records: Vec<BundleRecord> = store
                .all_records(kind)
                .unwrap()
                .into_iter()
                .map(|rec| {
                    let base = bases.remove(&rec.id).unwrap_or_default();
                    BundleRecord::from_stored(rec, base).compacted(kind)
                })
                .collect();
            if kind > RecordKind::Visit && kind != RecordKind::Finding && records.is_empty() {
                continue;
            }
            let doc = RecordsDoc {
                kind: kind.table().to_owned(),
                records,
            };
            docs.push((records_entry(kind), serde_json::to_string(&doc).unwrap()));
        }
        docs
    }

    fn laptop(author: &str) -> Store {
        let mut store = Store::open_in_memory().unwrap();
        store.set_author(author).unwrap();
        store
    }

    #[test]
    fn streamed_records_are_the_compacted_records_byte_for_byte() {
        let dir = tempfile::tempdir().unwrap();
        let mut wang = laptop("王敏");
        let options = crate::demo::DemoOptions {
            visits: 40,
            seed: 4,
        };
        crate::demo::generate(&mut wang, options).unwrap();
        let visits = wang.all_records(RecordKind::Visit).unwrap();
        let findings = wang.all_records(RecordKind::Finding).unwrap();
        let visit_id = visits[0].id.parse().unwrap();
        wang.attach_bytes(AttachmentOwner::Visit(visit_id), "a.txt", b"note", 1 << 20)
            .unwrap();
        let bundle = dir.path().join("wang.zfb");
        let all = ExportFilter {
            all: true,
            ..ExportFilter::default()
        };
        super::super::export(&wang, &all, &bundle, &mut no_progress()).unwrap();
        let mut li = laptop("李强");
        let merge = |store: &mut Store, file: &Path| {
            let files = [file.to_owned()];
            import(store, &files, &ImportOptions::default(), &mut no_progress()).unwrap();
        };
        merge(&mut li, &bundle);
        // Edits here and there: one more investigator (an element clock), a finding each side
        // changes (a conflict), one deleted, one deleted and restored.
        let mut visit = wang.visit(visit_id).unwrap();
        visit.investigators.push("赵丽".into());
        wang.save_visit(&visit).unwrap();
        let finding_id = findings[0].id.parse().unwrap();
        let mut finding = wang.finding(finding_id).unwrap();
        finding.owner = "民政局".into();
        wang.save_finding(&finding).unwrap();
        let mut finding = li.finding(finding_id).unwrap();
        finding.owner = "街道办".into();
        li.save_finding(&finding).unwrap();
        wang.delete(&findings[1].id).unwrap();
        li.delete(&findings[2].id).unwrap();
        li.restore(&findings[2].id).unwrap();
        super::super::export(&wang, &all, &bundle, &mut no_progress()).unwrap();
        merge(&mut li, &bundle);

        for store in [&wang, &li] {
            let sizes = record_counts(store).unwrap();
            let mut written = Vec::new();
            let streamed = stream_records(store, &sizes, &mut written, &mut |_| {}).unwrap();
            let docs: Vec<(String, String)> = written
                .into_iter()
                .map(|(name, doc)| (name, String::from_utf8(doc).unwrap()))
                .collect();
            let expected = the_long_way(store);
            assert_eq!(docs.len(), expected.len());
            for ((name, doc), (_, long)) in docs.iter().zip(&expected) {
                let at = doc.bytes().zip(long.bytes()).position(|(a, b)| a != b);
                let near = |s: &str| {
                    s.chars()
                        .skip(at.unwrap_or(0).saturating_sub(200))
                        .take(300)
                        .collect::<String>()
                };
                assert!(
                    doc == long,
                    "{name} differs at {at:?}:\n{}\n{}",
                    near(doc),
                    near(long)
                );
            }
            assert!(docs.iter().any(|(_, d)| d.contains("investigators/")));
            // Written from their rows, not the long way.
            let mut short_way = 0;
            store
                .for_each_row(RecordKind::Visit, |row| -> Result<()> {
                    let (clock, stamps) = (row.clock()?, row.stamps()?);
                    let implied = implied_keys(RecordKind::Visit, row.deleted_at()?.is_some());
                    short_way += usize::from(compact_clocks(&implied, clock, &stamps).is_some());
                    Ok(())
                })
                .unwrap();
            assert_eq!(short_way, visits.len());
            assert_eq!(streamed.blob_hashes.len(), 1);
        }
    }

    fn stamp(text: &str) -> StoredStamp<'_> {
        StoredStamp::Stamp(Cow::Borrowed(text))
    }

    #[test]
    fn a_clock_not_written_by_this_laptop_sends_the_record_the_long_way() {
        let record = "000000000002000.000000.dev";
        let mut stamps: Vec<(Cow<'_, str>, StoredStamp<'_>)> = RecordKind::Topic
            .columns()
            .iter()
            .map(|(name, _)| (Cow::Borrowed(*name), StoredStamp::SameAsRecord))
            .collect();
        stamps.sort_by(|a, b| a.0.cmp(&b.0));
        let (live, deleted) = (
            implied_keys(RecordKind::Topic, false),
            implied_keys(RecordKind::Topic, true),
        );
        let compact = compact_clocks(&live, record, &stamps).unwrap();
        assert_eq!(compact.clock, Some(record));
        assert!(compact.entries.is_empty());
        // An older clock of its own stays; a stamp in another form needs parsing.
        stamps[0].1 = stamp("000000000001000.000000.dev");
        let compact = compact_clocks(&live, record, &stamps).unwrap();
        assert_eq!(
            compact.entries,
            vec![(stamps[0].0.as_ref(), "000000000001000.000000.dev")]
        );
        stamps[0].1 = stamp("1000.0.dev");
        assert_eq!(compact_clocks(&live, record, &stamps), None);
        // A tombstone without its clock: nothing is left out, a reader would invent it.
        stamps[0].1 = StoredStamp::SameAsRecord;
        let full = compact_clocks(&deleted, record, &stamps).unwrap();
        assert_eq!((full.clock, full.entries.len()), (None, stamps.len()));
    }
}
