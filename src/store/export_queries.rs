//! The queries a bundle export runs against the store, kept here so bundle/ holds no SQL, and
//! the borrowed rows an export of everything streams its records from.

use super::record::SAME_AS_RECORD;
use super::{
    ColumnType, RecordKind, Result, Store, StoreError, StoredRecord, attachments, read_row,
    select_list,
};
use chrono::{DateTime, Utc};
use rusqlite::OptionalExtension;
use rusqlite::types::ValueRef;
use std::borrow::Cow;

impl Store {
    /// The stored size in bytes of each attachment blob named by its sha256, in the order given;
    /// fails with `MissingBlob` naming the first hash the store does not hold.
    pub fn blob_sizes(
        &self,
        hashes: impl IntoIterator<Item = String>,
    ) -> Result<Vec<(String, u64)>> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT size FROM blob WHERE sha256 = ?1")?;
        let mut out = Vec::new();
        for sha256 in hashes {
            let size: Option<i64> = stmt.query_row([&sha256], |r| r.get(0)).optional()?;
            let size = size.ok_or_else(|| StoreError::MissingBlob(sha256.clone()))?;
            out.push((sha256, u64::try_from(size).unwrap_or(0)));
        }
        Ok(out)
    }

    /// The content of the attachment blob with this SHA-256, checked against its hash as it is
    /// read (`DamagedBlob` when it does not match); `None` when the store does not hold it.
    pub fn read_blob(&self, sha256: &str) -> Result<Option<Vec<u8>>> {
        attachments::read_blob(self.conn(), sha256)
    }

    /// Every record of `kind`, live and in the Trash, in id order.
    pub fn all_records(&self, kind: RecordKind) -> Result<Vec<StoredRecord>> {
        let sql = format!(
            "SELECT {} FROM {} t ORDER BY t.id",
            select_list(kind, "t"),
            kind.table()
        );
        let mut stmt = self.conn().prepare(&sql)?;
        let rows = stmt.query_map([], |row| Ok(read_row(kind, row, 0)))?;
        let mut records = Vec::new();
        for row in rows {
            records.push(row??);
        }
        Ok(records)
    }

    /// The findings of the visit `visit_id`, live and in the Trash, in id order.
    pub fn finding_records_of_visit(&self, visit_id: &str) -> Result<Vec<StoredRecord>> {
        let sql = format!(
            "SELECT {} FROM finding t WHERE t.visit_id = ?1 ORDER BY t.id",
            select_list(RecordKind::Finding, "t")
        );
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let rows = stmt.query_map([visit_id], |row| Ok(read_row(RecordKind::Finding, row, 0)))?;
        let mut records = Vec::new();
        for row in rows {
            records.push(row??);
        }
        Ok(records)
    }
}

/// A column of a record row as the database holds it, borrowed for the time of one row: what
/// [`read_row`] would turn into a JSON value, before it does.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum StoredValue<'a> {
    /// SQL `NULL` (and a blob, which no record column holds).
    Null,
    /// An integer column.
    Int(i64),
    /// A real number.
    Real(f64),
    /// A yes/no column.
    Bool(bool),
    /// A text column.
    Text(&'a str),
    /// A list or object column, as JSON text.
    Json(&'a str),
}

/// A field clock as the database keeps it.
#[derive(Clone, Debug, PartialEq)]
pub enum StoredStamp<'a> {
    /// The same as the record's clock (stored as a mark, not repeated).
    SameAsRecord,
    /// Its own stamp, in text form.
    Stamp(Cow<'a, str>),
}

/// One row of a record table while [`Store::for_each_row`] streams the table: its columns are
/// read as they are needed, nothing is built for the record as a whole.
pub struct StoredRow<'a> {
    kind: RecordKind,
    row: &'a rusqlite::Row<'a>,
}

impl<'a> StoredRow<'a> {
    /// The index of the first bookkeeping column (after id and data, see [`select_list`]).
    fn meta_column(&self) -> usize {
        1 + self.kind.columns().len()
    }

