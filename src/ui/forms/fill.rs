//! The form renderer: a [`FormDefinition`] drawn question by question in the interface
//! language, its answers committed whole (a field when it is left, a choice when it is made),
//! relevance, calculations and messages recomputed once per committed answer.

use super::inputs;
use super::state::{AnswerPath, Derived, Edit, derive, interpolate, rows_at, text_at};
use crate::forms::{
    Answers, FindingMatch, FormDefinition, Question, QuestionType, Required, Violation,
};
use crate::i18n::Lang;
use chrono::NaiveDateTime;
use egui::accesskit::Role;
use egui::{RichText, Ui, UiBuilder};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// A form being filled: its answers, what they imply, and what the user has touched.
pub struct FormFill {
    def: Arc<FormDefinition>,
    answers: Answers,
    derived: Derived,
    touched: HashSet<AnswerPath>,
    /// Text typed into a field that has not been left yet.
    pub(super) buffers: HashMap<AnswerPath, String>,
    finishing: bool,
    now: NaiveDateTime,
    pub(super) edits: Vec<Edit>,
    /// The attachment question whose "choose a file" button was pressed.
    attach_request: Option<AnswerPath>,
    /// Labels, hints and choice labels in the language drawn last (picking a translation
    /// allocates; a 300-question form must not do it every frame).
    texts: Option<(Lang, Arc<Texts>)>,
    /// The height each question took when last drawn: questions far outside the visible part
    /// of the scroll area take their space without being drawn.
    heights: HashMap<AnswerPath, f32>,
}

/// A form's texts in one language.
#[derive(Default)]
pub(super) struct Texts {
    /// Label by question name.
    labels: HashMap<String, String>,
    /// Hint by question name.
    hints: HashMap<String, String>,
    /// Choice labels by list name, in the list's order.
    pub(super) choices: HashMap<String, Vec<String>>,
}

impl Texts {
    fn new(def: &FormDefinition, lang: Lang) -> Texts {
        let default = def.default_language.as_deref();
        let mut texts = Texts::default();
        for q in def.all_questions() {
            texts
                .labels
                .insert(q.name.clone(), def.label(q, lang).to_owned());
            if let Some(hint) = q.hint.pick(lang, default) {
                texts.hints.insert(q.name.clone(), hint.to_owned());
            }
        }
        for (list, choices) in &def.choices {
            let labels = choices
                .iter()
                .map(|c| c.label.pick(lang, default).unwrap_or(&c.name).to_owned())
                .collect();
            texts.choices.insert(list.clone(), labels);
        }
        texts
    }
}

/// How far outside the visible part questions are still drawn (so Tab reaches the next one).
const DRAWN_MARGIN: f32 = 600.0;

impl FormFill {
    /// Fills `def` starting from `answers`; `now` is what `today()` answers.
    pub fn new(def: Arc<FormDefinition>, mut answers: Answers, now: NaiveDateTime) -> FormFill {
        let derived = derive(&def, &mut answers, now);
        FormFill {
            def,
            answers,
            derived,
            touched: HashSet::new(),
            buffers: HashMap::new(),
            finishing: false,
            now,
            edits: Vec::new(),
            attach_request: None,
            texts: None,
            heights: HashMap::new(),
        }
    }

    /// The form.
    pub fn definition(&self) -> &Arc<FormDefinition> {
        &self.def
    }

    /// The answers as they would be saved: those of questions that apply.
    pub fn kept(&self) -> &Answers {
        &self.derived.kept
    }

    /// The answers with calculations filled in (what labels and results read).
    pub fn computed(&self) -> &Answers {
        &self.derived.computed
    }

    /// Every rule the answers break now, in survey order.
    pub fn violations(&self) -> &[Violation] {
        &self.derived.violation_list
    }

    /// The checklist items that fail with the answers so far.
    pub fn failing_items(&self) -> Vec<&FindingMatch> {
        let mut items: Vec<_> = self.derived.failing.values().collect();
        items.sort_by(|a, b| (&a.question, a.row).cmp(&(&b.question, b.row)));
        items
    }

    /// The user asked to finish: every message shows from now on. Returns what is still
    /// missing or wrong, one line each (empty when the response can be completed).
    pub fn finish(&mut self, lang: Lang) -> Vec<String> {
        self.commit_typing();
        self.finishing = true;
        self.violations()
            .iter()
            .map(|v| {
                let (label, message) = match lang {
                    Lang::Zh => (&v.label_zh, &v.zh),
                    Lang::En => (&v.label_en, &v.en),
                };
                match (v.row, lang) {
                    (Some(row), Lang::Zh) => format!("{label}（第 {row} 行）：{message}"),
                    (Some(row), Lang::En) => format!("{label} (row {row}): {message}"),
                    (None, Lang::Zh) => format!("{label}：{message}"),
                    (None, Lang::En) => format!("{label}: {message}"),
                }
            })
            .collect()
    }

