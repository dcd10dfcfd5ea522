//! The visit editor: date, place, people, subject, notes, its attachments and its findings.

use super::{count_edit, notes_row, row, save_state_ui, split_names, visit_date_warning};
use crate::i18n::Lang;
use crate::model::{AttachmentOwner, FindingKind, Interviewee, IntervieweeRole, Visit};
use crate::store::{FindingFilter, FindingRow, FindingSort, Page, RecordKind};
use crate::ui::app::{AppCommand, Shared};
use crate::ui::attachments::AttachmentList;
use crate::ui::draft::{Draft, field_error_ui, field_note_ui};
use crate::ui::widgets::{date_edit, enum_combo};
use egui::{RichText, Ui};

/// Edits a visit and lists its findings.
pub struct VisitEditor {
    /// The visit under edit.
    pub draft: Draft<Visit>,
    investigators: String,
    findings: Option<(u64, Vec<FindingRow>)>,
    attachments: AttachmentList,
    forms: crate::ui::forms::VisitForms,
    /// A new visit puts the cursor in its first field once.
    focus_first: bool,
}

impl VisitEditor {
    /// Edits a saved visit.
    pub fn existing(visit: Visit) -> Self {
        VisitEditor {
            investigators: visit.investigators.join("、"),
            draft: Draft::existing(visit),
            findings: None,
            attachments: AttachmentList::default(),
            forms: crate::ui::forms::VisitForms::default(),
            focus_first: false,
        }
    }

    /// Edits a new visit (saved once it has a place).
    pub fn new(visit: Visit) -> Self {
        VisitEditor {
            investigators: visit.investigators.join("、"),
            draft: Draft::new(visit),
            findings: None,
            attachments: AttachmentList::default(),
            forms: crate::ui::forms::VisitForms::default(),
            focus_first: true,
        }
    }

    /// Brings the investigators' text in line with the visit after it changed underneath.
    pub fn sync_helpers(&mut self) {
        if split_names(&self.investigators) != self.draft.draft.investigators {
            self.investigators = self.draft.draft.investigators.join("、");
        }
    }

