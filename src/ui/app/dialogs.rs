//! The first-run dialog (the author's name) and the page shown when a database cannot be opened.

use super::*;

impl ZoufangApp {
    /// The author's name: asked on first run (once per user, not per database: the name is
    /// remembered and given to every new database), and from File → 作者姓名 to change it.
    pub(super) fn author_dialog_ui(&mut self, ctx: &egui::Context) {
        let lang = self.settings.lang;
        let Some(store) = self.store.as_ref() else {
            return;
        };
        let first_run = store.author().is_empty() && !store.is_read_only();
        if !first_run && !self.editing_author {
            return;
        }
        let mut submit = false;
        let mut cancel = false;
        let modal = egui::Modal::new(egui::Id::unique("author-dialog")).show(ctx, |ui| {
            ui.set_width(380.0);
            if first_run {
                ui.heading(lang.pick("欢迎使用走访", "Welcome to Zoufang"));
                ui.label(lang.pick(
                    "请输入您的姓名。它会记录在每一次修改和导出的案卷包中，便于监督核查。",
                    "Please enter your name. It is written into every change and every bundle you export.",
                ));
            } else {
                ui.heading(lang.pick("作者姓名", "Author name"));
                ui.label(lang.pick(
                    "此后的修改和导出的案卷包将记录这个姓名；已有的修改记录不变。",
                    "Changes and bundles from now on carry this name; the history so far stays as it is.",
                ));
            }
            let label = ui.label(lang.pick("姓名", "Name"));
            let response = ui
                .add(
                    egui::TextEdit::singleline(&mut self.author_input)
                        .hint_text(lang.pick("例如：王敏", "e.g. Wang Min"))
                        .desired_width(240.0),
                )
                .labelled_by(label.id);
            let enter = response.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter));
            ui.horizontal(|ui| {
                let button = if first_run {
                    lang.pick("开始使用", "Start")
                } else {
                    lang.pick("保存", "Save")
                };
                submit = ui.button(button).clicked() || enter;
                if !first_run && ui.button(lang.pick("取消", "Cancel")).clicked() {
                    cancel = true;
                }
            });
        });
        if !first_run && modal.should_close() {
            cancel = true;
        }
        if submit {
            if self.author_input.trim().is_empty() {
                self.message = Some(lang.pick("请填写姓名", "Please enter a name").to_owned());
            } else {
                self.commands
                    .push(AppCommand::SetAuthor(self.author_input.trim().to_owned()));
                self.editing_author = false;
            }
        } else if cancel {
            self.author_input = store.author().to_owned();
            self.editing_author = false;
        }
    }

    /// Opens the dialog that changes the author name (File → 作者姓名).
    pub fn edit_author(&mut self) {
        self.editing_author = true;
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
                if let Some(backup) = self.restore_from.clone()
                    && ui
                        .button(lang.pick("从最近的备份恢复", "Restore the latest backup"))
                        .on_hover_text(backup.display().to_string())
                        .clicked()
                {
                    self.commands.push(AppCommand::RestoreBackup(backup));
                }
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

    /// About: the database, this device, and the agreement check (a digest two people compare
    /// after swapping bundles).
    pub(super) fn about_ui(&mut self, ctx: &egui::Context) {
        let lang = self.settings.lang;
        let Some(about) = &mut self.about else {
            return;
        };
        if let Some(job) = &mut about.job
            && let Some(result) = job.poll(ctx)
        {
            about.digest = Some(result);
            about.job = None;
        }
        let mut start = false;
        let mut close = false;
        let modal = egui::Modal::new(egui::Id::unique("about")).show(ctx, |ui| {
            ui.set_width(520.0);
            ui.heading(lang.pick("走访 Zoufang", "Zoufang (走访)"));
            ui.label(format!("{} {}", lang.pick("版本", "Version"), env!("CARGO_PKG_VERSION")));
            egui::Grid::new("about-grid").num_columns(2).spacing([10.0, 6.0]).show(ui, |ui| {
                ui.label(lang.pick("数据库", "Database"));
                ui.label(self.db_path.display().to_string());
                ui.end_row();
                if let Some(store) = &self.store {
                    ui.label(lang.pick("本机编号", "Device id"));
                    ui.label(store.device_id());
                    ui.end_row();
                    ui.label(lang.pick("记录人", "Author"));
                    ui.label(store.author());
                    ui.end_row();
                }
                ui.label(lang.pick("走访/发现", "Visits / findings"));
                ui.label(format!("{} / {}", self.totals.0, self.totals.1));
                ui.end_row();
            });
            ui.separator();
            ui.label(RichText::new(lang.pick("数据核对码", "Agreement check")).strong());
            ui.label(
                RichText::new(lang.pick(
                    "两台电脑互相导入案卷包后，核对码相同即表示数据完全一致。",
                    "After two laptops swap bundles, equal codes mean they hold exactly the same data.",
                ))
                .weak(),
            );
            match (&about.job, &about.digest) {
                (Some(job), _) => job.progress_ui(ui),
                (None, Some(Ok(d))) => {
                    ui.label(RichText::new(&d.digest).monospace());
                    ui.label(match lang {
                        Lang::Zh => format!("覆盖 {} 条记录", d.records),
                        Lang::En => crate::i18n::count_en(d.records as i64, "record", "records"),
                    });
                }
                (None, Some(Err(err))) => {
                    crate::ui::widgets::error_label(ui, err);
                }
                (None, None) => {}
            }
            ui.horizontal(|ui| {
                if ui
                    .add_enabled(about.job.is_none(), egui::Button::new(lang.pick("计算核对码", "Compute the code")))
                    .clicked()
                {
                    start = true;
                }
                if ui.button(lang.pick("关闭", "Close")).clicked() {
                    close = true;
                }
            });
        });
        if start {
            about.job = Some(super::super::jobs::Job::spawn(
                "digest",
                lang.pick("正在计算", "Computing").to_owned(),
                ctx,
                self.db_path.clone(),
                lang,
                move |store, _| {
                    crate::bundle::agreement_digest(store, &[]).map_err(|e| e.localized(lang))
                },
            ));
        }
        if close || (modal.should_close() && about.job.is_none()) {
            self.about = None;
        }
    }

    /// Opens the About dialog and computes the agreement check (for tests).
    pub fn open_about_and_check(&mut self) {
        self.about = Some(AboutState::default());
    }
}
