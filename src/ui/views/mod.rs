//! The centre views, one file each, and the paged row cache that keeps large lists smooth.

pub mod conflicts;
pub mod problems;
pub mod subjects;
pub mod summary;
pub mod topics;
pub mod trash;
pub mod visits;

use std::collections::HashMap;

/// Rows fetched a page at a time, only as a list scrolls to them; thrown away when the data or
/// the query changes. 100 000 findings cost one COUNT and a few small pages, not a full read.
pub struct PagedRows<K: PartialEq, T> {
    key: Option<K>,
    total: usize,
    pages: HashMap<usize, Vec<T>>,
}

/// Rows per page fetched.
pub const PAGE_ROWS: usize = 200;

impl<K: PartialEq, T> Default for PagedRows<K, T> {
    fn default() -> Self {
        PagedRows {
            key: None,
            total: 0,
            pages: HashMap::new(),
        }
    }
}

impl<K: PartialEq, T> PagedRows<K, T> {
    /// Makes sure the cache belongs to `key`, counting again through `count` if it does not.
    pub fn refresh(&mut self, key: K, count: impl FnOnce() -> usize) {
        if self.key.as_ref() != Some(&key) {
            self.pages.clear();
            self.total = count();
            self.key = Some(key);
        }
    }

    /// Forgets everything (the next refresh counts again).
    pub fn invalidate(&mut self) {
        self.key = None;
    }

    /// How many rows the query has.
    pub fn total(&self) -> usize {
        self.total
    }

    /// The row at `index`, fetching its page through `fetch(offset, limit)` if needed.
    pub fn get(&mut self, index: usize, fetch: impl FnOnce(usize, usize) -> Vec<T>) -> Option<&T> {
        let page = index / PAGE_ROWS;
        let rows = self
            .pages
            .entry(page)
            .or_insert_with(|| fetch(page * PAGE_ROWS, PAGE_ROWS));
        rows.get(index % PAGE_ROWS)
    }
}

/// ↑ or ↓ pressed while no field has the keyboard: −1 or +1 (moving through a list).
pub fn arrow_step(ui: &egui::Ui) -> Option<isize> {
    if ui.ctx().memory(|m| m.focused().is_some()) {
        return None;
    }
    ui.input(|i| {
        if i.key_pressed(egui::Key::ArrowDown) {
            Some(1)
        } else if i.key_pressed(egui::Key::ArrowUp) {
            Some(-1)
        } else {
            None
        }
    })
}

/// The table, scrolled to `row` when one is given (the row ↑/↓ moved to).
pub fn scrolled_to<'a>(
    table: egui_extras::TableBuilder<'a>,
    row: Option<usize>,
) -> egui_extras::TableBuilder<'a> {
    match row {
        Some(row) => table.scroll_to_row(row, None),
        None => table,
    }
}

/// The row `step` away from `current` (the first row when nothing is selected), within `total`.
pub fn stepped_index(current: Option<usize>, step: isize, total: usize) -> Option<usize> {
    if total == 0 {
        return None;
    }
    let next = match current {
        Some(i) => i.saturating_add_signed(step).min(total - 1),
        None => 0,
    };
    (Some(next) != current).then_some(next)
}

/// A clickable column header that sorts by `this`; returns true when the sort changed.
pub fn sort_header<S: Copy + PartialEq>(
    ui: &mut egui::Ui,
    label: &str,
    this: S,
    sort: &mut S,
    ascending: &mut bool,
) -> bool {
    let arrow = if *sort == this {
        if *ascending { " ↑" } else { " ↓" }
    } else {
        ""
    };
    let clicked = ui
        .add(
            egui::Button::new(egui::RichText::new(format!("{label}{arrow}")).strong()).frame(false),
        )
        .clicked();
    if clicked {
        if *sort == this {
            *ascending = !*ascending;
        } else {
            *sort = this;
            *ascending = true;
        }
    }
    clicked
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrows_step_through_the_rows_and_stop_at_the_ends() {
        assert_eq!(stepped_index(None, 1, 3), Some(0));
        assert_eq!(stepped_index(Some(0), 1, 3), Some(1));
        assert_eq!(stepped_index(Some(2), 1, 3), None);
        assert_eq!(stepped_index(Some(0), -1, 3), None);
        assert_eq!(stepped_index(Some(1), -1, 3), Some(0));
        assert_eq!(stepped_index(None, 1, 0), None);
    }

    #[test]
    fn pages_are_fetched_once_and_dropped_when_the_key_changes() {
        let mut rows: PagedRows<u32, usize> = PagedRows::default();
        rows.refresh(1, || 1000);
        let mut fetches = 0;
        for i in [0, 5, 199, 200, 3] {
            let row = rows.get(i, |offset, limit| {
                fetches += 1;
                (offset..offset + limit).collect()
            });
            assert_eq!(row, Some(&i));
        }
        assert_eq!(fetches, 2);
        rows.refresh(2, || 10);
        assert_eq!(rows.total(), 10);
        rows.get(0, |_, _| {
            fetches += 1;
            vec![42]
        });
        assert_eq!(fetches, 3);
    }
}
