//! The window's frame around the views: menu and search bar, status bar, navigation,
//! keyboard shortcuts and the search results.

use super::*;

/// The size limits offered per attached file (the command line takes any, up to 256 MB).
const ATTACHMENT_LIMITS_MB: [u64; 5] = [10, 25, 50, 100, 256];

impl ZoufangApp {
    pub(super) fn shortcuts(&mut self, ctx: &egui::Context) {
        let new_finding = KeyboardShortcut::new(Modifiers::COMMAND | Modifiers::SHIFT, Key::N);
        let new_visit = KeyboardShortcut::new(Modifiers::COMMAND, Key::N);
        let find = KeyboardShortcut::new(Modifiers::COMMAND, Key::F);
        if ctx.input_mut(|i| i.consume_shortcut(&new_finding)) {
            let visit = match &self.editor {
                Some(Editor::Visit(e)) if !e.draft.is_new() => Some(e.draft.draft.id),
                Some(Editor::Finding(e)) => Some(e.draft.draft.visit_id),
                _ => None,
            };
            if let Some(visit) = visit {
                self.commands.push(AppCommand::NewFinding(visit));
            }
        }
        if ctx.input_mut(|i| i.consume_shortcut(&new_visit)) {
            self.commands.push(AppCommand::NewVisit);
        }
        if ctx.input_mut(|i| i.consume_shortcut(&find)) {
            ctx.memory_mut(|m| m.request_focus(egui::Id::unique(SEARCH_ID)));
        }
        let typing = ctx.memory(|m| m.focused().is_some());
        if !typing
            && ctx.input(|i| i.key_pressed(Key::Delete))
            && let Some(id) = self.selected_id()
        {
            self.commands.push(AppCommand::Delete(id));
        }
    }

    /// File → the size limit per attached file, a setting of the database.
    fn attachment_limit_menu(&mut self, ui: &mut egui::Ui) {
        let lang = self.settings.lang;
        let Some(store) = self.store.as_ref() else {
            return;
        };
        let current = *self
            .attachment_limit_mb
            .get_or_insert_with(|| store.max_attachment_bytes().unwrap_or(0) / (1024 * 1024));
        ui.menu_button(
            format!(
                "{}{current} MB",
                lang.pick("附件大小上限：", "Attachment size limit: ")
            ),
            |ui| {
                for mb in ATTACHMENT_LIMITS_MB {
                    let label = format!("{mb} MB");
                    if ui.radio(current == mb, label).clicked() {
                        ui.close();
                        self.commands.push(AppCommand::SetAttachmentLimit(mb));
                    }
                }
            },
        );
    }

