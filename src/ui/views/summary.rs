//! The Summary view: the progress-report figures of a scope (topics, dates, subject, region,
//! investigator), the paragraph a staged report uses (copyable), a chart per topic, and the
//! Excel / Word / CSV / Markdown exports. Counting runs on a worker thread.

use crate::i18n::{Lang, Localized};
use crate::model::{SubjectId, TopicId};
use crate::report::{self, ExportFormat, FIGURES, PublicFormat, Summary, SummaryFilter};
use crate::ui::app::Shared;
use crate::ui::jobs::Job;
use crate::ui::widgets::{date_edit, subject_filter, topic_filter};
use chrono::NaiveDate;
use egui::RichText;
use std::path::PathBuf;

mod chart;

/// State of the Summary view.
#[derive(Default)]
pub struct SummaryView {
    topic: Option<TopicId>,
    since: Option<NaiveDate>,
    until: Option<NaiveDate>,
    region: String,
    investigator: String,
    subject: Option<SubjectId>,
    computed: Option<(u64, SummaryFilter, Summary)>,
    counting: Option<(u64, SummaryFilter, Job<Summary>)>,
    error: Option<String>,
    saving: Option<Job<PathBuf>>,
    saved: Option<Result<PathBuf, String>>,
    forms: crate::ui::forms::summary_forms::SummaryForms,
}

impl SummaryView {
    /// The filter the controls describe.
    pub fn filter(&self) -> SummaryFilter {
        let text = |t: &str| Some(t.trim().to_owned()).filter(|t| !t.is_empty());
        SummaryFilter {
            topics: self.topic.into_iter().collect(),
            since: self.since,
            until: self.until,
            subject: self.subject,
            region: text(&self.region),
            investigator: text(&self.investigator),
        }
    }

    /// Sets the topic filter (as its combo box does).
    pub fn set_topic(&mut self, topic: Option<TopicId>) {
        self.topic = topic;
    }

    /// The summary on screen, once counted.
    pub fn summary(&self) -> Option<&Summary> {
        self.computed.as_ref().map(|(_, _, s)| s)
    }

    /// A worker is counting or saving.
    pub fn is_busy(&self) -> bool {
        self.counting.is_some() || self.saving.is_some()
    }

    /// Exports the summary of the current filter to `path` in `format`.
    pub fn save_to(
        &mut self,
        path: PathBuf,
        format: ExportFormat,
        ctx: &egui::Context,
        shared: &Shared<'_>,
    ) {
        let title = shared.lang.pick("正在导出汇总", "Exporting the summary");
        self.save_with(
            path,
            title,
            ctx,
            shared,
            move |store, filter, today, lang| {
                report::export(&report::report(store, filter, today)?, format, lang)
            },
        );
    }

    /// Exports the public (redacted) problem list of the current filter to `path`.
    pub fn save_public_to(
        &mut self,
        path: PathBuf,
        format: PublicFormat,
        ctx: &egui::Context,
        shared: &Shared<'_>,
    ) {
        let title = shared
            .lang
            .pick("正在导出公开版", "Exporting the public version");
        self.save_with(
            path,
            title,
            ctx,
            shared,
            move |store, filter, today, lang| {
                report::export_public(&report::public_report(store, filter, today, lang)?, format)
            },
        );
    }

    /// Makes a document of the current filter on a worker thread and writes it atomically.
    fn save_with(
        &mut self,
        path: PathBuf,
        title: &str,
        ctx: &egui::Context,
        shared: &Shared<'_>,
        produce: impl FnOnce(
            &crate::store::Store,
            &SummaryFilter,
            NaiveDate,
            Lang,
        ) -> report::Result<Vec<u8>>
        + Send
        + 'static,
    ) {
        let filter = self.filter();
        let lang = shared.lang;
        self.saved = None;
        self.saving = Some(Job::spawn(
            "summary-export",
            title.to_owned(),
            ctx,
            shared.db_path.to_owned(),
            lang,
            move |store, reporter| {
                let today = chrono::Local::now().date_naive();
                reporter.progress(0.1);
                let bytes = produce(store, &filter, today, lang).map_err(|e| e.localized(lang))?;
                reporter.progress(0.9);
                crate::paths::save_chosen(&path, store.path(), &bytes, lang)?;
                Ok(path)
            },
        ));
    }

