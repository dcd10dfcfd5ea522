//! The history a bundle carries (format version 3): every entry of the exported records'
//! history, in `history/<n>.json` documents, and the checks an incoming entry passes before it
//! joins the receiving history — bounded in number and size, every field validated, its id the
//! hash of its content; only the entries of the file's own records are kept.

use super::error::{BundleError, Result};
use super::read::{Incoming, parse_json};
use crate::model::Hlc;
use crate::store::{
    Action, EntryTexts, HistoryRow, RecordKind, Store, StoredRecord, entry_texts,
    history_entry_id_of_texts,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

/// The folder of history documents.
pub const HISTORY_DIR: &str = "history/";

/// Entries per history document, so no document nears the per-entry size limit.
const ENTRIES_PER_DOC: usize = 5_000;

/// The most history entries a file may carry.
pub const MAX_HISTORY_ENTRIES: usize = 2_000_000;

/// The largest history entry, as JSON.
pub const MAX_HISTORY_ENTRY_BYTES: usize = 1 << 20;

/// The longest author name or device id in an entry.
const MAX_NAME_CHARS: usize = 200;

/// How far ahead of this laptop's clock an entry may be dated (as for records).
const MAX_AHEAD_MS: i64 = 24 * 3600 * 1000;

/// One document `history/<n>.json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HistoryDoc {
    /// Its entries.
    pub entries: Vec<HistoryRow>,
}

/// The name of the `n`-th history document.
fn doc_name(n: usize) -> String {
    format!("{HISTORY_DIR}{n:06}.json")
}

/// Whether a bundle entry is a history document.
pub(crate) fn is_history_doc(name: &str) -> bool {
    name.strip_prefix(HISTORY_DIR)
        .and_then(|rest| rest.strip_suffix(".json"))
        .is_some_and(|n| n.len() == 6 && n.bytes().all(|b| b.is_ascii_digit()))
}

/// The history documents of an export: every entry of the selected records (their own and
/// those that travelled to this laptop), none of any other record.
pub(crate) fn export_docs(
    store: &Store,
    selected: &BTreeMap<RecordKind, Vec<StoredRecord>>,
) -> Result<Vec<(String, Vec<u8>)>> {
    let ids: HashSet<&str> = selected.values().flatten().map(|r| r.id.as_str()).collect();
    export_docs_of(store, &ids)
}

/// The history documents of an export of the records `ids`: each entry written as it is read,
/// its `before` and `after` the JSON text the database holds (see [`crate::store::HistoryJson`]).
pub(crate) fn export_docs_of(store: &Store, ids: &HashSet<&str>) -> Result<Vec<(String, Vec<u8>)>> {
    let history = store.history_json(ids)?;
    let mut docs = Vec::new();
    for (n, chunk) in history.entries().chunks(ENTRIES_PER_DOC).enumerate() {
        // Exactly what `serde_json` writes of a `HistoryDoc` of these entries.
        let size: usize = chunk.iter().map(|entry| entry.len() + 1).sum();
        let mut doc = Vec::with_capacity(size + 16);
        doc.extend_from_slice(b"{\"entries\":[");
        for (i, entry) in chunk.iter().enumerate() {
            if i > 0 {
                doc.push(b',');
            }
            doc.extend_from_slice(entry);
        }
        doc.extend_from_slice(b"]}");
        docs.push((doc_name(n + 1), doc));
    }
    Ok(docs)
}

/// A bundle's history documents, parsed and checked entry by entry as far as they can be
/// without its records (which [`keep_rows`] then needs): done beside the records' validation.
pub(crate) struct ParsedHistory {
    rows: Vec<HistoryRow>,
    /// Per row, its stored texts, or what is wrong with it on its own.
    checked: Vec<std::result::Result<EntryTexts, String>>,
}

