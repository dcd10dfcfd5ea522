//! The window's side of case bundles: the export dialog (filters, native save dialog, progress
//! bar) and the import flow (files picked or dropped → preview of what would change → apply in
//! one transaction after a backup → result), each long step on a worker thread.

use super::jobs::Job;
use super::widgets::{date_edit, topic_path};
use crate::bundle::{self, ExportFilter, ExportSummary, ImportOptions, ImportReport};
use crate::i18n::{Lang, Localized};
use crate::model::{Subject, SubjectId, Topic, TopicId};
use chrono::NaiveDate;
use egui::RichText;
use std::path::{Path, PathBuf};

/// What the export dialog asks.
#[derive(Default)]
struct ExportForm {
    all: bool,
    topic: Option<TopicId>,
    since: Option<NaiveDate>,
    until: Option<NaiveDate>,
    investigator: String,
    subject: Option<SubjectId>,
    /// Encrypt with a passphrase (on by default: bundles carry personal data).
    encrypt: bool,
    passphrase: String,
    repeat: String,
    job: Option<Job<ExportSummary>>,
    result: Option<Result<ExportSummary, String>>,
}

impl ExportForm {
    fn filter(&self) -> ExportFilter {
        ExportFilter {
            all: self.all,
            topics: self.topic.into_iter().collect(),
            since: self.since,
            until: self.until,
            investigator: Some(self.investigator.trim().to_owned()).filter(|n| !n.is_empty()),
            subject: self.subject,
        }
    }
}

/// Where an import stands.
enum ImportStage {
    /// An encrypted bundle needs its passphrase (again, after a wrong one).
    NeedsPassphrase {
        text: String,
        error: Option<String>,
    },
    Previewing(Job<ImportResult>),
    Preview(ImportReport),
    Applying(Job<ImportResult>),
    Done(ImportReport),
    Failed(String),
}

struct ImportFlow {
    files: Vec<PathBuf>,
    passphrase: Option<bundle::Passphrase>,
    stage: ImportStage,
}

/// An import's result, or the passphrase problem to ask about.
enum ImportResult {
    Report(ImportReport),
    Passphrase(String),
}

/// The bundle dialogs.
#[derive(Default)]
pub struct BundlesUi {
    export: Option<ExportForm>,
    import: Option<ImportFlow>,
    /// The user asked to see the conflicts the import left.
    show_conflicts: bool,
    /// The record the user clicked in the import's list of changes.
    open_record: Option<super::app::AppCommand>,
}

/// What the dialogs need from the shell for a frame.
pub struct BundleContext<'a> {
    /// The database file (workers open their own connection to it).
    pub db: &'a Path,
    /// The interface language.
    pub lang: Lang,
    /// Every topic.
    pub topics: &'a [Topic],
    /// Live subjects.
    pub subjects: &'a [Subject],
}

impl BundlesUi {
    /// Whether the user asked to see the import's conflicts (asked once: the dialog closes).
    pub fn take_show_conflicts(&mut self) -> bool {
        let asked = std::mem::take(&mut self.show_conflicts);
        if asked {
            self.import = None;
        }
        asked
    }

    /// The record the user clicked in the import's list of changes (asked once: the dialog
    /// closes).
    pub fn take_open_record(&mut self) -> Option<super::app::AppCommand> {
        let open = self.open_record.take();
        if open.is_some() {
            self.import = None;
        }
        open
    }

    /// Opens the export dialog.
    pub fn open_export(&mut self) {
        self.export = Some(ExportForm {
            all: true,
            encrypt: true,
            ..ExportForm::default()
        });
    }

    /// Sets the export dialog's passphrase (both fields), or turns encryption off with `None`.
    pub fn set_export_passphrase(&mut self, passphrase: Option<&str>) {
        if let Some(form) = &mut self.export {
            form.encrypt = passphrase.is_some();
            form.passphrase = passphrase.unwrap_or_default().to_owned();
            form.repeat = form.passphrase.clone();
        }
    }

    /// Starts previewing an import of `files` (picked in a dialog or dropped on the window).
    pub fn open_import(&mut self, files: Vec<PathBuf>, ctx: &egui::Context, db: &Path, lang: Lang) {
        if files.is_empty() || self.is_busy() {
            return;
        }
        let encrypted = files
            .iter()
            .any(|f| bundle::is_encrypted(f).unwrap_or(false));
        let stage = if encrypted {
            ImportStage::NeedsPassphrase {
                text: String::new(),
                error: None,
            }
        } else {
            ImportStage::Previewing(import_job(files.clone(), None, true, ctx, db, lang))
        };
        self.import = Some(ImportFlow {
            files,
            passphrase: None,
            stage,
        });
    }

