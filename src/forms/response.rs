//! Saving responses: metadata filled, every rule of the form version checked, one record per
//! answer written, and each failing checklist item raising its problem finding once — all in
//! one transaction.

use super::answers::{Answer, Answers, FormIndex};
use super::error::FormError;
use super::paths::{RowIds, assemble, flatten, question_path};
use super::validate::{FindingMatch, Validator, fill_metadata};
use crate::model::{
    AnswerRecord, Category, Finding, FindingId, Form, Response, ResponseId, TopicId, VisitId,
    checklist_finding_id,
};
use crate::store::{RecordKind, Store, Writer};
use chrono::NaiveDateTime;
use std::collections::{BTreeMap, BTreeSet};

/// What saving a response did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Saved {
    /// The response's id.
    pub id: ResponseId,
    /// The problem findings raised by this save (none for items raised before).
    pub findings_created: Vec<FindingId>,
}

/// A response's answers as the form reads them, with the ids of its repeat rows.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredAnswers {
    /// The answers, repeats as lists of rows.
    pub answers: Answers,
    /// The row ids of each repeat, in row order.
    pub rows: RowIds,
}

/// The live answers of a response.
pub fn answers_of(store: &Store, id: ResponseId) -> Result<StoredAnswers, FormError> {
    let records = store.answers(id)?;
    let (answers, rows) = assemble(records.iter().map(|a| (a.path.as_str(), a.value.as_str())));
    Ok(StoredAnswers { answers, rows })
}

/// Saves a new response to `form` on `visit`, refusing it (with every rule broken) when it
/// breaks the form's rules. `now` fills `start`, `end`, `today` and answers `now()`.
pub fn add_response(
    store: &mut Store,
    form: &Form,
    visit: VisitId,
    mut answers: Answers,
    now: NaiveDateTime,
) -> Result<Saved, FormError> {
    let response = Response::new(form.id, visit);
    fill_metadata(
        &form.definition,
        &mut answers,
        now,
        store.device_id(),
        store.author(),
    );
    answers.retain(|_, a| !matches!(a, Answer::Text(t) if t.is_empty()));
    save(store, form, &response, &answers, &RowIds::new(), now)
}

/// Changes answers of a saved response: each answer given replaces the one of that name (a
/// repeat given replaces its rows, row by row; an empty text clears an answer), then the
/// whole response is checked again.
pub fn edit_response(
    store: &mut Store,
    id: ResponseId,
    changes: Answers,
    now: NaiveDateTime,
) -> Result<Saved, FormError> {
    let response = store.response(id)?;
    if response.meta.is_deleted() {
        // In the Trash: restored first, then edited.
        return Err(crate::store::StoreError::NotFound {
            kind: "response",
            id: id.to_string(),
        }
        .into());
    }
    let form = store.form(response.form)?;
    let StoredAnswers { mut answers, rows } = answers_of(store, id)?;
    // The metadata (`end`, `username`, `deviceid` …) stays as the response was filled: were
    // an edit to restamp it, two colleagues editing different answers would conflict on it.
    answers.extend(changes);
    save(store, &form, &response, &answers, &rows, now)
}

/// Topic ids for the codes or names a form gives (unknown ones are left out: the form was
/// written elsewhere, and a problem without its topic is still a problem).
fn topic_ids(store: &Store, names: &[String]) -> Vec<TopicId> {
    let mut out: Vec<TopicId> = Vec::new();
    for id in names.iter().filter_map(|n| store.resolve_topic(n).ok()) {
        if !out.contains(&id) {
            out.push(id);
        }
    }
    out
}

/// A planned checklist finding: its path and what it is filed under.
struct Raise {
    path: String,
    matched: FindingMatch,
    topics: Vec<TopicId>,
}

