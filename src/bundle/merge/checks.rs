//! Checks on a whole merge plan before it is written: ids taken by another kind, topic cycles,
//! dangling references.

use super::Planned;
use crate::bundle::error::{BundleError, Detail, Result};
use crate::bundle::read::{Incoming, Origin};
use crate::store::{RecordKind, Store};
use serde_json::Value;
use std::collections::{HashMap, HashSet};

/// An incoming record whose id belongs to a record of another kind.
pub(super) fn id_taken(incoming: &Incoming, other: RecordKind, origin: &Origin) -> BundleError {
    BundleError::BadRecord {
        kind: incoming.rec.kind.table(),
        id: incoming.rec.id.clone(),
        detail: Detail::new(
            format!(
                "该编号已属于一条{}",
                crate::store::kind_label(other.table(), crate::i18n::Lang::Zh)
            ),
            format!("the id belongs to a {}", other.table()),
        ),
        path: origin.path.clone(),
    }
}

/// Refuses a file whose topics, merged, would sit under themselves (`parent_id` leading back
/// to the topic): such topics would vanish from every tree of topics.
pub(super) fn check_topic_cycles(
    store: &Store,
    plan: &HashMap<String, Planned>,
    records: &[Incoming],
    origin: &Origin,
) -> Result<()> {
    let parent_of = |id: &str| -> Result<Option<String>> {
        let rec = match plan.get(id) {
            Some(planned) => Some(planned.current.clone()),
            None => store.load_stored(RecordKind::Topic, id)?,
        };
        Ok(rec.and_then(|r| {
            r.data
                .get("parent_id")
                .and_then(Value::as_str)
                .map(str::to_owned)
        }))
    };
    for incoming in records.iter().filter(|r| r.rec.kind == RecordKind::Topic) {
        let start = incoming.rec.id.as_str();
        let mut next = parent_of(start)?;
        let mut steps = 0usize;
        while let Some(parent) = next {
            steps += 1;
            if parent == start || steps > plan.len() + 64 {
                return Err(BundleError::BadRecord {
                    kind: RecordKind::Topic.table(),
                    id: start.to_owned(),
                    detail: Detail::new(
                        "上级专题（parent_id）绕回到该专题自身，形成循环",
                        "parent_id leads back to the topic itself (a cycle)",
                    ),
                    path: origin.path.clone(),
                });
            }
            next = parent_of(&parent)?;
        }
    }
    Ok(())
}

/// Refuses a record that refers to one neither planned nor in the database.
pub(super) fn check_references(
    store: &Store,
    plan: &HashMap<String, Planned>,
    in_source: &HashSet<(RecordKind, &str)>,
    incoming: &Incoming,
    origin: &Origin,
) -> Result<()> {
    let rec = &incoming.rec;
    let exists = |kind: RecordKind, id: &str| -> Result<bool> {
        if let Some(p) = plan.get(id) {
            return Ok(p.current.kind == kind);
        }
        if in_source.contains(&(kind, id)) {
            return Ok(true);
        }
        Ok(store.load_stored(kind, id)?.is_some())
    };
    let mut targets: Vec<(RecordKind, String)> = Vec::new();
    let text = |name: &str| {
        rec.data
            .get(name)
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    if rec.kind == RecordKind::Finding
        && let Some(visit) = text("visit_id")
    {
        targets.push((RecordKind::Visit, visit));
    }
    if rec.kind == RecordKind::Visit
        && let Some(subject) = text("subject_id")
    {
        targets.push((RecordKind::Subject, subject));
    }
    if rec.kind == RecordKind::Topic
        && let Some(parent) = text("parent_id")
    {
        targets.push((RecordKind::Topic, parent));
    }
    for (field, kind) in rec.kind.form_references() {
        if let Some(id) = text(field) {
            targets.push((*kind, id));
        }
    }
    if rec.kind.has_topic_ids()
        && let Some(Value::Array(topics)) = rec.data.get("topics")
    {
        for topic in topics.iter().filter_map(Value::as_str) {
            targets.push((RecordKind::Topic, topic.to_owned()));
        }
    }
    if rec.kind == RecordKind::Attachment
        && let Some(owner) = text("owner_id")
    {
        let owner_kind = match text("owner_kind").as_deref() {
            Some("visit") => RecordKind::Visit,
            _ => RecordKind::Finding,
        };
        targets.push((owner_kind, owner));
    }
    for (target, target_id) in targets {
        if !exists(target, &target_id)? {
            return Err(BundleError::MissingReference {
                kind: rec.kind.table(),
                id: rec.id.clone(),
                target: target.table(),
                target_id,
                path: origin.path.clone(),
            });
        }
    }
    Ok(())
}
