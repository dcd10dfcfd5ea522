//! The generic side of synced records: how each kind maps to its table, how a typed record
//! becomes a row and back, and how a local edit is stamped field by field and written to history.

use super::error::{Result, StoreError};
use crate::model::{
    AnswerRecord, Attachment, Finding, Form, Hlc, RecordMeta, Response, Subject, Topic,
    ValidationError, Visit,
};
use chrono::{DateTime, Utc};
use rusqlite::types::{ToSqlOutput, Value as SqlValue, ValueRef};
use rusqlite::{OptionalExtension, Transaction, params_from_iter};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// How a field is kept in its column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnType {
    /// Text, or NULL for `None`.
    Text,
    /// An integer.
    Int,
    /// 0 or 1.
    Bool,
    /// A JSON array or object, kept as text.
    Json,
}

/// The kinds of record that travel between laptops.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum RecordKind {
    /// A topic of the catalogue.
    Topic,
    /// A research subject.
    Subject,
    /// A visit.
    Visit,
    /// One version of a form (its workbook's bytes are a blob).
    Form,
    /// A filled form on a visit.
    Response,
    /// One answer of a response.
    Answer,
    /// A finding.
    Finding,
    /// A photo or document on a visit or finding (its metadata; the bytes are a blob).
    Attachment,
}

impl RecordKind {
    /// Every kind, parents before children (the order imports apply them in).
    pub const ALL: [RecordKind; 8] = [
        RecordKind::Topic,
        RecordKind::Subject,
        RecordKind::Visit,
        RecordKind::Form,
        RecordKind::Response,
        RecordKind::Answer,
        RecordKind::Finding,
        RecordKind::Attachment,
    ];

    /// Its table, which is also its code in files.
    pub fn table(self) -> &'static str {
        match self {
            RecordKind::Topic => "topic",
            RecordKind::Subject => "subject",
            RecordKind::Visit => "visit",
            RecordKind::Finding => "finding",
            RecordKind::Attachment => "attachment",
            RecordKind::Form => "form",
            RecordKind::Response => "response",
            RecordKind::Answer => "answer",
        }
    }

    /// The field holding the SHA-256 of content kept as a blob (an attachment's bytes, a
    /// form's workbook), which travels with the record.
    pub fn blob_field(self) -> Option<&'static str> {
        match self {
            RecordKind::Attachment => Some("sha256"),
            RecordKind::Form => Some("workbook"),
            _ => None,
        }
    }

    /// The form records' fields that name another record, with its kind (the older kinds'
    /// references are checked where they always were).
    pub fn form_references(self) -> &'static [(&'static str, RecordKind)] {
        match self {
            RecordKind::Form => &[("subject_id", RecordKind::Subject)],
            RecordKind::Response => &[("form", RecordKind::Form), ("visit_id", RecordKind::Visit)],
            RecordKind::Answer => &[("response_id", RecordKind::Response)],
            RecordKind::Finding => &[("response_id", RecordKind::Response)],
            _ => &[],
        }
    }

    /// Whether the record's `topics` field holds topic ids (a form's holds the codes or names
    /// its workbook gives).
    pub fn has_topic_ids(self) -> bool {
        matches!(self, RecordKind::Subject | RecordKind::Finding)
    }

    /// The kind whose table is `code`.
    pub fn from_code(code: &str) -> Option<RecordKind> {
        RecordKind::ALL.into_iter().find(|k| k.table() == code)
    }

    /// The data columns (without id and bookkeeping), in table order.
    pub fn columns(self) -> &'static [(&'static str, ColumnType)] {
        use ColumnType::*;
        match self {
            RecordKind::Topic => &[
                ("code", Text),
                ("name_zh", Text),
                ("name_en", Text),
                ("parent_id", Text),
                ("archived", Bool),
            ],
            RecordKind::Subject => &[
                ("title", Text),
                ("lead", Text),
                ("unit", Text),
                ("start_date", Text),
                ("end_date", Text),
                ("topics", Json),
                ("notes", Text),
            ],
            RecordKind::Visit => &[
                ("date", Text),
                ("place", Text),
                ("region", Text),
                ("investigators", Json),
                ("people_met", Int),
                ("unannounced", Bool),
                ("subject_id", Text),
                ("notes", Text),
                ("interviewees", Json),
            ],
            RecordKind::Finding => &[
                ("visit_id", Text),
                ("kind", Text),
                ("title", Text),
                ("detail", Text),
                ("topics", Json),
                ("people_affected", Int),
                ("category", Text),
                ("measures", Text),
                ("target", Text),
                ("deadline", Text),
                ("owner", Text),
                ("owner_unit", Text),
                ("status", Text),
                ("closed_on", Text),
                ("verified_by", Text),
                ("close_note", Text),
                ("response_id", Text),
                ("question", Text),
            ],
            RecordKind::Attachment => &[
                ("owner_kind", Text),
                ("owner_id", Text),
                ("name", Text),
                ("mime", Text),
                ("size_bytes", Int),
                ("sha256", Text),
                ("evidence", Bool),
                ("added_by", Text),
            ],
            RecordKind::Form => &[
                ("form_id", Text),
                ("version", Text),
                ("title", Text),
                ("definition", Json),
                ("languages", Json),
                ("topics", Json),
                ("subject_id", Text),
                ("workbook", Text),
                ("archived", Bool),
            ],
            RecordKind::Response => &[("form", Text), ("visit_id", Text), ("complete", Bool)],
            RecordKind::Answer => &[("response_id", Text), ("path", Text), ("value", Text)],
        }
    }
}

