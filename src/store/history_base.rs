//! History bases: per field, the value the last change to a record replaced, read from a
//! history table (this store's, or a colleague's database read for a bundle).

use super::{DELETED_FIELD, Result, Store};
use rusqlite::Connection;
use serde_json::{Map, Value};
use std::collections::HashMap;

impl Store {
    /// [`history_base`] of the record `id` in this store.
    pub fn history_base(&self, id: &str) -> Result<Map<String, Value>> {
        history_base(self.conn(), id)
    }

    /// [`history_bases`] of every record in this store.
    pub fn history_bases(&self) -> Result<HashMap<String, Map<String, Value>>> {
        history_bases(self.conn())
    }
}

/// Per field, the value the last change to it replaced, read from the record's history
/// (creations and the record of lost versions do not count).
pub fn history_base(conn: &Connection, id: &str) -> Result<Map<String, Value>> {
    let mut stmt = conn.prepare_cached(
        "SELECT before, after FROM history
         WHERE record_id = ?1 AND before IS NOT NULL AND action <> 'conflict'
         ORDER BY seq DESC",
    )?;
    let rows = stmt.query_map([id], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?))
    })?;
    let mut base = Map::new();
    for row in rows {
        let (before, after) = row?;
        fold_change(&mut base, &before, after.as_deref());
    }
    Ok(base)
}

/// [`history_base`] of every record with a change, in one pass over the history: exporting
/// many records, one query per record cost more than all the rest. The table is read in its
/// own order (in record order, each of its rows was looked up through the index) and the few
/// changes are put in record order, newest first, here.
pub fn history_bases(conn: &Connection) -> Result<HashMap<String, Map<String, Value>>> {
    let mut stmt = conn.prepare(
        "SELECT record_id, seq, before, after FROM history
         WHERE before IS NOT NULL AND action <> 'conflict'",
    )?;
    let mut changes = stmt
        .query_map([], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, i64>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, Option<String>>(3)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    changes.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    let mut out: HashMap<String, Map<String, Value>> = HashMap::new();
    for (id, _, before, after) in changes {
        fold_change(out.entry(id).or_default(), &before, after.as_deref());
    }
    Ok(out)
}

/// Adds one change (newest first) to a base: fields it changed that no newer change did.
fn fold_change(base: &mut Map<String, Value>, before: &str, after: Option<&str>) {
    let parse = |t: &str| -> Map<String, Value> {
        match serde_json::from_str(t) {
            Ok(Value::Object(map)) => map,
            _ => Map::new(),
        }
    };
    let before = parse(before);
    let after = after.map(parse).unwrap_or_default();
    for key in before.keys().chain(after.keys()) {
        if base.contains_key(key) {
            continue;
        }
        let (b, a) = (
            snapshot_value(key, before.get(key)),
            snapshot_value(key, after.get(key)),
        );
        if b != a {
            base.insert(key.clone(), b);
        }
    }
}

/// A value of a history snapshot in the form `bundle::read::field_value` gives (the tombstone
/// as milliseconds).
pub(crate) fn snapshot_value(field: &str, value: Option<&Value>) -> Value {
    match value {
        None => Value::Null,
        Some(Value::String(t)) if field == DELETED_FIELD => chrono::DateTime::parse_from_rfc3339(t)
            .map_or(Value::Null, |t| Value::from(t.timestamp_millis())),
        Some(v) => v.clone(),
    }
}
