//! Edits save as they are made, without ever writing back a stale value. A [`Draft`] keeps the
//! record as the store last gave it (the *base*) beside the record as shown; the fields where the
//! two differ are the fields the user touched, and only those are sent, each with the value it
//! was changed from ([`FieldEdit`]), through the shell's command channel. When the record changes
//! underneath (an import, a resolved conflict, a restore, another window), [`Draft::refresh`]
//! takes the new values of the untouched fields; a touched field that also changed elsewhere is
//! held back and shown with keep-mine / take-theirs until the user chooses.

use super::app::{AppCommand, Shared};
use crate::i18n::{Lang, Localized};
use crate::model::{Field, ValidationError};
use crate::store::{FieldEdit, Record, StoredRecord};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// How long typing may pause before the text is written.
pub const TYPING_PAUSE: Duration = Duration::from_millis(500);

/// The field an error belongs to, so it can be shown beside it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldKey {
    /// A specific field.
    Field(&'static str),
    /// Not tied to one field.
    General,
}

/// A record under edit, the stored record it was edited from, and what changed elsewhere.
pub struct Draft<R: Record + PartialEq> {
    /// The record as shown and edited.
    pub draft: R,
    /// The record as the store last gave it (`None` until a new record is first saved).
    base: Option<R>,
    /// The error to show, and the field it belongs to.
    pub error: Option<(FieldKey, String)>,
    dirty_since: Option<Instant>,
    /// The user changed something (errors of a new record wait for that).
    edited: bool,
    /// An edit was sent and the shell has not answered yet.
    sent: bool,
    /// The last save failed: wait for the user's next change before trying again.
    failed: bool,
    /// Fields the user changed that were also changed elsewhere: the value there.
    elsewhere: BTreeMap<String, Value>,
}

fn field_of(err: &ValidationError) -> FieldKey {
    use FieldKey::Field as F;
    match err {
        ValidationError::Empty { field } | ValidationError::Negative { field, .. } => match field {
            Field::Title => F("title"),
            Field::Place => F("place"),
            Field::PeopleMet => F("people_met"),
            Field::PeopleAffected => F("people_affected"),
            Field::Code => F("code"),
            Field::NameZh => F("name_zh"),
            Field::Author => FieldKey::General,
            Field::IntervieweeName => F("interviewees"),
            Field::FileName | Field::Size => FieldKey::General,
        },
        ValidationError::BadSha256(_) => FieldKey::General,
        ValidationError::FewerPeopleThanInterviewees { .. } => F("people_met"),
        ValidationError::CloseNeedsVerifier => F("verified_by"),
        ValidationError::CloseNeedsDate => F("closed_on"),
        ValidationError::EndBeforeStart => F("end_date"),
        ValidationError::BadCode(_) => F("code"),
        ValidationError::BadDate(_) => FieldKey::General,
        ValidationError::TooLong { column, .. }
        | ValidationError::TooMany { column, .. }
        | ValidationError::TooLarge { column, .. }
        | ValidationError::ImplausibleDate { column, .. } => F(column),
        ValidationError::NilId { .. } | ValidationError::NotDerivedId { .. } => FieldKey::General,
    }
}

/// The data fields of a record by name.
fn fields_of<R: Record>(record: &R) -> Map<String, Value> {
    StoredRecord::from_record(record)
        .map(|s| s.data)
        .unwrap_or_default()
}

impl<R: Record + PartialEq> Draft<R> {
    /// Edits a record that is already saved.
    pub fn existing(record: R) -> Self {
        Draft {
            base: Some(record.clone()),
            draft: record,
            error: None,
            dirty_since: None,
            edited: false,
            sent: false,
            failed: false,
            elsewhere: BTreeMap::new(),
        }
    }

    /// Edits a new record, saved once it is valid.
    pub fn new(record: R) -> Self {
        Draft {
            draft: record,
            base: None,
            error: None,
            dirty_since: Some(Instant::now()),
            edited: false,
            sent: false,
            failed: false,
            elsewhere: BTreeMap::new(),
        }
    }

