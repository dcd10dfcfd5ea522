//! The history that travels: every entry's identity (a hash of its content, so the same entry
//! has the same id on every laptop), the entries of chosen records as a bundle carries them, and
//! storing entries that arrived from elsewhere exactly once.

use super::Store;
use super::error::Result;
use rusqlite::{Connection, Transaction};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};
use std::collections::HashSet;

/// One history entry whole, as it is stored and as a bundle carries it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HistoryRow {
    /// Its identity: [`history_entry_id`] of the rest.
    pub id: String,
    /// The record it belongs to.
    pub record_id: String,
    /// That record's kind (`visit`, `finding` …).
    pub kind: String,
    /// What happened (`create`, `update`, `delete`, `restore`, `merge`, `conflict`).
    pub action: String,
    /// When (UTC, RFC 3339 with milliseconds).
    pub at: String,
    /// Who.
    pub author: String,
    /// On which device.
    pub device: String,
    /// The clock of the change.
    pub clock: String,
    /// The record before (absent for a creation).
    #[serde(default)]
    pub before: Option<Value>,
    /// The record after.
    #[serde(default)]
    pub after: Option<Value>,
}

impl HistoryRow {
    /// The id its content gives it.
    pub fn content_id(&self) -> String {
        history_entry_id(
            &self.record_id,
            &self.kind,
            &self.action,
            &self.at,
            &self.author,
            &self.device,
            &self.clock,
            self.before.as_ref(),
            self.after.as_ref(),
        )
    }
}

/// The identity of a history entry: the first 128 bits of the SHA-256 of its content, in hex.
/// Two laptops holding the same entry give it the same id without asking each other, and an
/// entry's id cannot be chosen to hide another one.
#[allow(clippy::too_many_arguments)]
pub fn history_entry_id(
    record_id: &str,
    kind: &str,
    action: &str,
    at: &str,
    author: &str,
    device: &str,
    clock: &str,
    before: Option<&Value>,
    after: Option<&Value>,
) -> String {
    // The hash of the compact JSON array of all nine (`json!([...]).to_string()`).
    history_entry_id_of_texts(
        record_id,
        kind,
        action,
        at,
        author,
        device,
        clock,
        before.map(Value::to_string).as_deref(),
        after.map(Value::to_string).as_deref(),
    )
}

/// [`history_entry_id`] of an entry whose `before` and `after` are given as their compact JSON
/// text (`Value::to_string`), as a writer stores them: the same id without serialising twice.
#[allow(clippy::too_many_arguments)]
pub(crate) fn history_entry_id_of_texts(
    record_id: &str,
    kind: &str,
    action: &str,
    at: &str,
    author: &str,
    device: &str,
    clock: &str,
    before: Option<&str>,
    after: Option<&str>,
) -> String {
    use std::io::Write;
    let mut hasher = HashWriter(Sha256::new());
    let mut write = || -> std::io::Result<()> {
        hasher.write_all(b"[")?;
        for part in [record_id, kind, action, at, author, device, clock] {
            serde_json::to_writer(&mut hasher, part)?;
            hasher.write_all(b",")?;
        }
        hasher.write_all(before.unwrap_or("null").as_bytes())?;
        hasher.write_all(b",")?;
        hasher.write_all(after.unwrap_or("null").as_bytes())?;
        hasher.write_all(b"]")
    };
    if write().is_err() {
        unreachable!("writing strings into a hash cannot fail");
    }
    super::hex(&hasher.0.finalize()[..16])
}

/// An `io::Write` that feeds a SHA-256.
struct HashWriter(Sha256);

