//! The Forms & checklists view (问卷与检查表): every form version with its topics and number
//! of responses; import a workbook (a file dialog, or an .xlsx dropped on the window) with the
//! engine's refusals listed by sheet and row; add a built-in template; archive a form. A form
//! chosen shows its responses table and its results below.

use super::responses_table::ResponsesTable;
use super::results_view::ResultsView;
use crate::forms::SheetProblem;
use crate::forms::builtin::TEMPLATES;
use crate::i18n::Lang;
use crate::model::{Form, FormId};
use crate::store::{RecordKind, ResponseFilter};
use crate::ui::app::{AppCommand, Shared};
use egui::{RichText, Ui};
use std::path::PathBuf;

/// One form in the list.
#[derive(Clone, Debug)]
pub struct FormRow {
    /// The form version.
    pub form: Form,
    /// How many live responses it has.
    pub responses: usize,
}

/// What the view shows under the list for the chosen form.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FormTab {
    /// The responses table.
    #[default]
    Responses,
    /// The results: charts, summaries, exports.
    Results,
}

/// The Forms view.
#[derive(Default)]
pub struct FormsView {
    rows: Option<(u64, Vec<FormRow>)>,
    /// The workbook refused last, with every problem the engine found.
    refusals: Option<(String, Vec<SheetProblem>)>,
    /// The form whose responses or results are shown.
    pub selected: Option<FormId>,
    /// Which of them.
    pub tab: FormTab,
    show_archived: bool,
    responses: ResponsesTable,
    results: ResultsView,
}

/// Whether `path` is a workbook the Forms view imports (an .xlsx or .xls dropped on it).
pub fn is_workbook(path: &std::path::Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx") || e.eq_ignore_ascii_case("xls"))
}

impl FormsView {
    /// Shows why the workbook `file` was refused (the shell calls this after an import).
    pub fn show_refusals(&mut self, file: String, problems: Vec<SheetProblem>) {
        self.refusals = Some((file, problems));
    }

    /// Clears the refusals (after a workbook was taken).
    pub fn clear_refusals(&mut self) {
        self.refusals = None;
    }

    /// The refusals shown (for tests).
    pub fn refusals(&self) -> Option<&[SheetProblem]> {
        self.refusals.as_ref().map(|(_, p)| p.as_slice())
    }

    /// The results panel, to set its filters (for tests).
    pub fn results_mut(&mut self) -> &mut ResultsView {
        &mut self.results
    }

    fn refresh(&mut self, shared: &mut Shared<'_>) {
        let revision = shared
            .revisions
            .of(&[RecordKind::Form, RecordKind::Response]);
        if self.rows.as_ref().is_some_and(|(r, _)| *r == revision) {
            return;
        }
        let forms = shared.store.forms();
        let forms = shared.report(forms);
        let responses = shared.store.responses(&ResponseFilter::default());
        let responses = shared.report(responses);
        let rows = forms
            .into_iter()
            .map(|form| FormRow {
                responses: responses.iter().filter(|r| r.form == form.id).count(),
                form,
            })
            .collect();
        self.rows = Some((revision, rows));
    }

    /// Draws the view.
    pub fn ui(&mut self, ui: &mut Ui, shared: &mut Shared<'_>) {
        let lang = shared.lang;
        self.refresh(shared);
        ui.heading(lang.pick("问卷与检查表", "Forms & checklists"));
        self.actions_ui(ui, shared);
        self.refusals_ui(ui, lang);
        ui.separator();
        // A solid scroll bar takes its own strip: a floating one would cover the last row.
        ui.spacing_mut().scroll = egui::style::ScrollStyle::solid();
        egui::ScrollArea::both()
            .id_salt("forms-list")
            .max_height((ui.available_height() * 0.35).max(120.0))
            .auto_shrink([false, true])
            .show(ui, |ui| self.list_ui(ui, shared));
        let Some(selected) = self.selected else {
            return;
        };
        // Borrowed, not cloned: a form's definition is large and this runs every frame.
        let Some(row) = self
            .rows
            .as_ref()
            .and_then(|(_, rows)| rows.iter().find(|r| r.form.id == selected))
        else {
            return;
        };
        ui.separator();
        ui.horizontal(|ui| {
            ui.selectable_value(
                &mut self.tab,
                FormTab::Responses,
                lang.pick("答卷", "Responses"),
            );
            ui.selectable_value(
                &mut self.tab,
                FormTab::Results,
                lang.pick("结果", "Results"),
            );
            ui.label(RichText::new(&row.form.title).strong());
        });
        match self.tab {
            FormTab::Responses => self.responses.ui(ui, shared, &row.form),
            FormTab::Results => self.results.ui(ui, shared, &row.form),
        }
    }