    /// Not saved yet.
    pub fn is_new(&self) -> bool {
        self.base.is_none()
    }

    /// The record's id as text.
    pub fn id_text(&self) -> String {
        self.draft.id_text()
    }

    /// The names of the fields the user changed and has not saved yet.
    pub fn touched(&self) -> Vec<String> {
        let Some(base) = &self.base else {
            return Vec::new();
        };
        let (base, draft) = (fields_of(base), fields_of(&self.draft));
        R::KIND
            .columns()
            .iter()
            .map(|(c, _)| *c)
            .filter(|c| base.get(*c) != draft.get(*c))
            .map(str::to_owned)
            .collect()
    }

    /// Has changes not yet written.
    pub fn is_dirty(&self) -> bool {
        self.is_new() || !self.touched().is_empty()
    }

    /// Notes that the user changed something (`typing`: wait for a pause before saving).
    pub fn changed(&mut self, typing: bool) {
        self.edited = true;
        self.failed = false;
        self.dirty_since = typing.then(Instant::now);
    }

    /// The error to show beside `key`, if any.
    pub fn error_for(&self, key: FieldKey) -> Option<&str> {
        self.error
            .as_ref()
            .filter(|(k, _)| *k == key)
            .map(|(_, m)| m.as_str())
    }

    /// Shows an error tied to no field.
    pub fn general_error_ui(&self, ui: &mut egui::Ui) {
        if let Some(message) = self.error_for(FieldKey::General) {
            super::widgets::error_label(ui, message);
        }
    }

    /// Validates, and when the record is valid and due (`force`: now) returns the edit to send:
    /// the touched fields that were not also changed elsewhere. Asks for a repaint while a save
    /// is pending.
    pub fn take_edit(&mut self, lang: Lang, ctx: &egui::Context, force: bool) -> Option<FieldEdit> {
        if self.sent || (self.failed && !force) {
            return None;
        }
        let touched = self.touched();
        if !self.is_new() && touched.is_empty() {
            if matches!(self.error, Some((FieldKey::Field(_), _))) {
                self.error = None;
            }
            return None;
        }
        if let Err(err) = self.draft.check() {
            // A new record's first empty field is not an error until the user typed something.
            self.error = self.edited.then(|| (field_of(&err), err.localized(lang)));
            return None;
        }
        if matches!(self.error, Some((FieldKey::Field(_), _))) {
            self.error = None;
        }
        if !force && let Some(since) = self.dirty_since {
            let waited = since.elapsed();
            if waited < TYPING_PAUSE {
                ctx.request_repaint_after(TYPING_PAUSE - waited);
                return None;
            }
        }
        let draft = fields_of(&self.draft);
        let edit = match &self.base {
            None => FieldEdit {
                id: self.draft.id_text(),
                base: Map::new(),
                changes: draft,
                create: true,
            },
            Some(base) => {
                let base = fields_of(base);
                let mut edit = FieldEdit {
                    id: self.draft.id_text(),
                    base: Map::new(),
                    changes: Map::new(),
                    create: false,
                };
                for field in touched.iter().filter(|f| !self.elsewhere.contains_key(*f)) {
                    let was = base.get(field).cloned().unwrap_or(Value::Null);
                    let is = draft.get(field).cloned().unwrap_or(Value::Null);
                    edit.base.insert(field.clone(), was);
                    edit.changes.insert(field.clone(), is);
                }
                edit
            }
        };
        if edit.changes.is_empty() {
            return None;
        }
        self.sent = true;
        self.dirty_since = None;
        Some(edit)
    }

    /// Like [`Draft::take_edit`], and sends the edit to the shell.
    pub fn autosave(&mut self, shared: &mut Shared<'_>, ctx: &egui::Context, force: bool) {
        if let Some(edit) = self.take_edit(shared.lang, ctx, force) {
            shared.send(AppCommand::Save(R::KIND, edit));
        }
    }