impl std::io::Write for HashWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Gives every history row without an id (rows written before ids existed) its id.
pub(crate) fn fill_entry_ids(tx: &Transaction<'_>) -> Result<()> {
    let rows: Vec<(i64, HistoryRow)> = {
        let mut stmt = tx.prepare(
            "SELECT seq, record_id, kind, action, at, author, device, clock, before, after
               FROM history WHERE entry_id IS NULL",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, read_row(r, 1, None)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let mut update = tx.prepare("UPDATE history SET entry_id = ?2 WHERE seq = ?1")?;
    for (seq, row) in rows {
        update.execute(rusqlite::params![seq, row.content_id()])?;
    }
    Ok(())
}

/// Reads a row from columns `record_id, kind, action, at, author, device, clock, before,
/// after` starting at `first`; the id from column `id_col`, or from the content without one.
fn read_row(
    r: &rusqlite::Row<'_>,
    first: usize,
    id_col: Option<usize>,
) -> rusqlite::Result<HistoryRow> {
    let parse = |t: Option<String>| t.and_then(|t| serde_json::from_str::<Value>(&t).ok());
    let mut row = HistoryRow {
        id: String::new(),
        record_id: r.get(first)?,
        kind: r.get(first + 1)?,
        action: r.get(first + 2)?,
        at: r.get(first + 3)?,
        author: r.get(first + 4)?,
        device: r.get(first + 5)?,
        clock: r.get(first + 6)?,
        before: parse(r.get(first + 7)?),
        after: parse(r.get(first + 8)?),
    };
    let stored: Option<String> = match id_col {
        Some(col) => r.get(col)?,
        None => None,
    };
    row.id = stored.unwrap_or_else(|| row.content_id());
    Ok(row)
}

/// The history entries of chosen records as an export writes them: each entry's JSON (a
/// [`HistoryRow`] serialised) in record and time order, with `before` and `after` the JSON text
/// the database holds — never parsed into values and written again, which was two fifths of an
/// export. A reader parses exactly the [`HistoryRow`] it would have: the stored text is
/// `serde_json`'s compact form of the value, and the reader hashes the value it parses, so
/// every entry's id holds.
#[derive(Debug, Default)]
pub struct HistoryJson {
    /// Every entry's record id, time and JSON, one after the other.
    arena: Vec<u8>,
    /// Where each entry's parts lie in the arena, in order.
    entries: Vec<EntrySpan>,
}

/// Where one entry's record id, time and JSON lie in [`HistoryJson::arena`].
#[derive(Debug)]
struct EntrySpan {
    record_id: std::ops::Range<usize>,
    at: std::ops::Range<usize>,
    json: std::ops::Range<usize>,
}

impl HistoryJson {
    /// Each entry's JSON, in record and time order.
    pub fn entries(&self) -> Vec<&[u8]> {
        self.entries
            .iter()
            .map(|e| &self.arena[e.json.clone()])
            .collect()
    }
}

/// A [`HistoryRow`] as written, borrowing its parts from the database row.
#[derive(Serialize)]
struct EntryOut<'a> {
    id: &'a str,
    record_id: &'a str,
    kind: &'a str,
    action: &'a str,
    at: &'a str,
    author: &'a str,
    device: &'a str,
    clock: &'a str,
    before: Option<&'a RawValue>,
    after: Option<&'a RawValue>,
}

/// Where the history entries read from the database go: parsed rows, or their JSON.
trait EntrySink {
    /// Reads columns `record_id, kind, action, at, author, device, clock, before, after`
    /// starting at `first`; the id from column `id_col`, or from the content without one.
    fn push(&mut self, r: &rusqlite::Row<'_>, first: usize, id_col: Option<usize>) -> Result<()>;
    /// Puts the entries in record and time order (keeping the order read among equals).
    fn sort(&mut self);
}

impl EntrySink for Vec<HistoryRow> {
    fn push(&mut self, r: &rusqlite::Row<'_>, first: usize, id_col: Option<usize>) -> Result<()> {
        Vec::push(self, read_row(r, first, id_col)?);
        Ok(())
    }

    fn sort(&mut self) {
        self.sort_by(|a, b| (&a.record_id, &a.at).cmp(&(&b.record_id, &b.at)));
    }
}

/// Stored JSON text, checked as JSON without building a value.
fn raw_json(text: Option<&str>) -> Option<&RawValue> {
    text.and_then(|t| serde_json::from_str(t).ok())
}

impl EntrySink for HistoryJson {
    fn push(&mut self, r: &rusqlite::Row<'_>, first: usize, id_col: Option<usize>) -> Result<()> {
        let text = |i: usize| -> Result<Option<&str>> {
            let value = r.get_ref(i)?;
            Ok(value.as_str_or_null().map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(i, value.data_type(), Box::new(e))
            })?)
        };
        let required = |i: usize| -> Result<&str> {
            Ok(text(i)?.ok_or(rusqlite::Error::InvalidColumnType(
                i,
                String::new(),
                rusqlite::types::Type::Null,
            ))?)
        };
        let record_id = required(first)?;
        let at = required(first + 3)?;
        let start = self.arena.len();
        let stored_id = match id_col {
            Some(col) => text(col)?,
            None => None,
        };
        match stored_id {
            Some(id) => {
                // Checked as JSON without building a value: text that is not is left out, as
                // the parsed form leaves it out.
                let entry = EntryOut {
                    id,
                    record_id,
                    kind: required(first + 1)?,
                    action: required(first + 2)?,
                    at,
                    author: required(first + 4)?,
                    device: required(first + 5)?,
                    clock: required(first + 6)?,
                    before: raw_json(text(first + 7)?),
                    after: raw_json(text(first + 8)?),
                };
                serde_json::to_writer(&mut self.arena, &entry)?;
            }
            // An entry of a database from before ids: its id comes from its parsed content.
            None => serde_json::to_writer(&mut self.arena, &read_row(r, first, None)?)?,
        }
        let json = start..self.arena.len();
        self.arena.extend_from_slice(record_id.as_bytes());
        let record_id = json.end..self.arena.len();
        self.arena.extend_from_slice(at.as_bytes());
        let at = record_id.end..self.arena.len();
        self.entries.push(EntrySpan {
            record_id,
            at,
            json,
        });
        Ok(())
    }

    fn sort(&mut self) {
        let arena = &self.arena;
        self.entries.sort_by(|a, b| {
            (&arena[a.record_id.clone()], &arena[a.at.clone()])
                .cmp(&(&arena[b.record_id.clone()], &arena[b.at.clone()]))
        });
    }
}