    /// Commits what is typed in a field not left yet (before saving or closing); true when an
    /// answer changed.
    pub fn commit_typing(&mut self) -> bool {
        for (path, text) in std::mem::take(&mut self.buffers) {
            self.edits.push(Edit::Set(path, text.trim().to_owned()));
        }
        self.apply_edits()
    }

    /// Answers `path` (an attachment's name after the file was chosen, for instance).
    pub fn set_answer(&mut self, path: AnswerPath, value: String) -> bool {
        self.touched.insert(path.clone());
        self.edits.push(Edit::Set(path, value));
        self.apply_edits()
    }

    /// The attachment question whose file button was pressed since last asked.
    pub fn take_attach_request(&mut self) -> Option<AnswerPath> {
        self.attach_request.take()
    }

    fn apply_edits(&mut self) -> bool {
        let mut changed = false;
        for edit in std::mem::take(&mut self.edits) {
            changed |= edit.apply(&mut self.answers);
        }
        if changed {
            self.derived = derive(&self.def, &mut self.answers, self.now);
        }
        changed
    }

    /// Draws the form; returns true when an answer was committed this frame.
    pub fn ui(&mut self, ui: &mut Ui, lang: Lang) -> bool {
        let def = self.def.clone();
        if self.texts.as_ref().is_none_or(|(l, _)| *l != lang) {
            self.texts = Some((lang, Arc::new(Texts::new(&def, lang))));
        }
        ui.push_id("form-fill", |ui| {
            self.questions_ui(ui, &def, &def.questions, &mut Vec::new(), lang);
        });
        self.apply_edits()
    }

    fn questions_ui(
        &mut self,
        ui: &mut Ui,
        def: &FormDefinition,
        questions: &[Question],
        rows: &mut Vec<(String, usize)>,
        lang: Lang,
    ) {
        for q in questions {
            let path = AnswerPath::new(rows, &q.name);
            if self.derived.hidden.contains(&path) || !shown(q) {
                continue;
            }
            if let Some(height) = self.heights.get(&path).copied() {
                let width = ui.available_width();
                let rect = egui::Rect::from_min_size(ui.cursor().min, egui::vec2(width, height));
                if !ui.clip_rect().expand(DRAWN_MARGIN).intersects(rect) {
                    ui.allocate_space(egui::vec2(width, height));
                    continue;
                }
            }
            let drawn = ui.push_id(&path, |ui| match q.kind {
                QuestionType::Group => self.group_ui(ui, def, q, rows, lang),
                QuestionType::Repeat => self.repeat_ui(ui, def, q, rows, lang),
                _ => self.question_ui(ui, def, q, &path, lang),
            });
            self.heights.insert(path, drawn.response.rect.height());
        }
    }

    /// The form's texts in the language drawn.
    pub(super) fn texts(&self) -> Arc<Texts> {
        self.texts
            .as_ref()
            .map(|(_, t)| t.clone())
            .unwrap_or_default()
    }

    fn label(
        &self,
        _def: &FormDefinition,
        q: &Question,
        rows: &[(String, usize)],
        _lang: Lang,
    ) -> String {
        let texts = self.texts.as_ref().map(|(_, t)| t);
        let label = texts
            .and_then(|t| t.labels.get(&q.name))
            .map_or(q.name.as_str(), String::as_str);
        interpolate(label, &self.derived.computed, rows)
    }

    fn group_ui(
        &mut self,
        ui: &mut Ui,
        def: &FormDefinition,
        q: &Question,
        rows: &mut Vec<(String, usize)>,
        lang: Lang,
    ) {
        ui.add_space(6.0);
        ui.label(
            RichText::new(self.label(def, q, rows, lang))
                .size(17.0)
                .strong(),
        );
        ui.separator();
        ui.indent("group", |ui| {
            self.questions_ui(ui, def, &q.children, rows, lang);
        });
    }

