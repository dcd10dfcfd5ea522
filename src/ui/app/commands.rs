//! What the shell does with the commands views and editors send, once a frame.

use super::*;
use crate::ui::jobs::Job;

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
        if let AppCommand::Save(kind, edit) = command {
            self.apply_save(kind, &edit);
            return;
        }
        if let AppCommand::Report(message) = command {
            self.message = Some(message);
            return;
        }
        if let AppCommand::OpenDatabase(path) = command {
            self.open_database(path);
            return;
        }
        if let AppCommand::ShowView(view) = command {
            self.settings.view = view;
            // An editor that belongs to no record of the new view does not stay open beside it.
            let belongs = match (&self.editor, view) {
                (Some(Editor::Topic(_)), View::Topics) => true,
                (_, View::Topics | View::Conflicts | View::Trash) => false,
                _ => true,
            };
            if !belongs {
                self.flush_editor(Some(ctx));
                self.editor = None;
            }
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
        if let AppCommand::Attach(owner, files) = command {
            self.flush_editor(Some(ctx));
            self.start_attach(owner, files, ctx);
            return;
        }
        if let AppCommand::OpenAttachment(id) = command {
            self.start_open(id, ctx);
            return;
        }
        if let AppCommand::OpenTeamSync = command {
            self.flush_editor(Some(ctx));
            self.team_sync.open(self.settings.sync_folder.as_deref());
            return;
        }
        if let AppCommand::Import(files) = command {
            self.flush_editor(Some(ctx));
            self.bundles.open_import(files, ctx, &self.db_path, lang);
            return;
        }
        self.flush_editor(Some(ctx));
        if self.run_write(&command) {
            return;
        }
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
            AppCommand::SetAttachmentLimit(mb) => match store.set_max_attachment_mb(mb) {
                Ok(()) => {
                    self.attachment_limit_mb = Some(mb);
                    self.message = Some(match lang {
                        Lang::Zh => format!("附件大小上限已设为 {mb} MB"),
                        Lang::En => format!("Attachment size limit set to {mb} MB"),
                    });
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
            | AppCommand::OpenTeamSync
            | AppCommand::ProblemsOfTopic(_)
            | AppCommand::Attach(..)
            | AppCommand::OpenAttachment(_)
            | AppCommand::Save(..)
            | AppCommand::Report(_)
            | AppCommand::Delete(_)
            | AppCommand::UndoDelete
            | AppCommand::Restore(_)
            | AppCommand::Resolve(..)
            | AppCommand::MarkReviewed(_)
            | AppCommand::SetEvidence(..)
            | AppCommand::SetAuthor(_) => {}
        }
    }

    /// Runs the commands that write records; returns false for any other command.
    fn run_write(&mut self, command: &AppCommand) -> bool {
        let lang = self.settings.lang;
        let Some(store) = self.store.as_mut() else {
            return matches!(
                command,
                AppCommand::Delete(_)
                    | AppCommand::UndoDelete
                    | AppCommand::Restore(_)
                    | AppCommand::Resolve(..)
                    | AppCommand::MarkReviewed(_)
                    | AppCommand::SetEvidence(..)
                    | AppCommand::SetAuthor(_)
            );
        };
        let mut message = None;
        let mut changes = ChangeSet::default();
        let mut unnamed_changes = false;
        match command {
            AppCommand::Delete(id) => {
                let title = record_title(store, id);
                match store
                    .kind_of(id)
                    .and_then(|kind| store.write_tracked(|w| w.set_deleted(kind, id, true)))
                {
                    Ok((_, changed)) => {
                        changes = changed;
                        if self.editor.as_ref().is_some_and(|e| e.draft_id() == *id) {
                            self.editor = None;
                        }
                        message = Some(match lang {
                            Lang::Zh => format!("已移入回收站：{title}（Ctrl+Z 撤销）"),
                            Lang::En => format!("Moved to the Trash: {title} (Ctrl+Z to undo)"),
                        });
                        // Ctrl+Z brings back what went last, an attachment as well.
                        self.last_deleted = Some((id.clone(), title));
                    }
                    Err(err) => message = Some(err.localized(lang)),
                }
            }
            AppCommand::UndoDelete | AppCommand::Restore(_) => {
                let id = match command {
                    AppCommand::Restore(id) => Some(id.clone()),
                    _ => self.last_deleted.as_ref().map(|(id, _)| id.clone()),
                };
                let Some(id) = id else {
                    return true;
                };
                match store
                    .kind_of(&id)
                    .and_then(|kind| store.write_tracked(|w| w.set_deleted(kind, &id, false)))
                {
                    Ok((_, changed)) => {
                        changes = changed;
                        if self.last_deleted.as_ref().is_some_and(|(d, _)| *d == id) {
                            self.last_deleted = None;
                        }
                        message = Some(lang.pick("已恢复", "Restored").to_owned());
                    }
                    Err(err) => message = Some(err.localized(lang)),
                }
            }
            AppCommand::Resolve(seq, keep) => match crate::bundle::resolve(store, *seq, *keep) {
                Ok(_) => {
                    unnamed_changes = true;
                    message = Some(lang.pick("冲突已处理", "Conflict settled").to_owned());
                }
                Err(err) => message = Some(err.localized(lang)),
            },
            AppCommand::MarkReviewed(seq) => match crate::bundle::mark_reviewed(store, *seq) {
                Ok(_) => unnamed_changes = true,
                Err(err) => message = Some(err.localized(lang)),
            },
            AppCommand::SetEvidence(id, evidence) => {
                let named = store.attachment(*id).map(|mut a| {
                    a.evidence = *evidence;
                    a
                });
                match named.and_then(|a| store.write_tracked(|w| w.put(&a))) {
                    Ok((_, changed)) => changes = changed,
                    Err(err) => message = Some(err.localized(lang)),
                }
            }
            AppCommand::SetAuthor(name) => match store.set_author(name) {
                Ok(()) => {
                    self.settings.author = Some(store.author().to_owned());
                    self.author_input = store.author().to_owned();
                    message = Some(match lang {
                        Lang::Zh => format!("作者姓名已设为 {}", store.author()),
                        Lang::En => format!("Author name set to {}", store.author()),
                    });
                }
                Err(err) => message = Some(err.localized(lang)),
            },
            _ => return false,
        }
        if let Some(message) = message {
            self.message = Some(message);
        }
        if unnamed_changes {
            self.everything_changed();
        } else {
            self.note_changes(&changes);
        }
        true
    }
}

