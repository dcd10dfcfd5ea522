//! The JSON shapes the command line prints for records (stable keys scripts can rely on).

use crate::model::{Attachment, Finding, Subject, Topic, TopicId, Visit};
use serde_json::{Value, json};
use std::collections::HashMap;

/// Topic ids to codes, for printing topics as codes.
pub struct TopicCodes(HashMap<TopicId, String>);

impl TopicCodes {
    /// Reads the catalogue.
    pub fn new(topics: &[Topic]) -> TopicCodes {
        TopicCodes(topics.iter().map(|t| (t.id, t.code.clone())).collect())
    }

    /// The codes of `ids`.
    pub fn codes(&self, ids: &[TopicId]) -> Vec<String> {
        ids.iter()
            .map(|id| self.0.get(id).cloned().unwrap_or_else(|| id.to_string()))
            .collect()
    }
}

/// A time as RFC 3339 in UTC with milliseconds, or null.
pub fn time(t: Option<chrono::DateTime<chrono::Utc>>) -> Value {
    t.map_or(Value::Null, |t| {
        Value::String(t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
    })
}

/// An attachment as JSON.
pub fn attachment(a: &Attachment) -> Value {
    json!({
        "id": a.id,
        "owner_kind": a.owner_kind,
        "owner_id": a.owner_id,
        "name": a.name,
        "mime": a.mime,
        "size_bytes": a.size_bytes,
        "sha256": a.sha256,
        "evidence": a.evidence,
        "added_by": a.added_by,
        "added_at": time(a.meta.created_at),
        "deleted_at": time(a.meta.deleted_at),
    })
}

/// A finding as JSON.
pub fn finding(f: &Finding, codes: &TopicCodes) -> Value {
    let mut out = json!({
        "id": f.id,
        "visit_id": f.visit_id,
        "kind": f.kind,
        "title": f.title,
        "detail": f.detail,
        "topics": codes.codes(&f.topics),
        "people_affected": f.people_affected,
        "category": f.category,
        "measures": f.measures,
        "target": f.target,
        "deadline": f.deadline,
        "owner": f.owner,
        "owner_unit": f.owner_unit,
        "status": f.status,
        "closed_on": f.closed_on,
        "verified_by": f.verified_by,
        "close_note": f.close_note,
        "created_at": time(f.meta.created_at),
        "updated_at": time(f.meta.updated_at),
        "updated_by": f.meta.updated_by,
        "deleted_at": time(f.meta.deleted_at),
    });
    // Only a problem raised by a checklist item names its response and question.
    if let Some(response) = f.response_id {
        out["response_id"] = json!(response);
        out["question"] = json!(f.question);
    }
    out
}

/// A visit as JSON.
pub fn visit(v: &Visit) -> Value {
    json!({
        "id": v.id,
        "date": v.date,
        "place": v.place,
        "region": v.region,
        "investigators": v.investigators,
        "people_met": v.people_met,
        "unannounced": v.unannounced,
        "subject_id": v.subject_id,
        "notes": v.notes,
        "interviewees": v.interviewees,
        "created_at": time(v.meta.created_at),
        "updated_at": time(v.meta.updated_at),
        "updated_by": v.meta.updated_by,
        "deleted_at": time(v.meta.deleted_at),
    })
}

/// A subject as JSON.
pub fn subject(s: &Subject, codes: &TopicCodes) -> Value {
    json!({
        "id": s.id,
        "title": s.title,
        "lead": s.lead,
        "unit": s.unit,
        "start_date": s.start_date,
        "end_date": s.end_date,
        "topics": codes.codes(&s.topics),
        "notes": s.notes,
        "updated_at": time(s.meta.updated_at),
    })
}

/// A topic as JSON, with its parent's code and its finding count.
pub fn topic(t: &Topic, codes: &TopicCodes, findings: i64) -> Value {
    json!({
        "id": t.id,
        "code": t.code,
        "name_zh": t.name_zh,
        "name_en": t.name_en,
        "parent": t.parent_id.map(|p| codes.codes(&[p]).remove(0)),
        "archived": t.archived,
        "builtin": crate::model::is_builtin_topic(t.id),
        "findings": findings,
    })
}
