//! Research subjects (调研课题): the list, and the editor of one (lead, unit, period, topics).

use crate::i18n::Lang;
use crate::model::{Subject, SubjectId};
use crate::ui::app::{AppCommand, Shared};
use crate::ui::draft::{Draft, field_error_ui};
use crate::ui::editors::{notes_row, row, text_row};
use crate::ui::widgets::{date_edit, topic_chips, topic_path};
use egui::RichText;

/// The Subjects view.
#[derive(Default)]
pub struct SubjectsView;

impl SubjectsView {
    /// The view; `selected` is highlighted.
    pub fn ui(&mut self, ui: &mut egui::Ui, shared: &mut Shared<'_>, selected: Option<SubjectId>) {
        let lang = shared.lang;
        ui.horizontal(|ui| {
            ui.heading(lang.pick("调研课题", "Research subjects"));
            if ui
                .button(lang.pick("＋ 新建课题", "+ New subject"))
                .clicked()
            {
                shared.send(AppCommand::NewSubject);
            }
        });
        if shared.subjects.is_empty() {
            ui.label(RichText::new(lang.pick("还没有调研课题", "No subjects yet")).weak());
        }
        let mut open = None;
        egui::ScrollArea::vertical().show(ui, |ui| {
            for s in shared.subjects {
                ui.horizontal(|ui| {
                    if ui
                        .selectable_label(selected == Some(s.id), RichText::new(&s.title).strong())
                        .clicked()
                    {
                        open = Some(s.id);
                    }
                });
                let topics: Vec<String> = s
                    .topics
                    .iter()
                    .map(|t| topic_path(shared.topics, *t, lang))
                    .collect();
                let period = match (s.start_date, s.end_date) {
                    (Some(a), Some(b)) => format!("{a} – {b}"),
                    (Some(a), None) => format!("{a} –"),
                    _ => String::new(),
                };
                let line = match lang {
                    Lang::Zh => format!(
                        "领衔：{}　承办：{}　{period}　{}",
                        s.lead,
                        s.unit,
                        topics.join("、")
                    ),
                    Lang::En => format!(
                        "Lead: {} · Unit: {} · {period} · {}",
                        s.lead,
                        s.unit,
                        topics.join(", ")
                    ),
                };
                ui.label(RichText::new(line).weak());
                ui.separator();
            }
        });
        if let Some(id) = open {
            shared.send(AppCommand::OpenSubject(id));
        }
    }
}

/// Edits a research subject.
pub struct SubjectEditor {
    /// The subject under edit.
    pub draft: Draft<Subject>,
}

impl SubjectEditor {
    /// Edits a saved subject.
    pub fn existing(subject: Subject) -> Self {
        SubjectEditor {
            draft: Draft::existing(subject),
        }
    }

    /// Edits a new subject (saved once it has a title).
    pub fn new(subject: Subject) -> Self {
        SubjectEditor {
            draft: Draft::new(subject),
        }
    }

    /// The editor.
    pub fn ui(&mut self, ui: &mut egui::Ui, shared: &mut Shared<'_>) {
        let lang = shared.lang;
        let s = &mut self.draft.draft;
        ui.heading(lang.pick("调研课题", "Research subject"));
        let mut typing = false;
        let mut other = false;
        egui::Grid::new("subject-editor")
            .num_columns(2)
            .spacing([10.0, 8.0])
            .show(ui, |ui| {
                row(ui, lang.pick("课题名称", "Title"), |ui, label| {
                    typing |= ui
                        .add(egui::TextEdit::singleline(&mut s.title).desired_width(f32::INFINITY))
                        .labelled_by(label)
                        .changed();
                    field_error_ui(ui, &self.draft.error, "title");
                });
                typing |= text_row(ui, lang.pick("领衔领导", "Led by"), &mut s.lead);
                typing |= text_row(ui, lang.pick("承办处室单位", "Unit"), &mut s.unit);
                row(ui, lang.pick("开始日期", "Start"), |ui, label| {
                    other |= date_edit(
                        ui,
                        "subject-start",
                        &mut s.start_date,
                        true,
                        lang,
                        Some(label),
                    );
                });
                row(ui, lang.pick("结束日期", "End"), |ui, label| {
                    other |= date_edit(ui, "subject-end", &mut s.end_date, true, lang, Some(label));
                    field_error_ui(ui, &self.draft.error, "end_date");
                });
                row(ui, lang.pick("专题", "Topics"), |ui, _label| {
                    other |= topic_chips(ui, "subject-topics", &mut s.topics, shared.topics, lang);
                });
                typing |= notes_row(ui, lang.pick("备注", "Notes"), &mut s.notes, 3);
            });
        self.draft.general_error_ui(ui);
        if typing || other {
            self.draft.changed(typing && !other);
        }
        self.draft.autosave(shared, ui.ctx(), false);
    }
}
