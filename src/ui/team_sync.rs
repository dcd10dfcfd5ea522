//! File → 同步文件夹…: the team sync dialog. The folder is remembered in the settings; the team
//! passphrase is asked each time and never stored. The sync itself (write this laptop's new
//! changes, import the colleagues' bundles) runs on a worker like the other imports.

use super::jobs::Job;
use crate::bundle::{Passphrase, SyncOptions, SyncReport, sync};
use crate::i18n::{Lang, Localized};
use egui::RichText;
use std::path::{Path, PathBuf};

/// The sync dialog and the sync running from it.
#[derive(Default)]
pub struct TeamSyncUi {
    /// The dialog is shown.
    open: bool,
    /// The folder, as typed or picked.
    folder: String,
    /// The team passphrase (empty: no encryption); dropped once the sync starts.
    passphrase: String,
    /// A problem with what was typed, shown in the dialog.
    problem: Option<String>,
    job: Option<Job<SyncReport>>,
}

/// What the window learns when a sync ends.
pub struct SyncDone {
    /// The folder synced with (to remember).
    pub folder: PathBuf,
    /// The status line.
    pub message: String,
    /// Whether anything was imported (the views read again).
    pub imported: bool,
}

/// The status line of a sync: "3 份新的数据包，来自 2 位同事", what was written, and conflicts
/// and skipped files when there are any.
pub fn status_line(report: &SyncReport, lang: Lang) -> String {
    let mut line = match lang {
        Lang::Zh if report.imported == 0 => "没有新的数据包".to_owned(),
        Lang::Zh => format!(
            "{} 份新的数据包，来自 {} 位同事",
            report.imported, report.colleagues
        ),
        Lang::En if report.imported == 0 => "No new bundles".to_owned(),
        Lang::En => format!(
            "{} new bundles from {} colleagues",
            report.imported, report.colleagues
        ),
    };
    let sep = lang.pick("；", "; ");
    line.push_str(sep);
    line.push_str(if report.wrote.is_some() {
        lang.pick("已写出本机的改动", "this laptop's changes written")
    } else {
        lang.pick("本机没有新的改动", "no new changes here")
    });
    if report.conflicts > 0 {
        line.push_str(sep);
        line.push_str(&match lang {
            Lang::Zh => format!("{} 处冲突待复核", report.conflicts),
            Lang::En => format!("{} conflicts to review", report.conflicts),
        });
    }
    for refused in &report.refused {
        line.push_str(sep);
        let name = refused
            .file
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        line.push_str(&match lang {
            Lang::Zh => format!("已跳过 {name}（{}）", refused.reason),
            Lang::En => format!("skipped {name} ({})", refused.reason),
        });
    }
    line
}

impl TeamSyncUi {
    /// Opens the dialog on the remembered folder.
    pub fn open(&mut self, remembered: Option<&Path>) {
        self.open = true;
        self.problem = None;
        if self.folder.is_empty()
            && let Some(folder) = remembered
        {
            self.folder = folder.display().to_string();
        }
    }

    /// A sync is running.
    pub fn is_busy(&self) -> bool {
        self.job.is_some()
    }

    /// The dialog, or the progress of the running sync; `Some` once a sync has ended.
    pub fn ui(&mut self, ctx: &egui::Context, db: &Path, lang: Lang) -> Option<SyncDone> {
        if let Some(job) = &mut self.job {
            let result = job.poll(ctx)?;
            self.job = None;
            let folder = PathBuf::from(self.folder.trim());
            return Some(match result {
                Ok(report) => SyncDone {
                    folder,
                    message: status_line(&report, lang),
                    imported: report.imported > 0,
                },
                Err(message) => SyncDone {
                    folder,
                    message,
                    imported: false,
                },
            });
        }
        if !self.open {
            return None;
        }
        let mut open = true;
        let mut start = false;
        egui::Window::new(lang.pick("同步文件夹", "Sync folder"))
            .open(&mut open)
            .collapsible(false)
            .pivot(egui::Align2::CENTER_CENTER)
            .default_pos(ctx.content_rect().center())
            .default_width(520.0)
            .show(ctx, |ui| {
                ui.label(
                    RichText::new(lang.pick(
                        "把本机的新改动写入共享文件夹（U盘、单位文件服务器、Syncthing 等），并导入同事放在那里的新数据包。",
                        "Writes this laptop's new changes to a shared folder (USB stick, the office file server, Syncthing …) and imports the colleagues' new bundles found there.",
                    ))
                    .weak(),
                );
                egui::Grid::new("team-sync").num_columns(2).spacing([10.0, 8.0]).show(ui, |ui| {
                    super::editors::row(ui, lang.pick("文件夹", "Folder"), |ui, label| {
                        ui.horizontal(|ui| {
                            ui.add(egui::TextEdit::singleline(&mut self.folder).desired_width(320.0))
                                .labelled_by(label);
                            if ui.button(lang.pick("选择…", "Choose…")).clicked()
                                && let Some(path) = rfd::FileDialog::new()
                                    .set_title(lang.pick("选择共享文件夹", "Choose the shared folder"))
                                    .pick_folder()
                            {
                                self.folder = path.display().to_string();
                            }
                        });
                    });
                    super::editors::row(ui, lang.pick("团队口令", "Team passphrase"), |ui, label| {
                        ui.add(egui::TextEdit::singleline(&mut self.passphrase).password(true))
                            .labelled_by(label);
                    });
                });
                ui.label(
                    RichText::new(lang.pick(
                        "口令不会保存；留空则不加密。全组须使用同一口令。",
                        "The passphrase is never stored; leave it empty for no encryption. The whole team uses the same one.",
                    ))
                    .small()
                    .weak(),
                );
                if let Some(problem) = &self.problem {
                    ui.colored_label(ui.visuals().error_fg_color, problem);
                }
                ui.separator();
                if ui.button(lang.pick("开始同步", "Sync now")).clicked() {
                    start = true;
                }
            });
        if !open {
            self.open = false;
            self.passphrase.clear();
        }
        if start {
            self.start(ctx, db, lang);
        }
        None
    }

    /// Checks what was typed and starts the sync on a worker.
    fn start(&mut self, ctx: &egui::Context, db: &Path, lang: Lang) {
        let folder = PathBuf::from(self.folder.trim());
        if self.folder.trim().is_empty() || !folder.is_dir() {
            self.problem = Some(
                lang.pick("请选择一个已存在的文件夹", "Choose a folder that exists")
                    .to_owned(),
            );
            return;
        }
        let passphrase = if self.passphrase.is_empty() {
            None
        } else {
            match Passphrase::new(std::mem::take(&mut self.passphrase))
                .and_then(|p| p.check_strength().map(|()| p))
            {
                Ok(p) => Some(p),
                Err(e) => {
                    self.problem = Some(e.localized(lang));
                    return;
                }
            }
        };
        self.passphrase.clear();
        self.open = false;
        self.problem = None;
        let options = SyncOptions {
            passphrase,
            lang,
            ..SyncOptions::default()
        };
        self.job = Some(Job::spawn(
            "sync",
            lang.pick("正在同步", "Syncing").to_owned(),
            ctx,
            db.to_owned(),
            lang,
            move |store, reporter| {
                sync(store, &folder, &options, &mut |p| {
                    if p.total > 0 {
                        reporter.progress(p.done as f32 / p.total as f32);
                    }
                })
                .map_err(|e| e.localized(lang))
            },
        ));
    }

    /// The progress bar of a running sync.
    pub fn progress_ui(&self, ui: &mut egui::Ui) {
        if let Some(job) = &self.job {
            job.progress_ui(ui);
        }
    }
}