    fn repeat_ui(
        &mut self,
        ui: &mut Ui,
        def: &FormDefinition,
        q: &Question,
        rows: &mut Vec<(String, usize)>,
        lang: Lang,
    ) {
        let label = self.label(def, q, rows, lang);
        ui.add_space(6.0);
        ui.label(RichText::new(&label).size(17.0).strong());
        let count = rows_at(&self.answers, rows, &q.name).len();
        let counted = q.repeat_count.is_some();
        for i in 0..count {
            ui.push_id(i, |ui| {
                egui::Frame::group(ui.style()).show(ui, |ui| {
                    ui.set_width(ui.available_width());
                    ui.horizontal(|ui| {
                        let row_title = match lang {
                            Lang::Zh => format!("{label} 第 {} 行", i + 1),
                            Lang::En => format!("{label}, row {}", i + 1),
                        };
                        ui.label(RichText::new(row_title).strong());
                        if !counted
                            && ui
                                .small_button(match lang {
                                    Lang::Zh => format!("删除第 {} 行", i + 1),
                                    Lang::En => format!("Remove row {}", i + 1),
                                })
                                .clicked()
                        {
                            self.edits
                                .push(Edit::RemoveRow(rows.clone(), q.name.clone(), i));
                        }
                    });
                    rows.push((q.name.clone(), i));
                    self.questions_ui(ui, def, &q.children, rows, lang);
                    rows.pop();
                });
            });
        }
        if counted {
            if count == 0 {
                ui.label(
                    RichText::new(lang.pick(
                        "行数由前面的答案决定",
                        "The number of rows follows an earlier answer",
                    ))
                    .weak(),
                );
            }
        } else if ui
            .button(match lang {
                Lang::Zh => format!("＋ 添加一行（{label}）"),
                Lang::En => format!("+ Add a row ({label})"),
            })
            .clicked()
        {
            self.edits.push(Edit::AddRow(rows.clone(), q.name.clone()));
        }
    }

    fn question_ui(
        &mut self,
        ui: &mut Ui,
        def: &FormDefinition,
        q: &Question,
        path: &AnswerPath,
        lang: Lang,
    ) {
        let label = self.label(def, q, &path.rows, lang);
        let key = path.violation_key();
        let failing = self.derived.failing.contains_key(&key);
        let builder = UiBuilder::new()
            .accessibility_label(label.clone())
            .accessibility_role(Role::Group);
        ui.scope_builder(builder, |ui| {
            let label_id = ui
                .horizontal_wrapped(|ui| {
                    let id = ui.label(RichText::new(&label).strong()).id;
                    if q.required == Required::Yes && !matches!(q.kind, QuestionType::Note) {
                        ui.label(RichText::new("*").color(ui.visuals().error_fg_color))
                            .on_hover_text(lang.pick("必答", "Required"));
                    }
                    if failing {
                        ui.label(
                            RichText::new(lang.pick("将生成问题", "will raise a problem"))
                                .color(ui.visuals().warn_fg_color)
                                .strong(),
                        );
                    }
                    id
                })
                .inner;
            let texts = self.texts();
            if let Some(hint) = texts.hints.get(&q.name) {
                let hint = interpolate(hint, &self.derived.computed, &path.rows);
                ui.label(RichText::new(hint).weak().small());
            }
            if inputs::input_ui(self, ui, def, q, path, label_id, lang) {
                self.touched.insert(path.clone());
            }
            if (self.finishing || self.touched.contains(path))
                && let Some(v) = self.derived.violations.get(&key)
            {
                crate::ui::widgets::error_label(ui, lang.pick(&v.zh, &v.en));
            }
        });
        ui.add_space(6.0);
    }

    /// The committed answer at `path`.
    pub(super) fn answer(&self, path: &AnswerPath) -> &str {
        text_at(&self.answers, path)
    }

    /// The computed value at `path` (a calculation's result).
    pub(super) fn computed_answer(&self, path: &AnswerPath) -> &str {
        text_at(&self.derived.computed, path)
    }

    /// The choices offered at `path` (indexes into the list), when a filter narrows them.
    pub(super) fn offered(&self, path: &AnswerPath) -> Option<&[usize]> {
        self.derived.offered.get(path).map(Vec::as_slice)
    }

    /// Asks the owner to choose a file for `path`.
    pub(super) fn request_attachment(&mut self, path: &AnswerPath) {
        self.attach_request = Some(path.clone());
    }
}

/// Whether a question is drawn at all: metadata and hidden values never are, a calculation
/// only when its author gave it a label.
fn shown(q: &Question) -> bool {
    match q.kind {
        QuestionType::Hidden => false,
        QuestionType::Calculate => !q.label.is_empty(),
        kind => !kind.is_metadata(),
    }
}