    /// The editor.
    pub fn ui(&mut self, ui: &mut Ui, shared: &mut Shared<'_>) {
        let lang = shared.lang;
        let title = if self.draft.is_new() {
            lang.pick("新建走访", "New visit")
        } else {
            lang.pick("走访记录", "Visit")
        };
        ui.heading(title);
        if self.draft.elsewhere_ui(ui, lang) {
            self.sync_helpers();
        }
        let mut typing = false;
        let mut other = false;
        let focus_first = std::mem::take(&mut self.focus_first);
        let today = chrono::Local::now().date_naive();
        let v = &mut self.draft.draft;
        egui::Grid::new("visit-editor")
            .num_columns(2)
            .spacing([10.0, 8.0])
            .show(ui, |ui| {
                row(ui, lang.pick("走访日期", "Date"), |ui, label| {
                    let mut date = Some(v.date);
                    if date_edit(ui, "visit-date", &mut date, false, lang, Some(label)) {
                        v.date = date.unwrap_or(v.date);
                        other = true;
                    }
                    field_note_ui(
                        ui,
                        &self.draft.error,
                        "date",
                        visit_date_warning(v.date, today, lang),
                    );
                });
                row(ui, lang.pick("走访地点", "Place"), |ui, label| {
                    let response = ui
                        .add(
                            egui::TextEdit::singleline(&mut v.place)
                                .hint_text(lang.pick("走访的单位或地点", "Unit or place visited"))
                                .desired_width(f32::INFINITY),
                        )
                        .labelled_by(label);
                    if focus_first {
                        response.request_focus();
                    }
                    typing |= response.changed();
                    field_error_ui(ui, &self.draft.error, "place");
                });
                row(ui, lang.pick("所在区域", "Region"), |ui, label| {
                    typing |= ui
                        .add(
                            egui::TextEdit::singleline(&mut v.region)
                                .hint_text(lang.pick("区县、乡镇街道", "District, township"))
                                .desired_width(f32::INFINITY),
                        )
                        .labelled_by(label)
                        .changed();
                });
                row(
                    ui,
                    lang.pick("走访人员", "Investigators"),
                    |ui, label| {
                        if ui
                            .add(
                                egui::TextEdit::singleline(&mut self.investigators)
                                    .hint_text(
                                        lang.pick("多人用顿号分隔", "Separate names with commas"),
                                    )
                                    .desired_width(f32::INFINITY),
                            )
                            .labelled_by(label)
                            .changed()
                        {
                            v.investigators = split_names(&self.investigators);
                            typing = true;
                        }
                    },
                );
                row(
                    ui,
                    lang.pick("走访党员群众（人）", "People met"),
                    |ui, label| {
                        other |= count_edit(ui, &mut v.people_met, 1_000_000, label);
                        field_error_ui(ui, &self.draft.error, "people_met");
                    },
                );
                row(
                    ui,
                    lang.pick("受访人员", "Interviewees"),
                    |ui, _label| {
                        let (t, o) = interviewees_ui(ui, v, lang);
                        typing |= t;
                        other |= o;
                        field_error_ui(ui, &self.draft.error, "interviewees");
                    },
                );
                row(ui, lang.pick("四不两直", "Unannounced"), |ui, label| {
                    other |= ui
                        .checkbox(
                            &mut v.unannounced,
                            lang.pick(
                                "不发通知、不打招呼、直奔基层",
                                "No notice, straight to the site",
                            ),
                        )
                        .labelled_by(label)
                        .changed();
                });
                row(ui, lang.pick("调研课题", "Subject"), |ui, label| {
                    other |= subject_combo(ui, v, shared, lang, label);
                });
                typing |= notes_row(ui, lang.pick("备注", "Notes"), &mut v.notes, 3);
            });
        self.draft.general_error_ui(ui);
        if typing || other {
            self.draft.changed(typing && !other);
        }
        self.draft.autosave(shared, ui.ctx(), false);
        ui.add_space(6.0);
        save_state_ui(ui, lang, self.draft.is_new(), self.draft.is_dirty());
        if !self.draft.is_new() {
            ui.separator();
            let owner = AttachmentOwner::Visit(self.draft.draft.id);
            self.attachments.ui(ui, shared, owner);
            ui.separator();
            self.forms.ui(ui, shared, self.draft.draft.id);
        }
        ui.separator();
        self.findings_ui(ui, shared);
    }

    fn findings_ui(&mut self, ui: &mut Ui, shared: &mut Shared<'_>) {
        let lang = shared.lang;
        let visit_id = self.draft.draft.id;
        ui.horizontal(|ui| {
            ui.label(RichText::new(lang.pick("本次走访的发现", "Findings of this visit")).strong());
            let can_add = !self.draft.is_new();
            if ui
                .add_enabled(
                    can_add,
                    egui::Button::new(lang.pick("＋ 添加发现", "+ Add finding")),
                )
                .on_disabled_hover_text(lang.pick("先填写走访地点", "Fill in the place first"))
                .clicked()
            {
                shared.send(AppCommand::NewFinding(visit_id));
            }
        });
        if self.draft.is_new() {
            return;
        }
        let revision = shared.revisions.of(&[RecordKind::Finding]);
        let stale = self
            .findings
            .as_ref()
            .is_none_or(|(rev, _)| *rev != revision);
        if stale {
            let filter = FindingFilter {
                visit: Some(visit_id),
                ..FindingFilter::default()
            };
            let rows = shared
                .store
                .list_findings(&filter, FindingSort::Date, true, Page::ALL);
            let rows = shared.report(rows);
            self.findings = Some((revision, rows));
        }
        let Some((_, rows)) = &self.findings else {
            return;
        };
        if rows.is_empty() {
            ui.label(RichText::new(lang.pick("暂无发现", "No findings yet")).weak());
        }
        for r in rows {
            ui.horizontal(|ui| {
                ui.label(RichText::new(r.finding.kind.label(lang)).small());
                let text = if r.overdue {
                    RichText::new(&r.finding.title).color(ui.visuals().error_fg_color)
                } else {
                    RichText::new(&r.finding.title)
                };
                if ui.link(text).clicked() {
                    shared.send(AppCommand::OpenFinding(r.finding.id));
                }
                if r.finding.kind == FindingKind::Problem {
                    ui.label(RichText::new(r.finding.status.label(lang)).weak());
                }
                // A checklist item raised it: a link to the response and its question.
                if let Some(response) = r.finding.response_id
                    && ui
                        .small_button(lang.pick("问卷", "Form"))
                        .on_hover_text(r.finding.question.as_deref().unwrap_or_default())
                        .clicked()
                {
                    shared.send(AppCommand::OpenResponse(response));
                }
            });
        }
    }
}

