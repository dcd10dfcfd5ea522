//! Answers arriving in a bundle are checked against the form version their response names
//! (in the bundle or already here), like every other record is checked against its kind.

use super::Planned;
use crate::bundle::error::{BundleError, Detail, Result};
use crate::bundle::read::{Incoming, Origin};
use crate::model::Form;
use crate::store::{RecordKind, Store, StoredRecord};
use serde_json::Value;
use std::collections::HashMap;

/// Refuses a file holding an answer that does not fit its form: an unknown question, a path
/// outside the question's repeat, a value not of the question's type or not among its choices.
pub(super) fn check_answers(
    store: &Store,
    plan: &HashMap<String, Planned>,
    records: &[Incoming],
    origin: &Origin,
) -> Result<()> {
    let record = |kind: RecordKind, id: &str| -> Result<Option<StoredRecord>> {
        match plan.get(id) {
            Some(p) if p.current.kind == kind => Ok(Some(p.current.clone())),
            _ => Ok(store.load_stored(kind, id)?),
        }
    };
    let text = |rec: &StoredRecord, field: &str| -> String {
        rec.data
            .get(field)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    // A response keeps the form version it was filled in: no laptop changes it.
    for incoming in records
        .iter()
        .filter(|r| r.rec.kind == RecordKind::Response)
    {
        if let Some(stored) = store.load_stored(RecordKind::Response, &incoming.rec.id)?
            && stored.data.get("form") != incoming.rec.data.get("form")
        {
            return Err(BundleError::BadRecord {
                kind: RecordKind::Response.table(),
                id: incoming.rec.id.clone(),
                detail: Detail::new(
                    "字段 form：答卷不能改为另一个表单版本",
                    "field form: a response cannot move to another form version",
                ),
                path: origin.path.clone(),
            });
        }
    }
    let mut forms: HashMap<String, Option<Form>> = HashMap::new();
    for incoming in records.iter().filter(|r| r.rec.kind == RecordKind::Answer) {
        let answer = &incoming.rec;
        let form_id = match record(RecordKind::Response, &text(answer, "response_id"))? {
            Some(response) => text(&response, "form"),
            // A missing response is refused as a dangling reference.
            None => continue,
        };
        if !forms.contains_key(&form_id) {
            let form = record(RecordKind::Form, &form_id)?
                .map(|f| f.to_record::<Form>())
                .transpose()?;
            forms.insert(form_id.clone(), form);
        }
        let Some(Some(form)) = forms.get(&form_id) else {
            continue;
        };
        let (path, value) = (text(answer, "path"), text(answer, "value"));
        if let Err((zh, en)) =
            crate::forms::incoming::check_stored_answer(&form.definition, &path, &value)
        {
            return Err(BundleError::BadRecord {
                kind: RecordKind::Answer.table(),
                id: answer.id.clone(),
                detail: Detail::new(format!("字段 value：{zh}"), format!("field value: {en}")),
                path: origin.path.clone(),
            });
        }
    }
    Ok(())
}
