//! The bundle layer's own tables: the import log and the conflicts kept for review (their SQL
//! lives in the store, `store/import_log.rs`).

use super::error::{BundleError, Result};
use crate::store::Store;
pub use crate::store::{ConflictEntry, ImportLogEntry};
use serde_json::Value;

/// Every import applied to this database, oldest first.
pub fn import_log(store: &Store) -> Result<Vec<ImportLogEntry>> {
    Ok(store.import_log()?)
}

/// The conflicts to review (with `all`, the reviewed ones too), oldest first.
pub fn conflicts(store: &Store, all: bool) -> Result<Vec<ConflictEntry>> {
    Ok(store.conflicts(all)?)
}

/// Marks a conflict reviewed by the store's author; false if it already was.
pub fn mark_reviewed(store: &Store, seq: i64) -> Result<bool> {
    if !store.conflict_exists(seq)? {
        return Err(BundleError::NoSuchConflict(seq));
    }
    let author = if store.author().is_empty() {
        "?"
    } else {
        store.author()
    };
    Ok(store.mark_conflict_reviewed(seq, author)?)
}

/// A conflicting value as a person reads it: empty values say so, and the tombstone reads as
/// deleted (with when) or not.
pub fn value_text(field: &str, value: &Value, lang: crate::i18n::Lang) -> String {
    if field == crate::store::DELETED_FIELD {
        return match value
            .as_i64()
            .and_then(chrono::DateTime::from_timestamp_millis)
        {
            Some(at) => {
                let at = at
                    .with_timezone(&chrono::Local)
                    .format("%Y-%m-%d %H:%M")
                    .to_string();
                match lang {
                    crate::i18n::Lang::Zh => format!("已删除（{at}）"),
                    crate::i18n::Lang::En => format!("deleted ({at})"),
                }
            }
            None => lang
                .pick(
                    "未删除（删除后又有修改）",
                    "not deleted (edited after the delete)",
                )
                .to_owned(),
        };
    }
    match value {
        Value::Null => lang.pick("（空）", "(empty)").to_owned(),
        Value::String(s) if s.is_empty() => lang.pick("（空）", "(empty)").to_owned(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