    /// The text in column `i`, `None` for `NULL`; any other type is an error, as [`read_row`]
    /// makes it.
    fn text_at(&self, i: usize) -> Result<Option<&'a str>> {
        let value = self.row.get_ref(i)?;
        value.as_str_or_null().map_err(|e| {
            StoreError::from(rusqlite::Error::FromSqlConversionFailure(
                i,
                value.data_type(),
                Box::new(e),
            ))
        })
    }

    /// Non-`NULL` text in column `i`.
    fn required_text_at(&self, i: usize) -> Result<&'a str> {
        self.text_at(i)?.ok_or_else(|| {
            StoreError::from(rusqlite::Error::InvalidColumnType(
                i,
                String::new(),
                rusqlite::types::Type::Null,
            ))
        })
    }

    /// A time column, `None` when empty or not a time (as [`read_row`] reads it).
    fn time_at(&self, i: usize) -> Result<Option<DateTime<Utc>>> {
        Ok(self
            .text_at(i)?
            .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
            .map(|t| t.with_timezone(&Utc)))
    }

    /// The record's id.
    pub fn id(&self) -> Result<&'a str> {
        self.required_text_at(0)
    }

    /// The data column `i` (an index into the kind's [`RecordKind::columns`]).
    pub fn column(&self, i: usize) -> Result<StoredValue<'a>> {
        let ty = self.kind.columns()[i].1;
        Ok(match (self.row.get_ref(1 + i)?, ty) {
            (ValueRef::Integer(n), ColumnType::Bool) => StoredValue::Bool(n != 0),
            (ValueRef::Integer(n), _) => StoredValue::Int(n),
            (ValueRef::Real(f), _) => StoredValue::Real(f),
            (ValueRef::Text(_), ColumnType::Json) => {
                StoredValue::Json(self.required_text_at(1 + i)?)
            }
            (ValueRef::Text(_), _) => StoredValue::Text(self.required_text_at(1 + i)?),
            (ValueRef::Null | ValueRef::Blob(_), _) => StoredValue::Null,
        })
    }

    /// When it was made.
    pub fn created_at(&self) -> Result<Option<DateTime<Utc>>> {
        self.time_at(self.meta_column())
    }

    /// When it was last changed.
    pub fn updated_at(&self) -> Result<Option<DateTime<Utc>>> {
        self.time_at(self.meta_column() + 1)
    }

    /// Who changed it last.
    pub fn updated_by(&self) -> Result<&'a str> {
        self.required_text_at(self.meta_column() + 2)
    }

    /// The record's clock, in the text form it is stored in.
    pub fn clock(&self) -> Result<&'a str> {
        self.required_text_at(self.meta_column() + 3)
    }

    /// The field (and element) clocks by key, in key order, as stored: most of them the mark
    /// for "the record's clock". Read in one pass, borrowed from the row unless a key holds an
    /// escape (an element key does).
    pub fn stamps(&self) -> Result<Vec<(Cow<'a, str>, StoredStamp<'a>)>> {
        let text = self.required_text_at(self.meta_column() + 4)?;
        let mut de = serde_json::Deserializer::from_str(text);
        let stamps = serde::Deserializer::deserialize_map(&mut de, StampsVisitor)?;
        de.end()?;
        Ok(stamps)
    }

    /// Its tombstone.
    pub fn deleted_at(&self) -> Result<Option<DateTime<Utc>>> {
        self.time_at(self.meta_column() + 5)
    }

    /// The whole record, read as [`Store::all_records`] reads it.
    pub fn to_stored(&self) -> Result<StoredRecord> {
        read_row(self.kind, self.row, 0)
    }
}

impl Store {
    /// Calls `each` with every row of `kind`'s table, live and in the Trash, in id order (the
    /// order of [`Store::all_records`]), without building the records: an export of
    /// everything writes each one straight from its row.
    pub fn for_each_row<E: From<StoreError>>(
        &self,
        kind: RecordKind,
        mut each: impl FnMut(&StoredRow<'_>) -> std::result::Result<(), E>,
    ) -> std::result::Result<(), E> {
        let sql = format!(
            "SELECT {} FROM {} t ORDER BY t.id",
            select_list(kind, "t"),
            kind.table()
        );
        let mut stmt = self.conn().prepare(&sql).map_err(StoreError::from)?;
        let mut rows = stmt.query([]).map_err(StoreError::from)?;
        while let Some(row) = rows.next().map_err(StoreError::from)? {
            each(&StoredRow { kind, row })?;
        }
        Ok(())
    }

    /// How many records of `kind` the database holds, live and in the Trash.
    pub fn record_count(&self, kind: RecordKind) -> Result<u64> {
        let sql = format!("SELECT count(*) FROM {}", kind.table());
        let n: i64 = self.conn().query_row(&sql, [], |r| r.get(0))?;
        Ok(u64::try_from(n).unwrap_or(0))
    }
}

/// Text borrowed from the input when it holds no escape.
#[derive(serde::Deserialize)]
struct MaybeBorrowed<'a>(#[serde(borrow)] Cow<'a, str>);

/// Reads a stored clock map into its entries in key order, as a map of it would hold them.
struct StampsVisitor;

impl<'de> serde::de::Visitor<'de> for StampsVisitor {
    type Value = Vec<(Cow<'de, str>, StoredStamp<'de>)>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a map of clocks")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        let mut out = Vec::with_capacity(map.size_hint().unwrap_or(24));
        while let Some((key, stamp)) = map.next_entry::<MaybeBorrowed<'de>, MaybeBorrowed<'de>>()? {
            let stamp = if stamp.0 == SAME_AS_RECORD {
                StoredStamp::SameAsRecord
            } else {
                StoredStamp::Stamp(stamp.0)
            };
            out.push((key.0, stamp));
        }
        // Written from a sorted map, so in order; should it not be, order it as a map would
        // (the last of equal keys kept).
        if !out.windows(2).all(|w| w[0].0 < w[1].0) {
            out.reverse();
            out.sort_by(|a, b| a.0.cmp(&b.0));
            out.dedup_by(|later, kept| later.0 == kept.0);
        }
        Ok(out)
    }
}
