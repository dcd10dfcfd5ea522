//! The first-run dialog (the author's name) and the page shown when a database cannot be opened.

use super::*;

impl ZoufangApp {
    pub(super) fn author_dialog_ui(&mut self, ctx: &egui::Context) {
        let lang = self.settings.lang;
        let Some(store) = self.store.as_mut() else {
            return;
        };
        if !store.author().is_empty() {
            return;
        }
        let mut error = None;
        egui::Modal::new(egui::Id::unique("author-dialog")).show(ctx, |ui| {
            ui.set_width(380.0);
            ui.heading(lang.pick("欢迎使用走访", "Welcome to Zoufang"));
            ui.label(lang.pick(
                "请输入您的姓名。它会记录在每一次修改和导出的案卷包中，便于监督核查。",
                "Please enter your name. It is written into every change and every bundle you export.",
            ));
            let label = ui.label(lang.pick("姓名", "Name"));
            let response = ui
                .add(
                    egui::TextEdit::singleline(&mut self.author_input)
                        .hint_text(lang.pick("例如：王敏", "e.g. Wang Min"))
                        .desired_width(240.0),
                )
                .labelled_by(label.id);
            let enter = response.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter));
            if (ui.button(lang.pick("开始使用", "Start")).clicked() || enter)
                && let Err(err) = store.set_author(&self.author_input)
            {
                error = Some(err.localized(lang));
            }
        });
        if let Some(error) = error {
            self.message = Some(error);
        }
    }

    pub(super) fn db_error_ui(&mut self, ui: &mut egui::Ui) {
        let lang = self.settings.lang;
        ui.add_space(40.0);
        ui.vertical_centered(|ui| {
            ui.heading(lang.pick("无法打开数据库", "The database cannot be opened"));
            ui.add_space(8.0);
            if let Some(error) = &self.db_error {
                ui.label(RichText::new(error).color(ui.visuals().error_fg_color));
            }
            ui.add_space(8.0);
            ui.label(lang.pick(
                "文件未被修改。您可以打开其他数据库、新建一个数据库，或关闭其他正在使用该文件的走访窗口后重试。",
                "The file was not changed. Open another database, create a new one, or close other Zoufang windows using this file and retry.",
            ));
            ui.add_space(12.0);
            ui.horizontal(|ui| {
                if ui.button(lang.pick("重试", "Retry")).clicked() {
                    self.commands.push(AppCommand::OpenDatabase(self.db_path.clone()));
                }
                if ui.button(lang.pick("打开其他数据库…", "Open another…")).clicked()
                    && let Some(path) = rfd::FileDialog::new().pick_file()
                {
                    self.commands.push(AppCommand::OpenDatabase(path));
                }
                if ui.button(lang.pick("新建数据库…", "New database…")).clicked()
                    && let Some(path) = rfd::FileDialog::new().set_file_name("zoufang.sqlite").save_file()
                {
                    self.commands.push(AppCommand::OpenDatabase(path));
                }
            });
        });
        let ctx = ui.ctx().clone();
        self.drain_commands(&ctx);
    }
}