    /// Gives the passphrase of the encrypted bundles being imported, and previews them.
    pub fn give_passphrase(&mut self, text: &str, ctx: &egui::Context, db: &Path, lang: Lang) {
        let Some(flow) = &mut self.import else {
            return;
        };
        match bundle::Passphrase::new(text) {
            Ok(p) => {
                flow.passphrase = Some(p.clone());
                flow.stage = ImportStage::Previewing(import_job(
                    flow.files.clone(),
                    Some(p),
                    true,
                    ctx,
                    db,
                    lang,
                ));
            }
            Err(err) => {
                flow.stage = ImportStage::NeedsPassphrase {
                    text: String::new(),
                    error: Some(err.localized(lang)),
                };
            }
        }
    }

    /// Exports with the dialog's filter to `path` (the save dialog's answer).
    pub fn export_to(&mut self, path: PathBuf, ctx: &egui::Context, db: &Path, lang: Lang) {
        let Some(form) = &mut self.export else {
            return;
        };
        let filter = form.filter();
        form.result = None;
        let passphrase = if form.encrypt {
            if form.passphrase != form.repeat {
                form.result = Some(Err(lang
                    .pick("两次输入的口令不一致", "The two passphrases differ")
                    .to_owned()));
                return;
            }
            match bundle::Passphrase::new(form.passphrase.clone()).and_then(|p| {
                p.check_strength()?;
                Ok(p)
            }) {
                Ok(p) => Some(p),
                Err(err) => {
                    form.result = Some(Err(err.localized(lang)));
                    return;
                }
            }
        } else {
            None
        };
        form.job = Some(Job::spawn(
            "export",
            lang.pick("正在导出案卷包", "Exporting the bundle")
                .to_owned(),
            ctx,
            db.to_owned(),
            lang,
            move |store, reporter| {
                let mut progress = |p: bundle::Progress| {
                    if p.total > 0 {
                        reporter.progress(p.done as f32 / p.total as f32);
                    }
                };
                match &passphrase {
                    Some(p) => bundle::export_encrypted(store, &filter, &path, p, &mut progress),
                    None => bundle::export(store, &filter, &path, &mut progress),
                }
                .map_err(|e| e.localized(lang))
            },
        ));
    }

    /// Applies the previewed import.
    pub fn apply_import(&mut self, ctx: &egui::Context, db: &Path, lang: Lang) {
        let Some(flow) = &mut self.import else {
            return;
        };
        if matches!(flow.stage, ImportStage::Preview(_)) {
            flow.stage = ImportStage::Applying(import_job(
                flow.files.clone(),
                flow.passphrase.clone(),
                false,
                ctx,
                db,
                lang,
            ));
        }
    }

    /// A worker is running.
    pub fn is_busy(&self) -> bool {
        self.export.as_ref().is_some_and(|f| f.job.is_some())
            || self.import.as_ref().is_some_and(|f| {
                matches!(
                    f.stage,
                    ImportStage::Previewing(_) | ImportStage::Applying(_)
                )
            })
    }

    /// The finished import's report, if the last import was applied.
    pub fn applied_import(&self) -> Option<&ImportReport> {
        match &self.import.as_ref()?.stage {
            ImportStage::Done(report) => Some(report),
            _ => None,
        }
    }

    /// The dialogs; returns true when an import changed the database.
    pub fn ui(&mut self, ctx: &egui::Context, b: &BundleContext<'_>) -> bool {
        self.export_ui(ctx, b);
        self.import_ui(ctx, b)
    }

