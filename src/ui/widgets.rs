//! Small widgets shared by the views: a date field with a Chinese/English calendar, topic chips,
//! and combo boxes for the labelled enums.

use crate::i18n::Lang;
use crate::model::{Subject, SubjectId, Topic, TopicId};
use chrono::{Datelike, Days, Months, NaiveDate};
use egui::{Id, Response, RichText, Ui};

/// The text of a date field while it is being typed, kept in egui memory per field.
#[derive(Clone, Default)]
struct DateText(String);

/// A date field: type `YYYY-MM-DD` or pick from the calendar. With `optional`, an empty field
/// means "no date". Returns whether the date changed; shows a hint beside an invalid entry.
pub fn date_edit(
    ui: &mut Ui,
    id_salt: impl std::hash::Hash + std::fmt::Debug,
    date: &mut Option<NaiveDate>,
    optional: bool,
    lang: Lang,
    label: Option<Id>,
) -> bool {
    let id = ui.make_persistent_id(id_salt);
    let mut changed = false;
    ui.horizontal(|ui| {
        let shown = date.map(|d| d.to_string()).unwrap_or_default();
        let mut text = ui
            .data_mut(|d| d.get_temp::<DateText>(id))
            .map_or(shown.clone(), |t| t.0);
        let edit = egui::TextEdit::singleline(&mut text)
            .id(id.with("text"))
            .desired_width(92.0)
            .hint_text(lang.pick("年-月-日", "YYYY-MM-DD"));
        let mut response = ui.add(edit);
        if let Some(label) = label {
            response = response.labelled_by(label);
        }
        if response.changed() {
            ui.data_mut(|d| d.insert_temp(id, DateText(text.clone())));
        }
        // A date is taken when it is whole: all of YYYY-MM-DD typed, or the field left (Enter,
        // Tab, a click elsewhere). Typing 2026-12-10 never saves 2026-12-01 on the way.
        let finished = response.lost_focus();
        if response.changed() || finished {
            let trimmed = text.trim();
            if finished || is_whole_date(trimmed) {
                if trimmed.is_empty() && optional {
                    if date.is_some() {
                        *date = None;
                        changed = true;
                    }
                } else if let Ok(parsed) = crate::model::parse_date(trimmed)
                    && *date != Some(parsed)
                {
                    *date = Some(parsed);
                    changed = true;
                }
            }
        }
        if !response.has_focus() {
            ui.data_mut(|d| d.remove::<DateText>(id));
        }
        let typed_bad = text.trim().chars().count() >= WHOLE_DATE_CHARS
            && crate::model::parse_date(&text).is_err();
        if response.has_focus() && typed_bad {
            ui.colored_label(
                ui.visuals().error_fg_color,
                lang.pick("日期无效", "not a date"),
            );
        }
        let popup_id = id.with("calendar");
        let button = ui
            .button("…")
            .on_hover_text(lang.pick("选择日期", "Pick a date"));
        if button.clicked() {
            ui.data_mut(|d| {
                let open = d.get_temp::<bool>(popup_id).unwrap_or(false);
                d.insert_temp(popup_id, !open);
            });
        }
        if optional
            && date.is_some()
            && ui
                .small_button("×")
                .on_hover_text(lang.pick("清除日期", "Clear the date"))
                .clicked()
        {
            *date = None;
            changed = true;
        }
        let open = ui.data(|d| d.get_temp::<bool>(popup_id).unwrap_or(false));
        if open {
            let mut close = false;
            egui::Area::new(popup_id.with("area"))
                .order(egui::Order::Foreground)
                .fixed_pos(button.rect.left_bottom())
                .show(ui.ctx(), |ui| {
                    egui::Frame::popup(ui.style()).show(ui, |ui| {
                        if let Some(picked) = calendar_ui(ui, popup_id, *date, lang) {
                            if *date != Some(picked) {
                                *date = Some(picked);
                                changed = true;
                            }
                            close = true;
                        }
                        if ui.button(lang.pick("关闭", "Close")).clicked() {
                            close = true;
                        }
                    });
                });
            if close || ui.input(|i| i.key_pressed(egui::Key::Escape)) {
                ui.data_mut(|d| d.insert_temp(popup_id, false));
            }
        }
    });
    changed
}

/// The length of a date typed in full (`2026-12-10`).
const WHOLE_DATE_CHARS: usize = 10;

