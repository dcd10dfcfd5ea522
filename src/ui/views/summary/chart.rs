//! The Summary's chart of problems per topic: one horizontal bar per top-level topic, its name
//! beside it (so every bar is labelled, however long the name), closed and still-open problems
//! stacked, the count at the end; a hover says what the numbers are. The legend sits above the
//! bars, never on them.

use crate::i18n::Lang;
use crate::report::Summary;
use crate::report::chart::{TopicBar, chart_title, series_names, topic_bars};
use egui::{Color32, RichText, Sense, Stroke, vec2};

/// The colour of closed problems.
const CLOSED_COLOUR: Color32 = Color32::from_rgb(80, 160, 100);
/// The colour of problems still open, in progress or at a stage target.
const PENDING_COLOUR: Color32 = Color32::from_rgb(200, 150, 60);

/// Draws the chart (nothing when no topic has problems).
pub fn chart_ui(ui: &mut egui::Ui, summary: &Summary, lang: Lang) {
    let bars = topic_bars(summary, lang);
    if bars.is_empty() {
        return;
    }
    ui.label(RichText::new(chart_title(lang)).strong());
    let [closed, pending] = series_names(lang);
    ui.horizontal_wrapped(|ui| {
        legend_ui(ui, CLOSED_COLOUR, closed);
        legend_ui(ui, PENDING_COLOUR, pending);
    });
    let max = bars
        .iter()
        .map(TopicBar::problems)
        .max()
        .unwrap_or(1)
        .max(1);
    let name_width = (ui.available_width() * 0.3).clamp(90.0, 200.0);
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 6.0;
    for bar in &bars {
        ui.horizontal(|ui| {
            let (name_rect, _) =
                ui.allocate_exact_size(vec2(name_width, row_height), Sense::hover());
            ui.scope_builder(egui::UiBuilder::new().max_rect(name_rect), |ui| {
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    ui.add(egui::Label::new(&bar.name).truncate());
                });
            });
            let number_width = 40.0;
            let track = (ui.available_width() - number_width).max(40.0);
            let (rect, response) = ui.allocate_exact_size(vec2(track, row_height), Sense::hover());
            let text = bar.describe(lang);
            response
                .widget_info(|| egui::WidgetInfo::labeled(egui::Role::Meter, true, text.clone()));
            let response = response.on_hover_text(&text);
            let painter = ui.painter_at(rect);
            let unit = track / max as f32;
            let bar_rect = rect.shrink2(vec2(0.0, 3.0));
            let closed_end = bar_rect.left() + unit * bar.closed as f32;
            let total_end = bar_rect.left() + unit * bar.problems() as f32;
            painter.rect_filled(
                egui::Rect::from_x_y_ranges(bar_rect.left()..=closed_end, bar_rect.y_range()),
                0.0,
                CLOSED_COLOUR,
            );
            painter.rect_filled(
                egui::Rect::from_x_y_ranges(closed_end..=total_end, bar_rect.y_range()),
                0.0,
                PENDING_COLOUR,
            );
            if response.hovered() {
                painter.rect_stroke(
                    egui::Rect::from_x_y_ranges(bar_rect.left()..=total_end, bar_rect.y_range()),
                    0.0,
                    Stroke::new(1.5, ui.visuals().strong_text_color()),
                    egui::StrokeKind::Outside,
                );
            }
            ui.label(bar.problems().to_string());
        });
    }
}

/// A coloured square and what it stands for.
fn legend_ui(ui: &mut egui::Ui, colour: Color32, label: &str) {
    let size = ui.text_style_height(&egui::TextStyle::Body) * 0.8;
    let (rect, _) = ui.allocate_exact_size(vec2(size, size), Sense::hover());
    ui.painter().rect_filled(rect, 2.0, colour);
    ui.label(label);
    ui.add_space(12.0);
}
