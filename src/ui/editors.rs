//! The right-hand editors of visits and findings. Every change is saved as it is made (see
//! [`super::draft`]); what an editor asks of the shell goes out as an [`AppCommand`].

use super::app::{AppCommand, Shared};
use super::attachments::AttachmentList;
use super::draft::{Draft, field_error_ui};
use super::widgets::{date_edit, enum_combo, topic_chips};
use crate::i18n::Lang;
use crate::model::{
    AttachmentId, AttachmentOwner, Category, Finding, FindingKind, Interviewee, IntervieweeRole,
    Status, Visit,
};
use crate::store::{FindingFilter, FindingRow, FindingSort, Page};
use chrono::NaiveDate;
use egui::{RichText, Ui};

/// Splits "王敏、李强, 张伟" into names.
pub fn split_names(text: &str) -> Vec<String> {
    text.split(|c: char| matches!(c, ',' | '，' | '、' | ';' | '；') || c.is_whitespace())
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A grid row with a one-line text field labelled by `label`; returns whether it changed.
pub(crate) fn text_row(ui: &mut Ui, label: &str, text: &mut String) -> bool {
    let mut changed = false;
    row(ui, label, |ui, label| {
        changed = ui
            .add(egui::TextEdit::singleline(text).desired_width(f32::INFINITY))
            .labelled_by(label)
            .changed();
    });
    changed
}

/// A grid row with a text area of `rows` lines labelled by `label`; returns whether it changed.
pub(crate) fn notes_row(ui: &mut Ui, label: &str, text: &mut String, rows: usize) -> bool {
    let mut changed = false;
    row(ui, label, |ui, label| {
        changed = ui
            .add(
                egui::TextEdit::multiline(text)
                    .desired_rows(rows)
                    .desired_width(f32::INFINITY),
            )
            .labelled_by(label)
            .changed();
    });
    changed
}

/// A labelled row of the editor grid. Its content gets the label's id so each widget can be
/// labelled by it (screen readers and UI tests find a field by its label).
pub(crate) fn row(ui: &mut Ui, label: &str, add: impl FnOnce(&mut Ui, egui::Id)) {
    let label = ui.label(label);
    ui.vertical(|ui| add(ui, label.id));
    ui.end_row();
}

/// Edits a visit and lists its findings.
pub struct VisitEditor {
    /// The visit under edit.
    pub draft: Draft<Visit>,
    investigators: String,
    findings: Option<(u64, Vec<FindingRow>)>,
    attachments: AttachmentList,
}

impl VisitEditor {
    /// Edits a saved visit.
    pub fn existing(visit: Visit) -> Self {
        VisitEditor {
            investigators: visit.investigators.join("、"),
            draft: Draft::existing(visit),
            findings: None,
            attachments: AttachmentList::default(),
        }
    }

    /// Edits a new visit (saved once it has a place).
    pub fn new(visit: Visit) -> Self {
        VisitEditor {
            investigators: visit.investigators.join("、"),
            draft: Draft::new(visit),
            findings: None,
            attachments: AttachmentList::default(),
        }
    }

    /// Writes pending changes now.
    pub fn flush(&mut self, shared: &mut Shared<'_>, ctx: &egui::Context) {
        if self.draft.autosave(shared.store, shared.lang, ctx, true) {
            shared.data_changed();
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
        let mut typing = false;
        let mut other = false;
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
                });
                row(ui, lang.pick("走访地点", "Place"), |ui, label| {
                    typing |= ui
                        .add(
                            egui::TextEdit::singleline(&mut v.place)
                                .hint_text(lang.pick("走访的单位或地点", "Unit or place visited"))
                                .desired_width(f32::INFINITY),
                        )
                        .labelled_by(label)
                        .changed();
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
                        other |= ui
                            .add(egui::DragValue::new(&mut v.people_met).range(0..=1_000_000))
                            .labelled_by(label)
                            .changed();
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
                                .selectable_label(
                                    v.subject_id.is_none(),
                                    lang.pick("（无）", "(none)"),
                                )
                                .clicked()
                            {
                                v.subject_id = None;
                                other = true;
                            }
                            for s in shared.subjects {
                                if ui
                                    .selectable_label(v.subject_id == Some(s.id), &s.title)
                                    .clicked()
                                {
                                    v.subject_id = Some(s.id);
                                    other = true;
                                }
                            }
                        })
                        .response
                        .labelled_by(label);
                });
                typing |= notes_row(ui, lang.pick("备注", "Notes"), &mut v.notes, 3);
            });
        self.draft.general_error_ui(ui);
        if typing || other {
            self.draft.changed(typing && !other);
        }
        if self.draft.autosave(shared.store, lang, ui.ctx(), false) {
            shared.data_changed();
        }
        ui.add_space(6.0);
        save_state_ui(ui, lang, self.draft.is_new(), self.draft.is_dirty());
        if !self.draft.is_new() {
            ui.separator();
            let owner = AttachmentOwner::Visit(self.draft.draft.id);
            self.attachments.ui(ui, shared, owner);
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
        let stale = self
            .findings
            .as_ref()
            .is_none_or(|(rev, _)| *rev != shared.revision);
        if stale {
            let filter = FindingFilter {
                visit: Some(visit_id),
                ..FindingFilter::default()
            };
            let rows = shared
                .store
                .list_findings(&filter, FindingSort::Date, true, Page::ALL)
                .unwrap_or_default();
            self.findings = Some((shared.revision, rows));
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
            });
        }
    }
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