    /// What the shell answered to the edit sent: the record as saved, or why it was not.
    pub fn saved(&mut self, result: Result<R, String>) {
        self.sent = false;
        match result {
            Ok(record) => {
                self.failed = false;
                if matches!(self.error, Some((FieldKey::General, _))) {
                    self.error = None;
                }
                // What was saved is shown as the store keeps it; only the fields held back
                // (changed elsewhere) keep the user's value.
                let mine = fields_of(&self.draft);
                let mut shown = fields_of(&record);
                for field in self.elsewhere.keys() {
                    if let Some(value) = mine.get(field) {
                        shown.insert(field.clone(), value.clone());
                    }
                }
                self.show_fields(shown, record.meta().clone());
                self.base = Some(record);
            }
            Err(message) => {
                self.failed = true;
                self.error = Some((FieldKey::General, message));
            }
        }
    }

    /// The record as stored now: untouched fields take its values; a touched field that it
    /// changed too is kept as the user typed it and listed as changed elsewhere.
    pub fn refresh(&mut self, current: R) {
        let Some(base) = &self.base else {
            // A new record just created: what was saved is what is shown.
            *self.draft.meta_mut() = current.meta().clone();
            self.base = Some(current);
            return;
        };
        if *base == current {
            return;
        }
        let (base_fields, now) = (fields_of(base), fields_of(&current));
        let mut shown = fields_of(&self.draft);
        for (name, _) in R::KIND.columns() {
            let (was, is, mine) = (base_fields.get(*name), now.get(*name), shown.get(*name));
            if mine == was {
                if is != was {
                    match is {
                        Some(v) => shown.insert((*name).to_owned(), v.clone()),
                        None => shown.remove(*name),
                    };
                }
                self.elsewhere.remove(*name);
            } else if is == mine {
                self.elsewhere.remove(*name);
            } else if is != was {
                self.elsewhere
                    .insert((*name).to_owned(), is.cloned().unwrap_or(Value::Null));
            }
        }
        self.show_fields(shown, current.meta().clone());
        self.base = Some(current);
    }

    fn show_fields(&mut self, fields: Map<String, Value>, meta: crate::model::RecordMeta) {
        let stored = StoredRecord {
            kind: R::KIND,
            id: self.draft.id_text(),
            data: fields,
            clocks: Default::default(),
            meta,
        };
        match stored.to_record::<R>() {
            Ok(record) => self.draft = record,
            Err(err) => self.error = Some((FieldKey::General, err.to_string())),
        }
    }

    /// The fields the user changed that were also changed elsewhere, with the value there.
    pub fn changed_elsewhere(&self) -> &BTreeMap<String, Value> {
        &self.elsewhere
    }

    /// Keeps the user's value of a field changed elsewhere: it is saved now.
    pub fn keep_mine(&mut self, field: &str) {
        self.elsewhere.remove(field);
        self.dirty_since = None;
    }

    /// Takes the value a field was changed to elsewhere, dropping the user's.
    pub fn take_theirs(&mut self, field: &str) {
        self.elsewhere.remove(field);
        let Some(base) = &self.base else {
            return;
        };
        let theirs = fields_of(base).get(field).cloned();
        let mut shown = fields_of(&self.draft);
        match theirs {
            Some(v) => shown.insert(field.to_owned(), v),
            None => shown.remove(field),
        };
        let meta = self.draft.meta().clone();
        self.show_fields(shown, meta);
    }

