//! Edits save as they are made: a [`Draft`] holds the record being edited, shows what is invalid
//! beside its field, and writes the record as soon as it is valid (text after a short pause in
//! typing, everything else at once). Nothing waits for a save button.

use crate::i18n::{Lang, Localized};
use crate::model::{Field, ValidationError};
use crate::store::{Record, Store};
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

/// A record under edit and its last saved state.
pub struct Draft<R: Record + PartialEq> {
    /// The record as edited.
    pub draft: R,
    saved: Option<R>,
    /// The error to show, and the field it belongs to.
    pub error: Option<(FieldKey, String)>,
    dirty_since: Option<Instant>,
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
        ValidationError::NilId { .. } => FieldKey::General,
    }
}

impl<R: Record + PartialEq> Draft<R> {
    /// Edits a record that is already saved.
    pub fn existing(record: R) -> Self {
        Draft {
            saved: Some(record.clone()),
            draft: record,
            error: None,
            dirty_since: None,
        }
    }

    /// Edits a new record, saved once it is valid.
    pub fn new(record: R) -> Self {
        Draft {
            draft: record,
            saved: None,
            error: None,
            dirty_since: Some(Instant::now()),
        }
    }

    /// Not saved yet.
    pub fn is_new(&self) -> bool {
        self.saved.is_none()
    }

    /// Has changes not yet written.
    pub fn is_dirty(&self) -> bool {
        self.saved.as_ref() != Some(&self.draft)
    }

    /// Notes that the user changed something (`typing`: wait for a pause before saving).
    pub fn changed(&mut self, typing: bool) {
        if typing {
            self.dirty_since = Some(Instant::now());
        } else {
            self.dirty_since = None;
        }
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

    /// Validates, and writes the record when it is valid and due (`force`: now). Returns
    /// whether it was written. Asks for a repaint while a save is pending.
    pub fn autosave(
        &mut self,
        store: &mut Store,
        lang: Lang,
        ctx: &egui::Context,
        force: bool,
    ) -> bool {
        if !self.is_dirty() {
            self.error = None;
            return false;
        }
        if let Err(err) = self.draft.check() {
            self.error = Some((field_of(&err), err.localized(lang)));
            return false;
        }
        self.error = None;
        if !force && let Some(since) = self.dirty_since {
            let waited = since.elapsed();
            if waited < TYPING_PAUSE {
                ctx.request_repaint_after(TYPING_PAUSE - waited);
                return false;
            }
        }
        match store.write(|w| w.put(&self.draft)) {
            Ok(_) => {
                self.saved = Some(self.draft.clone());
                self.dirty_since = None;
                true
            }
            Err(err) => {
                self.error = Some((FieldKey::General, err.localized(lang)));
                false
            }
        }
    }
}

/// Shows the error of `field` (if `error` belongs to it) as a red line.
pub fn field_error_ui(ui: &mut egui::Ui, error: &Option<(FieldKey, String)>, field: &'static str) {
    if let Some((FieldKey::Field(f), message)) = error
        && *f == field
    {
        super::widgets::error_label(ui, message);
    }
}
