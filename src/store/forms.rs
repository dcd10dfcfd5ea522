//! Forms, responses and answers in the database: finding a form by id or `form_id`, the
//! responses of a form or a visit, the answers of a response, and the writes that keep a
//! form's workbook bytes beside its record. Everything else (history, Trash, clocks, bundles)
//! is the generic machinery of `record.rs`.

use super::attachments::{insert_blob, read_blob, sha256_hex};
use super::error::{Result, StoreError};
use super::{Outcome, Record, RecordKind, Store, StoredRecord, Writer, read_row, select_list};
use crate::model::{AnswerRecord, Form, FormId, Response, ResponseId, VisitId};
use rusqlite::types::Value as SqlValue;

/// Which responses to list.
#[derive(Clone, Debug, Default)]
pub struct ResponseFilter {
    /// Only responses filled in one of these form versions (empty: any form).
    pub forms: Vec<FormId>,
    /// Only responses on this visit.
    pub visit: Option<VisitId>,
}

/// The records of `R`'s kind matching the SQL condition `filter` (table alias `t`).
fn query_records<R: Record>(
    conn: &rusqlite::Connection,
    filter: &str,
    params: Vec<SqlValue>,
) -> Result<Vec<R>> {
    let sql = format!(
        "SELECT {} FROM {} t WHERE {filter}",
        select_list(R::KIND, "t"),
        R::KIND.table()
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(params), |row| {
        Ok(read_row(R::KIND, row, 0))
    })?;
    let mut out = Vec::new();
    for row in rows {
        out.push(row??.to_record()?);
    }
    Ok(out)
}

const LIVE_ANSWERS: &str = "t.response_id = ?1 AND t.deleted_at IS NULL ORDER BY t.path";
const ALL_ANSWERS: &str = "t.response_id = ?1 ORDER BY t.path";

impl Store {
    fn query_records<R: Record>(&self, filter: &str, params: Vec<SqlValue>) -> Result<Vec<R>> {
        query_records(&self.conn, filter, params)
    }

    /// A form version by id (live or deleted).
    pub fn form(&self, id: FormId) -> Result<Form> {
        self.get(&id.to_string())
    }

    /// The live forms, by `form_id` then newest version first (by creation).
    pub fn forms(&self) -> Result<Vec<Form>> {
        self.query_records(
            "t.deleted_at IS NULL ORDER BY t.form_id, t.created_at DESC, t.id DESC",
            Vec::new(),
        )
    }

    /// Every live version of the form called `form_id`, newest first: by `version` (numbers
    /// as numbers, as XLSForm versions usually are), then by when it was first imported.
    pub fn form_versions(&self, form_id: &str) -> Result<Vec<Form>> {
        let mut forms: Vec<Form> = self.query_records(
            "t.deleted_at IS NULL AND t.form_id = ?1 ORDER BY t.created_at DESC, t.id DESC",
            vec![SqlValue::Text(form_id.to_owned())],
        )?;
        forms.sort_by(|a, b| compare_versions(&b.version, &a.version));
        Ok(forms)
    }

    /// The form named by `text`: a form record's id (live or deleted), else the newest live
    /// version of the form whose `form_id` it is.
    pub fn resolve_form(&self, text: &str) -> Result<Form> {
        let text = text.trim();
        if let Ok(id) = text.parse::<FormId>()
            && let Ok(form) = self.form(id)
        {
            return Ok(form);
        }
        self.form_versions(text)?
            .into_iter()
            .next()
            .ok_or_else(|| StoreError::NotFound {
                kind: "form",
                id: text.to_owned(),
            })
    }

    /// The bytes of a form's workbook, as imported.
    pub fn form_workbook(&self, form: &Form) -> Result<Vec<u8>> {
        read_blob(&self.conn, &form.workbook)?
            .ok_or_else(|| StoreError::MissingBlob(form.workbook.clone()))
    }

    /// Saves a form version with its workbook's bytes, in one transaction. Saving the same
    /// workbook again changes nothing (its id is derived from the bytes' hash).
    pub fn save_form(&mut self, form: &Form, workbook: &[u8]) -> Result<Outcome> {
        self.write(|w| w.put_form(form, workbook))
    }

    /// A response by id (live or deleted).
    pub fn response(&self, id: ResponseId) -> Result<Response> {
        self.get(&id.to_string())
    }

    /// The live responses matching `filter`, oldest first.
    pub fn responses(&self, filter: &ResponseFilter) -> Result<Vec<Response>> {
        let mut clauses = vec!["t.deleted_at IS NULL".to_owned()];
        let mut params = Vec::new();
        if !filter.forms.is_empty() {
            let marks: Vec<String> = filter
                .forms
                .iter()
                .map(|f| {
                    params.push(SqlValue::Text(f.to_string()));
                    format!("?{}", params.len())
                })
                .collect();
            clauses.push(format!("t.form IN ({})", marks.join(", ")));
        }
        if let Some(visit) = filter.visit {
            params.push(SqlValue::Text(visit.to_string()));
            clauses.push(format!("t.visit_id = ?{}", params.len()));
        }
        // A response of a visit in the Trash is not listed with the live ones.
        clauses.push(
            "EXISTS (SELECT 1 FROM visit v WHERE v.id = t.visit_id AND v.deleted_at IS NULL)"
                .to_owned(),
        );
        let filter = format!("{} ORDER BY t.created_at, t.id", clauses.join(" AND "));
        self.query_records(&filter, params)
    }