    fn export_ui(&mut self, ctx: &egui::Context, b: &BundleContext<'_>) {
        let lang = b.lang;
        let Some(form) = &mut self.export else {
            return;
        };
        if let Some(job) = &mut form.job
            && let Some(result) = job.poll(ctx)
        {
            form.result = Some(result);
            form.job = None;
        }
        let mut close = false;
        let mut pick = false;
        let modal = egui::Modal::new(egui::Id::unique("export-dialog")).show(ctx, |ui| {
            ui.set_width(440.0);
            ui.heading(lang.pick("导出案卷包", "Export a case bundle"));
            ui.label(
                RichText::new(lang.pick(
                    "案卷包（.zfb）包含所选走访及其发现、涉及的专题和课题，以及已删除记录的删除标记，可通过U盘或邮件交给组长合并。",
                    "A bundle (.zfb) holds the selected visits with their findings, the topics and subjects they use and the deletions among them, for a team lead to merge.",
                ))
                .weak(),
            );
            ui.checkbox(&mut form.all, lang.pick("全部记录（含回收站）", "Everything (Trash included)"));
            ui.add_enabled_ui(!form.all, |ui| {
                egui::Grid::new("export-grid").num_columns(2).spacing([10.0, 8.0]).show(ui, |ui| {
                    super::editors::row(ui, lang.pick("专题", "Topic"), |ui, label| {
                        let any = lang.pick("全部", "All");
                        let shown = form.topic.map_or_else(|| any.to_owned(), |t| topic_path(b.topics, t, lang));
                        egui::ComboBox::from_id_salt("export-topic")
                            .selected_text(shown)
                            .show_ui(ui, |ui| {
                                ui.selectable_value(&mut form.topic, None, any);
                                for t in b.topics.iter().filter(|t| !t.meta.is_deleted()) {
                                    ui.selectable_value(&mut form.topic, Some(t.id), topic_path(b.topics, t.id, lang));
                                }
                            })
                            .response
                            .labelled_by(label);
                    });
                    super::editors::row(ui, lang.pick("走访日期从", "Visited from"), |ui, label| {
                        date_edit(ui, "export-since", &mut form.since, true, lang, Some(label));
                    });
                    super::editors::row(ui, lang.pick("至", "to"), |ui, label| {
                        date_edit(ui, "export-until", &mut form.until, true, lang, Some(label));
                    });
                    super::editors::row(ui, lang.pick("走访人员", "Investigator"), |ui, label| {
                        ui.text_edit_singleline(&mut form.investigator).labelled_by(label);
                    });
                    super::editors::row(ui, lang.pick("调研课题", "Subject"), |ui, label| {
                        let none = lang.pick("全部", "All");
                        let shown = form
                            .subject
                            .and_then(|id| b.subjects.iter().find(|s| s.id == id))
                            .map_or_else(|| none.to_owned(), |s| s.title.clone());
                        egui::ComboBox::from_id_salt("export-subject")
                            .selected_text(shown)
                            .show_ui(ui, |ui| {
                                ui.selectable_value(&mut form.subject, None, none);
                                for s in b.subjects {
                                    ui.selectable_value(&mut form.subject, Some(s.id), &s.title);
                                }
                            })
                            .response
                            .labelled_by(label);
                    });
                });
            });
            ui.checkbox(
                &mut form.encrypt,
                lang.pick("用口令加密（推荐：案卷包含个人信息）", "Encrypt with a passphrase (recommended: bundles hold personal data)"),
            );
            if form.encrypt {
                egui::Grid::new("export-passphrase").num_columns(2).spacing([10.0, 8.0]).show(ui, |ui| {
                    super::editors::row(ui, lang.pick("口令", "Passphrase"), |ui, label| {
                        ui.add(egui::TextEdit::singleline(&mut form.passphrase).password(true))
                            .labelled_by(label);
                    });
                    super::editors::row(ui, lang.pick("再次输入", "Repeat"), |ui, label| {
                        ui.add(egui::TextEdit::singleline(&mut form.repeat).password(true))
                            .labelled_by(label);
                    });
                });
                ui.label(
                    RichText::new(lang.pick(
                        "至少8个字符；请另行告知接收人，不要与案卷包一起发送。",
                        "At least 8 characters; tell the recipient separately, never with the bundle.",
                    ))
                    .small()
                    .weak(),
                );
            }
            if let Some(job) = &form.job {
                job.progress_ui(ui);
            }
            match &form.result {
                Some(Ok(done)) => {
                    let records: usize = done.counts.values().sum();
                    ui.label(match lang {
                        Lang::Zh => format!("已导出 {records} 条记录：{}", done.path.display()),
                        Lang::En => format!(
                            "Exported {}: {}",
                            crate::i18n::count_en(records as i64, "record", "records"),
                            done.path.display()
                        ),
                    });
                }
                Some(Err(err)) => {
                    super::widgets::error_label(ui, err);
                }
                None => {}
            }
            ui.horizontal(|ui| {
                let idle = form.job.is_none();
                if ui
                    .add_enabled(idle, egui::Button::new(lang.pick("选择位置并导出…", "Choose where and export…")))
                    .clicked()
                {
                    pick = true;
                }
                if ui.add_enabled(idle, egui::Button::new(lang.pick("关闭", "Close"))).clicked() {
                    close = true;
                }
            });
        });
        if modal.should_close() && form.job.is_none() {
            close = true;
        }
        if pick {
            let name = format!(
                "{}-{}.zfb",
                lang.pick("走访案卷", "zoufang-bundle"),
                chrono::Local::now().format("%Y%m%d-%H%M")
            );
            if let Some(path) = rfd::FileDialog::new()
                .set_title(lang.pick("保存案卷包", "Save the bundle"))
                .add_filter(lang.pick("走访案卷包", "Zoufang bundle"), &["zfb"])
                .set_file_name(name)
                .save_file()
            {
                self.export_to(path, ctx, b.db, lang);
            }
        }
        if close {
            self.export = None;
        }
    }

