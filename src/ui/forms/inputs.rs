//! One input per question type. Each returns true when the user touched the question (left its
//! field, made a choice); the answer itself goes out as an [`Edit`] applied after the frame.

use super::fill::FormFill;
use super::state::{AnswerPath, Edit};
use crate::forms::{Choice, FormDefinition, Question, QuestionType};
use crate::i18n::Lang;
use egui::{Id, RichText, Ui};

/// The value `acknowledge` stores when ticked (as ODK does).
const ACKNOWLEDGED: &str = "OK";

/// Draws the input of `q` at `path`, labelled by `label`.
pub(super) fn input_ui(
    fill: &mut FormFill,
    ui: &mut Ui,
    def: &FormDefinition,
    q: &Question,
    path: &AnswerPath,
    label: Id,
    lang: Lang,
) -> bool {
    let read_only = q.read_only;
    match q.kind {
        QuestionType::Note => false,
        QuestionType::Calculate => {
            let value = fill.computed_answer(path).to_owned();
            ui.label(
                RichText::new(if value.is_empty() {
                    "—".to_owned()
                } else {
                    value
                })
                .monospace(),
            )
            .labelled_by(label);
            false
        }
        _ if read_only => {
            ui.label(fill.answer(path)).labelled_by(label);
            false
        }
        QuestionType::SelectOne => {
            let choices = offered(fill, def, q, path, lang);
            let minimal = q
                .appearance
                .as_deref()
                .is_some_and(|a| a.split_whitespace().any(|w| w == "minimal"));
            if minimal {
                combo(fill, ui, path, label, &choices, lang)
            } else {
                radios(fill, ui, path, &choices)
            }
        }
        QuestionType::SelectMultiple => {
            let choices = offered(fill, def, q, path, lang);
            checkboxes(fill, ui, path, &choices)
        }
        QuestionType::Rank => {
            let choices = offered(fill, def, q, path, lang);
            rank(fill, ui, path, &choices, lang)
        }
        QuestionType::Acknowledge => {
            let mut ticked = fill.answer(path) == ACKNOWLEDGED;
            let clicked = ui
                .checkbox(&mut ticked, lang.pick("确认", "OK"))
                .labelled_by(label)
                .changed();
            if clicked {
                let value = if ticked { ACKNOWLEDGED } else { "" };
                fill.edits.push(Edit::Set(path.clone(), value.to_owned()));
            }
            clicked
        }
        QuestionType::Date => {
            let mut date = crate::model::parse_date(fill.answer(path)).ok();
            let changed =
                crate::ui::widgets::date_edit(ui, "date", &mut date, true, lang, Some(label));
            if changed {
                let value = date.map(|d| d.to_string()).unwrap_or_default();
                fill.edits.push(Edit::Set(path.clone(), value));
            }
            changed
        }
        kind if kind.is_attachment() => attachment(fill, ui, path, label, lang),
        kind => {
            let hint = match kind {
                QuestionType::Integer => lang.pick("整数", "whole number"),
                QuestionType::Decimal => lang.pick("数字", "number"),
                QuestionType::Range => lang.pick("范围内的数字", "number in range"),
                QuestionType::Time => lang.pick("时:分", "HH:MM"),
                QuestionType::Datetime => lang.pick("年-月-日T时:分", "YYYY-MM-DDTHH:MM"),
                QuestionType::Geopoint => lang.pick("纬度 经度", "latitude longitude"),
                _ => "",
            };
            let multiline = q
                .appearance
                .as_deref()
                .is_some_and(|a| a.contains("multiline"));
            text_field(fill, ui, path, label, hint, multiline)
        }
    }
}

/// A text field whose text is kept as typed until the field is left, then committed whole
/// (numbers included: what does not parse stays visible with its message).
fn text_field(
    fill: &mut FormFill,
    ui: &mut Ui,
    path: &AnswerPath,
    label: Id,
    hint: &str,
    multiline: bool,
) -> bool {
    let mut text = fill
        .buffers
        .get(path)
        .cloned()
        .unwrap_or_else(|| fill.answer(path).to_owned());
    let edit = if multiline {
        egui::TextEdit::multiline(&mut text).desired_rows(3)
    } else {
        egui::TextEdit::singleline(&mut text)
    };
    let response = ui
        .add(
            edit.id(ui.make_persistent_id("text"))
                .hint_text(hint)
                .desired_width(ui.available_width().min(420.0)),
        )
        .labelled_by(label);
    if response.changed() {
        fill.buffers.insert(path.clone(), text);
    }
    if response.lost_focus() {
        if let Some(typed) = fill.buffers.remove(path) {
            fill.edits
                .push(Edit::Set(path.clone(), typed.trim().to_owned()));
        }
        return true;
    }
    false
}

/// (value, label) of each choice offered at `path`, "other" last when the question allows it.
fn offered(
    fill: &FormFill,
    def: &FormDefinition,
    q: &Question,
    path: &AnswerPath,
    lang: Lang,
) -> Vec<(String, String)> {
    let all = def.choices_of(q);
    let texts = fill.texts();
    let labels = q.list_name.as_ref().and_then(|l| texts.choices.get(l));
    let label = |i: usize, c: &Choice| {
        labels
            .and_then(|l| l.get(i))
            .map_or_else(|| c.name.clone(), String::clone)
    };
    let mut out: Vec<(String, String)> = match fill.offered(path) {
        Some(indexes) => indexes
            .iter()
            .filter_map(|i| all.get(*i).map(|c| (c.name.clone(), label(*i, c))))
            .collect(),
        None => all
            .iter()
            .enumerate()
            .map(|(i, c)| (c.name.clone(), label(i, c)))
            .collect(),
    };
    if q.or_other {
        out.push(("other".to_owned(), lang.pick("其他", "Other").to_owned()));
    }
    out
}