/// Whether `text` is a date typed in full, `YYYY-MM-DD` with two-digit month and day (so
/// `2026-12-1`, a date on the way to `2026-12-10`, is not).
fn is_whole_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == WHOLE_DATE_CHARS
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes
            .iter()
            .enumerate()
            .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit())
}

/// A month calendar; returns the day clicked.
fn calendar_ui(ui: &mut Ui, id: Id, selected: Option<NaiveDate>, lang: Lang) -> Option<NaiveDate> {
    let today = chrono::Local::now().date_naive();
    let month_id = id.with("month");
    let mut first = ui
        .data(|d| d.get_temp::<NaiveDate>(month_id))
        .or(selected)
        .unwrap_or(today)
        .with_day(1)
        .unwrap_or(today);
    let mut picked = None;
    ui.horizontal(|ui| {
        if ui
            .button("<")
            .on_hover_text(lang.pick("上个月", "Previous month"))
            .clicked()
        {
            first = first.checked_sub_months(Months::new(1)).unwrap_or(first);
        }
        let title = match lang {
            Lang::Zh => format!("{}年{}月", first.year(), first.month()),
            Lang::En => first.format("%B %Y").to_string(),
        };
        ui.label(RichText::new(title).strong());
        if ui
            .button(">")
            .on_hover_text(lang.pick("下个月", "Next month"))
            .clicked()
        {
            first = first.checked_add_months(Months::new(1)).unwrap_or(first);
        }
        if ui.button(lang.pick("今天", "Today")).clicked() {
            picked = Some(today);
        }
    });
    ui.data_mut(|d| d.insert_temp(month_id, first));
    let names = match lang {
        Lang::Zh => ["一", "二", "三", "四", "五", "六", "日"],
        Lang::En => ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"],
    };
    egui::Grid::new(id.with("grid"))
        .spacing([2.0, 2.0])
        .show(ui, |ui| {
            for name in names {
                ui.label(RichText::new(name).weak());
            }
            ui.end_row();
            let offset = first.weekday().num_days_from_monday() as u64;
            let mut day = first.checked_sub_days(Days::new(offset)).unwrap_or(first);
            for _week in 0..6 {
                for _ in 0..7 {
                    let in_month = day.month() == first.month();
                    let mut text = RichText::new(format!("{:>2}", day.day()));
                    if !in_month {
                        text = text.weak();
                    }
                    if day == today {
                        text = text.underline();
                    }
                    if ui.selectable_label(Some(day) == selected, text).clicked() {
                        picked = Some(day);
                    }
                    day = day.succ_opt().unwrap_or(day);
                }
                ui.end_row();
            }
        });
    picked
}

/// A combo box over a labelled enum (with an optional "none" entry). Returns whether it changed.
pub fn enum_combo<T: Copy + PartialEq>(
    ui: &mut Ui,
    label_id: Option<Id>,
    id_salt: impl std::hash::Hash + std::fmt::Debug,
    value: &mut Option<T>,
    all: &[T],
    label: impl Fn(T) -> &'static str,
    none: Option<&str>,
) -> bool {
    let mut changed = false;
    let shown = value.map_or_else(
        || none.unwrap_or_default().to_owned(),
        |v| label(v).to_owned(),
    );
    let combo = egui::ComboBox::from_id_salt(id_salt)
        .selected_text(shown)
        .show_ui(ui, |ui| {
            if let Some(none) = none
                && ui.selectable_label(value.is_none(), none).clicked()
            {
                *value = None;
                changed = true;
            }
            for v in all {
                if ui.selectable_label(*value == Some(*v), label(*v)).clicked() {
                    *value = Some(*v);
                    changed = true;
                }
            }
        });
    if let Some(label_id) = label_id {
        let _ = combo.response.labelled_by(label_id);
    }
    changed
}

/// The topic's name with its parent's ("养老服务 / 适老化改造").
pub fn topic_path(topics: &[Topic], id: TopicId, lang: Lang) -> String {
    let Some(topic) = topics.iter().find(|t| t.id == id) else {
        return id.to_string();
    };
    match topic
        .parent_id
        .and_then(|p| topics.iter().find(|t| t.id == p))
    {
        Some(parent) => format!("{} / {}", parent.name(lang), topic.name(lang)),
        None => topic.name(lang).to_owned(),
    }
}

