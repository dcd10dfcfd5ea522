//! The topic catalogue as a tree with finding counts; add a subtopic, rename or archive a user
//! topic (built-in topics keep their names, so bundles line up on every laptop).

use crate::i18n::{Lang, Localized};
use crate::model::{Topic, TopicId, is_builtin_topic};
use crate::store::TopicCount;
use crate::ui::app::{AppCommand, Shared};
use crate::ui::draft::{Draft, field_error_ui};
use crate::ui::editors::row;
use egui::RichText;

/// State of the Topics view.
#[derive(Default)]
pub struct TopicsView {
    counts: Option<(u64, Vec<TopicCount>)>,
    new_topic: Option<NewTopic>,
}

struct NewTopic {
    parent: Option<TopicId>,
    code: String,
    name_zh: String,
    name_en: String,
    error: Option<String>,
}

impl TopicsView {
    /// The view; `selected` is highlighted.
    pub fn ui(&mut self, ui: &mut egui::Ui, shared: &mut Shared<'_>, selected: Option<TopicId>) {
        let lang = shared.lang;
        ui.horizontal(|ui| {
            ui.heading(lang.pick("专题目录", "Topic catalogue"));
            if ui.button(lang.pick("＋ 新建专题", "+ New topic")).clicked() {
                self.new_topic = Some(NewTopic::under(None));
            }
        });
        ui.label(
            RichText::new(lang.pick(
                "每个专题后是其问题数和发现总数（含下级专题）；内置专题在所有电脑上一致。",
                "After each topic: its problems and all its findings, subtopics included; built-in topics are the same on every laptop.",
            ))
            .weak(),
        );
        if self
            .counts
            .as_ref()
            .is_none_or(|(rev, _)| *rev != shared.revision)
        {
            self.counts = Some((
                shared.revision,
                shared.store.topic_counts().unwrap_or_default(),
            ));
        }
        let counts = self
            .counts
            .as_ref()
            .map(|(_, c)| c.clone())
            .unwrap_or_default();
        egui::ScrollArea::vertical().show(ui, |ui| {
            self.level_ui(ui, shared, &counts, None, selected, 0);
        });
        self.new_topic_ui(ui, shared);
    }

    fn level_ui(
        &mut self,
        ui: &mut egui::Ui,
        shared: &mut Shared<'_>,
        counts: &[TopicCount],
        parent: Option<TopicId>,
        selected: Option<TopicId>,
        depth: usize,
    ) {
        let lang = shared.lang;
        for c in counts.iter().filter(|c| c.topic.parent_id == parent) {
            let t = &c.topic;
            ui.horizontal(|ui| {
                ui.add_space(depth as f32 * 22.0);
                let mut text = RichText::new(t.name(lang));
                if t.archived {
                    text = text.weak().italics();
                }
                if ui.selectable_label(selected == Some(t.id), text).clicked() {
                    shared.send(AppCommand::OpenTopic(t.id));
                }
                ui.label(RichText::new(topic_count_text(c, lang)).weak())
                    .on_hover_text(lang.pick(
                        "含下级专题；问题数与“统计汇总”中该专题的“问题”一致",
                        "Subtopics included; the problems are the Summary's figure for the topic",
                    ));
                if t.archived {
                    ui.label(RichText::new(lang.pick("已归档", "archived")).weak());
                }
                if ui
                    .small_button(lang.pick("＋ 下级", "+ Sub"))
                    .on_hover_text(lang.pick("添加下级专题", "Add a subtopic"))
                    .clicked()
                {
                    self.new_topic = Some(NewTopic::under(Some(t.id)));
                }
            });
            self.level_ui(ui, shared, counts, Some(t.id), selected, depth + 1);
        }
    }