    pub(super) fn top_bar_ui(&mut self, ui: &mut egui::Ui) {
        let lang = self.settings.lang;
        egui::Panel::top("top-bar").show(ui, |ui| {
            egui::MenuBar::new().ui(ui, |ui| {
                ui.menu_button(lang.pick("文件", "File"), |ui| {
                    if ui
                        .button(lang.pick("打开数据库…", "Open database…"))
                        .clicked()
                    {
                        ui.close();
                        if let Some(path) = rfd::FileDialog::new()
                            .set_title(lang.pick("打开走访数据库", "Open a Zoufang database"))
                            .add_filter(
                                lang.pick("走访数据库", "Zoufang database"),
                                &["sqlite", "db", "zoufang"],
                            )
                            .pick_file()
                        {
                            self.commands.push(AppCommand::OpenDatabase(path));
                        }
                    }
                    if ui
                        .button(lang.pick("新建数据库…", "New database…"))
                        .clicked()
                    {
                        ui.close();
                        if let Some(path) = rfd::FileDialog::new()
                            .set_title(lang.pick("新建走访数据库", "Create a Zoufang database"))
                            .set_file_name("zoufang.sqlite")
                            .save_file()
                        {
                            self.commands.push(AppCommand::OpenDatabase(path));
                        }
                    }
                    ui.separator();
                    if ui
                        .button(lang.pick("导入案卷包或数据库…", "Import bundles or databases…"))
                        .clicked()
                    {
                        ui.close();
                        if let Some(files) = rfd::FileDialog::new()
                            .set_title(lang.pick("选择要导入的案卷包", "Choose bundles to import"))
                            .add_filter(
                                lang.pick("走访案卷包或数据库", "Zoufang bundle or database"),
                                &["zfb", "sqlite", "db"],
                            )
                            .pick_files()
                        {
                            self.commands.push(AppCommand::Import(files));
                        }
                    }
                    if ui
                        .button(lang.pick("导出案卷包…", "Export a bundle…"))
                        .clicked()
                    {
                        ui.close();
                        self.bundles.open_export();
                    }
                    self.ledger_menu_ui(ui);
                    ui.separator();
                    self.attachment_limit_menu(ui);
                    if ui.button(lang.pick("作者姓名…", "Author name…")).clicked() {
                        ui.close();
                        self.edit_author();
                    }
                    ui.separator();
                    if ui.button(lang.pick("退出", "Quit")).clicked() {
                        ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
                    }
                });
                ui.menu_button(lang.pick("记录", "Record"), |ui| {
                    if ui
                        .button(lang.pick("新建走访　Ctrl+N", "New visit　Ctrl+N"))
                        .clicked()
                    {
                        ui.close();
                        self.commands.push(AppCommand::NewVisit);
                    }
                    if ui
                        .button(lang.pick("新建调研课题", "New subject"))
                        .clicked()
                    {
                        ui.close();
                        self.commands.push(AppCommand::NewSubject);
                    }
                });
                ui.menu_button(lang.pick("帮助", "Help"), |ui| {
                    if ui
                        .button(lang.pick("关于与数据核对…", "About and agreement check…"))
                        .clicked()
                    {
                        ui.close();
                        self.about = Some(AboutState::default());
                    }
                });
                ui.add_space(16.0);
                let search_label = ui.label(lang.pick("搜索", "Search"));
                let search = ui
                    .add(
                        egui::TextEdit::singleline(&mut self.search.text)
                            .id(egui::Id::unique(SEARCH_ID))
                            .hint_text(lang.pick(
                                "Ctrl+F：地点、问题、措施…",
                                "Ctrl+F: places, problems, measures…",
                            ))
                            .desired_width(320.0),
                    )
                    .labelled_by(search_label.id);
                if search.changed() || search.gained_focus() {
                    self.search.open = !self.search.text.trim().is_empty();
                }
                if search.has_focus() && ui.input(|i| i.key_pressed(Key::Escape)) {
                    self.search.open = false;
                }
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    let other = match lang {
                        Lang::Zh => Lang::En,
                        Lang::En => Lang::Zh,
                    };
                    if ui
                        .button(lang.pick("English", "中文"))
                        .on_hover_text(lang.pick("切换界面语言", "Switch the interface language"))
                        .clicked()
                    {
                        self.settings.lang = other;
                    }
                });
            });
        });
    }

    pub(super) fn status_bar_ui(&mut self, ui: &mut egui::Ui) {
        let lang = self.settings.lang;
        egui::Panel::bottom("status-bar").show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.label(
                    RichText::new(self.db_path.display().to_string())
                        .small()
                        .weak(),
                );
                if let Some(store) = &self.store {
                    ui.separator();
                    ui.label(
                        RichText::new(match lang {
                            Lang::Zh => format!(
                                "走访 {} 次 · 发现 {} 条 · 记录人：{}",
                                self.totals.0,
                                self.totals.1,
                                store.author()
                            ),
                            Lang::En => format!(
                                "{} visits · {} findings · author: {}",
                                self.totals.0,
                                self.totals.1,
                                store.author()
                            ),
                        })
                        .small(),
                    );
                }
                if self.store.as_ref().is_some_and(Store::is_read_only) {
                    ui.separator();
                    ui.label(
                        RichText::new(lang.pick(
                            "只读：此文件不能修改",
                            "Read-only: this file cannot be changed",
                        ))
                        .small()
                        .color(ui.visuals().warn_fg_color),
                    );
                }
                if let Some(message) = &self.message {
                    ui.separator();
                    ui.label(RichText::new(message).small().strong());
                }
            });
        });
    }

    pub(super) fn nav_ui(&mut self, ui: &mut egui::Ui) {
        let lang = self.settings.lang;
        egui::Panel::left("navigation")
            .resizable(false)
            .exact_size(132.0)
            .show(ui, |ui| {
                ui.add_space(8.0);
                for view in View::ALL {
                    let selected = self.settings.view == view;
                    let button = egui::Button::selectable(
                        selected,
                        RichText::new(view.label(lang)).size(15.0),
                    )
                    .min_size(egui::vec2(ui.available_width(), 30.0));
                    if ui.add(button).clicked() {
                        self.commands.push(AppCommand::ShowView(view));
                    }
                }
            });
    }

    pub(super) fn search_results_ui(&mut self, ctx: &egui::Context) {
        let lang = self.settings.lang;
        if !self.search.open {
            return;
        }
        let Some(store) = &self.store else {
            return;
        };
        let text = self.search.text.trim().to_owned();
        if self.search.hits_for.as_ref() != Some(&(text.clone(), self.revision)) {
            self.search.hits = store.search(&text, 30).unwrap_or_default();
            self.search.hits_for = Some((text.clone(), self.revision));
        }
        let Some(anchor) = ctx
            .memory(|m| m.area_rect(egui::Id::unique("top-bar")))
            .or_else(|| {
                Some(egui::Rect::from_min_size(
                    egui::pos2(0.0, 0.0),
                    egui::vec2(400.0, 30.0),
                ))
            })
        else {
            return;
        };
        let mut open = None;
        let mut close = false;
        egui::Area::new(egui::Id::unique("search-results"))
            .order(egui::Order::Foreground)
            .fixed_pos(egui::pos2(anchor.left() + 150.0, anchor.bottom() + 2.0))
            .show(ctx, |ui| {
                egui::Frame::popup(ui.style()).show(ui, |ui| {
                    ui.set_width(460.0);
                    ui.horizontal(|ui| {
                        ui.label(
                            RichText::new(match lang {
                                Lang::Zh => {
                                    format!("“{text}”的搜索结果：{} 条", self.search.hits.len())
                                }
                                Lang::En => {
                                    format!("{} results for “{text}”", self.search.hits.len())
                                }
                            })
                            .weak(),
                        );
                        if ui
                            .small_button("×")
                            .on_hover_text(lang.pick("关闭", "Close"))
                            .clicked()
                        {
                            close = true;
                        }
                    });
                    egui::ScrollArea::vertical()
                        .max_height(360.0)
                        .show(ui, |ui| {
                            for hit in &self.search.hits {
                                let kind = crate::store::kind_label(hit.kind.table(), lang);
                                let label = format!("[{kind}] {}", hit.title);
                                let response = ui.selectable_label(false, label);
                                ui.label(RichText::new(&hit.context).small().weak());
                                if response.clicked() {
                                    open = Some(hit.clone());
                                }
                            }
                        });
                });
            });
        if let Some(hit) = open {
            self.search.open = false;
            let command = match hit.kind {
                RecordKind::Visit => hit.id.parse().ok().map(AppCommand::OpenVisit),
                RecordKind::Finding => hit.id.parse().ok().map(AppCommand::OpenFinding),
                RecordKind::Subject => hit.id.parse().ok().map(AppCommand::OpenSubject),
                RecordKind::Topic => hit.id.parse().ok().map(AppCommand::OpenTopic),
                RecordKind::Attachment => None,
            };
            self.commands.extend(command);
        }
        if close {
            self.search.open = false;
        }
    }
}
