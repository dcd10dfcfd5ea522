//! The editor of one response on a visit: the form filled question by question, each answer
//! saved as it is committed (through the shell, like every editor), "完成" to mark it complete
//! or list what is missing, the checklist items that fail, and the problems they raised.

use super::fill::FormFill;
use super::state::AnswerPath;
use crate::forms::Answers;
use crate::i18n::Lang;
use crate::model::{Finding, Form, FormId, ResponseId, VisitId};
use crate::store::{FindingFilter, FindingSort, Page, RecordKind};
use crate::ui::app::{AppCommand, Shared};
use egui::{RichText, Ui};
use std::sync::Arc;

/// What the response editor asks the shell to save.
#[derive(Clone, Debug, PartialEq)]
pub struct ResponseSave {
    /// The response (new until its first save).
    pub id: ResponseId,
    /// The form version it is filled in.
    pub form: FormId,
    /// The visit it belongs to.
    pub visit: VisitId,
    /// Every answer that holds (those still wrong stay in the editor with their message).
    pub answers: Answers,
    /// Saved as complete ("完成" with nothing missing).
    pub complete: bool,
}

/// Edits one response.
pub struct ResponseEditor {
    /// The response's id.
    pub id: ResponseId,
    /// The visit it belongs to.
    pub visit: VisitId,
    form: FormId,
    title: String,
    version: String,
    /// The form being filled.
    pub fill: FormFill,
    saved: bool,
    complete: bool,
    /// What "完成" found missing, one line each (None before it was pressed).
    missing: Option<Vec<String>>,
    error: Option<String>,
    raised: Option<(u64, Vec<Finding>)>,
}

impl ResponseEditor {
    /// A new response to `form` on `visit` (saved with its first answer), its questions'
    /// literal `default`s filled in.
    pub fn new(form: &Form, visit: VisitId) -> ResponseEditor {
        let answers = literal_defaults(&form.definition.questions);
        ResponseEditor::existing(form, ResponseId::new(), visit, answers, false, false)
    }

    /// A saved response with its answers.
    pub fn existing(
        form: &Form,
        id: ResponseId,
        visit: VisitId,
        answers: Answers,
        complete: bool,
        saved: bool,
    ) -> ResponseEditor {
        let now = chrono::Local::now().naive_local();
        ResponseEditor {
            id,
            visit,
            form: form.id,
            title: form.title.clone(),
            version: form.version.clone(),
            fill: FormFill::new(Arc::new(form.definition.clone()), answers, now),
            saved,
            complete,
            missing: None,
            error: None,
            raised: None,
        }
    }

    /// Whether the response is in the database yet.
    pub fn is_saved(&self) -> bool {
        self.saved
    }

    /// The shell saved it (`complete` as asked).
    pub fn mark_saved(&mut self, complete: bool) {
        self.saved = true;
        self.complete = complete;
        self.error = None;
    }

    /// The shell could not save it: why.
    pub fn save_failed(&mut self, message: String) {
        self.error = Some(message);
    }

    /// What to save now: the answers that hold, as complete or not.
    pub fn to_save(&self, complete: bool) -> ResponseSave {
        ResponseSave {
            id: self.id,
            form: self.form,
            visit: self.visit,
            answers: self.fill.savable(),
            complete,
        }
    }

    /// Commits what is typed in a field not left yet; the save to send, if an answer changed.
    pub fn flush(&mut self) -> Option<ResponseSave> {
        self.fill
            .commit_typing()
            .then(|| self.to_save(self.complete && self.fill.violations().is_empty()))
    }

    /// Answers the attachment question `path` with a file's name (the file itself is attached
    /// to the visit).
    pub fn attached(&mut self, path: AnswerPath, name: String) -> Option<ResponseSave> {
        self.fill
            .set_answer(path, name)
            .then(|| self.to_save(false))
    }

    /// The editor.
    pub fn ui(&mut self, ui: &mut Ui, shared: &mut Shared<'_>) {
        let lang = shared.lang;
        ui.horizontal_wrapped(|ui| {
            if ui
                .link(lang.pick("← 返回走访", "← Back to the visit"))
                .clicked()
            {
                shared.send(AppCommand::OpenVisit(self.visit));
            }
        });
        ui.heading(&self.title);
        ui.horizontal_wrapped(|ui| {
            if !self.version.is_empty() {
                ui.label(
                    RichText::new(format!("{} {}", lang.pick("版本", "Version"), self.version))
                        .small()
                        .weak(),
                );
            }
            let state = match (self.saved, self.complete) {
                (false, _) => lang.pick(
                    "尚未保存：作答后自动保存",
                    "Not saved yet: saved as you answer",
                ),
                (true, true) => lang.pick("√ 已完成", "√ Complete"),
                (true, false) => lang.pick("√ 已自动保存（未完成）", "√ Saved (incomplete)"),
            };
            ui.label(RichText::new(state).small());
        });
        if let Some(error) = &self.error {
            crate::ui::widgets::error_label(ui, error);
        }
        ui.separator();
        if self.fill.ui(ui, lang) {
            self.missing = None;
            shared.send(AppCommand::SaveResponse(Box::new(self.to_save(false))));
        }
        if let Some(path) = self.fill.take_attach_request()
            && let Some(file) = rfd::FileDialog::new().pick_file()
        {
            shared.send(AppCommand::AttachToResponse(self.id, path, file));
        }
        ui.separator();
        self.failing_ui(ui, lang);
        self.finish_ui(ui, shared);
        self.raised_ui(ui, shared);
    }

