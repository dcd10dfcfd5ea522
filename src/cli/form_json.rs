//! The JSON shapes of forms, responses and answers (`form list|show`, `response list|show`,
//! and `show ID` for any of them).

use super::CliError;
use super::json::time;
use crate::forms::json::definition_json;
use crate::forms::response::answers_of;
use crate::i18n::Lang;
use crate::model::{AnswerRecord, Form, Response};
use crate::store::{RecordKind, Store, StoredRecord};
use serde_json::{Value, json};

/// A form version in lists: its settings and how many questions it has.
pub fn form_summary(form: &Form) -> Value {
    json!({
        "id": form.id,
        "form_id": form.form_id,
        "title": form.title,
        "version": form.version,
        "languages": form.languages,
        "topics": form.topics,
        "subject_id": form.subject_id,
        "workbook": form.workbook,
        "archived": form.archived,
        "questions": form.definition.question_count(),
        "created_at": time(form.meta.created_at),
        "deleted_at": time(form.meta.deleted_at),
    })
}

/// A form version with its questions, in the shape the issue spells for `form show`.
pub fn form_detail(form: &Form, lang: Lang) -> Value {
    let mut out = definition_json(&form.definition, lang);
    let mut ordered = serde_json::Map::new();
    ordered.insert("id".to_owned(), json!(form.id));
    if let Value::Object(map) = &mut out {
        ordered.extend(std::mem::take(map));
    }
    Value::Object(ordered)
}

/// A response with its answers (repeats as lists of rows) and the ids of its repeat rows.
pub fn response(store: &Store, r: &Response) -> Result<Value, CliError> {
    let stored = answers_of(store, r.id)?;
    let form = store.form(r.form).ok();
    Ok(json!({
        "id": r.id,
        "form": r.form,
        "form_id": form.as_ref().map(|f| f.form_id.clone()),
        "version": form.as_ref().map(|f| f.version.clone()),
        "visit_id": r.visit_id,
        "complete": r.complete,
        "answers": stored.answers,
        "rows": stored.rows,
        "created_at": time(r.meta.created_at),
        "updated_at": time(r.meta.updated_at),
        "updated_by": r.meta.updated_by,
        "deleted_at": time(r.meta.deleted_at),
    }))
}

/// One answer record.
pub fn answer(a: &AnswerRecord) -> Value {
    json!({
        "id": a.id,
        "response_id": a.response_id,
        "path": a.path,
        "value": a.value,
        "updated_at": time(a.meta.updated_at),
        "updated_by": a.meta.updated_by,
        "deleted_at": time(a.meta.deleted_at),
    })
}

/// Any form, response or answer record as `show ID` prints it.
pub fn record(store: &Store, stored: &StoredRecord, lang: Lang) -> Result<Value, CliError> {
    Ok(match stored.kind {
        RecordKind::Form => {
            let form: Form = stored.to_record()?;
            let mut out = form_summary(&form);
            out["definition"] = form_detail(&form, lang)["questions"].take();
            out
        }
        RecordKind::Response => response(store, &stored.to_record()?)?,
        _ => answer(&stored.to_record()?),
    })
}

/// For a problem raised by a checklist item, adds `checklist_item_passes`: whether the item
/// passes with the response's answers as they are now (the problem stays either way).
pub fn checklist_state(store: &Store, finding: &crate::model::Finding, out: &mut Value) {
    let now = chrono::Local::now().naive_local();
    if let Some(fails) = crate::forms::response::checklist_still_fails(store, finding, now) {
        out["checklist_item_passes"] = json!(!fails);
    }
}

/// The changes to every answer of the response `id`, oldest first, each value keyed by the
/// answer's path.
pub fn answer_history(
    store: &Store,
    id: &str,
) -> Result<Vec<crate::store::HistoryEntry>, CliError> {
    let Ok(response) = id.parse() else {
        return Ok(Vec::new());
    };
    // Each answer's value shown under its path, so "remarks: 甲 → 乙" says which answer changed.
    let keyed = |value: Option<Value>, path: &str| {
        value.map(|v| match v.get("value") {
            Some(text) => json!({ path: text }),
            None => v,
        })
    };
    let mut out = Vec::new();
    for answer in store.all_answers(response)? {
        for mut entry in store.history(&answer.id.to_string())? {
            entry.before = keyed(entry.before.take(), &answer.path);
            entry.after = keyed(entry.after.take(), &answer.path);
            out.push(entry);
        }
    }
    out.sort_by(|a, b| a.at.cmp(&b.at));
    Ok(out)
}
