//! The shell's side of team sync: the dialog's outcome becomes the status line, the folder is
//! remembered, and every view reads again after an import.

use super::ZoufangApp;

impl ZoufangApp {
    /// The sync dialog, or the running sync's progress; what it did goes to the status line.
    pub(super) fn team_sync_ui(&mut self, ctx: &egui::Context) {
        let lang = self.settings.lang;
        if self.team_sync.is_busy() {
            egui::Window::new(lang.pick("同步文件夹", "Sync folder"))
                .collapsible(false)
                .show(ctx, |ui| self.team_sync.progress_ui(ui));
        }
        let Some(done) = self.team_sync.ui(ctx, &self.db_path, lang) else {
            return;
        };
        self.settings.sync_folder = Some(done.folder);
        self.message = Some(done.message);
        if done.imported {
            self.everything_changed();
            self.data_version = None;
        }
    }
}
