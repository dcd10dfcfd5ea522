//! Conflicts to review: where two people changed the same field, the version that lost the
//! merge is kept here (and in history) until someone looks at it.

use crate::bundle::value_text;
use crate::bundle::{self, ConflictEntry};
use crate::i18n::{Lang, Localized};
use crate::store::{RecordKind, kind_label};
use crate::ui::app::{AppCommand, Shared};
use crate::ui::history::field_label;
use egui::RichText;

/// State of the Conflicts view.
#[derive(Default)]
pub struct ConflictsView {
    show_reviewed: bool,
    entries: Option<(u64, bool, Vec<ConflictEntry>)>,
    error: Option<String>,
}

impl ConflictsView {
    /// The view.
    pub fn ui(&mut self, ui: &mut egui::Ui, shared: &mut Shared<'_>) {
        let lang = shared.lang;
        ui.horizontal(|ui| {
            ui.heading(lang.pick("合并冲突", "Conflicts"));
            ui.checkbox(
                &mut self.show_reviewed,
                lang.pick("显示已复核", "Show reviewed"),
            );
        });
        ui.label(
            RichText::new(lang.pick(
                "两人修改了同一字段时，按时间较晚者为准；落选的版本保留在这里和修改记录中，请复核。",
                "When two people changed the same field the later edit wins; the losing version is kept here and in the history for review.",
            ))
            .weak(),
        );
        let stale = self
            .entries
            .as_ref()
            .is_none_or(|(rev, all, _)| *rev != shared.revision || *all != self.show_reviewed);
        if stale {
            match bundle::conflicts(shared.store, self.show_reviewed) {
                Ok(entries) => {
                    self.entries = Some((shared.revision, self.show_reviewed, entries));
                    self.error = None;
                }
                Err(err) => self.error = Some(err.localized(lang)),
            }
        }
        if let Some(err) = &self.error {
            crate::ui::widgets::error_label(ui, err);
        }
        let entries = self
            .entries
            .as_ref()
            .map(|(_, _, e)| e.clone())
            .unwrap_or_default();
        if entries.is_empty() {
            ui.add_space(12.0);
            ui.label(RichText::new(lang.pick("没有待复核的冲突", "No conflicts to review")).weak());
            return;
        }
        let mut reviewed = None;
        let mut resolved: Option<(i64, bundle::Keep)> = None;
        egui::ScrollArea::vertical()
            .auto_shrink(false)
            .show(ui, |ui| {
                for c in &entries {
                    egui::Frame::group(ui.style()).show(ui, |ui| {
                        ui.set_width(ui.available_width());
                        let title = shared
                            .store
                            .load_any(&c.record_id)
                            .ok()
                            .and_then(|r| {
                                ["title", "place", "name_zh"].iter().find_map(|k| {
                                    r.data.get(*k).and_then(|v| v.as_str()).map(str::to_owned)
                                })
                            })
                            .unwrap_or_else(|| c.record_id.clone());
                        ui.horizontal(|ui| {
                            ui.label(kind_label(c.kind.table(), lang));
                            if ui.link(RichText::new(&title).strong()).clicked() {
                                let command = match c.kind {
                                    RecordKind::Visit => {
                                        c.record_id.parse().ok().map(AppCommand::OpenVisit)
                                    }
                                    RecordKind::Finding => {
                                        c.record_id.parse().ok().map(AppCommand::OpenFinding)
                                    }
                                    RecordKind::Subject => {
                                        c.record_id.parse().ok().map(AppCommand::OpenSubject)
                                    }
                                    RecordKind::Topic => {
                                        c.record_id.parse().ok().map(AppCommand::OpenTopic)
                                    }
                                    RecordKind::Attachment => c
                                        .record_id
                                        .parse()
                                        .ok()
                                        .and_then(|id| shared.store.attachment(id).ok())
                                        .map(|a| match a.owner() {
                                            crate::model::AttachmentOwner::Visit(v) => {
                                                AppCommand::OpenVisit(v)
                                            }
                                            crate::model::AttachmentOwner::Finding(f) => {
                                                AppCommand::OpenFinding(f)
                                            }
                                        }),
                                    // The forms window (issue 17) opens these.
                                    RecordKind::Form
                                    | RecordKind::Response
                                    | RecordKind::Answer => None,
                                };
                                if let Some(command) = command {
                                    shared.send(command);
                                }
                            }
                            ui.label(RichText::new(field_label(&c.field, lang)).weak());
                        });
                        ui.label(format!(
                            "{}{}",
                            lang.pick("采用：", "Kept: "),
                            value_text(&c.field, &c.winner_value, lang)
                        ));
                        ui.label(match lang {
                            Lang::Zh => format!(
                                "落选：{}（{}）",
                                value_text(&c.field, &c.loser_value, lang),
                                c.loser_author
                            ),
                            Lang::En => format!(
                                "Lost: {} ({})",
                                value_text(&c.field, &c.loser_value, lang),
                                c.loser_author
                            ),
                        });
                        match &c.reviewed_at {
                            Some(at) => {
                                ui.label(
                                    RichText::new(format!(
                                        "{} {} {}",
                                        lang.pick("已复核", "Reviewed"),
                                        c.reviewed_by.clone().unwrap_or_default(),
                                        at.get(..10).unwrap_or(at)
                                    ))
                                    .weak(),
                                );
                            }
                            None => {
                                ui.horizontal(|ui| {
                                    if ui.button(lang.pick("保留本机版本", "Keep mine")).clicked()
                                    {
                                        resolved = Some((c.seq, bundle::Keep::Mine));
                                    }
                                    if ui
                                        .button(lang.pick("采用对方版本", "Keep theirs"))
                                        .clicked()
                                    {
                                        resolved = Some((c.seq, bundle::Keep::Theirs));
                                    }
                                    if ui
                                        .button(lang.pick("仅标记为已复核", "Just mark reviewed"))
                                        .clicked()
                                    {
                                        reviewed = Some(c.seq);
                                    }
                                });
                            }
                        }
                    });
                }
            });
        if let Some((seq, keep)) = resolved {
            shared.send(AppCommand::Resolve(seq, keep));
        }
        if let Some(seq) = reviewed {
            shared.send(AppCommand::MarkReviewed(seq));
        }
    }
}