/// The entries kept, with their `before`/`after` texts (made once, as their ids were checked).
pub(crate) struct Travelled {
    /// The entries.
    pub rows: Vec<HistoryRow>,
    /// Their texts, in the same order.
    pub texts: Vec<EntryTexts>,
}

/// Parses a bundle's history documents and checks each entry on its own (no records needed).
pub(crate) fn parse_docs(docs: &[(String, Vec<u8>)], path: &Path) -> Result<ParsedHistory> {
    let mut rows = Vec::new();
    for (name, bytes) in docs {
        let doc: HistoryDoc = parse_json(bytes, name, path)?;
        rows.extend(doc.entries);
        if rows.len() > MAX_HISTORY_ENTRIES {
            return Err(BundleError::BadHistory {
                number: rows.len(),
                id: String::new(),
                detail: format!("more than {MAX_HISTORY_ENTRIES} entries"),
                path: path.to_owned(),
            });
        }
    }
    Ok(precheck(rows))
}

/// Checks every entry on its own.
fn precheck(rows: Vec<HistoryRow>) -> ParsedHistory {
    let limit = chrono::Utc::now().timestamp_millis() + MAX_AHEAD_MS;
    let checked = rows.iter().map(|row| check_row(row, limit)).collect();
    ParsedHistory { rows, checked }
}

/// The history of a colleague's database's records, checked like a bundle's.
pub(crate) fn from_database(
    db: &crate::store::foreign::ForeignDatabase,
    records: &[Incoming],
    path: &Path,
) -> Result<Travelled> {
    let ids: HashSet<&str> = records.iter().map(|r| r.rec.id.as_str()).collect();
    let rows = db.history_rows(&ids)?;
    keep_rows(precheck(rows), records, path)
}

/// Refuses the first entry that is not what it should be, naming it; leaves out the entries of
/// records the file does not hold (a history travels only with its record, so nobody can slip
/// entries into the history of a record already here).
pub(crate) fn keep_rows(
    parsed: ParsedHistory,
    records: &[Incoming],
    path: &Path,
) -> Result<Travelled> {
    let kinds: HashMap<&str, RecordKind> = records
        .iter()
        .map(|r| (r.rec.id.as_str(), r.rec.kind))
        .collect();
    let mut seen = HashSet::new();
    let mut kept = Travelled {
        rows: Vec::with_capacity(parsed.rows.len()),
        texts: Vec::with_capacity(parsed.rows.len()),
    };
    for (i, (row, checked)) in parsed.rows.into_iter().zip(parsed.checked).enumerate() {
        let bad = |detail: String| BundleError::BadHistory {
            number: i + 1,
            id: row.id.chars().take(40).collect(),
            detail,
            path: path.to_owned(),
        };
        check_kind(&row, &kinds).map_err(&bad)?;
        let texts = checked.map_err(&bad)?;
        if !seen.insert(row.id.clone()) {
            return Err(bad("the same entry twice".to_owned()));
        }
        if kinds.contains_key(row.record_id.as_str()) {
            kept.rows.push(row);
            kept.texts.push(texts);
        }
    }
    Ok(kept)
}