/// The schema version that gave history entries their ids and kept travelled ones apart.
const HISTORY_IDS_SCHEMA: i64 = 6;

/// Past this many records, [`rows_of`] reads the whole history once instead of per record.
const MANY_RECORDS: usize = 256;

/// Every history entry of the records `ids` (this laptop's and those that travelled here), in
/// record and time order: what a bundle of those records carries. `conn` may be a colleague's
/// database of schema `version` (entries without ids, and no travelled entries, before 6).
pub fn rows_of(conn: &Connection, version: i64, ids: &HashSet<&str>) -> Result<Vec<HistoryRow>> {
    let mut rows = Vec::new();
    entries_of(conn, version, ids, &mut rows)?;
    Ok(rows)
}

/// [`rows_of`] into either form of the entries.
fn entries_of(
    conn: &Connection,
    version: i64,
    ids: &HashSet<&str>,
    out: &mut impl EntrySink,
) -> Result<()> {
    const COLUMNS: &str = "record_id, kind, action, at, author, device, clock, before, after";
    let with_ids = version >= HISTORY_IDS_SCHEMA;
    let mut sqls = vec![if with_ids {
        format!("SELECT {COLUMNS}, entry_id FROM history WHERE record_id = ?1 ORDER BY seq")
    } else {
        format!("SELECT {COLUMNS} FROM history WHERE record_id = ?1 ORDER BY seq")
    }];
    if with_ids {
        sqls.push(format!(
            "SELECT {COLUMNS}, entry_id FROM history_travelled WHERE record_id = ?1 ORDER BY at"
        ));
    }
    let mut ordered: Vec<&str> = ids.iter().copied().collect();
    ordered.sort_unstable();
    let id_col = with_ids.then_some(9);
    for sql in &sqls {
        if ordered.len() > MANY_RECORDS {
            // One pass over the table beats a query per record (an export of everything).
            let scan = sql.replace("WHERE record_id = ?1 ", "");
            let mut stmt = conn.prepare(&scan)?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let record_id = r.get_ref(0)?.as_str_or_null().ok().flatten();
                if record_id.is_some_and(|id| ids.contains(id)) {
                    out.push(r, 0, id_col)?;
                }
            }
            continue;
        }
        let mut stmt = conn.prepare_cached(sql)?;
        for id in &ordered {
            let mut rows = stmt.query([id])?;
            while let Some(r) = rows.next()? {
                out.push(r, 0, id_col)?;
            }
        }
    }
    out.sort();
    Ok(())
}

