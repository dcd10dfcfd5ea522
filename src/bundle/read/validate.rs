//! Checking one incoming record: its kind, id, dates and values, before anything is merged.

use super::Incoming;
use crate::bundle::error::{BundleError, Detail, Result};
use crate::bundle::format::BundleRecord;
use crate::model::{
    Finding, MAX_CLOCK_AHEAD_MS, Subject, Topic, ValidationError, Visit, builtin_topics,
};
use crate::store::{DELETED_FIELD, RecordKind, StoredRecord};
use serde_json::Value;
use std::collections::HashSet;
use std::path::Path;

/// Cross-field rules a merge may legitimately break (each side's fields come from different
/// edits), so they are not held against incoming records; every other rule is.
fn is_cross_field(err: &ValidationError) -> bool {
    matches!(
        err,
        ValidationError::CloseNeedsVerifier
            | ValidationError::CloseNeedsDate
            | ValidationError::EndBeforeStart
            | ValidationError::FewerPeopleThanInterviewees { .. }
    )
}

/// Fields added to a kind after format version 1 was first written: (kind, field, value as
/// JSON) for a record that lacks it. A bundle from an older Zoufang has neither the field nor
/// its clock: it gets the value with the origin clock, exactly what the migration gave the
/// records already in a database, so any real edit wins over it.
const LATER_FIELDS: &[(RecordKind, &str, &str)] = &[
    (RecordKind::Visit, "interviewees", "[]"),
    (RecordKind::Finding, "response_id", "null"),
    (RecordKind::Finding, "question", "null"),
];

fn add_later_fields(rec: &mut StoredRecord) {
    for (kind, field, value) in LATER_FIELDS {
        if rec.kind == *kind
            && !rec.data.contains_key(*field)
            && !rec.clocks.contains_key(*field)
            && let Ok(value) = serde_json::from_str::<Value>(value)
        {
            rec.data.insert((*field).to_owned(), value);
            rec.clocks
                .insert((*field).to_owned(), crate::model::Hlc::origin());
        }
    }
}

/// Checks one incoming record by reading it as its typed kind, and normalises its data.
pub(crate) fn validate(kind: RecordKind, record: BundleRecord, path: &Path) -> Result<Incoming> {
    let (mut rec, base) = record.into_stored(kind);
    add_later_fields(&mut rec);
    let bad = |detail: Detail| BundleError::BadRecord {
        kind: kind.table(),
        id: rec.id.chars().take(60).collect(),
        detail,
        path: path.to_owned(),
    };
    let known: HashSet<&str> = kind
        .columns()
        .iter()
        .map(|(c, _)| *c)
        .chain([DELETED_FIELD])
        .collect();
    let element_clock = |k: &String| crate::store::sets::valid_element_key(kind, k);
    if let Some(field) = rec
        .clocks
        .keys()
        .filter(|k| !element_clock(k))
        .chain(base.keys())
        .chain(rec.data.keys())
        .find(|k| !known.contains(k.as_str()))
    {
        let field: String = field.chars().take(40).collect();
        return Err(bad(Detail::new(
            format!("未知字段 {field}"),
            format!("unknown field {field}"),
        )));
    }
    // Every field carries its clock (a tombstone too): merging compares nothing else.
    if let Some((field, _)) = kind
        .columns()
        .iter()
        .find(|(c, _)| !rec.clocks.contains_key(*c))
    {
        return Err(bad(Detail::new(
            format!("字段 {field} 缺少时钟"),
            format!("no clock for {field}"),
        )));
    }
    if rec.meta.deleted_at.is_some() && !rec.clocks.contains_key(DELETED_FIELD) {
        return Err(bad(Detail::new(
            "删除标记（deleted_at）缺少时钟",
            "no clock for deleted_at",
        )));
    }
    fn typed<R: crate::store::Record>(rec: &StoredRecord) -> Result<StoredRecord, Detail> {
        let typed: R = rec.to_record().map_err(|e| Detail::of(&e))?;
        if let Err(e) = typed.check()
            && !is_cross_field(&e)
        {
            return Err(Detail::of(&e));
        }
        let mut out = StoredRecord::from_record(&typed).map_err(|e| Detail::of(&e))?;
        out.clocks = rec.clocks.clone();
        out.meta = rec.meta.clone();
        Ok(out)
    }
    let normalised = match kind {
        RecordKind::Topic => typed::<Topic>(&rec),
        RecordKind::Subject => typed::<Subject>(&rec),
        RecordKind::Visit => typed::<Visit>(&rec),
        RecordKind::Finding => typed::<Finding>(&rec),
        RecordKind::Attachment => typed::<crate::model::Attachment>(&rec),
        RecordKind::Form => typed::<crate::model::Form>(&rec),
        RecordKind::Response => typed::<crate::model::Response>(&rec),
        RecordKind::Answer => typed::<crate::model::AnswerRecord>(&rec),
    }
    .map_err(bad)?;
    if normalised.id != rec.id {
        return Err(bad(Detail::new(
            "编号不是规范格式",
            "id not in canonical form",
        )));
    }
    // The built-in catalogue is the same everywhere and immutable to merges: a bundle that
    // edits or deletes one of its topics is refused (no laptop can make such a change).
    if kind == RecordKind::Topic
        && let Some(builtin) = builtin_topics()
            .into_iter()
            .find(|t| t.id.to_string() == rec.id)
    {
        if StoredRecord::from_record(&builtin)?.data != normalised.data {
            return Err(bad(Detail::new(
                "内置专题（built-in）不能修改",
                "built-in topics cannot be changed",
            )));
        }
        if normalised.meta.deleted_at.is_some() {
            return Err(bad(Detail::new(
                "内置专题（built-in）不能删除",
                "built-in topics cannot be deleted",
            )));
        }
    }
    let limit = chrono::Utc::now().timestamp_millis() + MAX_CLOCK_AHEAD_MS;
    if let Some(clock) = normalised.clocks.values().find(|c| c.millis > limit) {
        return Err(BundleError::FutureClock {
            when: clock.time_text(),
            path: path.to_owned(),
        });
    }
    if let Some((field, clock)) = normalised
        .clocks
        .iter()
        .find(|(_, c)| c.counter > crate::model::MAX_COUNTER)
    {
        let max = crate::model::MAX_COUNTER;
        return Err(bad(Detail::new(
            format!(
                "字段 {field} 的时钟计数器（counter）为 {}，最大为 {max}",
                clock.counter
            ),
            format!(
                "the clock of {field} has a counter of {} (at most {max})",
                clock.counter
            ),
        )));
    }
    Ok(Incoming {
        rec: normalised,
        base,
    })
}