    /// Lists the fields changed elsewhere while the user edited them, each with keep-mine /
    /// take-theirs. Returns whether the user chose (the caller then refreshes helper text).
    pub fn elsewhere_ui(&mut self, ui: &mut egui::Ui, lang: Lang) -> bool {
        let mut choice = None;
        for (field, theirs) in &self.elsewhere {
            egui::Frame::group(ui.style())
                .fill(ui.visuals().warn_fg_color.gamma_multiply(0.12))
                .show(ui, |ui| {
                    ui.set_width(ui.available_width());
                    let label = super::history::field_label(field, lang);
                    let value = crate::bundle::value_text(field, theirs, lang);
                    ui.label(match lang {
                        Lang::Zh => format!("「{label}」已被他人修改为：{value}"),
                        Lang::En => format!("{label} was changed elsewhere to: {value}"),
                    });
                    ui.horizontal(|ui| {
                        if ui.button(lang.pick("保留我的", "Keep mine")).clicked() {
                            choice = Some((field.clone(), true));
                        }
                        if ui.button(lang.pick("采用对方的", "Take theirs")).clicked() {
                            choice = Some((field.clone(), false));
                        }
                    });
                });
        }
        match choice {
            Some((field, true)) => self.keep_mine(&field),
            Some((field, false)) => self.take_theirs(&field),
            None => return false,
        }
        true
    }
}

/// Shows the note under a field: its error (if `error` belongs to it) in red, else `warning`.
/// The line is always there, so fields below do not jump when an error comes or goes.
pub fn field_note_ui(
    ui: &mut egui::Ui,
    error: &Option<(FieldKey, String)>,
    field: &'static str,
    warning: Option<&str>,
) {
    match error {
        Some((FieldKey::Field(f), message)) if *f == field => {
            super::widgets::error_label(ui, message);
        }
        _ => match warning {
            Some(warning) => {
                ui.colored_label(ui.visuals().warn_fg_color, warning);
            }
            None => {
                let height = ui.text_style_height(&egui::TextStyle::Body);
                ui.allocate_space(egui::vec2(1.0, height));
            }
        },
    }
}

/// Shows the error of `field` (if `error` belongs to it) in the line kept for it.
pub fn field_error_ui(ui: &mut egui::Ui, error: &Option<(FieldKey, String)>, field: &'static str) {
    field_note_ui(ui, error, field, None);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Finding, VisitId};
    use chrono::NaiveDate;

    fn finding() -> Finding {
        let mut f = Finding::new(VisitId::new(), "护理员不足");
        f.deadline = NaiveDate::from_ymd_opt(2026, 12, 31);
        f
    }

    #[test]
    fn untouched_fields_follow_the_store_and_a_field_changed_on_both_sides_is_held() {
        let stored = finding();
        let mut draft = Draft::existing(stored.clone());
        draft.draft.people_affected = 12;
        draft.draft.owner = "张伟".into();
        let mut elsewhere = stored.clone();
        elsewhere.deadline = NaiveDate::from_ymd_opt(2027, 1, 15);
        elsewhere.owner = "李强".into();
        draft.refresh(elsewhere);
        assert_eq!(draft.draft.deadline, NaiveDate::from_ymd_opt(2027, 1, 15));
        assert_eq!(draft.draft.people_affected, 12, "the user's value stays");
        assert_eq!(draft.draft.owner, "张伟", "the user's value stays");
        assert_eq!(
            draft.changed_elsewhere().keys().collect::<Vec<_>>(),
            ["owner"]
        );
        let edit = draft
            .take_edit(Lang::Zh, &egui::Context::default(), true)
            .unwrap();
        assert_eq!(
            edit.changes.keys().collect::<Vec<_>>(),
            ["people_affected"],
            "only the touched field not changed elsewhere is sent"
        );
        draft.sent = false;
        draft.take_theirs("owner");
        assert_eq!(draft.draft.owner, "李强");
        assert!(draft.changed_elsewhere().is_empty());
    }

    #[test]
    fn a_new_record_shows_no_error_before_anything_was_typed() {
        let mut draft = Draft::new(Finding::new(VisitId::new(), ""));
        assert!(
            draft
                .take_edit(Lang::Zh, &egui::Context::default(), true)
                .is_none()
        );
        assert!(draft.error.is_none());
        draft.changed(false);
        assert!(
            draft
                .take_edit(Lang::Zh, &egui::Context::default(), true)
                .is_none()
        );
        assert!(draft.error.is_some());
    }
}
