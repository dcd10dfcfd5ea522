//! Forms and their responses as synced records: one [`Form`] per version of an XLSForm
//! workbook, one [`Response`] per filled form on a visit, and one [`AnswerRecord`] per answered
//! question, so each answer has its own clock and two colleagues editing different answers of
//! one response merge without a conflict.

use super::ids::{AnswerId, FormId, ResponseId, SubjectId, VisitId, derived_uuid};
use super::records::RecordMeta;
use super::validate::{MAX_LINE_CHARS, MAX_LIST_ENTRIES, MAX_TEXT_CHARS, ValidationError};
use crate::forms::FormDefinition;
use serde::{Deserialize, Serialize};

/// One version of a form, read from an XLSForm workbook.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Form {
    /// Its id: derived from the workbook's SHA-256, so the same workbook imported on two
    /// laptops is one record (see [`Form::id_for_workbook`]).
    pub id: FormId,
    /// The workbook's `form_id` setting.
    pub form_id: String,
    /// The workbook's `version` setting (empty when it gives none).
    pub version: String,
    /// The workbook's `form_title`.
    pub title: String,
    /// The parsed form.
    pub definition: FormDefinition,
    /// The languages of its translated columns.
    pub languages: Vec<String>,
    /// Topic codes or names for the problems it raises (settings `topics`).
    pub topics: Vec<String>,
    /// The research subject it belongs to.
    pub subject_id: Option<SubjectId>,
    /// SHA-256 of the workbook's bytes, kept as a blob so the source travels in bundles.
    pub workbook: String,
    /// Archived forms are kept for their responses but not offered for new ones.
    #[serde(default)]
    pub archived: bool,
    /// Bookkeeping.
    #[serde(skip)]
    pub meta: RecordMeta,
}

impl Form {
    /// The id of the Form record for a workbook whose bytes hash to `sha256`.
    pub fn id_for_workbook(sha256: &str) -> FormId {
        FormId(derived_uuid("zoufang-form", &[sha256]))
    }

    /// A Form record for `definition`, read from the workbook whose bytes hash to `sha256`.
    pub fn from_definition(definition: FormDefinition, sha256: &str) -> Form {
        Form {
            id: Form::id_for_workbook(sha256),
            form_id: definition.form_id.clone(),
            version: definition.version.clone(),
            title: definition.title.clone(),
            languages: definition.languages.clone(),
            topics: definition.topics.clone(),
            definition,
            subject_id: None,
            workbook: sha256.to_owned(),
            archived: false,
            meta: RecordMeta::default(),
        }
    }
}

/// One filled form on a visit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Response {
    /// Its id (UUIDv7).
    pub id: ResponseId,
    /// The exact form version it was filled in.
    pub form: FormId,
    /// The visit it belongs to.
    pub visit_id: VisitId,
    /// Whether it was saved as complete (validated with every rule).
    #[serde(default)]
    pub complete: bool,
    /// Bookkeeping.
    #[serde(skip)]
    pub meta: RecordMeta,
}

impl Response {
    /// A new, complete response to `form` on `visit_id`.
    pub fn new(form: FormId, visit_id: VisitId) -> Response {
        Response {
            id: ResponseId::new(),
            form,
            visit_id,
            complete: true,
            meta: RecordMeta::default(),
        }
    }
}

/// One answered question of a response. Its id is derived from the response and the path, so
/// the same answer made on two laptops is one record.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AnswerRecord {
    /// Its id (see [`AnswerRecord::id_for`]).
    pub id: AnswerId,
    /// The response it belongs to.
    pub response_id: ResponseId,
    /// `name` outside repeats; `repeat/<row id>/name` inside one (nested repeats repeat the
    /// pattern). Row ids are UUIDv7, so rows order by creation.
    pub path: String,
    /// The answer as XForms writes it (select_multiple space-separated).
    pub value: String,
    /// Bookkeeping.
    #[serde(skip)]
    pub meta: RecordMeta,
}

impl AnswerRecord {
    /// The id of the answer at `path` of response `response`.
    pub fn id_for(response: ResponseId, path: &str) -> AnswerId {
        AnswerId(derived_uuid(
            "zoufang-answer",
            &[&response.to_string(), path],
        ))
    }