/// The name of the clock entry that stamps the tombstone (delete or restore).
pub const DELETED_FIELD: &str = "deleted_at";

/// A typed record the store can keep.
pub trait Record: Serialize + DeserializeOwned + Clone {
    /// Its kind.
    const KIND: RecordKind;
    /// Its id as text.
    fn id_text(&self) -> String;
    /// Its bookkeeping.
    fn meta(&self) -> &RecordMeta;
    /// Its bookkeeping, to fill in after a read.
    fn meta_mut(&mut self) -> &mut RecordMeta;
    /// The checks that need no database.
    fn check(&self) -> Result<(), ValidationError>;
}

macro_rules! impl_record {
    ($ty:ty, $kind:expr) => {
        impl Record for $ty {
            const KIND: RecordKind = $kind;
            fn id_text(&self) -> String {
                self.id.to_string()
            }
            fn meta(&self) -> &RecordMeta {
                &self.meta
            }
            fn meta_mut(&mut self) -> &mut RecordMeta {
                &mut self.meta
            }
            fn check(&self) -> Result<(), ValidationError> {
                self.validate()
            }
        }
    };
}

impl_record!(Topic, RecordKind::Topic);
impl_record!(Subject, RecordKind::Subject);
impl_record!(Visit, RecordKind::Visit);
impl_record!(Finding, RecordKind::Finding);
impl_record!(Attachment, RecordKind::Attachment);
impl_record!(Form, RecordKind::Form);
impl_record!(Response, RecordKind::Response);
impl_record!(AnswerRecord, RecordKind::Answer);

/// A record as stored: its data fields as JSON, the clock of each field, and its bookkeeping.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredRecord {
    /// Its kind.
    pub kind: RecordKind,
    /// Its id.
    pub id: String,
    /// The data fields (without id).
    pub data: Map<String, Value>,
    /// The clock of the last change to each field (and to the tombstone).
    pub clocks: BTreeMap<String, Hlc>,
    /// Bookkeeping.
    pub meta: RecordMeta,
}

