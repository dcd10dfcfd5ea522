//! What the shell does with the forms commands: responses opened, started and saved through
//! the forms library, workbooks and templates imported (refusals handed to the Forms view),
//! forms archived.

use super::*;
use crate::forms::FormError;
use crate::forms::response::{answers_of, save_progress};
use crate::store::ChangeKind;
use crate::ui::forms::{ResponseEditor, ResponseSave};

impl ZoufangApp {
    /// Runs `command` when it is a forms command (returning nothing), else hands it back.
    pub(super) fn run_form_command(
        &mut self,
        command: AppCommand,
        ctx: &egui::Context,
    ) -> Option<AppCommand> {
        let lang = self.settings.lang;
        match command {
            AppCommand::SaveResponse(save) => self.save_response(*save),
            AppCommand::NewResponse(visit, form) => {
                self.flush_editor(Some(ctx));
                let form = self.store.as_ref().map(|s| s.form(form));
                match form {
                    Some(Ok(form)) => {
                        self.editor = Some(Editor::Response(Box::new(ResponseEditor::new(
                            &form, visit,
                        ))));
                    }
                    Some(Err(err)) => self.message = Some(err.localized(lang)),
                    None => {}
                }
            }
            AppCommand::OpenResponse(id) => {
                self.flush_editor(Some(ctx));
                let store = self.store.as_ref()?;
                let opened = store.response(id).map_err(FormError::from).and_then(|r| {
                    let form = store.form(r.form)?;
                    let answers = answers_of(store, id)?.answers;
                    Ok(ResponseEditor::existing(
                        &form, id, r.visit_id, answers, r.complete, true,
                    ))
                });
                match opened {
                    Ok(editor) => self.editor = Some(Editor::Response(Box::new(editor))),
                    Err(err) => self.message = Some(err.localized(lang)),
                }
            }
            AppCommand::AttachToResponse(id, path, file) => {
                let name = file
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let (save, visit) = match self.editor.as_mut() {
                    Some(Editor::Response(e)) if e.id == id => (e.attached(path, name), e.visit),
                    _ => return None,
                };
                if let Some(save) = save {
                    self.save_response(save);
                }
                self.start_attach(AttachmentOwner::Visit(visit), vec![file], ctx);
            }
            AppCommand::ImportForm(file) => {
                self.flush_editor(Some(ctx));
                let name = file.file_name().map_or_else(
                    || file.display().to_string(),
                    |n| n.to_string_lossy().into_owned(),
                );
                let store = self.store.as_mut()?;
                let result = crate::forms::record::import_file(store, &file, None);
                self.imported(result, name);
            }
            AppCommand::ImportBuiltinForm(id) => {
                self.flush_editor(Some(ctx));
                let store = self.store.as_mut()?;
                let result = crate::forms::record::import_builtin(store, &id, None);
                self.imported(result, id);
            }
            AppCommand::ArchiveForm(id, archived) => {
                let store = self.store.as_mut()?;
                let result = store.form(id).and_then(|mut form| {
                    form.archived = archived;
                    store.write_tracked(|w| w.put(&form))
                });
                match result {
                    Ok((_, changes)) => self.note_changes(&changes),
                    Err(err) => self.message = Some(err.localized(lang)),
                }
            }
            other => return Some(other),
        }
        None
    }

    /// Tells the user what an import did; a refused workbook's problems go to the Forms view.
    fn imported(
        &mut self,
        result: Result<crate::forms::record::Imported, FormError>,
        name: String,
    ) {
        let lang = self.settings.lang;
        match result {
            Ok(imported) => {
                let form = &imported.form;
                self.forms_view.clear_refusals();
                self.forms_view.selected = Some(form.id);
                self.settings.view = View::Forms;
                self.message = Some(match lang {
                    Lang::Zh => format!("已导入问卷：{}（版本 {}）", form.title, form.version),
                    Lang::En => format!("Form imported: {} (version {})", form.title, form.version),
                });
                self.everything_changed();
            }
            Err(FormError::Workbook(problems)) => {
                self.message = Some(match lang {
                    Lang::Zh => format!("未导入 {name}：工作簿有 {} 处问题", problems.len()),
                    Lang::En => format!("{name} was not imported: {} problem(s)", problems.len()),
                });
                self.settings.view = View::Forms;
                self.forms_view.show_refusals(name, problems);
            }
            Err(err) => self.message = Some(err.localized(lang)),
        }
    }

    /// Saves a response's answers; the editor learns whether it worked.
    pub(super) fn save_response(&mut self, save: ResponseSave) {
        let lang = self.settings.lang;
        let Some(store) = self.store.as_mut() else {
            return;
        };
        let now = chrono::Local::now().naive_local();
        let existed = store.response(save.id).is_ok();
        let result = store
            .form(save.form)
            .map_err(FormError::from)
            .and_then(|form| {
                save_progress(
                    store,
                    &form,
                    save.id,
                    save.visit,
                    save.answers,
                    save.complete,
                    now,
                )
            });
        let editor = match self.editor.as_mut() {
            Some(Editor::Response(e)) if e.id == save.id => Some(e),
            _ => None,
        };
        match result {
            Ok(saved) => {
                if let Some(e) = editor {
                    e.mark_saved(save.complete);
                }
                let raised = saved.findings_created.len();
                if raised > 0 {
                    self.message = Some(match lang {
                        Lang::Zh => format!("检查项不合格，已生成 {raised} 个问题"),
                        Lang::En => {
                            format!("{raised} problem(s) raised by failing checklist items")
                        }
                    });
                } else if save.complete {
                    self.message = Some(lang.pick("问卷已完成", "Response complete").to_owned());
                }
                // What the save wrote, named so only the caches of those kinds are read again
                // (not a 100 000-row problem list after every answer).
                let mut changes = ChangeSet::default();
                let change = |kind, id: String, what| crate::store::Change { kind, id, what };
                changes.changes.push(change(
                    RecordKind::Response,
                    save.id.to_string(),
                    if existed {
                        ChangeKind::Updated
                    } else {
                        ChangeKind::Created
                    },
                ));
                changes.changes.push(change(
                    RecordKind::Answer,
                    save.id.to_string(),
                    ChangeKind::Created,
                ));
                for id in saved.findings_created {
                    changes.changes.push(change(
                        RecordKind::Finding,
                        id.to_string(),
                        ChangeKind::Created,
                    ));
                }
                self.note_changes(&changes);
            }
            Err(err) => {
                let message = err.localized(lang);
                if let Some(e) = editor {
                    e.save_failed(message.clone());
                }
                self.message = Some(message);
            }
        }
    }
}
