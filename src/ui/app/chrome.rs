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
                    if ui
                        .button(lang.pick("同步文件夹…", "Sync folder…"))
                        .clicked()
                    {
                        ui.close();
                        self.commands.push(AppCommand::OpenTeamSync);
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
                        .button(lang.pick("新建走访　Ctrl+N", "New visit  Ctrl+N"))
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
                ui.ctx()
                    .data_mut(|d| d.insert_temp(search_box_rect_id(), search.rect));
                if search.changed() || search.gained_focus() {
                    self.search.open = !self.search.text.trim().is_empty();
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
                                "{} · {} · author: {}",
                                crate::i18n::count_en(self.totals.0 as i64, "visit", "visits"),
                                crate::i18n::count_en(self.totals.1 as i64, "finding", "findings"),
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

    /// The search results, in a popup anchored below the search box: every hit (a virtual
    /// list that scrolls), the true count, closed by Esc, × or a click elsewhere.
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
            self.search.hits = match store.search(&text, SEARCH_HITS_MAX) {
                Ok(hits) => hits,
                Err(err) => {
                    self.message = Some(err.localized(lang));
                    Vec::new()
                }
            };
            self.search.hits_for = Some((text.clone(), self.revision));
        }
        let screen = ctx.content_rect();
        let anchor = ctx
            .data(|d| d.get_temp::<egui::Rect>(search_box_rect_id()))
            .unwrap_or_else(|| {
                egui::Rect::from_min_size(egui::pos2(300.0, 0.0), egui::vec2(320.0, 28.0))
            });
        let width = anchor
            .width()
            .max(SEARCH_POPUP_WIDTH)
            .min(screen.width() - 16.0);
        let hits = &self.search.hits;
        let style = ctx.global_style();
        let body = egui::TextStyle::Body.resolve(&style).size;
        let small = egui::TextStyle::Small.resolve(&style).size;
        // Two lines per hit: the title, and where and when.
        let row_height = (body + small) * 1.25 + 6.0;
        let spacing = style.spacing.item_spacing.y;
        // Bounded: at most half the window, so the list under it stays in sight.
        let max_list = ((screen.bottom() - anchor.bottom()) * 0.5).max(row_height * 3.0);
        let list_height = (hits.len() as f32 * (row_height + spacing)).min(max_list);
        let count = match (lang, hits.len() >= SEARCH_HITS_MAX) {
            (Lang::Zh, false) => format!("“{text}”：{} 条", hits.len()),
            (Lang::Zh, true) => format!("“{text}”：{} 条以上，请输入更多字词", hits.len()),
            (Lang::En, false) if hits.len() == 1 => format!("1 result for “{text}”"),
            (Lang::En, false) => format!("{} results for “{text}”", hits.len()),
            (Lang::En, true) => {
                format!("over {} results for “{text}”: type more words", hits.len())
            }
        };
        let mut open = None;
        let mut close = false;
        let popup = egui::Area::new(egui::Id::unique("search-results"))
            .order(egui::Order::Foreground)
            .fixed_pos(anchor.left_bottom() + egui::vec2(0.0, 4.0))
            .constrain(true)
            .show(ctx, |ui| {
                egui::Frame::popup(ui.style()).show(ui, |ui| {
                    ui.set_width(width);
                    ui.horizontal(|ui| {
                        ui.label(RichText::new(count).weak());
                        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                            if ui
                                .small_button("×")
                                .on_hover_text(lang.pick("关闭（Esc）", "Close (Esc)"))
                                .clicked()
                            {
                                close = true;
                            }
                        });
                    });
                    if hits.is_empty() {
                        ui.label(lang.pick("没有找到。", "Nothing found."));
                        return;
                    }
                    // The list's height is set here, not left to the area's remembered size:
                    // that size is the previous search's, and cut a longer list to its rows.
                    ui.allocate_ui(egui::vec2(width, list_height), |ui| {
                        ui.set_height(list_height);
                        egui::ScrollArea::vertical()
                            .id_salt(("search-results-list", &text))
                            .auto_shrink(false)
                            .max_height(list_height)
                            .show_rows(ui, row_height, hits.len(), |ui, range| {
                                for hit in &hits[range] {
                                    ui.allocate_ui(egui::vec2(width, row_height), |ui| {
                                        ui.set_height(row_height);
                                        ui.vertical(|ui| {
                                            if search_hit_ui(ui, hit, lang).clicked() {
                                                open = Some(hit.clone());
                                            }
                                        });
                                    });
                                }
                            });
                    });
                });
            });
        let escape = ctx.input(|i| i.key_pressed(Key::Escape));
        let clicked_outside = ctx.input(|i| {
            i.pointer.any_click()
                && i.pointer
                    .interact_pos()
                    .is_some_and(|pos| !popup.response.rect.contains(pos) && !anchor.contains(pos))
        });
        if let Some(hit) = open {
            self.search.open = false;
            let command = match hit.kind {
                RecordKind::Visit => hit.id.parse().ok().map(AppCommand::OpenVisit),
                RecordKind::Finding => hit.id.parse().ok().map(AppCommand::OpenFinding),
                RecordKind::Subject => hit.id.parse().ok().map(AppCommand::OpenSubject),
                RecordKind::Topic => hit.id.parse().ok().map(AppCommand::OpenTopic),
                RecordKind::Attachment
                | RecordKind::Form
                | RecordKind::Response
                | RecordKind::Answer => None,
            };
            self.commands.extend(command);
        }
        if close || escape || clicked_outside {
            self.search.open = false;
        }
    }
}

/// The most hits one search lists; more say "over N" and ask for more words.
const SEARCH_HITS_MAX: usize = 500;

/// The narrowest the search results popup is.
const SEARCH_POPUP_WIDTH: f32 = 480.0;

/// Where the search box was drawn this frame (the results popup hangs below it).
fn search_box_rect_id() -> egui::Id {
    egui::Id::unique("search-box-rect")
}

/// One hit: its kind and title (a click opens it; long titles are cut, the whole on hover),
/// and below, where and when.
fn search_hit_ui(ui: &mut egui::Ui, hit: &SearchHit, lang: Lang) -> egui::Response {
    let kind = crate::store::kind_label(hit.kind.table(), lang);
    let label = format!("[{kind}] {}", hit.title);
    let response = ui
        .add(egui::Button::selectable(false, label.as_str()).truncate())
        .on_hover_text(&label);
    ui.add(egui::Label::new(RichText::new(&hit.context).small().weak()).truncate());
    response
}