/// Topic chips: each chosen topic with a × to remove it, and a menu to add one.
/// Returns whether the list changed.
pub fn topic_chips(
    ui: &mut Ui,
    id_salt: impl std::hash::Hash + std::fmt::Debug,
    chosen: &mut Vec<TopicId>,
    topics: &[Topic],
    lang: Lang,
) -> bool {
    let mut changed = false;
    // Chips wrap at the panel's edge; a long topic path wraps inside its chip rather than
    // widening the panel (and clipping the list beside it).
    let width = ui.available_width();
    ui.vertical(|ui| {
        ui.set_max_width(width);
        if !chosen.is_empty() {
            ui.horizontal_wrapped(|ui| {
                let mut remove = None;
                for id in chosen.iter() {
                    let frame = egui::Frame::new()
                        .fill(ui.visuals().selection.bg_fill.gamma_multiply(0.35))
                        .corner_radius(8.0)
                        .inner_margin(egui::Margin::symmetric(6, 2));
                    frame.show(ui, |ui| {
                        ui.horizontal(|ui| {
                            ui.set_max_width(width - 24.0);
                            ui.add(egui::Label::new(topic_path(topics, *id, lang)).wrap());
                            if ui
                                .small_button("×")
                                .on_hover_text(lang.pick("移除专题", "Remove topic"))
                                .clicked()
                            {
                                remove = Some(*id);
                            }
                        });
                    });
                }
                if let Some(id) = remove {
                    chosen.retain(|t| *t != id);
                    changed = true;
                }
            });
        }
        ui.push_id(id_salt, |ui| {
            ui.menu_button(lang.pick("＋ 添加专题", "+ Add topic"), |ui| {
                for t in topics
                    .iter()
                    .filter(|t| !t.archived && !t.meta.is_deleted())
                {
                    if chosen.contains(&t.id) {
                        continue;
                    }
                    if ui.button(topic_path(topics, t.id, lang)).clicked() {
                        chosen.push(t.id);
                        changed = true;
                        ui.close();
                    }
                }
            });
        });
    });
    changed
}

/// A red message under a field.
pub fn error_label(ui: &mut Ui, message: &str) -> Response {
    ui.colored_label(ui.visuals().error_fg_color, message)
}

/// A "Topic" label and a drop-down of every live topic by its path; "All" selects none.
pub fn topic_filter(
    ui: &mut Ui,
    id_salt: &str,
    topics: &[Topic],
    selected: &mut Option<TopicId>,
    lang: Lang,
) {
    let any = lang.pick("全部", "All");
    let label = ui.label(lang.pick("专题", "Topic")).id;
    let shown = selected.map_or_else(|| any.to_owned(), |t| topic_path(topics, t, lang));
    egui::ComboBox::from_id_salt(id_salt)
        .selected_text(shown)
        .show_ui(ui, |ui| {
            ui.selectable_value(selected, None, any);
            for t in topics.iter().filter(|t| !t.meta.is_deleted()) {
                ui.selectable_value(selected, Some(t.id), topic_path(topics, t.id, lang));
            }
        })
        .response
        .labelled_by(label);
}

/// A "Subject" label and a drop-down of the research subjects; "All" selects none.
pub fn subject_filter(
    ui: &mut Ui,
    id_salt: &str,
    width: f32,
    subjects: &[Subject],
    selected: &mut Option<SubjectId>,
    lang: Lang,
) {
    let any = lang.pick("全部", "All");
    let label = ui.label(lang.pick("调研课题", "Subject")).id;
    let shown = selected
        .and_then(|id| subjects.iter().find(|s| s.id == id))
        .map_or_else(|| any.to_owned(), |s| s.title.clone());
    egui::ComboBox::from_id_salt(id_salt)
        .selected_text(shown)
        .width(width)
        .show_ui(ui, |ui| {
            ui.selectable_value(selected, None, any);
            for s in subjects {
                ui.selectable_value(selected, Some(s.id), &s.title);
            }
        })
        .response
        .labelled_by(label);
}

#[cfg(test)]
mod tests {
    use super::is_whole_date;

    #[test]
    fn a_date_is_whole_only_when_typed_in_full() {
        assert!(is_whole_date("2026-12-10"));
        assert!(!is_whole_date("2026-12-1"));
        assert!(!is_whole_date("2026-1-10"));
        assert!(!is_whole_date("2026-12-1x"));
        assert!(!is_whole_date(""));
    }
}
