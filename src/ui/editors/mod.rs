//! The right-hand editors of visits and findings, one file each, and what they share: the rows
//! of their grids, the "saved" line and the warnings beside dates. Every change is saved as it
//! is made (see [`super::draft`]); what an editor asks of the shell goes out as an
//! [`super::app::AppCommand`].

mod close_out;
mod finding;
mod visit;

pub use close_out::CloseOut;
pub use finding::FindingEditor;
pub use visit::VisitEditor;

use crate::i18n::Lang;
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

/// A count typed as a number: it is taken on Enter or when the field is left, never digit by
/// digit (typing 12 over 2 must not save 1 first).
pub(crate) fn count_edit(ui: &mut Ui, value: &mut i64, max: i64, label: egui::Id) -> bool {
    ui.add(
        egui::DragValue::new(value)
            .range(0..=max)
            .update_while_editing(false),
    )
    .labelled_by(label)
    .changed()
}

/// "Saved" / "not saved yet" under an editor.
pub(crate) fn save_state_ui(ui: &mut Ui, lang: Lang, is_new: bool, dirty: bool) {
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

/// How far ahead a visit date may lie before it is probably a typing slip (2062 for 2026).
const FAR_AHEAD_DAYS: i64 = 366;

/// A warning (not a refusal) for a visit dated far in the future.
pub(crate) fn visit_date_warning(
    date: NaiveDate,
    today: NaiveDate,
    lang: Lang,
) -> Option<&'static str> {
    ((date - today).num_days() > FAR_AHEAD_DAYS).then(|| {
        lang.pick(
            "注意：走访日期在一年以后，请核对",
            "Note: the visit date is more than a year ahead; please check it",
        )
    })
}

/// A warning (not a refusal) for a deadline before the visit that found the problem.
pub(crate) fn deadline_warning(
    deadline: Option<NaiveDate>,
    visit_date: Option<NaiveDate>,
    lang: Lang,
) -> Option<&'static str> {
    match (deadline, visit_date) {
        (Some(deadline), Some(visit)) if deadline < visit => Some(lang.pick(
            "注意：整改时限早于走访日期，请核对",
            "Note: the deadline is before the visit date; please check it",
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_split_on_chinese_and_western_separators() {
        assert_eq!(
            split_names("王敏、李强, 张伟，陈珺"),
            ["王敏", "李强", "张伟", "陈珺"]
        );
        assert!(split_names(" 、 ").is_empty());
    }

    #[test]
    fn dates_far_ahead_and_deadlines_before_the_visit_are_warned_about() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let today = day(2026, 12, 1);
        assert!(visit_date_warning(day(2062, 12, 1), today, Lang::Zh).is_some());
        assert!(visit_date_warning(day(2027, 3, 1), today, Lang::Zh).is_none());
        assert!(deadline_warning(Some(day(2026, 5, 1)), Some(day(2026, 5, 6)), Lang::En).is_some());
        assert!(deadline_warning(Some(day(2026, 5, 6)), Some(day(2026, 5, 6)), Lang::En).is_none());
        assert!(deadline_warning(None, Some(day(2026, 5, 6)), Lang::En).is_none());
    }
}
