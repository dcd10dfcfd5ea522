//! The import dialog's list of which records each file changes: one collapsible section per
//! file, grouped by change (新增 / 更新 / 移入回收站 / 冲突); once the import is applied, each
//! line is a link to the record.

use super::app::AppCommand;
use crate::bundle::{Change, ChangedRecord, FileReport, ImportReport};
use crate::i18n::Lang;
use crate::model::{FindingId, SubjectId, TopicId, VisitId};
use crate::store::kind_label;

/// The most height the list takes in the dialog (it scrolls beyond).
const MAX_LIST_HEIGHT: f32 = 260.0;

/// Lists, per file, the records the import changes; returns the record the user asked to
/// open. `applied` says whether the import was written (else added records do not exist yet).
pub fn changes_ui(
    ui: &mut egui::Ui,
    report: &ImportReport,
    applied: bool,
    lang: Lang,
) -> Option<AppCommand> {
    let mut open = None;
    // The list's height is set from the first frame (a scroll area inside a dialog otherwise
    // grows into its height over several frames, moving the buttons under the pointer).
    let lines: usize = report
        .files
        .iter()
        .filter(|f| !f.changes.is_empty())
        .map(|f| {
            let groups = Change::ALL
                .iter()
                .filter(|c| f.changes.iter().any(|r| r.change == **c))
                .count();
            let u = &f.changes_unlisted;
            let more = [u.added, u.updated, u.deleted, u.conflicts]
                .iter()
                .filter(|n| **n > 0)
                .count();
            1 + groups + f.changes.len() + more
        })
        .sum();
    let line_height = ui.text_style_height(&egui::TextStyle::Body) + ui.spacing().item_spacing.y;
    let height = (lines as f32 * line_height).min(MAX_LIST_HEIGHT);
    egui::ScrollArea::vertical()
        .id_salt("import-changes")
        .min_scrolled_height(height)
        .max_height(MAX_LIST_HEIGHT)
        .show(ui, |ui| {
            for (i, file) in report.files.iter().enumerate() {
                if file.changes.is_empty() {
                    continue;
                }
                let name = file.origin.path.file_name().map_or_else(
                    || file.origin.path.display().to_string(),
                    |n| n.to_string_lossy().into_owned(),
                );
                let heading = match lang {
                    Lang::Zh => format!("{name}：涉及的记录"),
                    Lang::En => format!("{name}: the records it changes"),
                };
                // A toggle of its own rather than a CollapsingHeader: that one's opening
                // animation moves the dialog's buttons for a few frames after it appears.
                let id = ui.make_persistent_id(("import-changes", i));
                let mut shown = ui.data_mut(|d| *d.get_temp_mut_or(id, true));
                let arrow = if shown { "－" } else { "＋" };
                if ui
                    .add(egui::Button::new(format!("{arrow} {heading}")).frame(false))
                    .clicked()
                {
                    shown = !shown;
                    ui.data_mut(|d| d.insert_temp(id, shown));
                }
                if shown
                    && let Some(command) =
                        ui.indent(id, |ui| file_ui(ui, file, applied, lang)).inner
                {
                    open = Some(command);
                }
            }
        });
    open
}

fn file_ui(ui: &mut egui::Ui, file: &FileReport, applied: bool, lang: Lang) -> Option<AppCommand> {
    let mut open = None;
    for change in Change::ALL {
        let records: Vec<&ChangedRecord> =
            file.changes.iter().filter(|c| c.change == change).collect();
        if records.is_empty() {
            continue;
        }
        ui.label(egui::RichText::new(change.label(lang)).strong());
        for record in records {
            let line = format!("{}：{}", kind_label(&record.kind, lang), record.title);
            match opens(record, applied) {
                Some(command) => {
                    if ui.link(line).clicked() {
                        open = Some(command);
                    }
                }
                None => {
                    ui.label(line);
                }
            }
        }
        let u = &file.changes_unlisted;
        let more = match change {
            Change::Added => u.added,
            Change::Updated => u.updated,
            Change::Deleted => u.deleted,
            Change::Conflict => u.conflicts,
        };
        if more > 0 {
            ui.label(
                egui::RichText::new(match lang {
                    Lang::Zh => format!("……另有 {more} 条"),
                    Lang::En => format!("… and {more} more"),
                })
                .weak(),
            );
        }
    }
    open
}

/// The command that opens `record`, once the import is applied (opening one closes the dialog,
/// which would throw a preview away) and if it is live: records moved to the Trash are not.
fn opens(record: &ChangedRecord, applied: bool) -> Option<AppCommand> {
    if !applied || record.change == Change::Deleted {
        return None;
    }
    let id = record.id.as_str();
    match record.kind.as_str() {
        "visit" => id.parse::<VisitId>().ok().map(AppCommand::OpenVisit),
        "finding" => id.parse::<FindingId>().ok().map(AppCommand::OpenFinding),
        "subject" => id.parse::<SubjectId>().ok().map(AppCommand::OpenSubject),
        "topic" => id.parse::<TopicId>().ok().map(AppCommand::OpenTopic),
        _ => None,
    }
}