    /// The live answers of a response, by path (repeat rows by row id, so by creation).
    pub fn answers(&self, response: ResponseId) -> Result<Vec<AnswerRecord>> {
        self.query_records(LIVE_ANSWERS, vec![SqlValue::Text(response.to_string())])
    }

    /// Every answer of a response, deleted ones (removed repeat rows) included.
    pub fn all_answers(&self, response: ResponseId) -> Result<Vec<AnswerRecord>> {
        self.query_records(ALL_ANSWERS, vec![SqlValue::Text(response.to_string())])
    }
}

/// The form records a bundle of some visits carries: the responses on those visits (live and
/// in the Trash), all their answers, and the form versions they were filled in.
#[derive(Clone, Debug, Default)]
pub struct FormRecordsOfVisits {
    /// The form versions, in id order.
    pub forms: Vec<StoredRecord>,
    /// The responses, in id order.
    pub responses: Vec<StoredRecord>,
    /// The answers, in id order.
    pub answers: Vec<StoredRecord>,
}

/// Orders two `version` settings: as numbers when both are, else as text.
fn compare_versions(a: &str, b: &str) -> std::cmp::Ordering {
    match (a.trim().parse::<f64>(), b.trim().parse::<f64>()) {
        (Ok(x), Ok(y)) => x.total_cmp(&y),
        _ => a.cmp(b),
    }
}

/// Every stored record of `kind` matching `filter` (table alias `t`).
fn stored_records(
    conn: &rusqlite::Connection,
    kind: RecordKind,
    filter: &str,
    param: &str,
) -> Result<Vec<StoredRecord>> {
    let sql = format!(
        "SELECT {} FROM {} t WHERE {filter} ORDER BY t.id",
        select_list(kind, "t"),
        kind.table()
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([param], |row| Ok(read_row(kind, row, 0)))?;
    let mut out = Vec::new();
    for row in rows {
        out.push(row??);
    }
    Ok(out)
}

impl Store {
    /// The forms, responses and answers to carry with the visits `visit_ids` (see
    /// [`FormRecordsOfVisits`]), and with a research subject's selection, the forms of that
    /// subject too (so a bundle of a subject hands its questionnaires to the team).
    pub fn form_records_of_visits<'a>(
        &self,
        visit_ids: impl IntoIterator<Item = &'a String>,
        subject: Option<&str>,
    ) -> Result<FormRecordsOfVisits> {
        let mut out = FormRecordsOfVisits::default();
        let mut form_ids = std::collections::BTreeSet::new();
        if let Some(subject) = subject {
            for form in stored_records(&self.conn, RecordKind::Form, "t.subject_id = ?1", subject)?
            {
                form_ids.insert(form.id);
            }
        }
        for visit in visit_ids {
            let responses =
                stored_records(&self.conn, RecordKind::Response, "t.visit_id = ?1", visit)?;
            for response in &responses {
                if let Some(form) = response.data.get("form").and_then(|v| v.as_str()) {
                    form_ids.insert(form.to_owned());
                }
                out.answers.extend(stored_records(
                    &self.conn,
                    RecordKind::Answer,
                    "t.response_id = ?1",
                    &response.id,
                )?);
            }
            out.responses.extend(responses);
        }
        for form in &form_ids {
            out.forms.extend(stored_records(
                &self.conn,
                RecordKind::Form,
                "t.id = ?1",
                form,
            )?);
        }
        out.responses.sort_by(|a, b| a.id.cmp(&b.id));
        out.answers.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(out)
    }
}

impl Writer<'_> {
    /// Saves a form version and keeps its workbook's bytes (once per hash) in the same
    /// transaction.
    pub fn put_form(&mut self, form: &Form, workbook: &[u8]) -> Result<Outcome> {
        let sha256 = sha256_hex(workbook);
        if sha256 != form.workbook {
            return Err(StoreError::DamagedBlob(form.workbook.clone()));
        }
        insert_blob(self.tx(), &sha256, workbook)?;
        self.put(form)
    }

    /// Whether the live record `id` of `kind` exists, for the forms layer's checks.
    pub fn is_live(&self, kind: RecordKind, id: &str) -> Result<bool> {
        self.exists(kind, id)
    }

    /// Every answer of a response as it is inside this transaction, deleted ones included.
    pub fn all_answers(&self, response: ResponseId) -> Result<Vec<AnswerRecord>> {
        query_records(
            self.tx(),
            ALL_ANSWERS,
            vec![SqlValue::Text(response.to_string())],
        )
    }

    /// A record as it is inside this transaction (live or deleted), if it exists.
    pub fn get<R: Record>(&self, id: &str) -> Result<Option<R>> {
        super::load(self.tx(), R::KIND, id)?
            .map(|r| r.to_record())
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::compare_versions;
    use std::cmp::Ordering;

    #[test]
    fn versions_compare_as_numbers_when_they_are() {
        assert_eq!(compare_versions("10", "9"), Ordering::Greater);
        assert_eq!(
            compare_versions("2026120101", "2026113001"),
            Ordering::Greater
        );
        assert_eq!(
            compare_versions("v2", "v10"),
            Ordering::Greater,
            "text as text"
        );
    }
}
