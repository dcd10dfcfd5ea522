//! The Trash: deleted records, restorable.

use crate::store::{TrashEntry, kind_label};
use crate::ui::app::{AppCommand, Shared};
use egui::RichText;

/// State of the Trash view.
#[derive(Default)]
pub struct TrashView {
    entries: Option<(u64, Vec<TrashEntry>)>,
}

impl TrashView {
    /// The view.
    pub fn ui(&mut self, ui: &mut egui::Ui, shared: &mut Shared<'_>) {
        let lang = shared.lang;
        ui.heading(lang.pick("回收站", "Trash"));
        ui.label(
            RichText::new(lang.pick(
                "删除的记录保留在这里，可随时恢复；删除走访会连同其发现一起移入。",
                "Deleted records stay here and can be restored; a deleted visit takes its findings along.",
            ))
            .weak(),
        );
        if self
            .entries
            .as_ref()
            .is_none_or(|(rev, _)| *rev != shared.revision)
        {
            let entries = shared.store.trash();
            self.entries = Some((shared.revision, shared.report(entries)));
        }
        let entries = self
            .entries
            .as_ref()
            .map(|(_, e)| e.clone())
            .unwrap_or_default();
        if entries.is_empty() {
            ui.add_space(12.0);
            ui.label(RichText::new(lang.pick("回收站是空的", "The Trash is empty")).weak());
            return;
        }
        egui::ScrollArea::vertical().show(ui, |ui| {
            egui::Grid::new("trash-grid")
                .striped(true)
                .num_columns(4)
                .spacing([12.0, 6.0])
                .show(ui, |ui| {
                    for e in &entries {
                        ui.label(kind_label(e.kind.table(), lang));
                        ui.label(&e.title);
                        ui.label(
                            RichText::new(
                                e.deleted_at
                                    .get(..16)
                                    .unwrap_or(&e.deleted_at)
                                    .replace('T', " "),
                            )
                            .weak(),
                        );
                        if ui.button(lang.pick("恢复", "Restore")).clicked() {
                            shared.send(AppCommand::Restore(e.id.clone()));
                        }
                        ui.end_row();
                    }
                });
        });
    }
}