    fn new_topic_ui(&mut self, ui: &mut egui::Ui, shared: &mut Shared<'_>) {
        let lang = shared.lang;
        let Some(new) = &mut self.new_topic else {
            return;
        };
        let mut create = false;
        let mut cancel = false;
        let modal = egui::Modal::new(egui::Id::unique("new-topic")).show(ui.ctx(), |ui| {
            ui.set_width(360.0);
            let parent = new
                .parent
                .and_then(|p| shared.topics.iter().find(|t| t.id == p))
                .map(|p| p.name(lang).to_owned());
            ui.heading(match &parent {
                Some(p) => match lang {
                    Lang::Zh => format!("在“{p}”下添加专题"),
                    Lang::En => format!("New subtopic of {p}"),
                },
                None => lang.pick("新建专题", "New topic").to_owned(),
            });
            egui::Grid::new("new-topic-grid")
                .num_columns(2)
                .spacing([10.0, 8.0])
                .show(ui, |ui| {
                    row(
                        ui,
                        lang.pick("中文名称", "Chinese name"),
                        |ui, label| {
                            ui.text_edit_singleline(&mut new.name_zh).labelled_by(label);
                        },
                    );
                    row(
                        ui,
                        lang.pick("英文名称", "English name"),
                        |ui, label| {
                            ui.text_edit_singleline(&mut new.name_en).labelled_by(label);
                        },
                    );
                    row(ui, lang.pick("代码", "Code"), |ui, label| {
                        ui.add(
                            egui::TextEdit::singleline(&mut new.code).hint_text("home-retrofit"),
                        )
                        .labelled_by(label);
                    });
                });
            if let Some(err) = &new.error {
                crate::ui::widgets::error_label(ui, err);
            }
            ui.horizontal(|ui| {
                if ui.button(lang.pick("添加", "Add")).clicked() {
                    create = true;
                }
                if ui.button(lang.pick("取消", "Cancel")).clicked() {
                    cancel = true;
                }
            });
        });
        if modal.should_close() {
            cancel = true;
        }
        if create {
            let topic = Topic {
                id: TopicId::new(),
                code: new.code.trim().to_owned(),
                name_zh: new.name_zh.trim().to_owned(),
                name_en: new.name_en.trim().to_owned(),
                parent_id: new.parent,
                archived: false,
                meta: Default::default(),
            };
            // Checked here so the dialog can say what is wrong; the shell writes it.
            match topic.validate() {
                Ok(()) => {
                    shared.send(AppCommand::Save(
                        crate::store::RecordKind::Topic,
                        crate::store::FieldEdit::create(&topic),
                    ));
                    shared.send(AppCommand::OpenTopic(topic.id));
                    self.new_topic = None;
                }
                Err(err) => new.error = Some(err.localized(lang)),
            }
        } else if cancel {
            self.new_topic = None;
        }
    }
}

impl NewTopic {
    fn under(parent: Option<TopicId>) -> NewTopic {
        NewTopic {
            parent,
            code: String::new(),
            name_zh: String::new(),
            name_en: String::new(),
            error: None,
        }
    }
}

/// Renames or archives a user topic; shows a built-in one.
pub struct TopicEditor {
    /// The topic under edit.
    pub draft: Draft<Topic>,
}

impl TopicEditor {
    /// Edits a saved topic.
    pub fn new(topic: Topic) -> Self {
        TopicEditor {
            draft: Draft::existing(topic),
        }
    }

    /// The editor.
    pub fn ui(&mut self, ui: &mut egui::Ui, shared: &mut Shared<'_>) {
        let lang = shared.lang;
        let t = &mut self.draft.draft;
        ui.heading(lang.pick("专题", "Topic"));
        if is_builtin_topic(t.id) {
            ui.label(RichText::new(t.name(lang)).strong());
            ui.label(format!("{}: {}", lang.pick("代码", "Code"), t.code));
            ui.label(
                RichText::new(lang.pick(
                    "内置专题不能改名或归档，可添加下级专题。",
                    "Built-in topics cannot be renamed or archived; add subtopics instead.",
                ))
                .weak(),
            );
            return;
        }
        let mut typing = false;
        let mut other = false;
        egui::Grid::new("topic-editor")
            .num_columns(2)
            .spacing([10.0, 8.0])
            .show(ui, |ui| {
                row(
                    ui,
                    lang.pick("中文名称", "Chinese name"),
                    |ui, label| {
                        typing |= ui
                            .text_edit_singleline(&mut t.name_zh)
                            .labelled_by(label)
                            .changed();
                        field_error_ui(ui, &self.draft.error, "name_zh");
                    },
                );
                row(
                    ui,
                    lang.pick("英文名称", "English name"),
                    |ui, label| {
                        typing |= ui
                            .text_edit_singleline(&mut t.name_en)
                            .labelled_by(label)
                            .changed();
                    },
                );
                ui.label(lang.pick("代码", "Code"));
                ui.label(&t.code);
                ui.end_row();
                ui.label(lang.pick("归档", "Archived"));
                other |= ui
                    .checkbox(
                        &mut t.archived,
                        lang.pick("不再用于新的发现", "No longer offered for new findings"),
                    )
                    .changed();
                ui.end_row();
            });
        self.draft.general_error_ui(ui);
        if typing || other {
            self.draft.changed(typing && !other);
        }
        self.draft.autosave(shared, ui.ctx(), false);
    }
}

/// What a topic's counts say: "问题 12 条 · 发现 20 条" / "12 problems · 20 findings".
fn topic_count_text(c: &TopicCount, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("问题 {} 条 · 发现 {} 条", c.problems, c.findings),
        Lang::En => format!(
            "{} · {}",
            crate::i18n::count_en(c.problems, "problem", "problems"),
            crate::i18n::count_en(c.findings, "finding", "findings")
        ),
    }
}