    fn import_ui(&mut self, ctx: &egui::Context, b: &BundleContext<'_>) -> bool {
        let lang = b.lang;
        let Some(flow) = &mut self.import else {
            return false;
        };
        let mut changed = false;
        match &mut flow.stage {
            ImportStage::Previewing(job) => {
                if let Some(result) = job.poll(ctx) {
                    flow.stage = match result {
                        Ok(ImportResult::Report(report)) => ImportStage::Preview(report),
                        Ok(ImportResult::Passphrase(error)) => ImportStage::NeedsPassphrase {
                            text: String::new(),
                            error: Some(error),
                        },
                        Err(err) => ImportStage::Failed(err),
                    };
                }
            }
            ImportStage::Applying(job) => {
                if let Some(result) = job.poll(ctx) {
                    flow.stage = match result {
                        Ok(ImportResult::Report(report)) => {
                            changed = true;
                            ImportStage::Done(report)
                        }
                        Ok(ImportResult::Passphrase(err)) | Err(err) => ImportStage::Failed(err),
                    };
                }
            }
            _ => {}
        }
        let mut close = false;
        let mut apply = false;
        let mut unlock: Option<String> = None;
        let modal = egui::Modal::new(egui::Id::unique("import-dialog")).show(ctx, |ui| {
            ui.set_width(560.0);
            ui.heading(lang.pick("导入合并", "Import and merge"));
            for file in &flow.files {
                ui.label(RichText::new(file.display().to_string()).small().weak());
            }
            ui.add_space(6.0);
            match &mut flow.stage {
                ImportStage::NeedsPassphrase { text, error } => {
                    ui.label(lang.pick(
                        "案卷包已加密，请输入发送人另行告知的口令。",
                        "The bundle is encrypted: enter the passphrase its sender gave you.",
                    ));
                    let label = ui.label(lang.pick("口令", "Passphrase")).id;
                    let response = ui
                        .add(egui::TextEdit::singleline(text).password(true))
                        .labelled_by(label);
                    if let Some(error) = error {
                        super::widgets::error_label(ui, error);
                    }
                    let enter =
                        response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                    ui.horizontal(|ui| {
                        if ui
                            .button(lang.pick("解密并预览", "Decrypt and preview"))
                            .clicked()
                            || enter
                        {
                            unlock = Some(text.clone());
                        }
                        if ui.button(lang.pick("取消", "Cancel")).clicked() {
                            close = true;
                        }
                    });
                }
                ImportStage::Previewing(job) | ImportStage::Applying(job) => job.progress_ui(ui),
                ImportStage::Preview(report) => {
                    let report = &*report;
                    ui.label(lang.pick(
                        "预览：导入将作如下修改（尚未写入）。",
                        "Preview: the import would make these changes (nothing is written yet).",
                    ));
                    sources_ui(ui, report, lang);
                    counts_table_ui(ui, report, lang);
                    let open = super::import_changes::changes_ui(ui, report, false, lang);
                    self.open_record = open.or(self.open_record.take());
                }
                ImportStage::Done(report) => {
                    let report = &*report;
                    ui.label(RichText::new(lang.pick("导入完成。", "Import done.")).strong());
                    sources_ui(ui, report, lang);
                    counts_table_ui(ui, report, lang);
                    let open = super::import_changes::changes_ui(ui, report, true, lang);
                    self.open_record = open.or(self.open_record.take());
                    if let Some(backup) = &report.backup {
                        ui.label(
                            RichText::new(format!(
                                "{}{}",
                                lang.pick("导入前的备份：", "Backup taken before the import: "),
                                backup.display()
                            ))
                            .small(),
                        );
                    }
                    if report.totals.conflicts > 0 {
                        ui.horizontal_wrapped(|ui| {
                            ui.label(lang.pick("有冲突待复核。", "There are conflicts to review."));
                            if ui.button(lang.pick("查看冲突", "Review them")).clicked() {
                                self.show_conflicts = true;
                            }
                        });
                    }
                }
                ImportStage::Failed(err) => {
                    super::widgets::error_label(ui, err);
                    ui.label(lang.pick("数据库未作任何修改。", "The database was not changed."));
                }
            }
            ui.horizontal(|ui| {
                if matches!(flow.stage, ImportStage::Preview(_)) {
                    if ui
                        .button(lang.pick("应用导入", "Apply the import"))
                        .clicked()
                    {
                        apply = true;
                    }
                    if ui.button(lang.pick("取消", "Cancel")).clicked() {
                        close = true;
                    }
                } else if matches!(flow.stage, ImportStage::Done(_) | ImportStage::Failed(_))
                    && ui.button(lang.pick("关闭", "Close")).clicked()
                {
                    close = true;
                }
            });
        });
        let busy = matches!(
            flow.stage,
            ImportStage::Previewing(_) | ImportStage::Applying(_)
        );
        if modal.should_close() && !busy {
            close = true;
        }
        if apply {
            self.apply_import(ctx, b.db, lang);
        }
        if let Some(text) = unlock {
            self.give_passphrase(&text, ctx, b.db, lang);
        }
        if close {
            self.import = None;
        }
        changed
    }
}