    fn poll(&mut self, ctx: &egui::Context, shared: &Shared<'_>) {
        let filter = self.filter();
        let key = (shared.revision, filter.clone());
        let fresh = self
            .computed
            .as_ref()
            .is_some_and(|(rev, f, _)| (*rev, f.clone()) == key);
        if let Some((rev, f, job)) = &mut self.counting {
            if let Some(result) = job.poll(ctx) {
                match result {
                    Ok(summary) => {
                        self.computed = Some((*rev, f.clone(), summary));
                        self.error = None;
                    }
                    Err(err) => self.error = Some(err),
                }
                self.counting = None;
            } else {
                return;
            }
        }
        let fresh = fresh
            || self
                .computed
                .as_ref()
                .is_some_and(|(rev, f, _)| (*rev, f.clone()) == key);
        if !fresh && self.error.is_none() {
            let lang = shared.lang;
            let job_filter = filter.clone();
            let job = Job::spawn(
                "summary",
                lang.pick("正在统计", "Counting").to_owned(),
                ctx,
                shared.db_path.to_owned(),
                lang,
                move |store, _| {
                    let today = chrono::Local::now().date_naive();
                    report::summarize(store, &job_filter, today).map_err(|e| e.to_string())
                },
            );
            self.counting = Some((shared.revision, filter, job));
        }
        if let Some(job) = &mut self.saving
            && let Some(result) = job.poll(ctx)
        {
            self.saved = Some(result);
            self.saving = None;
        }
    }

    /// The view.
    pub fn ui(&mut self, ui: &mut egui::Ui, shared: &mut Shared<'_>) {
        let lang = shared.lang;
        ui.heading(lang.pick("统计汇总", "Summary"));
        let before = self.filter();
        self.filters_ui(ui, shared);
        if self.filter() != before {
            self.error = None;
        }
        self.poll(ui.ctx(), shared);
        if let Some((_, _, job)) = &self.counting {
            job.progress_ui(ui);
        }
        if let Some(err) = &self.error {
            crate::ui::widgets::error_label(ui, err);
        }
        let Some((_, _, summary)) = &self.computed else {
            return;
        };
        let summary = summary.clone();
        egui::ScrollArea::vertical()
            .auto_shrink(false)
            .show(ui, |ui| {
                self.export_ui(ui, shared, &summary);
                ui.add_space(6.0);
                paragraph_ui(ui, &summary, lang);
                ui.add_space(6.0);
                figures_ui(ui, &summary, lang);
                ui.add_space(8.0);
                chart::chart_ui(ui, &summary, lang);
                ui.add_space(8.0);
                if let Some(topic) = by_topic_ui(ui, &summary, lang) {
                    shared.send(crate::ui::app::AppCommand::ProblemsOfTopic(topic));
                }
                ui.add_space(8.0);
                let filter = self.filter();
                self.forms.ui(ui, shared, &filter);
            });
    }

    fn filters_ui(&mut self, ui: &mut egui::Ui, shared: &Shared<'_>) {
        let lang = shared.lang;
        egui::Grid::new("summary-filters")
            .num_columns(4)
            .spacing([10.0, 6.0])
            .show(ui, |ui| {
                topic_filter(ui, "summary-topic", shared.topics, &mut self.topic, lang);
                subject_filter(
                    ui,
                    "summary-subject",
                    220.0,
                    shared.subjects,
                    &mut self.subject,
                    lang,
                );
                ui.end_row();
                row_pair(
                    ui,
                    lang.pick("走访日期从", "Visited from"),
                    |ui, label| {
                        date_edit(
                            ui,
                            "summary-since",
                            &mut self.since,
                            true,
                            lang,
                            Some(label),
                        );
                    },
                );
                row_pair(ui, lang.pick("至", "to"), |ui, label| {
                    date_edit(
                        ui,
                        "summary-until",
                        &mut self.until,
                        true,
                        lang,
                        Some(label),
                    );
                });
                ui.end_row();
                row_pair(ui, lang.pick("区域", "Region"), |ui, label| {
                    ui.add(egui::TextEdit::singleline(&mut self.region).desired_width(140.0))
                        .labelled_by(label);
                });
                row_pair(
                    ui,
                    lang.pick("走访人员", "Investigator"),
                    |ui, label| {
                        ui.add(
                            egui::TextEdit::singleline(&mut self.investigator).desired_width(140.0),
                        )
                        .labelled_by(label);
                    },
                );
                ui.end_row();
            });
    }