    /// The answer `value` at `path` of `response`.
    pub fn new(response: ResponseId, path: &str, value: &str) -> AnswerRecord {
        AnswerRecord {
            id: AnswerRecord::id_for(response, path),
            response_id: response,
            path: path.to_owned(),
            value: value.to_owned(),
            meta: RecordMeta::default(),
        }
    }

    /// The question's name: the last segment of the path.
    pub fn question(&self) -> &str {
        self.path.rsplit('/').next().unwrap_or(&self.path)
    }
}

/// The id of the problem finding a failing checklist item raises: derived from the response
/// and the question's path, so re-saves and two laptops raising it make one finding.
pub fn checklist_finding_id(response: ResponseId, path: &str) -> super::FindingId {
    super::FindingId(derived_uuid(
        "zoufang-checklist-finding",
        &[&response.to_string(), path],
    ))
}

fn too_long(column: &'static str, text: &str, max: usize) -> Result<(), ValidationError> {
    let chars = text.chars().count();
    if chars > max {
        Err(ValidationError::TooLong { column, chars, max })
    } else {
        Ok(())
    }
}

fn nil(id: uuid::Uuid, column: &'static str) -> Result<(), ValidationError> {
    if id.is_nil() {
        Err(ValidationError::NilId { column })
    } else {
        Ok(())
    }
}

impl Form {
    /// Checks the form before it is saved.
    pub fn validate(&self) -> Result<(), ValidationError> {
        nil(self.id.0, "id")?;
        if super::validate::is_blank(&self.form_id) {
            return Err(ValidationError::Empty {
                field: super::Field::Code,
            });
        }
        too_long("form_id", &self.form_id, MAX_LINE_CHARS)?;
        too_long("version", &self.version, MAX_LINE_CHARS)?;
        too_long("title", &self.title, MAX_LINE_CHARS)?;
        for (column, count) in [
            ("languages", self.languages.len()),
            ("topics", self.topics.len()),
        ] {
            if count > MAX_LIST_ENTRIES {
                return Err(ValidationError::TooMany {
                    column,
                    count,
                    max: MAX_LIST_ENTRIES,
                });
            }
        }
        if !super::is_sha256(&self.workbook) {
            return Err(ValidationError::BadSha256(
                self.workbook.chars().take(80).collect(),
            ));
        }
        Ok(())
    }
}

impl Response {
    /// Checks the response before it is saved (its answers are checked against the form).
    pub fn validate(&self) -> Result<(), ValidationError> {
        nil(self.id.0, "id")?;
        nil(self.form.0, "form")?;
        nil(self.visit_id.0, "visit_id")
    }
}

impl AnswerRecord {
    /// Checks the answer's shape (its value is checked against the form).
    pub fn validate(&self) -> Result<(), ValidationError> {
        nil(self.id.0, "id")?;
        nil(self.response_id.0, "response_id")?;
        too_long("path", &self.path, MAX_LINE_CHARS)?;
        too_long("value", &self.value, MAX_TEXT_CHARS)?;
        if self.path.is_empty() || self.path.split('/').any(str::is_empty) {
            return Err(ValidationError::Empty {
                field: super::Field::Code,
            });
        }
        if self.id != AnswerRecord::id_for(self.response_id, &self.path) {
            return Err(ValidationError::NotDerivedId {
                path: self.path.chars().take(80).collect(),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answer_ids_depend_on_response_and_path_only() {
        let response = ResponseId::new();
        let a = AnswerRecord::new(response, "fire_exit", "yes");
        let b = AnswerRecord::new(response, "fire_exit", "no");
        assert_eq!(a.id, b.id);
        assert_ne!(a.id, AnswerRecord::new(response, "fire_exits", "yes").id);
        assert_ne!(
            a.id,
            AnswerRecord::new(ResponseId::new(), "fire_exit", "yes").id
        );
        assert_eq!(a.id.0.get_version_num(), 8);
        assert_eq!(
            AnswerRecord::new(response, "m/0190/age", "3").question(),
            "age"
        );
    }
}
