//! The finding editor: what was found, and for a problem its rectification plan, deadline,
//! owner, status and close-out.

use super::close_out::{CloseOut, CloseOutChoice};
use super::{count_edit, deadline_warning, notes_row, row, save_state_ui, text_row};
use crate::i18n::Lang;
use crate::model::{AttachmentOwner, Category, Finding, FindingKind, Status};
use crate::store::RecordKind;
use crate::ui::app::{AppCommand, Shared};
use crate::ui::attachments::AttachmentList;
use crate::ui::draft::{Draft, FieldKey, field_error_ui, field_note_ui};
use crate::ui::widgets::{date_edit, enum_combo, topic_chips};
use chrono::NaiveDate;
use egui::{RichText, Ui};

/// Edits a finding and its rectification.
pub struct FindingEditor {
    /// The finding under edit.
    pub draft: Draft<Finding>,
    close_out: Option<CloseOut>,
    attachments: AttachmentList,
    /// The date of the finding's visit (for the deadline's warning), and when it was read.
    visit_date: Option<(u64, Option<NaiveDate>)>,
    /// A new finding puts the cursor in its title once.
    focus_first: bool,
}

/// What the fields of one frame did.
#[derive(Default)]
struct Edits {
    typing: bool,
    other: bool,
    start_close: bool,
}

impl FindingEditor {
    /// Edits a saved finding.
    pub fn existing(finding: Finding) -> Self {
        FindingEditor {
            draft: Draft::existing(finding),
            close_out: None,
            attachments: AttachmentList::default(),
            visit_date: None,
            focus_first: false,
        }
    }

    /// Edits a new finding (saved once it has a title).
    pub fn new(finding: Finding) -> Self {
        FindingEditor {
            draft: Draft::new(finding),
            close_out: None,
            attachments: AttachmentList::default(),
            visit_date: None,
            focus_first: true,
        }
    }

    /// Whether the close-out dialog is open.
    pub fn is_closing(&self) -> bool {
        self.close_out.is_some()
    }

    /// Opens the close-out dialog.
    pub fn start_close(&mut self) {
        self.close_out = Some(CloseOut::for_finding(&self.draft.draft));
    }

    /// The date of the finding's visit, read again when visits changed.
    fn visit_date(&mut self, shared: &mut Shared<'_>) -> Option<NaiveDate> {
        let revision = shared.revisions.of(&[RecordKind::Visit]);
        if self.visit_date.is_none_or(|(rev, _)| rev != revision) {
            let date = shared
                .store
                .visit(self.draft.draft.visit_id)
                .map(|v| Some(v.date));
            let date = shared.report(date);
            self.visit_date = Some((revision, date));
        }
        self.visit_date.and_then(|(_, date)| date)
    }

    /// The editor.
    pub fn ui(&mut self, ui: &mut Ui, shared: &mut Shared<'_>) {
        let lang = shared.lang;
        let is_new = self.draft.is_new();
        ui.horizontal(|ui| {
            ui.heading(if is_new {
                lang.pick("新建发现", "New finding")
            } else {
                lang.pick("发现", "Finding")
            });
            if ui.link(lang.pick("← 所属走访", "← Its visit")).clicked() {
                shared.send(AppCommand::OpenVisit(self.draft.draft.visit_id));
            }
            // Raised by a failing checklist item: back to the response that raised it.
            if let Some(response) = self.draft.draft.response_id
                && ui
                    .link(lang.pick("← 来源问卷", "← Its form response"))
                    .on_hover_text(self.draft.draft.question.as_deref().unwrap_or_default())
                    .clicked()
            {
                shared.send(AppCommand::OpenResponse(response));
            }
        });
        self.draft.elsewhere_ui(ui, lang);
        let mut edits = Edits::default();
        self.main_fields_ui(ui, shared, &mut edits);
        if self.draft.draft.kind == FindingKind::Problem {
            let visit_date = self.visit_date(shared);
            self.rectification_ui(ui, lang, visit_date, &mut edits);
        }
        self.draft.general_error_ui(ui);
        if edits.start_close {
            self.start_close();
        }
        if edits.typing || edits.other {
            self.draft.changed(edits.typing && !edits.other);
        }
        self.draft.autosave(shared, ui.ctx(), false);
        ui.add_space(6.0);
        save_state_ui(ui, lang, self.draft.is_new(), self.draft.is_dirty());
        if !self.draft.is_new() {
            ui.separator();
            let owner = AttachmentOwner::Finding(self.draft.draft.id);
            self.attachments.ui(ui, shared, owner);
        }
        self.close_out_ui(ui, shared);
    }