fn import_job(
    files: Vec<PathBuf>,
    passphrase: Option<bundle::Passphrase>,
    dry_run: bool,
    ctx: &egui::Context,
    db: &Path,
    lang: Lang,
) -> Job<ImportResult> {
    let title = if dry_run {
        lang.pick("正在检查", "Checking")
    } else {
        lang.pick("正在导入", "Importing")
    };
    Job::spawn(
        "import",
        title.to_owned(),
        ctx,
        db.to_owned(),
        lang,
        move |store, reporter| {
            let options = ImportOptions {
                dry_run,
                passphrase,
                ..ImportOptions::default()
            };
            let outcome = bundle::import(store, &files, &options, &mut |p| {
                if p.total > 0 {
                    reporter.progress(p.done as f32 / p.total as f32);
                }
            });
            match outcome {
                Ok(report) => Ok(ImportResult::Report(report)),
                Err(
                    err @ (bundle::BundleError::NeedsPassphrase(_)
                    | bundle::BundleError::WrongPassphrase(_)),
                ) => Ok(ImportResult::Passphrase(err.localized(lang))),
                Err(err) => Err(err.localized(lang)),
            }
        },
    )
}

/// Each file imported and who made it.
fn sources_ui(ui: &mut egui::Ui, report: &ImportReport, lang: Lang) {
    for file in &report.files {
        let name = file.origin.path.file_name().map_or_else(
            || file.origin.path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        let who = if file.origin.creator.is_empty() {
            lang.pick("（未署名）", "(unsigned)").to_owned()
        } else {
            file.origin.creator.clone()
        };
        ui.label(match lang {
            Lang::Zh => format!(
                "{name}：来自 {who}，新增 {}、更新 {}、冲突 {}",
                file.totals.added, file.totals.updated, file.totals.conflicts
            ),
            Lang::En => format!(
                "{name}: from {who}, {} added, {} updated, {} conflicts",
                file.totals.added, file.totals.updated, file.totals.conflicts
            ),
        });
    }
}

/// Added / updated / unchanged / deleted / conflicts, per kind and in total.
fn counts_table_ui(ui: &mut egui::Ui, report: &ImportReport, lang: Lang) {
    let kind_name = |k: &str| crate::store::kind_label(k, lang).to_owned();
    egui::Grid::new("import-counts")
        .striped(true)
        .num_columns(6)
        .spacing([14.0, 4.0])
        .show(ui, |ui| {
            for header in [
                lang.pick("类别", "Kind"),
                lang.pick("新增", "Added"),
                lang.pick("更新", "Updated"),
                lang.pick("未变", "Unchanged"),
                lang.pick("删除", "Deleted"),
                lang.pick("冲突", "Conflicts"),
            ] {
                ui.label(RichText::new(header).strong());
            }
            ui.end_row();
            let mut rows: Vec<(String, &bundle::Counts)> = report
                .per_kind
                .iter()
                .map(|(k, c)| (kind_name(k), c))
                .collect();
            rows.push((lang.pick("合计", "Total").to_owned(), &report.totals));
            for (name, c) in rows {
                ui.label(name);
                for n in [c.added, c.updated, c.unchanged, c.deleted, c.conflicts] {
                    ui.label(n.to_string());
                }
                ui.end_row();
            }
        });
}
