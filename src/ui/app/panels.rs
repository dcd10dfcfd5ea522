//! The centre view, the editor panel with its history, and the bundle dialogs.

use super::*;

impl ZoufangApp {
    pub(super) fn editor_panel_ui(&mut self, ui: &mut egui::Ui) {
        let lang = self.settings.lang;
        let window_width = ui.ctx().content_rect().width();
        layout::editor_panel(self.editor.is_some(), window_width)
            .show(ui, |ui| {
                let Some(store) = self.store.as_ref() else {
                    return;
                };
                egui::ScrollArea::vertical().auto_shrink(false).show(ui, |ui| {
                    let mut shared = Shared {
                        store,
                        lang,
                        topics: &self.topics,
                        subjects: &self.subjects,
                        revision: self.revision,
                        revisions: &self.revisions,
                        db_path: &self.db_path,
                        commands: &mut self.commands,
                    };
                    match &mut self.editor {
                        None => {
                            ui.add_space(20.0);
                            if let Some((_, title)) = &self.last_deleted {
                                ui.horizontal_wrapped(|ui| {
                                    ui.label(match lang {
                                        Lang::Zh => format!("已移入回收站：{title}"),
                                        Lang::En => format!("Moved to the Trash: {title}"),
                                    });
                                    if ui
                                        .button(lang.pick("撤销", "Undo"))
                                        .on_hover_text("Ctrl+Z")
                                        .clicked()
                                    {
                                        shared.send(AppCommand::UndoDelete);
                                    }
                                });
                                ui.add_space(12.0);
                            }
                            ui.add(
                                egui::Label::new(
                                    RichText::new(lang.pick(
                                        "在列表中选择一条记录进行编辑，或按 Ctrl+N 新建走访。",
                                        "Select a record to edit it, or press Ctrl+N for a new visit.",
                                    ))
                                    .weak(),
                                )
                                .wrap(),
                            );
                            return;
                        }
                        Some(Editor::Visit(e)) => e.ui(ui, &mut shared),
                        Some(Editor::Finding(e)) => e.ui(ui, &mut shared),
                        Some(Editor::Subject(e)) => e.ui(ui, &mut shared),
                        Some(Editor::Topic(e)) => e.ui(ui, &mut shared),
                    }
                    let Some(id) = self.editor.as_ref().and_then(Editor::record_id) else {
                        return;
                    };
                    ui.add_space(8.0);
                    ui.horizontal(|ui| {
                        let deletable = !matches!(self.editor, Some(Editor::Topic(_)));
                        if deletable
                            && ui
                                .button(lang.pick("移入回收站", "Move to Trash"))
                                .on_hover_text(lang.pick("快捷键 Delete", "Shortcut: Delete"))
                                .clicked()
                        {
                            shared.send(AppCommand::Delete(id.clone()));
                        }
                    });
                    ui.separator();
                    let stale = self
                        .history
                        .as_ref()
                        .is_none_or(|(rev, hid, _)| *rev != self.revision || *hid != id);
                    if stale {
                        let history = shared.report(History::load(store, &id, lang));
                        self.history = Some((self.revision, id.clone(), history));
                    }
                    egui::CollapsingHeader::new(lang.pick("修改记录", "History"))
                        .id_salt("history")
                        .default_open(self.settings.show_history)
                        .show(ui, |ui| {
                            if let Some((_, _, history)) = &self.history {
                                history_ui(ui, history, &self.topics, lang);
                            }
                        });
                });
            });
    }

    pub(super) fn view_ui(&mut self, ui: &mut egui::Ui) {
        let lang = self.settings.lang;
        let Some(store) = self.store.as_ref() else {
            return;
        };
        let selected = self.editor.as_ref().and_then(Editor::record_id);
        let mut shared = Shared {
            store,
            lang,
            topics: &self.topics,
            subjects: &self.subjects,
            revision: self.revision,
            revisions: &self.revisions,
            db_path: &self.db_path,
            commands: &mut self.commands,
        };
        let parse = |id: &Option<String>| id.as_ref().and_then(|i| i.parse().ok());
        match self.settings.view {
            View::Visits => self
                .visits
                .ui(ui, &mut shared, parse(&selected).map(VisitId)),
            View::Problems => self
                .problems
                .ui(ui, &mut shared, parse(&selected).map(FindingId)),
            View::Topics => self
                .topics_view
                .ui(ui, &mut shared, parse(&selected).map(TopicId)),
            View::Subjects => {
                self.subjects_view
                    .ui(ui, &mut shared, parse(&selected).map(SubjectId));
            }
            View::Summary => self.summary.ui(ui, &mut shared),
            View::Conflicts => self.conflicts.ui(ui, &mut shared),
            View::Trash => self.trash.ui(ui, &mut shared),
        }
    }

    pub(super) fn bundles_ui(&mut self, ctx: &egui::Context) {
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_owned())
                .filter(|p| !p.as_os_str().is_empty())
                .collect()
        });
        // Bundles and databases are imported; other files are attached to the open visit or
        // finding.
        let (imports, others): (Vec<PathBuf>, Vec<PathBuf>) = dropped
            .into_iter()
            .partition(|p| crate::ui::attachments::is_import_file(p));
        if !imports.is_empty() {
            self.commands.push(AppCommand::Import(imports));
        }
        if !others.is_empty() {
            match self.editor.as_ref().and_then(Editor::attachment_owner) {
                Some(owner) => self.commands.push(AppCommand::Attach(owner, others)),
                None => {
                    self.message = Some(
                        self.settings
                            .lang
                            .pick(
                                "要添加附件，请先打开一条走访记录或发现，再拖放文件；案卷包请用 .zfb 文件",
                                "To attach files, open a visit or finding first, then drop them; bundles are .zfb files",
                            )
                            .to_owned(),
                    );
                }
            }
        }
        let b = BundleContext {
            db: &self.db_path,
            lang: self.settings.lang,
            topics: &self.topics,
            subjects: &self.subjects,
        };
        if self.bundles.ui(ctx, &b) {
            // The import wrote through its own connection: everything shown may have changed,
            // and the open editor takes the new values of the fields the user did not touch.
            self.everything_changed();
            // Its commit moved data_version: start counting again from here.
            self.data_version = None;
        }
        if self.bundles.take_show_conflicts() {
            self.commands.push(AppCommand::ShowView(View::Conflicts));
        }
        if let Some(open) = self.bundles.take_open_record() {
            self.commands.push(open);
        }
    }
}