/// The research subject a visit belongs to; returns whether the choice changed.
fn subject_combo(
    ui: &mut Ui,
    v: &mut Visit,
    shared: &Shared<'_>,
    lang: Lang,
    label: egui::Id,
) -> bool {
    let mut changed = false;
    let shown = v
        .subject_id
        .and_then(|id| shared.subjects.iter().find(|s| s.id == id))
        .map_or_else(
            || lang.pick("（无）", "(none)").to_owned(),
            |s| s.title.clone(),
        );
    egui::ComboBox::from_id_salt("visit-subject")
        .selected_text(shown)
        .width(260.0)
        .show_ui(ui, |ui| {
            if ui
                .selectable_label(v.subject_id.is_none(), lang.pick("（无）", "(none)"))
                .clicked()
            {
                v.subject_id = None;
                changed = true;
            }
            for s in shared.subjects {
                if ui
                    .selectable_label(v.subject_id == Some(s.id), &s.title)
                    .clicked()
                {
                    v.subject_id = Some(s.id);
                    changed = true;
                }
            }
        })
        .response
        .labelled_by(label);
    changed
}

/// The people interviewed on a visit: name, role, contact, each removable, and "add". Returns
/// (typed in a text field, changed otherwise); the count of people met follows the list.
fn interviewees_ui(ui: &mut Ui, visit: &mut Visit, lang: Lang) -> (bool, bool) {
    let mut list = visit.interviewees.clone();
    let (mut typing, mut other) = (false, false);
    let mut remove = None;
    for (i, person) in list.iter_mut().enumerate() {
        ui.push_id(i, |ui| {
            // Two short lines per person keep the editor narrow.
            ui.horizontal(|ui| {
                let name = ui.label(lang.pick("姓名", "Name")).id;
                typing |= ui
                    .add(egui::TextEdit::singleline(&mut person.name).desired_width(72.0))
                    .labelled_by(name)
                    .changed();
                let role = ui.label(lang.pick("身份", "Role")).id;
                let mut chosen = Some(person.role);
                if enum_combo(
                    ui,
                    Some(role),
                    "role",
                    &mut chosen,
                    IntervieweeRole::ALL,
                    |r| r.label(lang),
                    None,
                ) {
                    person.role = chosen.unwrap_or(person.role);
                    other = true;
                }
            });
            ui.horizontal(|ui| {
                let contact = ui.label(lang.pick("联系方式", "Contact")).id;
                typing |= ui
                    .add(egui::TextEdit::singleline(&mut person.contact).desired_width(110.0))
                    .labelled_by(contact)
                    .changed();
                if ui
                    .small_button("×")
                    .on_hover_text(lang.pick("移除受访人", "Remove this person"))
                    .clicked()
                {
                    remove = Some(i);
                }
            });
        });
    }
    if let Some(i) = remove {
        list.remove(i);
        other = true;
    }
    if ui
        .button(lang.pick("＋ 添加受访人", "+ Add a person"))
        .clicked()
    {
        list.push(Interviewee {
            name: String::new(),
            role: IntervieweeRole::Resident,
            contact: String::new(),
        });
        other = true;
    }
    if typing || other {
        visit.set_interviewees(list);
    }
    (typing, other)
}
