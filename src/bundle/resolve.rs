//! Resolving a conflict: keep this laptop's version or the colleague's. Keeping the version
//! that lost the merge writes it again as a new local edit (with history), so it now wins on
//! every laptop the next bundle reaches; keeping the winner changes nothing. Either way the
//! conflict is marked reviewed.

use super::log::{conflicts, mark_reviewed};
use super::{BundleError, Result};
use crate::model::{Finding, Hlc, Subject, Topic, Visit};
use crate::store::{DELETED_FIELD, Record, RecordKind, Store, StoredRecord};
use serde_json::Value;

/// Which version of a conflicting field to keep.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
pub enum Keep {
    /// The version made on this laptop (when neither was: the one in the database now).
    Mine,
    /// The other version.
    Theirs,
}

/// What resolving did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum Resolution {
    /// The kept value was already in place.
    KeptAsIs,
    /// The other value was written again as a new edit.
    Rewritten,
}

fn put_with<R: Record>(
    store: &mut Store,
    mut rec: StoredRecord,
    field: &str,
    value: Value,
) -> Result<()> {
    rec.data.insert(field.to_owned(), value);
    let typed: R = rec.to_record()?;
    store.write(|w| w.put(&typed).map(|_| ()))?;
    Ok(())
}

/// Resolves conflict `seq` by keeping `keep`'s version of the field.
pub fn resolve(store: &mut Store, seq: i64, keep: Keep) -> Result<Resolution> {
    let conflict = conflicts(store, true)?
        .into_iter()
        .find(|c| c.seq == seq)
        .ok_or(BundleError::NoSuchConflict(seq))?;
    let rec = store
        .load_stored(conflict.kind, &conflict.record_id)?
        .ok_or_else(|| BundleError::NoSuchConflict(seq))?;
    let current = if conflict.field == DELETED_FIELD {
        rec.meta
            .deleted_at
            .map_or(Value::Null, |t| Value::String(t.to_rfc3339()))
    } else {
        rec.data
            .get(&conflict.field)
            .cloned()
            .unwrap_or(Value::Null)
    };
    let same_as = |value: &Value| {
        if conflict.field == DELETED_FIELD {
            current.is_null() == value.is_null()
        } else {
            &current == value
        }
    };
    let mine = |clock: &str| {
        clock.parse::<Hlc>().map(|h| h.device).unwrap_or_default() == store.device_id()
    };
    let (loser, winner) = (&conflict.loser_value, &conflict.winner_value);
    let target = match keep {
        Keep::Mine if mine(&conflict.loser_clock) => loser,
        Keep::Mine if mine(&conflict.winner_clock) => winner,
        // Neither is this laptop's: "mine" is what it holds now (a conflict listed as a
        // colleague's resolution left it, which need not be the winner of the time).
        Keep::Mine => &current,
        Keep::Theirs if mine(&conflict.loser_clock) => winner,
        Keep::Theirs if mine(&conflict.winner_clock) => loser,
        Keep::Theirs if same_as(loser) => winner,
        Keep::Theirs => loser,
    };
    let same = same_as(target);
    let resolution = if same {
        Resolution::KeptAsIs
    } else if conflict.field == DELETED_FIELD {
        let deleted = !target.is_null();
        let id = conflict.record_id.clone();
        store.write(|w| w.set_deleted(conflict.kind, &id, deleted).map(|_| ()))?;
        Resolution::Rewritten
    } else {
        let field = conflict.field.as_str();
        match conflict.kind {
            RecordKind::Visit => put_with::<Visit>(store, rec, field, target.clone())?,
            RecordKind::Finding => put_with::<Finding>(store, rec, field, target.clone())?,
            RecordKind::Subject => put_with::<Subject>(store, rec, field, target.clone())?,
            RecordKind::Topic => put_with::<Topic>(store, rec, field, target.clone())?,
            RecordKind::Attachment => {
                put_with::<crate::model::Attachment>(store, rec, field, target.clone())?;
            }
            RecordKind::Form => put_with::<crate::model::Form>(store, rec, field, target.clone())?,
            RecordKind::Response => {
                put_with::<crate::model::Response>(store, rec, field, target.clone())?;
            }
            RecordKind::Answer => {
                put_with::<crate::model::AnswerRecord>(store, rec, field, target.clone())?;
            }
        }
        Resolution::Rewritten
    };
    mark_reviewed(store, seq)?;
    Ok(resolution)
}