impl StoredRecord {
    /// Turns a typed record into its stored form (clocks empty).
    pub fn from_record<R: Record>(record: &R) -> Result<StoredRecord> {
        let Value::Object(mut data) = serde_json::to_value(record)? else {
            return Err(StoreError::Json(serde::ser::Error::custom(
                "record is not an object",
            )));
        };
        data.remove("id");
        Ok(StoredRecord {
            kind: R::KIND,
            id: record.id_text(),
            data,
            clocks: BTreeMap::new(),
            meta: record.meta().clone(),
        })
    }

    /// Turns the stored form back into a typed record.
    pub fn to_record<R: Record>(&self) -> Result<R> {
        let mut data = self.data.clone();
        data.insert("id".to_owned(), Value::String(self.id.clone()));
        let mut record: R = serde_json::from_value(Value::Object(data))?;
        *record.meta_mut() = self.meta.clone();
        Ok(record)
    }

    /// The data plus tombstone, as history keeps it.
    pub fn snapshot(&self) -> Value {
        let mut data = self.data.clone();
        if let Some(deleted) = self.meta.deleted_at {
            data.insert(
                DELETED_FIELD.to_owned(),
                Value::String(deleted.to_rfc3339()),
            );
        }
        Value::Object(data)
    }
}

/// A field's value as bound to its column (text borrowed from the record, not copied).
fn to_sql(value: &Value) -> ToSqlOutput<'_> {
    match value {
        Value::Null => ToSqlOutput::Owned(SqlValue::Null),
        Value::Bool(b) => ToSqlOutput::Owned(SqlValue::Integer(i64::from(*b))),
        Value::Number(n) => ToSqlOutput::Owned(
            n.as_i64()
                .map(SqlValue::Integer)
                .or_else(|| n.as_f64().map(SqlValue::Real))
                .unwrap_or(SqlValue::Null),
        ),
        Value::String(s) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
        other => ToSqlOutput::Owned(SqlValue::Text(other.to_string())),
    }
}

fn from_sql(value: SqlValue, ty: ColumnType) -> Result<Value> {
    Ok(match (value, ty) {
        (SqlValue::Null, _) => Value::Null,
        (SqlValue::Integer(i), ColumnType::Bool) => Value::Bool(i != 0),
        (SqlValue::Integer(i), _) => Value::from(i),
        (SqlValue::Real(f), _) => Value::from(f),
        (SqlValue::Text(s), ColumnType::Json) => serde_json::from_str(&s)?,
        (SqlValue::Text(s), _) => Value::String(s),
        (SqlValue::Blob(_), _) => Value::Null,
    })
}

fn parse_time(text: Option<String>) -> Option<DateTime<Utc>> {
    text.and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
        .map(|t| t.with_timezone(&Utc))
}

/// The columns every record table has after its data columns, in table order.
const BOOKKEEPING_COLUMNS: [&str; 6] = [
    "created_at",
    "updated_at",
    "updated_by",
    "clock",
    "clocks",
    "deleted_at",
];

/// The SELECT list that [`read_row`] expects, with the table aliased as `alias`.
pub fn select_list(kind: RecordKind, alias: &str) -> String {
    let mut cols = vec![format!("{alias}.id")];
    cols.extend(kind.columns().iter().map(|(c, _)| format!("{alias}.{c}")));
    for meta in BOOKKEEPING_COLUMNS {
        cols.push(format!("{alias}.{meta}"));
    }
    cols.join(", ")
}

/// Data columns added to a kind after the first schema: (the schema version that added it,
/// kind, column). A colleague's database of an older schema lacks them.
pub const ADDED_COLUMNS: &[(i64, RecordKind, &str)] = &[
    (3, RecordKind::Visit, "interviewees"),
    (8, RecordKind::Finding, "response_id"),
    (8, RecordKind::Finding, "question"),
];