    fn failing_ui(&self, ui: &mut Ui, lang: Lang) {
        let failing = self.fill.failing_items();
        if failing.is_empty() {
            return;
        }
        ui.label(
            RichText::new(match lang {
                Lang::Zh => format!("{} 个检查项不合格，保存后生成问题：", failing.len()),
                Lang::En => format!(
                    "{} checklist item(s) fail and raise a problem when saved:",
                    failing.len()
                ),
            })
            .color(ui.visuals().warn_fg_color),
        );
        for item in failing {
            ui.label(format!("· {}", lang.pick(&item.title_zh, &item.title_en)));
        }
    }

    fn finish_ui(&mut self, ui: &mut Ui, shared: &mut Shared<'_>) {
        let lang = shared.lang;
        ui.add_space(4.0);
        if ui
            .button(lang.pick("完成", "Finish"))
            .on_hover_text(lang.pick(
                "检查是否答完；答完则标记为已完成",
                "Check every answer; mark the response complete when nothing is missing",
            ))
            .clicked()
        {
            let missing = self.fill.finish(lang);
            let complete = missing.is_empty();
            shared.send(AppCommand::SaveResponse(Box::new(self.to_save(complete))));
            self.missing = Some(missing);
        }
        match &self.missing {
            Some(missing) if !missing.is_empty() => {
                ui.label(
                    RichText::new(match lang {
                        Lang::Zh => format!("还有 {} 处需要填写或更正：", missing.len()),
                        Lang::En => format!("{} answer(s) still missing or wrong:", missing.len()),
                    })
                    .color(ui.visuals().error_fg_color),
                );
                for line in missing {
                    ui.label(format!("· {line}"));
                }
            }
            Some(_) => {
                ui.label(lang.pick("已全部答完", "Every question is answered"));
            }
            None => {}
        }
    }

    /// The problems this response raised, each a link to its editor.
    fn raised_ui(&mut self, ui: &mut Ui, shared: &mut Shared<'_>) {
        if !self.saved {
            return;
        }
        let lang = shared.lang;
        let revision = shared.revisions.of(&[RecordKind::Finding]);
        if self.raised.as_ref().is_none_or(|(r, _)| *r != revision) {
            let filter = FindingFilter {
                visit: Some(self.visit),
                ..FindingFilter::default()
            };
            let rows = shared
                .store
                .list_findings(&filter, FindingSort::Date, true, Page::ALL);
            let rows = shared.report(rows);
            let mine = rows
                .into_iter()
                .map(|r| r.finding)
                .filter(|f| f.response_id == Some(self.id))
                .collect();
            self.raised = Some((revision, mine));
        }
        let Some((_, raised)) = &self.raised else {
            return;
        };
        if raised.is_empty() {
            return;
        }
        ui.add_space(6.0);
        ui.label(
            RichText::new(lang.pick("本问卷生成的问题", "Problems raised by this response"))
                .strong(),
        );
        for f in raised {
            if ui.link(&f.title).clicked() {
                shared.send(AppCommand::OpenFinding(f.id));
            }
        }
    }
}

/// The `default`s written as plain values (not expressions such as `today()` or `${x}`) of the
/// questions outside repeats.
pub fn literal_defaults(questions: &[crate::forms::Question]) -> Answers {
    let mut out = Answers::new();
    for q in questions {
        match q.kind {
            crate::forms::QuestionType::Repeat => {}
            crate::forms::QuestionType::Group => out.extend(literal_defaults(&q.children)),
            _ => {
                if let Some(value) = q.default.as_deref().map(str::trim)
                    && !value.is_empty()
                    && !value.contains("${")
                    && !value.contains('(')
                {
                    let value = value.trim_matches('\'').to_owned();
                    out.insert(q.name.clone(), crate::forms::Answer::Text(value));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_defaults_outside_repeats_are_filled_in() {
        let json = serde_json::json!([
            {"name": "a", "kind": "text", "default": "城南", "row": 2},
            {"name": "b", "kind": "date", "default": "today()", "row": 3},
            {"name": "g", "kind": "group", "row": 4, "children": [
                {"name": "c", "kind": "select_one", "list_name": "yn", "default": "'yes'", "row": 5}
            ]},
            {"name": "r", "kind": "repeat", "row": 7, "children": [
                {"name": "d", "kind": "integer", "default": "1", "row": 8}
            ]}
        ]);
        let questions: Vec<crate::forms::Question> =
            serde_json::from_value(json).expect("questions");
        let answers = literal_defaults(&questions);
        let texts: Vec<(&str, &str)> = answers
            .iter()
            .map(|(k, v)| (k.as_str(), v.text()))
            .collect();
        assert_eq!(texts, [("a", "城南"), ("c", "yes")]);
    }
}