/// "Saved" / "not saved yet" under an editor.
fn save_state_ui(ui: &mut Ui, lang: Lang, is_new: bool, dirty: bool) {
    let text = match (is_new, dirty) {
        (true, _) => lang.pick(
            "填写必填项后自动保存",
            "Saved automatically once the required fields are filled",
        ),
        (false, true) => lang.pick("正在保存…", "Saving…"),
        (false, false) => lang.pick("√ 已自动保存", "√ Saved"),
    };
    ui.label(RichText::new(text).small().weak());
}

/// The fields the close-out dialog asks for.
pub struct CloseOut {
    verified_by: String,
    closed_on: Option<NaiveDate>,
    note: String,
    error: Option<String>,
    /// The finding's attachments and whether each is named as evidence (read when shown).
    evidence: Option<Vec<(AttachmentId, String, bool)>>,
}

/// Edits a finding and its rectification.
pub struct FindingEditor {
    /// The finding under edit.
    pub draft: Draft<Finding>,
    close_out: Option<CloseOut>,
    attachments: AttachmentList,
}

impl FindingEditor {
    /// Edits a saved finding.
    pub fn existing(finding: Finding) -> Self {
        FindingEditor {
            draft: Draft::existing(finding),
            close_out: None,
            attachments: AttachmentList::default(),
        }
    }

    /// Edits a new finding (saved once it has a title).
    pub fn new(finding: Finding) -> Self {
        FindingEditor {
            draft: Draft::new(finding),
            close_out: None,
            attachments: AttachmentList::default(),
        }
    }

    /// Writes pending changes now.
    pub fn flush(&mut self, shared: &mut Shared<'_>, ctx: &egui::Context) {
        if self.draft.autosave(shared.store, shared.lang, ctx, true) {
            shared.data_changed();
        }
    }

    /// Whether the close-out dialog is open.
    pub fn is_closing(&self) -> bool {
        self.close_out.is_some()
    }

    /// Opens the close-out dialog.
    pub fn start_close(&mut self) {
        let f = &self.draft.draft;
        self.close_out = Some(CloseOut {
            verified_by: f.verified_by.clone(),
            closed_on: f
                .closed_on
                .or_else(|| Some(chrono::Local::now().date_naive())),
            note: f.close_note.clone(),
            error: None,
            evidence: None,
        });
    }