/// An entry's `before` and `after` as the compact JSON text the history stores.
pub type EntryTexts = (Option<String>, Option<String>);

/// The texts of `row`'s `before` and `after`.
pub fn entry_texts(row: &HistoryRow) -> EntryTexts {
    (
        row.before.as_ref().map(Value::to_string),
        row.after.as_ref().map(Value::to_string),
    )
}

/// Stores entries that arrived from elsewhere, each once: an entry whose id this laptop holds
/// already (its own, or one that travelled here before) is left out. `texts` are the entries'
/// [`entry_texts`], when already made (a bundle's were, as its ids were checked), in order.
/// Returns how many were new.
pub fn insert_travelled(
    tx: &Transaction<'_>,
    rows: &[HistoryRow],
    texts: Option<&[EntryTexts]>,
) -> Result<usize> {
    let mut insert = tx.prepare_cached(
        "INSERT OR IGNORE INTO history_travelled
           (entry_id, record_id, kind, action, at, author, device, clock, before, after)
         SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10
          WHERE NOT EXISTS (SELECT 1 FROM history WHERE entry_id = ?1)",
    )?;
    let mut added = 0;
    for (i, row) in rows.iter().enumerate() {
        let made;
        let (before, after) = match texts.and_then(|t| t.get(i)) {
            Some(texts) => texts,
            None => {
                made = entry_texts(row);
                &made
            }
        };
        added += insert.execute(rusqlite::params![
            row.id,
            row.record_id,
            row.kind,
            row.action,
            row.at,
            row.author,
            row.device,
            row.clock,
            before,
            after,
        ])?;
    }
    Ok(added)
}

impl Store {
    /// Every history entry of the records `ids`, as a bundle of them carries it.
    pub fn history_rows(&self, ids: &HashSet<&str>) -> Result<Vec<HistoryRow>> {
        rows_of(self.conn(), super::SCHEMA_VERSION, ids)
    }

    /// [`Store::history_rows`] as an export writes them (see [`HistoryJson`]).
    pub fn history_json(&self, ids: &HashSet<&str>) -> Result<HistoryJson> {
        let mut out = HistoryJson::default();
        entries_of(self.conn(), super::SCHEMA_VERSION, ids, &mut out)?;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_entry_id_depends_on_every_part_of_its_content() {
        let row = HistoryRow {
            id: String::new(),
            record_id: "r".into(),
            kind: "finding".into(),
            action: "update".into(),
            at: "2026-12-01T08:00:00.000Z".into(),
            author: "王敏".into(),
            device: "d".into(),
            clock: "c".into(),
            before: Some(json!({"deadline": "2026-12-31"})),
            after: Some(json!({"deadline": "2027-01-15"})),
        };
        let id = row.content_id();
        assert_eq!(id.len(), 32);
        assert_eq!(id, row.clone().content_id(), "stable");
        let mut other = row.clone();
        other.after = Some(json!({"deadline": "2027-01-16"}));
        assert_ne!(other.content_id(), id);
        let mut other = row;
        other.author = "李强".into();
        assert_ne!(other.content_id(), id);
    }

    /// Ids already stored on every laptop were the hash of `json!([...]).to_string()`: the
    /// streamed hash must give exactly those.
    #[test]
    fn an_entry_id_is_the_hash_of_the_compact_json_array_of_its_content() {
        let before =
            json!({"title": "消防通道\"堵塞\"", "topics": ["a", "b"], "n": 1.5, "x": null});
        let content = json!([
            "r",
            "finding",
            "merge",
            "2026-12-01T08:00:00.000Z",
            "王敏",
            "d",
            "c",
            before,
            null
        ]);
        let expected = crate::store::hex(&Sha256::digest(content.to_string().as_bytes())[..16]);
        let of_texts = history_entry_id_of_texts(
            "r",
            "finding",
            "merge",
            "2026-12-01T08:00:00.000Z",
            "王敏",
            "d",
            "c",
            Some(&before.to_string()),
            None,
        );
        assert_eq!(of_texts, expected);
        let id = history_entry_id(
            "r",
            "finding",
            "merge",
            "2026-12-01T08:00:00.000Z",
            "王敏",
            "d",
            "c",
            Some(&before),
            None,
        );
        assert_eq!(id, expected);
    }
}
