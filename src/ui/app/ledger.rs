//! The shell's side of office ledgers: File → 导入台账… opens the preview (src/ui/ledger.rs),
//! File → 导出台账… writes the problem list in the office shape.

use super::ZoufangApp;
use crate::i18n::Localized;
use crate::ui::jobs::Job;
use crate::ui::ledger::{LedgerPreview, LedgerPreviewAction};
use std::path::Path;

impl ZoufangApp {
    /// The two ledger items of the File menu.
    pub(super) fn ledger_menu_ui(&mut self, ui: &mut egui::Ui) {
        let lang = self.settings.lang;
        if ui
            .button(lang.pick("导入台账…", "Import a ledger…"))
            .clicked()
        {
            ui.close();
            if let Some(path) = rfd::FileDialog::new()
                .set_title(lang.pick("选择问题清单或整改台账", "Choose a problem ledger"))
                .add_filter(
                    lang.pick("表格", "Spreadsheet"),
                    &["xlsx", "xls", "ods", "csv"],
                )
                .pick_file()
            {
                self.open_ledger_preview(&path);
            }
        }
        if ui
            .button(lang.pick("导出台账…", "Export the ledger…"))
            .clicked()
        {
            ui.close();
            if let Some(path) = rfd::FileDialog::new()
                .set_title(lang.pick("导出整改台账", "Export the problem ledger"))
                .set_file_name("整改台账.xlsx")
                .add_filter("Excel", &["xlsx"])
                .add_filter("CSV", &["csv"])
                .save_file()
            {
                self.export_ledger_to(&path);
            }
        }
    }

    /// Reads `path` and shows the import preview; nothing is written until the user imports.
    pub fn open_ledger_preview(&mut self, path: &Path) {
        // The catalogue as stored now (the cached one may not be read yet).
        let topics = match self.store.as_ref().map(crate::store::Store::topics) {
            Some(Ok(topics)) => topics,
            Some(Err(e)) => {
                self.message = Some(e.localized(self.settings.lang));
                return;
            }
            None => return,
        };
        self.ledger_preview = Some(LedgerPreview::open(path, topics, self.settings.lang));
    }

    /// Writes every problem as an office ledger (.xlsx, or .csv by the name).
    fn export_ledger_to(&mut self, path: &Path) {
        let lang = self.settings.lang;
        let Some(store) = self.store.as_ref() else {
            return;
        };
        let format =
            crate::ledger::ExportFormat::of(path).unwrap_or(crate::ledger::ExportFormat::Xlsx);
        let today = chrono::Local::now().date_naive();
        let written = crate::ledger::export_ledger(store, &Default::default(), today, format)
            .map_err(|e| e.localized(lang))
            .and_then(|bytes| crate::paths::save_chosen(path, store.path(), &bytes, lang));
        self.message = Some(match written {
            Ok(()) => format!(
                "{}{}",
                lang.pick("已导出台账：", "Ledger written: "),
                path.display()
            ),
            Err(e) => e,
        });
    }

    /// The import preview, while one is open; importing runs the ledger import (one
    /// transaction after a backup) and refreshes every view.
    pub(super) fn ledger_ui(&mut self, ctx: &egui::Context) {
        let lang = self.settings.lang;
        let Some(preview) = self.ledger_preview.as_mut() else {
            return;
        };
        let mut open = true;
        let mut action = None;
        egui::Window::new(lang.pick("导入台账", "Import a ledger"))
            .open(&mut open)
            .default_width(820.0)
            .show(ctx, |ui| {
                // The buttons stay in sight below however many rows and errors scroll above.
                let body_height = (ui.ctx().content_rect().height() - 220.0).max(200.0);
                egui::ScrollArea::vertical()
                    .max_height(body_height)
                    .show(ui, |ui| preview.body_ui(ui, lang));
                ui.separator();
                action = preview.actions_ui(ui, lang);
            });
        if !open {
            action = Some(LedgerPreviewAction::Cancel);
        }
        match action {
            Some(LedgerPreviewAction::Import(path, options)) => {
                if self.file_job.is_some() {
                    self.message = Some(
                        lang.pick("请等上一项操作完成", "Wait for the work in progress")
                            .to_owned(),
                    );
                    return;
                }
                self.ledger_preview = None;
                // A large sheet takes a while: the window stays responsive while the worker
                // imports through its own connection (one transaction, after a backup).
                self.file_job = Some(Job::spawn(
                    "ledger-import",
                    lang.pick("正在导入台账", "Importing the ledger").to_owned(),
                    ctx,
                    self.db_path.clone(),
                    lang,
                    move |store, _| {
                        let r = crate::ledger::import_ledger(store, &path, &options)
                            .map_err(|e| e.localized(lang))?;
                        Ok(match lang {
                            crate::i18n::Lang::Zh => format!(
                                "台账已导入：新增 {}，更新 {}，未变 {}，跳过 {}",
                                r.created, r.updated, r.unchanged, r.skipped
                            ),
                            crate::i18n::Lang::En => format!(
                                "Ledger imported: {} created, {} updated, {} unchanged, {} skipped",
                                r.created, r.updated, r.unchanged, r.skipped
                            ),
                        })
                    },
                ));
            }
            Some(LedgerPreviewAction::Cancel) => self.ledger_preview = None,
            None => {}
        }
    }
}