/// Like [`select_list`], for a database of schema `version`: a column added later is selected
/// as NULL (read it with [`read_row_as_of`]).
pub fn select_list_as_of(kind: RecordKind, alias: &str, version: i64) -> String {
    let mut cols = vec![format!("{alias}.id")];
    cols.extend(kind.columns().iter().map(|(c, _)| {
        let later = ADDED_COLUMNS
            .iter()
            .any(|(v, k, col)| *k == kind && col == c && *v > version);
        if later {
            "NULL".to_owned()
        } else {
            format!("{alias}.{c}")
        }
    }));
    for meta in BOOKKEEPING_COLUMNS {
        cols.push(format!("{alias}.{meta}"));
    }
    cols.join(", ")
}

/// Reads a row selected with [`select_list_as_of`] for schema `version`: the columns that
/// schema did not have are left out of the record (a reader fills them as a migration would).
pub fn read_row_as_of(
    kind: RecordKind,
    row: &rusqlite::Row<'_>,
    version: i64,
) -> Result<StoredRecord> {
    let mut rec = read_row(kind, row, 0)?;
    for (added, added_kind, column) in ADDED_COLUMNS {
        if *added > version && *added_kind == kind {
            rec.data.remove(*column);
            rec.clocks.remove(*column);
        }
    }
    Ok(rec)
}

/// Reads a row selected with [`select_list`], starting at column `offset`.
pub fn read_row(kind: RecordKind, row: &rusqlite::Row<'_>, offset: usize) -> Result<StoredRecord> {
    let id: String = row.get(offset)?;
    let mut data = Map::new();
    let columns = kind.columns();
    for (i, (name, ty)) in columns.iter().enumerate() {
        let value: SqlValue = row.get(offset + 1 + i)?;
        data.insert((*name).to_owned(), from_sql(value, *ty)?);
    }
    let base = offset + 1 + columns.len();
    let clock_text: String = row.get(base + 3)?;
    let clocks_text: String = row.get(base + 4)?;
    let meta = RecordMeta {
        created_at: parse_time(row.get(base)?),
        updated_at: parse_time(row.get(base + 1)?),
        updated_by: row.get(base + 2)?,
        clock: clock_text.parse().ok(),
        deleted_at: parse_time(row.get(base + 5)?),
    };
    let clocks = expand_clocks(&clocks_text, meta.clock.as_ref())?;
    Ok(StoredRecord {
        kind,
        id,
        data,
        clocks,
        meta,
    })
}

/// Marks a field clock equal to the record's own clock. Most fields share it (all of them, for
/// a record never edited), so this keeps a 16-field row from carrying 16 copies of a 45-byte
/// stamp; the map keeps exactly the same keys.
pub(super) const SAME_AS_RECORD: &str = "=";

/// The stored text of a clock map: stamps equal to the record clock written as `"="`.
fn compact_clocks(clocks: &BTreeMap<String, Hlc>, record: &Hlc) -> Result<String> {
    let compact: BTreeMap<&str, String> = clocks
        .iter()
        .map(|(field, clock)| {
            let text = if clock == record {
                SAME_AS_RECORD.to_owned()
            } else {
                clock.to_string()
            };
            (field.as_str(), text)
        })
        .collect();
    Ok(serde_json::to_string(&compact)?)
}

/// Reads a clock map written by [`compact_clocks`] (or in full).
fn expand_clocks(text: &str, record: Option<&Hlc>) -> Result<BTreeMap<String, Hlc>> {
    let raw: BTreeMap<String, String> = serde_json::from_str(text)?;
    raw.into_iter()
        .map(|(field, stamp)| {
            let clock = match (stamp.as_str(), record) {
                (SAME_AS_RECORD, Some(record)) => record.clone(),
                _ => stamp.parse().map_err(|e: crate::model::BadHlc| {
                    StoreError::Json(serde::de::Error::custom(e))
                })?,
            };
            Ok((field, clock))
        })
        .collect()
}

