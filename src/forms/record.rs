//! Importing a workbook as a Form record: read it, keep its bytes, and save the version once
//! (the same bytes imported again, here or on a colleague's laptop, are the same record).

use super::error::{FormError, SheetProblem};
use super::{FormDefinition, builtin, read_workbook};
use crate::model::{Form, SubjectId};
use crate::store::{Outcome, Store, sha256_hex};
use std::io::Read;
use std::path::Path;

/// The largest workbook read from a file, in bytes (the reader bounds what it unpacks).
const MAX_WORKBOOK_BYTES: u64 = 64 << 20;

/// A form imported: its record and whether it was new.
#[derive(Clone, Debug)]
pub struct Imported {
    /// The Form record as saved.
    pub form: Form,
    /// `Created` for a new version, `Unchanged` for the same workbook again.
    pub outcome: Outcome,
}

/// Imports a workbook's bytes; `name` stands in for the `form_id` a workbook does not set.
/// With `subject`, the form belongs to that research subject.
pub fn import_bytes(
    store: &mut Store,
    bytes: &[u8],
    name: &str,
    subject: Option<SubjectId>,
) -> Result<Imported, FormError> {
    let sha256 = sha256_hex(bytes);
    let definition: FormDefinition = read_workbook(bytes.to_vec(), name)?;
    let existing = store.form(Form::id_for_workbook(&sha256)).ok();
    let mut form = match existing {
        Some(form) => form,
        None => Form::from_definition(definition, &sha256),
    };
    if subject.is_some() {
        form.subject_id = subject;
    }
    let outcome = store.write(|w| {
        let outcome = w.put_form(&form, bytes)?;
        // Imported again after it went to the Trash: it comes back.
        if form.meta.deleted_at.is_some() {
            w.set_deleted(crate::store::RecordKind::Form, &form.id.to_string(), false)?;
        }
        Ok(outcome)
    })?;
    let form = store.form(form.id)?;
    Ok(Imported { form, outcome })
}

/// Imports the workbook at `path`.
pub fn import_file(
    store: &mut Store,
    path: &Path,
    subject: Option<SubjectId>,
) -> Result<Imported, FormError> {
    let unreadable = |e: std::io::Error| {
        FormError::Workbook(vec![SheetProblem::new(
            "",
            None,
            None,
            format!("无法读取工作簿（{e}）：{}", path.display()),
            format!("cannot read the workbook ({e}): {}", path.display()),
        )])
    };
    let file = std::fs::File::open(path).map_err(unreadable)?;
    let mut bytes = Vec::new();
    file.take(MAX_WORKBOOK_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    if bytes.len() as u64 > MAX_WORKBOOK_BYTES {
        return Err(unreadable(std::io::Error::other(format!(
            "larger than {} MB",
            MAX_WORKBOOK_BYTES >> 20
        ))));
    }
    let name = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    import_bytes(store, &bytes, &name, subject)
}

/// Imports a built-in template by form id or title.
pub fn import_builtin(
    store: &mut Store,
    name: &str,
    subject: Option<SubjectId>,
) -> Result<Imported, FormError> {
    match builtin::template(name) {
        Some((id, bytes)) => import_bytes(store, bytes, id, subject),
        None => Err(FormError::Workbook(vec![SheetProblem::new(
            "",
            None,
            None,
            format!("没有名为 {name} 的内置模板（可选：{}）", builtin::names()),
            format!(
                "no built-in template {name} (there are: {})",
                builtin::names()
            ),
        )])),
    }
}
