//! How the window shares its width: the list is what a user reads most, so the editor panel
//! takes a bounded share of the width, and only a narrow strip while nothing is selected.

/// The editor panel's width while nothing is selected (it holds a one-line hint).
const EMPTY_EDITOR_WIDTH: f32 = 180.0;
/// The narrowest the editor's fields stay usable.
const MIN_EDITOR_WIDTH: f32 = 300.0;
/// The editor's width at first, at most.
const DEFAULT_EDITOR_WIDTH: f32 = 420.0;

/// The right-hand editor panel for a window `window_width` wide: a narrow strip when empty; else
/// a third of the width at first (300–420 points), resizable up to 45 %.
pub(super) fn editor_panel(has_editor: bool, window_width: f32) -> egui::Panel {
    if !has_editor {
        return egui::Panel::right("editor-empty")
            .resizable(false)
            .exact_size(EMPTY_EDITOR_WIDTH);
    }
    let max = (window_width * 0.45).max(MIN_EDITOR_WIDTH);
    egui::Panel::right("editor")
        .resizable(true)
        .default_size((window_width * 0.3).clamp(MIN_EDITOR_WIDTH, DEFAULT_EDITOR_WIDTH))
        .size_range(MIN_EDITOR_WIDTH..=max)
}