/// Loads one record by id, live or deleted.
pub fn load(tx: &rusqlite::Connection, kind: RecordKind, id: &str) -> Result<Option<StoredRecord>> {
    let sql = format!(
        "SELECT {} FROM {} t WHERE t.id = ?1",
        select_list(kind, "t"),
        kind.table()
    );
    let mut stmt = tx.prepare_cached(&sql)?;
    let row = stmt
        .query_row([id], |row| Ok(read_row(kind, row, 0)))
        .optional()?;
    row.transpose()
}

/// Writes a stored record as it is (insert or replace its row), keeping derived tables in step.
pub fn write_row(tx: &Transaction<'_>, rec: &StoredRecord) -> Result<()> {
    write_row_unindexed(tx, rec)?;
    super::search::reindex(tx, rec)
}

/// Like [`write_row`] but leaves the search indexes to the caller, who must call
/// [`super::search::reindex`] for the record before the transaction ends. Writing many records,
/// index them after all the rows: every upsert opens a statement savepoint, and FTS5 flushes
/// its pending terms to a new segment at each savepoint once it is part of the transaction —
/// per record, that made a bulk import twenty times slower.
pub fn write_row_unindexed(tx: &Transaction<'_>, rec: &StoredRecord) -> Result<()> {
    write_row_unindexed_as(tx, rec, false)
}

/// [`write_row_unindexed`] for a record that may be `new` here (then it has no topic rows to
/// clear first: a bulk import of new findings skips a statement each).
pub fn write_row_unindexed_as(tx: &Transaction<'_>, rec: &StoredRecord, new: bool) -> Result<()> {
    let kind = rec.kind;
    let columns = kind.columns();
    let mut values: Vec<ToSqlOutput<'_>> = Vec::with_capacity(columns.len() + 7);
    values.push(ToSqlOutput::Borrowed(ValueRef::Text(rec.id.as_bytes())));
    for (name, _) in columns {
        values.push(to_sql(rec.data.get(*name).unwrap_or(&Value::Null)));
    }
    let time = |t: Option<DateTime<Utc>>| {
        ToSqlOutput::Owned(t.map_or(SqlValue::Null, |t| {
            SqlValue::Text(t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
        }))
    };
    let clock = rec
        .clocks
        .values()
        .max()
        .cloned()
        .or_else(|| rec.meta.clock.clone())
        .unwrap_or_else(Hlc::origin);
    values.push(time(rec.meta.created_at));
    values.push(time(rec.meta.updated_at));
    values.push(ToSqlOutput::Borrowed(ValueRef::Text(
        rec.meta.updated_by.as_bytes(),
    )));
    values.push(ToSqlOutput::Owned(SqlValue::Text(clock.to_string())));
    values.push(ToSqlOutput::Owned(SqlValue::Text(compact_clocks(
        &rec.clocks,
        &clock,
    )?)));
    values.push(time(rec.meta.deleted_at));
    tx.prepare_cached(upsert_sql(kind))?
        .execute(params_from_iter(values))?;
    if kind == RecordKind::Finding {
        sync_finding_topics(tx, rec, new)?;
    }
    Ok(())
}

/// The upsert of a kind's rows, made once: bulk imports write it per record.
fn upsert_sql(kind: RecordKind) -> &'static str {
    static SQL: std::sync::OnceLock<Vec<(RecordKind, String)>> = std::sync::OnceLock::new();
    let all = SQL.get_or_init(|| {
        RecordKind::ALL
            .into_iter()
            .map(|kind| {
                let all: Vec<&str> = std::iter::once("id")
                    .chain(kind.columns().iter().map(|(n, _)| *n))
                    .chain(BOOKKEEPING_COLUMNS)
                    .collect();
                let placeholders: Vec<String> = (1..=all.len()).map(|i| format!("?{i}")).collect();
                let updates: Vec<String> = all[1..]
                    .iter()
                    .map(|c| format!("{c} = excluded.{c}"))
                    .collect();
                let sql = format!(
                    "INSERT INTO {} ({}) VALUES ({}) ON CONFLICT(id) DO UPDATE SET {}",
                    kind.table(),
                    all.join(", "),
                    placeholders.join(", "),
                    updates.join(", ")
                );
                (kind, sql)
            })
            .collect()
    });
    all.iter()
        .find(|(k, _)| *k == kind)
        .map_or("", |(_, sql)| sql.as_str())
}