fn save(
    store: &mut Store,
    form: &Form,
    response: &Response,
    answers: &Answers,
    rows: &RowIds,
    now: NaiveDateTime,
) -> Result<Saved, FormError> {
    let checked = Validator::new(&form.definition, now).validate(answers)?;
    let (flat, new_rows) = flatten(&checked.answers, rows);
    let index = FormIndex::new(&form.definition);
    let raises: Vec<Raise> = checked
        .findings
        .into_iter()
        .map(|matched| {
            let chain = index
                .questions
                .get(matched.question.as_str())
                .map(|(_, chain)| chain.clone())
                .unwrap_or_default();
            let path = question_path(&matched.question, &chain, matched.row, &new_rows);
            let topics = topic_ids(store, &matched.topics);
            Raise {
                path,
                matched,
                topics,
            }
        })
        .collect();
    let title = form.title.clone();
    let created = store.write(|w| {
        w.put(response)?;
        write_answers(w, response.id, &flat)?;
        let mut created = Vec::new();
        for raise in &raises {
            if let Some(id) = raise_finding(w, response, &title, raise)? {
                created.push(id);
            }
        }
        Ok(created)
    })?;
    Ok(Saved {
        id: response.id,
        findings_created: created,
    })
}

/// Writes the answers in `flat` and deletes the live ones no longer there (a removed repeat
/// row); an answer that comes back after its deletion is restored.
fn write_answers(
    w: &mut Writer<'_>,
    response: ResponseId,
    flat: &[(String, String)],
) -> crate::store::Result<()> {
    let existing: BTreeMap<String, AnswerRecord> = w
        .all_answers(response)?
        .into_iter()
        .map(|a| (a.path.clone(), a))
        .collect();
    let wanted: BTreeSet<&str> = flat.iter().map(|(p, _)| p.as_str()).collect();
    for (path, value) in flat {
        let old = existing.get(path);
        if old.is_none() && value.is_empty() {
            continue;
        }
        if old.is_some_and(|o| o.meta.deleted_at.is_some()) {
            w.set_deleted(
                RecordKind::Answer,
                &AnswerRecord::id_for(response, path).to_string(),
                false,
            )?;
        }
        w.put(&AnswerRecord::new(response, path, value))?;
    }
    for (path, old) in &existing {
        if old.meta.deleted_at.is_none() && !wanted.contains(path.as_str()) {
            w.set_deleted(RecordKind::Answer, &old.id.to_string(), true)?;
        }
    }
    Ok(())
}

/// Raises the problem of a failing checklist item unless it was raised before (here, or on
/// a colleague's laptop and merged: the id is the same).
fn raise_finding(
    w: &mut Writer<'_>,
    response: &Response,
    form_title: &str,
    raise: &Raise,
) -> crate::store::Result<Option<FindingId>> {
    let id = checklist_finding_id(response.id, &raise.path);
    if w.get::<Finding>(&id.to_string())?.is_some() {
        return Ok(None);
    }
    let m = &raise.matched;
    let title = if m.title_zh.is_empty() {
        &m.title_en
    } else {
        &m.title_zh
    };
    let mut finding = Finding::new(response.visit_id, title.clone());
    finding.id = id;
    finding.topics = raise.topics.clone();
    finding.category = m.category.as_deref().and_then(Category::parse);
    finding.detail = format!("{form_title}：{title}");
    finding.response_id = Some(response.id);
    finding.question = Some(raise.path.clone());
    w.put(&finding)?;
    Ok(Some(id))
}

/// Whether the checklist item that raised `finding` still fails with the response's answers
/// as they are now (`None` when the finding was not raised by a checklist item, or its
/// response or form is gone).
pub fn checklist_still_fails(store: &Store, finding: &Finding, now: NaiveDateTime) -> Option<bool> {
    let (response, path) = (finding.response_id?, finding.question.as_deref()?);
    let response = store.response(response).ok()?;
    let form = store.form(response.form).ok()?;
    let stored = answers_of(store, response.id).ok()?;
    let checked = Validator::new(&form.definition, now).check(&stored.answers);
    let index = FormIndex::new(&form.definition);
    Some(checked.findings.iter().any(|m| {
        let chain = index
            .questions
            .get(m.question.as_str())
            .map(|(_, c)| c.clone())
            .unwrap_or_default();
        question_path(&m.question, &chain, m.row, &stored.rows) == path
    }))
}