    /// The editor.
    pub fn ui(&mut self, ui: &mut Ui, shared: &mut Shared<'_>) {
        let lang = shared.lang;
        let is_new = self.draft.is_new();
        let f = &mut self.draft.draft;
        ui.horizontal(|ui| {
            ui.heading(if is_new {
                lang.pick("新建发现", "New finding")
            } else {
                lang.pick("发现", "Finding")
            });
            if ui.link(lang.pick("← 所属走访", "← Its visit")).clicked() {
                shared.send(AppCommand::OpenVisit(f.visit_id));
            }
        });
        let mut typing = false;
        let mut other = false;
        let mut start_close = false;
        egui::Grid::new("finding-editor")
            .num_columns(2)
            .spacing([10.0, 8.0])
            .show(ui, |ui| {
                row(ui, lang.pick("标题", "Title"), |ui, label| {
                    typing |= ui
                        .add(
                            egui::TextEdit::singleline(&mut f.title)
                                .hint_text(lang.pick("一句话概括", "One line"))
                                .desired_width(f32::INFINITY),
                        )
                        .labelled_by(label)
                        .changed();
                    field_error_ui(ui, &self.draft.error, "title");
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
                        other = true;
                    }
                });
                row(ui, lang.pick("专题", "Topics"), |ui, _label| {
                    other |= topic_chips(ui, "finding-topics", &mut f.topics, shared.topics, lang);
                });
                typing |= notes_row(ui, lang.pick("具体情况", "Detail"), &mut f.detail, 3);
                row(
                    ui,
                    lang.pick("涉及人数（户）", "People affected"),
                    |ui, label| {
                        other |= ui
                            .add(egui::DragValue::new(&mut f.people_affected).range(0..=10_000_000))
                            .labelled_by(label)
                            .changed();
                    },
                );
            });
        if f.kind == FindingKind::Problem {
            ui.separator();
            ui.label(RichText::new(lang.pick("整改方案", "Rectification plan")).strong());
            egui::Grid::new("finding-rectification")
                .num_columns(2)
                .spacing([10.0, 8.0])
                .show(ui, |ui| {
                    row(ui, lang.pick("整改类别", "Category"), |ui, label| {
                        other |= enum_combo(
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
                            typing |= ui
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
                        other |= date_edit(
                            ui,
                            "finding-deadline",
                            &mut f.deadline,
                            true,
                            lang,
                            Some(label),
                        );
                    });
                    typing |= text_row(ui, lang.pick("责任人", "Responsible person"), &mut f.owner);
                    typing |= text_row(
                        ui,
                        lang.pick("责任单位", "Responsible unit"),
                        &mut f.owner_unit,
                    );
                    row(ui, lang.pick("整改状态", "Status"), |ui, label| {
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
                                    start_close = true;
                                } else {
                                    f.status = status;
                                    other = true;
                                }
                            }
                            if f.status != Status::Closed
                                && ui.button(lang.pick("销号…", "Close…")).clicked()
                            {
                                start_close = true;
                            }
                        });
                    });
                    if f.status == Status::Closed {
                        row(ui, lang.pick("销号日期", "Closed on"), |ui, label| {
                            other |= date_edit(
                                ui,
                                "finding-closed-on",
                                &mut f.closed_on,
                                true,
                                lang,
                                Some(label),
                            );
                            field_error_ui(ui, &self.draft.error, "closed_on");
                        });
                    }
                });
            let f = &mut self.draft.draft;
            if f.status == Status::Closed {
                egui::Grid::new("finding-close")
                    .num_columns(2)
                    .spacing([10.0, 8.0])
                    .show(ui, |ui| {
                        typing |=
                            text_row(ui, lang.pick("验收人", "Verified by"), &mut f.verified_by);
                        typing |= notes_row(
                            ui,
                            lang.pick("销号说明", "Closing note"),
                            &mut f.close_note,
                            2,
                        );
                    });
                field_error_ui(ui, &self.draft.error, "verified_by");
            }
        }
        self.draft.general_error_ui(ui);
        if start_close {
            self.start_close();
        }
        if typing || other {
            self.draft.changed(typing && !other);
        }
        if self.draft.autosave(shared.store, lang, ui.ctx(), false) {
            shared.data_changed();
        }
        ui.add_space(6.0);
        save_state_ui(ui, lang, self.draft.is_new(), self.draft.is_dirty());
        if !self.draft.is_new() {
            ui.separator();
            let owner = AttachmentOwner::Finding(self.draft.draft.id);
            self.attachments.ui(ui, shared, owner);
        }
        self.close_out_ui(ui, shared);
    }

    /// The close-out (销号) dialog: verifier, date and note, all checked before closing.
    fn close_out_ui(&mut self, ui: &mut Ui, shared: &mut Shared<'_>) {
        let lang = shared.lang;
        let Some(close) = &mut self.close_out else {
            return;
        };
        let mut done = false;
        let mut cancel = false;
        let finding_id = self.draft.draft.id.to_string();
        let evidence = close.evidence.get_or_insert_with(|| {
            shared
                .store
                .attachments(&finding_id, false)
                .unwrap_or_default()
                .into_iter()
                .map(|a| (a.id, a.name, a.evidence))
                .collect()
        });
        let modal = egui::Modal::new(egui::Id::unique("close-out")).show(ui.ctx(), |ui| {
            ui.set_width(380.0);
            ui.heading(lang.pick("问题销号", "Close the problem"));
            ui.label(lang.pick(
                "销号须经验收：请填写验收人、销号日期和说明。",
                "A problem is closed only once the fix is verified: who verified it, when, and a note.",
            ));
            egui::Grid::new("close-out-grid").num_columns(2).spacing([10.0, 8.0]).show(ui, |ui| {
                row(ui, lang.pick("验收人", "Verified by"), |ui, label| {
                    ui.add(egui::TextEdit::singleline(&mut close.verified_by).desired_width(220.0))
                        .labelled_by(label);
                });
                row(ui, lang.pick("销号日期", "Closed on"), |ui, label| {
                    date_edit(ui, "close-out-date", &mut close.closed_on, true, lang, Some(label));
                });
                row(ui, lang.pick("销号说明", "Closing note"), |ui, label| {
                    ui.add(egui::TextEdit::multiline(&mut close.note).desired_rows(3).desired_width(220.0))
                        .labelled_by(label);
                });
            });
            if !evidence.is_empty() {
                ui.label(lang.pick("整改佐证（勾选作为证明材料的附件）：", "Evidence (tick the attachments that show the fix):"));
                for (_, name, chosen) in evidence.iter_mut() {
                    ui.checkbox(chosen, name.as_str());
                }
            }
            if let Some(error) = &close.error {
                super::widgets::error_label(ui, error);
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
        if done {
            let mut closed = self.draft.draft.clone();
            closed.status = Status::Closed;
            closed.verified_by = close.verified_by.trim().to_owned();
            closed.closed_on = close.closed_on;
            closed.close_note = close.note.trim().to_owned();
            match closed.validate() {
                Err(err) => {
                    close.error = Some(crate::i18n::Localized::localized(&err, lang));
                }
                Ok(()) => {
                    for (id, _, chosen) in close.evidence.iter().flatten() {
                        if let Err(err) = shared.store.set_evidence(*id, *chosen) {
                            close.error = Some(crate::i18n::Localized::localized(&err, lang));
                            return;
                        }
                    }
                    shared.data_changed();
                    self.draft.draft = closed;
                    self.draft.changed(false);
                    self.close_out = None;
                    if self.draft.autosave(shared.store, lang, ui.ctx(), true) {
                        shared.data_changed();
                    }
                }
            }
        } else if cancel {
            self.close_out = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::split_names;

    #[test]
    fn names_split_on_chinese_and_western_separators() {
        assert_eq!(
            split_names("王敏、李强, 张伟，陈珺"),
            ["王敏", "李强", "张伟", "陈珺"]
        );
        assert!(split_names(" 、 ").is_empty());
    }
}