fn sync_finding_topics(tx: &Transaction<'_>, rec: &StoredRecord, new: bool) -> Result<()> {
    if !new {
        tx.prepare_cached("DELETE FROM finding_topic WHERE finding_id = ?1")?
            .execute([&rec.id])?;
    }
    if let Some(Value::Array(topics)) = rec.data.get("topics") {
        let mut insert = tx.prepare_cached(
            "INSERT OR IGNORE INTO finding_topic (topic_id, finding_id) VALUES (?1, ?2)",
        )?;
        for topic in topics.iter().filter_map(Value::as_str) {
            insert.execute([topic, rec.id.as_str()])?;
        }
    }
    Ok(())
}

/// What a history row says happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// Made here.
    Create,
    /// Changed here.
    Update,
    /// Moved to the Trash.
    Delete,
    /// Taken back out of the Trash.
    Restore,
    /// Changed by merging a colleague's bundle.
    Merge,
    /// A colleague's version that lost a merge (kept for review).
    Conflict,
}

impl Action {
    /// Its code in the history table.
    pub fn code(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Delete => "delete",
            Action::Restore => "restore",
            Action::Merge => "merge",
            Action::Conflict => "conflict",
        }
    }

    /// Reads a code of the history table.
    pub fn from_code(code: &str) -> Option<Action> {
        [
            Action::Create,
            Action::Update,
            Action::Delete,
            Action::Restore,
            Action::Merge,
            Action::Conflict,
        ]
        .into_iter()
        .find(|a| a.code() == code)
    }
}

/// Who writes, and the clock they stamp with.
pub struct Stamp<'a> {
    /// The author name.
    pub author: &'a str,
    /// This device's id.
    pub device: &'a str,
    /// The clock of this change.
    pub clock: &'a Hlc,
}

/// Appends one history row.
pub fn write_history(
    tx: &Transaction<'_>,
    kind: RecordKind,
    id: &str,
    action: Action,
    stamp: &Stamp<'_>,
    before: Option<&Value>,
    after: Option<&Value>,
) -> Result<()> {
    let (before, after) = (before.map(Value::to_string), after.map(Value::to_string));
    let at = Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let clock = stamp.clock.to_string();
    let entry_id = super::history_trail::history_entry_id_of_texts(
        id,
        kind.table(),
        action.code(),
        &at,
        stamp.author,
        stamp.device,
        &clock,
        before.as_deref(),
        after.as_deref(),
    );
    tx.prepare_cached(
        "INSERT INTO history
           (record_id, kind, action, at, author, device, clock, before, after, entry_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(rusqlite::params![
        id,
        kind.table(),
        action.code(),
        at,
        stamp.author,
        stamp.device,
        clock,
        before,
        after,
        entry_id,
    ])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_maps_keep_their_keys_and_stamps_when_compacted() {
        let old = Hlc::tick(None, 1_000, "aaa");
        let new = Hlc::tick(None, 2_000, "bbb");
        let clocks: BTreeMap<String, Hlc> = [
            ("title".to_owned(), new.clone()),
            ("detail".to_owned(), old.clone()),
            (DELETED_FIELD.to_owned(), new.clone()),
        ]
        .into();
        let text = compact_clocks(&clocks, &new).unwrap();
        assert_eq!(text.matches(&new.to_string()).count(), 0, "{text}");
        assert_eq!(expand_clocks(&text, Some(&new)).unwrap(), clocks);
        let full = serde_json::to_string(&clocks).unwrap();
        assert_eq!(expand_clocks(&full, Some(&new)).unwrap(), clocks);
    }
}