/// A record's title as a person reads it (its title, place or name), else its id.
fn record_title(store: &Store, id: &str) -> String {
    store
        .load_any(id)
        .ok()
        .and_then(|r| {
            ["title", "place", "name_zh", "name"]
                .iter()
                .find_map(|k| r.data.get(*k).and_then(|v| v.as_str()).map(str::to_owned))
        })
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| id.to_owned())
}

impl ZoufangApp {
    /// Attaches `files` on a worker thread: all are checked against the size limit first, so
    /// one file too large attaches none.
    fn start_attach(&mut self, owner: AttachmentOwner, files: Vec<PathBuf>, ctx: &egui::Context) {
        let lang = self.settings.lang;
        if self.file_job.is_some() {
            self.message = Some(
                lang.pick("请等上一项附件操作完成", "Wait for the files being added")
                    .to_owned(),
            );
            return;
        }
        let title = lang.pick("正在添加附件", "Adding files").to_owned();
        self.file_job = Some(Job::spawn(
            "attach",
            title,
            ctx,
            self.db_path.clone(),
            lang,
            move |store, reporter| {
                let localized = |e: crate::store::StoreError| e.localized(lang);
                let limit = store.max_attachment_bytes().map_err(localized)?;
                for file in &files {
                    let size = std::fs::metadata(file)
                        .map_err(|e| format!("{e}: {}", file.display()))?
                        .len();
                    if size > limit {
                        return Err(localized(crate::store::StoreError::FileTooLarge {
                            path: file.clone(),
                            size,
                            limit,
                        }));
                    }
                }
                for (i, file) in files.iter().enumerate() {
                    store.attach_file(owner, file, limit).map_err(localized)?;
                    reporter.progress((i + 1) as f32 / files.len() as f32);
                }
                Ok(match lang {
                    Lang::Zh => format!("已添加 {} 个附件", files.len()),
                    Lang::En => format!(
                        "{} attached",
                        crate::i18n::count_en(files.len() as i64, "file", "files")
                    ),
                })
            },
        ));
    }

    /// Opens an attachment with the system's viewer, from a worker thread.
    fn start_open(&mut self, id: AttachmentId, ctx: &egui::Context) {
        let lang = self.settings.lang;
        if self.file_job.is_some() {
            return;
        }
        let title = lang.pick("正在打开附件", "Opening the file").to_owned();
        self.file_job = Some(Job::spawn(
            "open",
            title,
            ctx,
            self.db_path.clone(),
            lang,
            move |store, _| {
                let path = super::super::attachments::open_with_viewer(store, id, lang)?;
                Ok(format!(
                    "{}{}",
                    lang.pick("已打开：", "Opened: "),
                    path.display()
                ))
            },
        ));
    }
}