    fn export_ui(&mut self, ui: &mut egui::Ui, shared: &Shared<'_>, summary: &Summary) {
        let lang = shared.lang;
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new(lang.pick("导出：", "Export:")).strong());
            for format in ExportFormat::ALL {
                let label = match format {
                    ExportFormat::Xlsx => lang.pick("Excel 表格", "Excel workbook"),
                    ExportFormat::Docx => lang.pick("Word 报告", "Word report"),
                    ExportFormat::Csv => lang.pick("问题清单 CSV", "Problem list CSV"),
                    ExportFormat::Markdown => "Markdown",
                };
                if ui
                    .add_enabled(self.saving.is_none(), egui::Button::new(label))
                    .clicked()
                    && let Some(path) = rfd::FileDialog::new()
                        .set_file_name(report::file_name(summary, *format, lang))
                        .add_filter(label, &[format.extension()])
                        .save_file()
                {
                    self.save_to(path, *format, ui.ctx(), shared);
                }
            }
        });
        ui.horizontal_wrapped(|ui| {
            ui.label(
                RichText::new(lang.pick(
                    "公开版（去除个人信息，可上网公示）：",
                    "Public version (no personal data, for the website):",
                ))
                .strong(),
            );
            for format in PublicFormat::ALL {
                let label = match format {
                    PublicFormat::Xlsx => "Excel",
                    PublicFormat::Csv => "CSV",
                    PublicFormat::Markdown => "Markdown",
                    PublicFormat::Html => lang.pick("网页 HTML", "Web page (HTML)"),
                };
                if ui
                    .add_enabled(self.saving.is_none(), egui::Button::new(label))
                    .on_hover_text(lang.pick(
                        "问题清单公开版：不含姓名，手机号和身份证号已打码",
                        "The problem list for publishing: no names, phone and ID numbers masked",
                    ))
                    .clicked()
                    && let Some(path) = rfd::FileDialog::new()
                        .set_file_name(format!(
                            "{}.{}",
                            lang.pick("整改情况公示", "rectification-status"),
                            format.extension()
                        ))
                        .add_filter(label, &[format.extension()])
                        .save_file()
                {
                    self.save_public_to(path, *format, ui.ctx(), shared);
                }
            }
        });
        if let Some(job) = &self.saving {
            job.progress_ui(ui);
        }
        match &self.saved {
            Some(Ok(path)) => {
                ui.label(format!(
                    "{}{}",
                    lang.pick("已保存：", "Saved: "),
                    path.display()
                ));
            }
            Some(Err(err)) => {
                crate::ui::widgets::error_label(ui, err);
            }
            None => {}
        }
    }
}

/// A label and its widget as two cells of a grid row.
fn row_pair(ui: &mut egui::Ui, label: &str, add: impl FnOnce(&mut egui::Ui, egui::Id)) {
    let label = ui.label(label).id;
    add(ui, label);
}

fn paragraph_ui(ui: &mut egui::Ui, summary: &Summary, lang: Lang) {
    let mut text = report::paragraph(summary, lang);
    ui.horizontal(|ui| {
        ui.label(
            RichText::new(lang.pick(
                "进展情况（可直接粘贴到汇报材料）",
                "Progress paragraph (ready to paste)",
            ))
            .strong(),
        );
        if ui.button(lang.pick("复制", "Copy")).clicked() {
            ui.ctx().copy_text(text.clone());
        }
    });
    let label = ui
        .label(RichText::new(summary.filter.describe(lang)).small().weak())
        .id;
    ui.add(
        egui::TextEdit::multiline(&mut text)
            .desired_rows(4)
            .desired_width(f32::INFINITY)
            .interactive(true),
    )
    .labelled_by(label);
}

fn figures_ui(ui: &mut egui::Ui, summary: &Summary, lang: Lang) {
    egui::Grid::new("summary-figures")
        .num_columns(4)
        .striped(true)
        .spacing([16.0, 4.0])
        .show(ui, |ui| {
            for (i, def) in FIGURES.iter().enumerate() {
                ui.label(def.label(lang));
                ui.label(RichText::new((def.get)(&summary.totals).to_string()).strong());
                if i % 2 == 1 {
                    ui.end_row();
                }
            }
        });
}

/// Reads one figure of a figure set.
type FigureGetter = fn(&report::Figures) -> i64;

/// The figures per topic; a click on a topic's name returns it (to open its problem list).
fn by_topic_ui(ui: &mut egui::Ui, summary: &Summary, lang: Lang) -> Option<TopicId> {
    let mut clicked = None;
    ui.label(
        RichText::new(lang.pick(
            "分专题统计（点击专题查看问题清单）",
            "By topic (click a topic for its problem list)",
        ))
        .strong(),
    );
    let columns: [(&str, FigureGetter); 7] = [
        (lang.pick("走访", "Visits"), |f| f.visits),
        (lang.pick("问题", "Problems"), |f| f.problems),
        (lang.pick("立行立改", "At once"), |f| f.immediate),
        (lang.pick("阶段性", "Phased"), |f| f.phased),
        (lang.pick("长期", "Long-term"), |f| f.long_term),
        (lang.pick("已销号", "Closed"), |f| f.closed),
        (lang.pick("逾期", "Overdue"), |f| f.overdue),
    ];
    egui::Grid::new("summary-by-topic")
        .striped(true)
        .num_columns(8)
        .spacing([14.0, 4.0])
        .show(ui, |ui| {
            ui.label(RichText::new(lang.pick("专题", "Topic")).strong());
            for (name, _) in &columns {
                ui.label(RichText::new(*name).strong());
            }
            ui.end_row();
            for t in &summary.by_topic {
                let name = format!("{}{}", "　".repeat(t.depth), t.name(lang));
                if ui.link(name).clicked() {
                    clicked = Some(t.topic_id);
                }
                for (_, get) in &columns {
                    ui.label(get(&t.figures).to_string());
                }
                ui.end_row();
            }
        });
    clicked
}