/// The length of `value`'s compact JSON, counted as it is written (nothing is kept).
fn json_len(value: &impl Serialize) -> serde_json::Result<usize> {
    struct Counter(usize);
    impl std::io::Write for Counter {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 += buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut counter = Counter(0);
    serde_json::to_writer(&mut counter, value)?;
    Ok(counter.0)
}

/// Whether an entry's kind is its record's (a record the file holds), or at least a kind.
fn check_kind(
    row: &HistoryRow,
    kinds: &HashMap<&str, RecordKind>,
) -> std::result::Result<(), String> {
    match kinds.get(row.record_id.as_str()) {
        Some(kind) if kind.table() != row.kind => Err(format!(
            "kind {} differs from its record's",
            short(&row.kind)
        )),
        None if RecordKind::from_code(&row.kind).is_none() => {
            Err(format!("unknown kind {}", short(&row.kind)))
        }
        _ => Ok(()),
    }
}

/// What is wrong with one entry on its own, if anything; else its stored texts.
fn check_row(row: &HistoryRow, limit_ms: i64) -> std::result::Result<EntryTexts, String> {
    let size = json_len(row).map_err(|e| e.to_string())?;
    if size > MAX_HISTORY_ENTRY_BYTES {
        return Err(format!(
            "{size} bytes, above the limit of {MAX_HISTORY_ENTRY_BYTES}"
        ));
    }
    if Action::from_code(&row.action).is_none() {
        return Err(format!("unknown action {}", short(&row.action)));
    }
    let at = chrono::DateTime::parse_from_rfc3339(&row.at)
        .map_err(|_| format!("bad time {}", short(&row.at)))?
        .with_timezone(&chrono::Utc);
    if at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true) != row.at {
        return Err(format!("time not in canonical form {}", short(&row.at)));
    }
    if at.timestamp_millis() > limit_ms {
        return Err(format!("dated in the future ({})", short(&row.at)));
    }
    for (what, text) in [("author", &row.author), ("device", &row.device)] {
        if text.chars().count() > MAX_NAME_CHARS || text.chars().any(char::is_control) {
            return Err(format!("bad {what}"));
        }
    }
    if row.clock.parse::<Hlc>().is_err() {
        return Err(format!("bad clock {}", short(&row.clock)));
    }
    let is_object = |v: &Option<Value>| matches!(v, None | Some(Value::Object(_)));
    if !is_object(&row.before) || !is_object(&row.after) {
        return Err("before and after must be records".to_owned());
    }
    let (before, after) = entry_texts(row);
    let id = history_entry_id_of_texts(
        &row.record_id,
        &row.kind,
        &row.action,
        &row.at,
        &row.author,
        &row.device,
        &row.clock,
        before.as_deref(),
        after.as_deref(),
    );
    if id != row.id {
        return Err("its id does not match its content".to_owned());
    }
    Ok((before, after))
}

/// A value cut short for a message.
fn short(text: &str) -> String {
    text.chars().take(40).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_history_written_from_its_text_is_the_history_read_as_values() {
        let mut store = Store::open_in_memory().unwrap();
        store.set_author("王敏").unwrap();
        let options = crate::demo::DemoOptions {
            visits: 100,
            seed: 2,
        };
        crate::demo::generate(&mut store, options).unwrap();
        let records = store.all_records(RecordKind::Finding).unwrap();
        let mut finding = store.finding(records[0].id.parse().unwrap()).unwrap();
        finding.owner = "民政局".into();
        store.save_finding(&finding).unwrap();
        store.delete(&records[1].id).unwrap();
        // Many records (one pass over the history) and a few (a query per record).
        for few in [false, true] {
            let ids: HashSet<&str> = records
                .iter()
                .take(if few { 5 } else { records.len() })
                .map(|r| r.id.as_str())
                .collect();
            assert!(few || ids.len() > 256, "{} records", ids.len());
            let docs = export_docs_of(&store, &ids).unwrap();
            let rows = store.history_rows(&ids).unwrap();
            let expected: Vec<Vec<u8>> = rows
                .chunks(ENTRIES_PER_DOC)
                .map(|chunk| {
                    let doc = HistoryDoc {
                        entries: chunk.to_vec(),
                    };
                    serde_json::to_vec(&doc).unwrap()
                })
                .collect();
            let written: Vec<Vec<u8>> = docs.into_iter().map(|(_, bytes)| bytes).collect();
            assert!(
                written == expected,
                "{}",
                String::from_utf8_lossy(&written[0])
            );
            assert!(rows.len() > if few { 5 } else { 256 }, "{}", rows.len());
            for doc in &written {
                let doc: HistoryDoc = serde_json::from_slice(doc).unwrap();
                assert!(doc.entries.iter().all(|row| row.content_id() == row.id));
            }
        }
    }
}
