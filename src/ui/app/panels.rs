//! The centre view, the editor panel with its history, and the bundle dialogs.

use super::*;

impl ZoufangApp {
    pub(super) fn editor_panel_ui(&mut self, ui: &mut egui::Ui) {
        let lang = self.settings.lang;
        let mut changed = false;
        egui::Panel::right("editor")
            .resizable(true)
            .default_size(400.0)
            .min_size(320.0)
            .show(ui, |ui| {
                let Some(store) = self.store.as_mut() else {
                    return;
                };
                egui::ScrollArea::vertical().auto_shrink(false).show(ui, |ui| {
                    let mut shared = Self::shared(
                        store,
                        lang,
                        &self.topics,
                        &self.subjects,
                        self.revision,
                        &self.db_path,
                        &mut self.commands,
                        &mut changed,
                    );
                    match &mut self.editor {
                        None => {
                            ui.add_space(20.0);
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
                            self.commands.push(AppCommand::Delete(id.clone()));
                        }
                    });
                    ui.separator();
                    let revision = self.revision + u64::from(changed);
                    let stale = self
                        .history
                        .as_ref()
                        .is_none_or(|(rev, hid, _)| *rev != revision || *hid != id);
                    if stale {
                        let entries = store.history(&id).unwrap_or_default();
                        self.history = Some((revision, id.clone(), entries));
                    }
                    egui::CollapsingHeader::new(lang.pick("修改记录", "History"))
                        .id_salt("history")
                        .default_open(self.settings.show_history)
                        .show(ui, |ui| {
                            if let Some((_, _, entries)) = &self.history {
                                history_ui(ui, entries, &self.topics, lang);
                            }
                        });
                });
            });
        if changed {
            self.revision += 1;
        }
    }

    pub(super) fn view_ui(&mut self, ui: &mut egui::Ui) {
        let lang = self.settings.lang;
        let mut changed = false;
        let Some(store) = self.store.as_mut() else {
            return;
        };
        let selected = self.editor.as_ref().and_then(Editor::record_id);
        let mut shared = Self::shared(
            store,
            lang,
            &self.topics,
            &self.subjects,
            self.revision,
            &self.db_path,
            &mut self.commands,
            &mut changed,
        );
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
        if changed {
            self.revision += 1;
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
            // The import wrote through its own connection: everything shown may have changed.
            self.editor = None;
            self.revision += 1;
        }
    }
}