    fn main_fields_ui(&mut self, ui: &mut Ui, shared: &Shared<'_>, edits: &mut Edits) {
        let lang = shared.lang;
        let focus_first = std::mem::take(&mut self.focus_first);
        let error = &self.draft.error;
        let f = &mut self.draft.draft;
        egui::Grid::new("finding-editor")
            .num_columns(2)
            .spacing([10.0, 8.0])
            .show(ui, |ui| {
                row(ui, lang.pick("标题", "Title"), |ui, label| {
                    let response = ui
                        .add(
                            egui::TextEdit::singleline(&mut f.title)
                                .hint_text(lang.pick("一句话概括", "One line"))
                                .desired_width(f32::INFINITY),
                        )
                        .labelled_by(label);
                    if focus_first {
                        response.request_focus();
                    }
                    edits.typing |= response.changed();
                    field_error_ui(ui, error, "title");
                });
                row(ui, lang.pick("类型", "Kind"), |ui, label| {
                    let mut kind = Some(f.kind);
                    if enum_combo(
                        ui,
                        Some(label),
                        "finding-kind",
                        &mut kind,
                        FindingKind::ALL,
                        |k| k.label(lang),
                        None,
                    ) {
                        f.kind = kind.unwrap_or(f.kind);
                        edits.other = true;
                    }
                });
                row(ui, lang.pick("专题", "Topics"), |ui, _label| {
                    edits.other |=
                        topic_chips(ui, "finding-topics", &mut f.topics, shared.topics, lang);
                });
                edits.typing |= notes_row(ui, lang.pick("具体情况", "Detail"), &mut f.detail, 3);
                row(
                    ui,
                    lang.pick("涉及人数（户）", "People affected"),
                    |ui, label| {
                        edits.other |= count_edit(ui, &mut f.people_affected, 10_000_000, label);
                    },
                );
            });
    }

    fn rectification_ui(
        &mut self,
        ui: &mut Ui,
        lang: Lang,
        visit_date: Option<NaiveDate>,
        edits: &mut Edits,
    ) {
        let error = &self.draft.error;
        let f = &mut self.draft.draft;
        ui.separator();
        ui.label(RichText::new(lang.pick("整改方案", "Rectification plan")).strong());
        egui::Grid::new("finding-rectification")
            .num_columns(2)
            .spacing([10.0, 8.0])
            .show(ui, |ui| {
                row(ui, lang.pick("整改类别", "Category"), |ui, label| {
                    edits.other |= enum_combo(
                        ui,
                        Some(label),
                        "finding-category",
                        &mut f.category,
                        Category::ALL,
                        |c| c.label(lang),
                        Some(lang.pick("（未定）", "(not set)")),
                    );
                });
                for (label, value) in [
                    (lang.pick("整改措施", "Measures"), &mut f.measures),
                    (lang.pick("整改目标", "Target"), &mut f.target),
                ] {
                    row(ui, label, |ui, label| {
                        edits.typing |= ui
                            .add(
                                egui::TextEdit::multiline(value)
                                    .desired_rows(2)
                                    .desired_width(f32::INFINITY),
                            )
                            .labelled_by(label)
                            .changed();
                    });
                }
                row(ui, lang.pick("整改时限", "Deadline"), |ui, label| {
                    edits.other |= date_edit(
                        ui,
                        "finding-deadline",
                        &mut f.deadline,
                        true,
                        lang,
                        Some(label),
                    );
                    let warning = deadline_warning(f.deadline, visit_date, lang);
                    field_note_ui(ui, error, "deadline", warning);
                });
                edits.typing |=
                    text_row(ui, lang.pick("责任人", "Responsible person"), &mut f.owner);
                edits.typing |= text_row(
                    ui,
                    lang.pick("责任单位", "Responsible unit"),
                    &mut f.owner_unit,
                );
                row(ui, lang.pick("整改状态", "Status"), |ui, label| {
                    status_ui(ui, f, lang, label, edits);
                });
                if f.status == Status::Closed {
                    row(ui, lang.pick("销号日期", "Closed on"), |ui, label| {
                        edits.other |= date_edit(
                            ui,
                            "finding-closed-on",
                            &mut f.closed_on,
                            true,
                            lang,
                            Some(label),
                        );
                        field_error_ui(ui, error, "closed_on");
                    });
                }
            });
        if f.status == Status::Closed {
            egui::Grid::new("finding-close")
                .num_columns(2)
                .spacing([10.0, 8.0])
                .show(ui, |ui| {
                    edits.typing |=
                        text_row(ui, lang.pick("验收人", "Verified by"), &mut f.verified_by);
                    edits.typing |= notes_row(
                        ui,
                        lang.pick("销号说明", "Closing note"),
                        &mut f.close_note,
                        2,
                    );
                });
            if matches!(error, Some((FieldKey::Field("verified_by"), _))) {
                field_error_ui(ui, error, "verified_by");
            }
        }
    }

    /// The close-out dialog, while open: on confirming, the closed finding is saved at once.
    fn close_out_ui(&mut self, ui: &mut Ui, shared: &mut Shared<'_>) {
        let Some(close) = &mut self.close_out else {
            return;
        };
        match close.ui(ui, shared, &self.draft.draft) {
            CloseOutChoice::Open => {}
            CloseOutChoice::Cancelled => self.close_out = None,
            CloseOutChoice::Closed(closed) => {
                self.close_out = None;
                self.draft.draft = *closed;
                self.draft.changed(false);
                self.draft.autosave(shared, ui.ctx(), true);
            }
        }
    }
}

/// The status combo and the "Close…" button; choosing Closed opens the close-out dialog.
fn status_ui(ui: &mut Ui, f: &mut Finding, lang: Lang, label: egui::Id, edits: &mut Edits) {
    ui.horizontal(|ui| {
        let before = f.status;
        let mut status = Some(f.status);
        if enum_combo(
            ui,
            Some(label),
            "finding-status",
            &mut status,
            Status::ALL,
            |s| s.label(lang),
            None,
        ) {
            let status = status.unwrap_or(before);
            if status == Status::Closed && before != Status::Closed {
                edits.start_close = true;
            } else {
                f.status = status;
                edits.other = true;
            }
        }
        if f.status != Status::Closed && ui.button(lang.pick("销号…", "Close…")).clicked() {
            edits.start_close = true;
        }
    });
}
