//! A form's results drawn: per choice question a labelled horizontal bar per choice (like the
//! Summary view's chart: the name beside the bar, the count at its end, a hover and an
//! accessible name saying what it is), per number question n/min/max/mean, and the same counts
//! as a text table for reading or copying.

use crate::forms::FormDefinition;
use crate::forms::expr::number_to_string;
use crate::forms::results::{FormResults, QuestionResult, Stats};
use crate::i18n::Lang;
use egui::{Color32, RichText, Sense, vec2};

/// The colour of the bars.
const BAR_COLOUR: Color32 = Color32::from_rgb(70, 130, 180);

/// The accessible name (and hover) of one bar: "否：2（40%）" / "No: 2 (40%)".
pub fn bar_text(choice: &str, count: usize, total: usize, lang: Lang) -> String {
    let percent = if total == 0 {
        0.0
    } else {
        count as f64 * 100.0 / total as f64
    };
    match lang {
        Lang::Zh => format!("{choice}：{count}（{percent:.0}%）"),
        Lang::En => format!("{choice}: {count} ({percent:.0}%)"),
    }
}

/// Draws the results of `def` (a heading with the number of responses, then each question).
pub fn results_ui(ui: &mut egui::Ui, def: &FormDefinition, results: &FormResults, lang: Lang) {
    ui.label(
        RichText::new(match lang {
            Lang::Zh => format!("共 {} 份答卷", results.responses),
            Lang::En => format!("{} responses", results.responses),
        })
        .strong(),
    );
    if results.responses == 0 {
        ui.label(RichText::new(lang.pick("还没有答卷", "No responses yet")).weak());
        return;
    }
    for (i, result) in results.questions.iter().enumerate() {
        ui.push_id(i, |ui| {
            ui.add_space(8.0);
            let label = def
                .question(&result.name)
                .map_or(result.name.as_str(), |q| def.label(q, lang));
            ui.label(RichText::new(label).strong());
            if let Some(counts) = &result.counts {
                counts_ui(ui, def, result, counts, lang);
            }
            if let Some(stats) = &result.stats {
                ui.label(stats_text(stats, lang));
            }
        });
    }
}

/// The choices of `result` in the list's order, with their labels and counts.
fn labelled_counts(
    def: &FormDefinition,
    result: &QuestionResult,
    counts: &std::collections::BTreeMap<String, usize>,
    lang: Lang,
) -> Vec<(String, usize)> {
    let question = def.question(&result.name);
    let list = question.map(|q| def.choices_of(q)).unwrap_or_default();
    let mut out: Vec<(String, usize)> = list
        .iter()
        .map(|c| {
            let label = c
                .label
                .pick(lang, def.default_language.as_deref())
                .unwrap_or(&c.name)
                .to_owned();
            (label, counts.get(&c.name).copied().unwrap_or(0))
        })
        .collect();
    // Values the list does not name (an "other", a choice of an older version).
    for (name, n) in counts {
        if !list.iter().any(|c| c.name == *name) {
            let label = if name == "other" {
                lang.pick("其他", "Other").to_owned()
            } else {
                name.clone()
            };
            out.push((label, *n));
        }
    }
    out
}

fn counts_ui(
    ui: &mut egui::Ui,
    def: &FormDefinition,
    result: &QuestionResult,
    counts: &std::collections::BTreeMap<String, usize>,
    lang: Lang,
) {
    let rows = labelled_counts(def, result, counts, lang);
    let total: usize = rows.iter().map(|(_, n)| n).sum();
    let max = rows.iter().map(|(_, n)| *n).max().unwrap_or(1).max(1);
    let name_width = (ui.available_width() * 0.3).clamp(90.0, 220.0);
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 6.0;
    for (name, count) in &rows {
        ui.horizontal(|ui| {
            let (name_rect, _) =
                ui.allocate_exact_size(vec2(name_width, row_height), Sense::hover());
            ui.scope_builder(egui::UiBuilder::new().max_rect(name_rect), |ui| {
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    ui.add(egui::Label::new(name).truncate());
                });
            });
            let number_width = 72.0;
            let track = (ui.available_width() - number_width).max(40.0);
            let (rect, response) = ui.allocate_exact_size(vec2(track, row_height), Sense::hover());
            let text = bar_text(name, *count, total, lang);
            response
                .widget_info(|| egui::WidgetInfo::labeled(egui::Role::Meter, true, text.clone()));
            response.on_hover_text(&text);
            let bar = rect.shrink2(vec2(0.0, 3.0));
            let end = bar.left() + track * *count as f32 / max as f32;
            ui.painter_at(rect).rect_filled(
                egui::Rect::from_x_y_ranges(bar.left()..=end, bar.y_range()),
                0.0,
                BAR_COLOUR,
            );
            ui.label(count.to_string());
        });
    }
    egui::CollapsingHeader::new(lang.pick("表格", "Table"))
        .id_salt("table")
        .show(ui, |ui| {
            egui::Grid::new("counts")
                .striped(true)
                .num_columns(3)
                .show(ui, |ui| {
                    ui.label(RichText::new(lang.pick("选项", "Choice")).strong());
                    ui.label(RichText::new(lang.pick("次数", "Count")).strong());
                    ui.label(RichText::new(lang.pick("占比", "Share")).strong());
                    ui.end_row();
                    for (name, count) in &rows {
                        ui.label(name);
                        ui.label(count.to_string());
                        let share = if total == 0 {
                            0.0
                        } else {
                            *count as f64 * 100.0 / total as f64
                        };
                        ui.label(format!("{share:.1}%"));
                        ui.end_row();
                    }
                });
        });
}

/// "n = 12，最小 1，最大 9，平均 4.5".
pub fn stats_text(stats: &Stats, lang: Lang) -> String {
    let show = |v: Option<f64>| v.map_or_else(|| "—".to_owned(), |v| number_to_string(round2(v)));
    match lang {
        Lang::Zh => format!(
            "n = {}，最小 {}，最大 {}，平均 {}",
            stats.n,
            show(stats.min),
            show(stats.max),
            show(stats.mean)
        ),
        Lang::En => format!(
            "n = {}, min {}, max {}, mean {}",
            stats.n,
            show(stats.min),
            show(stats.max),
            show(stats.mean)
        ),
    }
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}
