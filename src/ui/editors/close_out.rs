//! The close-out (销号) dialog of a problem: who verified the fix, when, a note, and which of
//! the finding's attachments are its evidence. All are checked before the problem is closed.

use super::row;
use crate::i18n::{Lang, Localized};
use crate::model::{AttachmentId, Finding, Status};
use crate::ui::app::{AppCommand, Shared};
use crate::ui::widgets::date_edit;
use chrono::NaiveDate;
use egui::Ui;

/// The fields the close-out dialog asks for.
pub struct CloseOut {
    verified_by: String,
    closed_on: Option<NaiveDate>,
    note: String,
    error: Option<String>,
    /// The finding's attachments and whether each is named as evidence (read when shown).
    evidence: Option<Vec<(AttachmentId, String, bool)>>,
}

/// What the user did in the dialog this frame.
pub enum CloseOutChoice {
    /// Still open.
    Open,
    /// Cancelled.
    Cancelled,
    /// Confirmed: the finding as closed (already checked).
    Closed(Box<Finding>),
}

impl CloseOut {
    /// The dialog for `finding`, with today as the date unless it has one.
    pub fn for_finding(f: &Finding) -> CloseOut {
        CloseOut {
            verified_by: f.verified_by.clone(),
            closed_on: f
                .closed_on
                .or_else(|| Some(chrono::Local::now().date_naive())),
            note: f.close_note.clone(),
            error: None,
            evidence: None,
        }
    }

    /// The dialog. On confirming, the evidence marks are sent to the shell and the closed
    /// finding is returned for the editor to save.
    pub fn ui(
        &mut self,
        ui: &mut Ui,
        shared: &mut Shared<'_>,
        finding: &Finding,
    ) -> CloseOutChoice {
        let lang = shared.lang;
        let mut done = false;
        let mut cancel = false;
        if self.evidence.is_none() {
            let list = shared.store.attachments(&finding.id.to_string(), false);
            let list = shared.report(list);
            self.evidence = Some(
                list.into_iter()
                    .map(|a| (a.id, a.name, a.evidence))
                    .collect(),
            );
        }
        let modal = egui::Modal::new(egui::Id::unique("close-out")).show(ui.ctx(), |ui| {
            ui.set_width(380.0);
            ui.heading(lang.pick("问题销号", "Close the problem"));
            ui.label(lang.pick(
                "销号须经验收：请填写验收人、销号日期和说明。",
                "A problem is closed only once the fix is verified: who verified it, when, and a note.",
            ));
            self.fields_ui(ui, lang);
            if let Some(error) = &self.error {
                crate::ui::widgets::error_label(ui, error);
            }
            ui.horizontal(|ui| {
                if ui.button(lang.pick("确认销号", "Close it")).clicked() {
                    done = true;
                }
                if ui.button(lang.pick("取消", "Cancel")).clicked() {
                    cancel = true;
                }
            });
        });
        if modal.should_close() {
            cancel = true;
        }
        if cancel {
            return CloseOutChoice::Cancelled;
        }
        if !done {
            return CloseOutChoice::Open;
        }
        let mut closed = finding.clone();
        closed.status = Status::Closed;
        closed.verified_by = self.verified_by.trim().to_owned();
        closed.closed_on = self.closed_on;
        closed.close_note = self.note.trim().to_owned();
        if let Err(err) = closed.validate() {
            self.error = Some(err.localized(lang));
            return CloseOutChoice::Open;
        }
        for (id, _, chosen) in self.evidence.iter().flatten() {
            shared.send(AppCommand::SetEvidence(*id, *chosen));
        }
        CloseOutChoice::Closed(Box::new(closed))
    }

    fn fields_ui(&mut self, ui: &mut Ui, lang: Lang) {
        egui::Grid::new("close-out-grid")
            .num_columns(2)
            .spacing([10.0, 8.0])
            .show(ui, |ui| {
                row(ui, lang.pick("验收人", "Verified by"), |ui, label| {
                    ui.add(egui::TextEdit::singleline(&mut self.verified_by).desired_width(220.0))
                        .labelled_by(label);
                });
                row(ui, lang.pick("销号日期", "Closed on"), |ui, label| {
                    date_edit(
                        ui,
                        "close-out-date",
                        &mut self.closed_on,
                        true,
                        lang,
                        Some(label),
                    );
                });
                row(
                    ui,
                    lang.pick("销号说明", "Closing note"),
                    |ui, label| {
                        ui.add(
                            egui::TextEdit::multiline(&mut self.note)
                                .desired_rows(3)
                                .desired_width(220.0),
                        )
                        .labelled_by(label);
                    },
                );
            });
        let evidence = self.evidence.as_mut().filter(|e| !e.is_empty());
        if let Some(evidence) = evidence {
            ui.label(lang.pick(
                "整改佐证（勾选作为证明材料的附件）：",
                "Evidence (tick the attachments that show the fix):",
            ));
            for (_, name, chosen) in evidence.iter_mut() {
                ui.checkbox(chosen, name.as_str());
            }
        }
    }
}