fn radios(
    fill: &mut FormFill,
    ui: &mut Ui,
    path: &AnswerPath,
    choices: &[(String, String)],
) -> bool {
    let current = fill.answer(path).to_owned();
    let mut chosen = None;
    ui.horizontal_wrapped(|ui| {
        for (value, text) in choices {
            if ui.radio(current == *value, text).clicked() {
                chosen = Some(value.clone());
            }
        }
    });
    let Some(value) = chosen else {
        return false;
    };
    fill.edits.push(Edit::Set(path.clone(), value));
    true
}

fn combo(
    fill: &mut FormFill,
    ui: &mut Ui,
    path: &AnswerPath,
    label: Id,
    choices: &[(String, String)],
    lang: Lang,
) -> bool {
    let current = fill.answer(path).to_owned();
    let shown = choices.iter().find(|(v, _)| *v == current).map_or_else(
        || lang.pick("（请选择）", "(choose)").to_owned(),
        |(_, t)| t.clone(),
    );
    let mut chosen = None;
    egui::ComboBox::from_id_salt("choice")
        .selected_text(shown)
        .width(260.0)
        .show_ui(ui, |ui| {
            if ui
                .selectable_label(current.is_empty(), lang.pick("（未答）", "(no answer)"))
                .clicked()
            {
                chosen = Some(String::new());
            }
            for (value, text) in choices {
                if ui.selectable_label(current == *value, text).clicked() {
                    chosen = Some(value.clone());
                }
            }
        })
        .response
        .labelled_by(label);
    let Some(value) = chosen else {
        return false;
    };
    fill.edits.push(Edit::Set(path.clone(), value));
    true
}

fn checkboxes(
    fill: &mut FormFill,
    ui: &mut Ui,
    path: &AnswerPath,
    choices: &[(String, String)],
) -> bool {
    let picked: Vec<String> = fill
        .answer(path)
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    let mut toggled = None;
    ui.horizontal_wrapped(|ui| {
        for (value, text) in choices {
            let mut on = picked.contains(value);
            if ui.checkbox(&mut on, text).changed() {
                toggled = Some((value.clone(), on));
            }
        }
    });
    let Some((value, on)) = toggled else {
        return false;
    };
    // Written in the list's order, as XForms writes select_multiple.
    let answer: Vec<&str> = choices
        .iter()
        .map(|(v, _)| v.as_str())
        .filter(|v| {
            if *v == value {
                on
            } else {
                picked.iter().any(|p| p == v)
            }
        })
        .collect();
    fill.edits.push(Edit::Set(path.clone(), answer.join(" ")));
    true
}

/// A ranking: every choice in order, moved up or down; unanswered until first arranged.
fn rank(
    fill: &mut FormFill,
    ui: &mut Ui,
    path: &AnswerPath,
    choices: &[(String, String)],
    lang: Lang,
) -> bool {
    let answer = fill.answer(path).to_owned();
    let mut order: Vec<String> = answer.split_whitespace().map(str::to_owned).collect();
    let unanswered = order.is_empty();
    if unanswered {
        order = choices.iter().map(|(v, _)| v.clone()).collect();
    }
    let mut moved = None;
    for (i, value) in order.iter().enumerate() {
        let text = choices
            .iter()
            .find(|(v, _)| v == value)
            .map_or(value.as_str(), |(_, t)| t.as_str());
        ui.horizontal(|ui| {
            ui.label(format!("{}. {text}", i + 1));
            if i > 0 && ui.small_button(lang.pick("上移", "Up")).clicked() {
                moved = Some((i, i - 1));
            }
            if i + 1 < order.len() && ui.small_button(lang.pick("下移", "Down")).clicked() {
                moved = Some((i, i + 1));
            }
        });
    }
    let keep = unanswered
        && ui
            .button(lang.pick("采用此顺序", "Keep this order"))
            .clicked();
    if let Some((a, b)) = moved {
        order.swap(a, b);
    } else if !keep {
        return false;
    }
    fill.edits.push(Edit::Set(path.clone(), order.join(" ")));
    true
}

fn attachment(fill: &mut FormFill, ui: &mut Ui, path: &AnswerPath, label: Id, lang: Lang) -> bool {
    let current = fill.answer(path).to_owned();
    let mut touched = false;
    ui.horizontal(|ui| {
        if current.is_empty() {
            ui.label(RichText::new(lang.pick("未添加文件", "No file yet")).weak());
        } else {
            ui.label(&current);
        }
        if ui
            .button(lang.pick("选择文件…", "Choose a file…"))
            .labelled_by(label)
            .clicked()
        {
            fill.request_attachment(path);
            touched = true;
        }
        if !current.is_empty() && ui.small_button(lang.pick("移除", "Remove")).clicked() {
            fill.edits.push(Edit::Set(path.clone(), String::new()));
            touched = true;
        }
    });
    touched
}
