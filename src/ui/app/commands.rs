//! What the shell does with the commands views and editors send, once a frame.

use super::*;

impl ZoufangApp {
    pub(super) fn drain_commands(&mut self, ctx: &egui::Context) {
        let commands = std::mem::take(&mut self.commands);
        if !commands.is_empty() {
            // What a command changes is drawn in the next frame.
            ctx.request_repaint();
        }
        for command in commands {
            self.run_command(command, ctx);
        }
    }

    pub(super) fn run_command(&mut self, command: AppCommand, ctx: &egui::Context) {
        let lang = self.settings.lang;
        if let AppCommand::OpenDatabase(path) = command {
            self.open_database(path);
            return;
        }
        if let AppCommand::ShowView(view) = command {
            self.settings.view = view;
            return;
        }
        if let AppCommand::RestoreBackup(file) = command {
            self.flush_editor(Some(ctx));
            // Let go of the file first: restore replaces its content.
            self.store = None;
            let db = self.db_path.clone();
            match crate::store::backup::restore(&db, &file) {
                Ok(_) => {
                    self.open_database(db);
                    self.message = Some(
                        lang.pick("已从备份恢复", "Restored from the backup")
                            .to_owned(),
                    );
                }
                Err(err) => {
                    self.open_database(db);
                    self.message = Some(err.localized(lang));
                }
            }
            return;
        }
        if let AppCommand::ProblemsOfTopic(topic) = command {
            self.problems.topic = Some(topic);
            self.settings.view = View::Problems;
            return;
        }
        if let AppCommand::Import(files) = command {
            self.flush_editor(Some(ctx));
            self.bundles.open_import(files, ctx, &self.db_path, lang);
            return;
        }
        self.flush_editor(Some(ctx));
        let Some(store) = self.store.as_mut() else {
            return;
        };
        let today = chrono::Local::now().date_naive();
        match command {
            AppCommand::OpenVisit(id) => {
                if let Ok(v) = store.visit(id) {
                    self.editor = Some(Editor::Visit(VisitEditor::existing(v)));
                }
            }
            AppCommand::OpenFinding(id) => {
                if let Ok(f) = store.finding(id) {
                    self.editor = Some(Editor::Finding(FindingEditor::existing(f)));
                }
            }
            AppCommand::OpenSubject(id) => {
                if let Ok(s) = store.subject(id) {
                    self.editor = Some(Editor::Subject(SubjectEditor::existing(s)));
                }
            }
            AppCommand::OpenTopic(id) => {
                if let Ok(t) = store.topic(id) {
                    self.editor = Some(Editor::Topic(TopicEditor::new(t)));
                }
            }
            AppCommand::NewVisit => {
                let mut visit = Visit::new(today, "");
                if !store.author().is_empty() {
                    visit.investigators = vec![store.author().to_owned()];
                }
                self.settings.view = View::Visits;
                self.editor = Some(Editor::Visit(VisitEditor::new(visit)));
            }
            AppCommand::NewFinding(visit) => {
                let finding = Finding::new(visit, "");
                self.editor = Some(Editor::Finding(FindingEditor::new(finding)));
            }
            AppCommand::NewSubject => {
                let subject = Subject {
                    start_date: Some(today),
                    ..Subject::default()
                };
                self.settings.view = View::Subjects;
                self.editor = Some(Editor::Subject(SubjectEditor::new(subject)));
            }
            AppCommand::Delete(id) => match store.delete(&id) {
                Ok(_) => {
                    self.editor = None;
                    self.revision += 1;
                    self.message = Some(lang.pick("已移入回收站", "Moved to the Trash").to_owned());
                }
                Err(err) => self.message = Some(err.localized(lang)),
            },
            AppCommand::Restore(id) => match store.restore(&id) {
                Ok(_) => {
                    self.revision += 1;
                    self.message = Some(lang.pick("已恢复", "Restored").to_owned());
                }
                Err(err) => self.message = Some(err.localized(lang)),
            },
            AppCommand::BackUp => match crate::store::backup::backup_to(store, None) {
                Ok(path) => {
                    self.message = Some(format!(
                        "{}{}",
                        lang.pick("已备份：", "Backed up: "),
                        path.display()
                    ));
                }
                Err(err) => self.message = Some(err.localized(lang)),
            },
            AppCommand::OpenDatabase(_)
            | AppCommand::RestoreBackup(_)
            | AppCommand::ShowView(_)
            | AppCommand::Import(_)
            | AppCommand::ProblemsOfTopic(_) => {}
        }
    }
}