    fn actions_ui(&mut self, ui: &mut Ui, shared: &mut Shared<'_>) {
        let lang = shared.lang;
        ui.horizontal_wrapped(|ui| {
            if ui
                .button(lang.pick("导入 XLSForm 工作簿…", "Import an XLSForm workbook…"))
                .on_hover_text(lang.pick(
                    "也可以把 .xlsx 文件拖到窗口上",
                    "You can also drop an .xlsx file on the window",
                ))
                .clicked()
                && let Some(file) = rfd::FileDialog::new()
                    .add_filter("XLSForm", &["xlsx", "xls"])
                    .pick_file()
            {
                shared.send(AppCommand::ImportForm(file));
            }
            ui.menu_button(
                lang.pick("添加内置模板", "Add a built-in template"),
                |ui| {
                    for (id, title, _) in TEMPLATES {
                        if ui.button(*title).clicked() {
                            shared.send(AppCommand::ImportBuiltinForm((*id).to_owned()));
                            ui.close();
                        }
                    }
                },
            );
            ui.checkbox(
                &mut self.show_archived,
                lang.pick("显示已归档", "Show archived"),
            );
        });
    }

    fn refusals_ui(&mut self, ui: &mut Ui, lang: Lang) {
        let Some((file, problems)) = &self.refusals else {
            return;
        };
        let mut close = false;
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.horizontal_wrapped(|ui| {
                crate::ui::widgets::error_label(
                    ui,
                    &match lang {
                        Lang::Zh => format!("未导入 {file}：发现 {} 处问题", problems.len()),
                        Lang::En => {
                            format!("{file} was not imported: {} problem(s)", problems.len())
                        }
                    },
                );
                close = ui.small_button(lang.pick("关闭", "Close")).clicked();
            });
            egui::Grid::new("form-refusals")
                .striped(true)
                .num_columns(2)
                .show(ui, |ui| {
                    ui.label(RichText::new(lang.pick("位置", "Where")).strong());
                    ui.label(RichText::new(lang.pick("问题", "Problem")).strong());
                    ui.end_row();
                    for p in problems {
                        ui.label(p.place(lang));
                        ui.label(p.message(lang));
                        ui.end_row();
                    }
                });
        });
        if close {
            self.refusals = None;
        }
    }

    fn list_ui(&mut self, ui: &mut Ui, shared: &mut Shared<'_>) {
        let lang = shared.lang;
        let Some((_, rows)) = &self.rows else {
            return;
        };
        let shown: Vec<&FormRow> = rows
            .iter()
            .filter(|r| self.show_archived || !r.form.archived)
            .collect();
        if shown.is_empty() {
            ui.label(
                RichText::new(lang.pick(
                    "还没有问卷或检查表。导入一个 XLSForm 工作簿，或添加内置模板。",
                    "No forms yet. Import an XLSForm workbook or add a built-in template.",
                ))
                .weak(),
            );
            return;
        }
        let mut select = None;
        egui::Grid::new("forms-list-grid")
            .striped(true)
            .num_columns(6)
            .spacing([14.0, 6.0])
            .show(ui, |ui| {
                for header in [
                    lang.pick("名称", "Title"),
                    lang.pick("表单编号", "form_id"),
                    lang.pick("版本", "Version"),
                    lang.pick("专题", "Topics"),
                    lang.pick("答卷数", "Responses"),
                    "",
                ] {
                    ui.label(RichText::new(header).strong());
                }
                ui.end_row();
                for row in shown {
                    let f = &row.form;
                    let title = if f.archived {
                        format!("{}（{}）", f.title, lang.pick("已归档", "archived"))
                    } else {
                        f.title.clone()
                    };
                    if ui
                        .selectable_label(self.selected == Some(f.id), title)
                        .clicked()
                    {
                        select = Some(f.id);
                    }
                    ui.label(&f.form_id);
                    ui.label(&f.version);
                    let topics = topic_names(&f.topics, shared.topics, lang);
                    let height = ui.spacing().interact_size.y;
                    ui.add_sized([170.0, height], egui::Label::new(&topics).truncate())
                        .on_hover_text(&topics);
                    ui.label(row.responses.to_string());
                    let archive = if f.archived {
                        lang.pick("取消归档", "Unarchive")
                    } else {
                        lang.pick("归档", "Archive")
                    };
                    if ui
                        .small_button(archive)
                        .on_hover_text(lang.pick(
                            "归档的问卷保留已有答卷，但不再用于新答卷",
                            "An archived form keeps its responses but is not offered for new ones",
                        ))
                        .clicked()
                    {
                        shared.send(AppCommand::ArchiveForm(f.id, !f.archived));
                    }
                    ui.end_row();
                }
            });
        if let Some(id) = select {
            self.selected = Some(id);
        }
    }
}

/// A form's topics as the catalogue names them (codes or names the catalogue lacks as written).
pub fn topic_names(topics: &[String], catalogue: &[crate::model::Topic], lang: Lang) -> String {
    topics
        .iter()
        .map(|t| {
            catalogue
                .iter()
                .find(|c| c.code == *t || c.name_zh == *t || c.name_en == *t)
                .map_or(t.as_str(), |c| c.name(lang))
        })
        .collect::<Vec<_>>()
        .join(lang.pick("、", ", "))
}

/// The files among `paths` the Forms view takes (workbooks), and the others.
pub fn split_workbooks(paths: Vec<PathBuf>) -> (Vec<PathBuf>, Vec<PathBuf>) {
    paths.into_iter().partition(|p| is_workbook(p))
}
