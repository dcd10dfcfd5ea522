//! A form's results in the Forms view: filters like the Summary view's (topic, subject, period,
//! region, investigator), the charts and summaries of [`super::results_ui`], and the engine's
//! XLSX/CSV exports of the responses in scope.

use super::results_ui::results_ui;
use crate::forms::export::ExportResponse;
use crate::forms::results::FormResults;
use crate::forms::results_store::stored_results;
use crate::i18n::{Lang, Localized};
use crate::model::{Form, FormId, TopicId};
use crate::store::{RecordKind, Store, VisitFilter};
use crate::ui::app::{AppCommand, Shared};
use crate::ui::widgets::{date_edit, subject_filter, topic_filter};
use chrono::NaiveDate;
use egui::RichText;

/// The results of the form shown, for its filters.
#[derive(Default)]
pub struct ResultsView {
    /// Only visits with a finding under this topic.
    pub topic: Option<TopicId>,
    /// Only visits of this subject.
    pub subject: Option<crate::model::SubjectId>,
    /// Visits on or after.
    pub since: Option<NaiveDate>,
    /// Visits on or before.
    pub until: Option<NaiveDate>,
    /// Region contains.
    pub region: String,
    /// This person went.
    pub investigator: String,
    cached: Option<(u64, FormId, VisitFilter, FormResults)>,
}

impl ResultsView {
    /// The visits the filters select.
    pub fn filter(&self) -> VisitFilter {
        let text = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
        VisitFilter {
            topics: self.topic.into_iter().collect(),
            subject: self.subject,
            since: self.since,
            until: self.until,
            region: text(&self.region),
            investigator: text(&self.investigator),
            ..VisitFilter::default()
        }
    }

    /// The results shown now (for tests).
    pub fn results(&self) -> Option<&FormResults> {
        self.cached.as_ref().map(|c| &c.3)
    }

    /// Draws the filters, the export buttons and the results of `form`.
    pub fn ui(&mut self, ui: &mut egui::Ui, shared: &mut Shared<'_>, form: &Form) {
        let lang = shared.lang;
        self.filters_ui(ui, shared);
        let filter = self.filter();
        let revision = shared.revisions.of(&[
            RecordKind::Response,
            RecordKind::Answer,
            RecordKind::Visit,
            RecordKind::Finding,
        ]);
        if self
            .cached
            .as_ref()
            .is_none_or(|(r, f, v, _)| *r != revision || *f != form.id || *v != filter)
        {
            let results = stored_results(shared.store, &form.definition, &filter);
            let results = shared.report(results.map(Some)).unwrap_or(FormResults {
                responses: 0,
                questions: Vec::new(),
            });
            self.cached = Some((revision, form.id, filter.clone(), results));
        }
        let Some((_, _, _, results)) = &self.cached else {
            return;
        };
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new(lang.pick("导出答卷：", "Export responses:")).strong());
            for (label, xlsx) in [
                (lang.pick("Excel 工作簿", "Excel workbook"), true),
                ("CSV", false),
            ] {
                if ui.button(label).clicked() {
                    let extension = if xlsx { "xlsx" } else { "csv" };
                    if let Some(path) = rfd::FileDialog::new()
                        .set_file_name(format!("{}.{extension}", form.form_id))
                        .add_filter(extension, &[extension])
                        .save_file()
                    {
                        let message =
                            export(shared.store, form, &filter, results, xlsx, &path, lang);
                        shared.send(AppCommand::Report(message));
                    }
                }
            }
        });
        ui.separator();
        egui::ScrollArea::vertical()
            .id_salt("form-results")
            .auto_shrink([false, false])
            .show(ui, |ui| results_ui(ui, &form.definition, results, lang));
    }

    fn filters_ui(&mut self, ui: &mut egui::Ui, shared: &Shared<'_>) {
        let lang = shared.lang;
        ui.horizontal_wrapped(|ui| {
            topic_filter(
                ui,
                "form-results-topic",
                shared.topics,
                &mut self.topic,
                lang,
            );
            subject_filter(
                ui,
                "form-results-subject",
                160.0,
                shared.subjects,
                &mut self.subject,
                lang,
            );
        });
        ui.horizontal_wrapped(|ui| {
            let label = ui.label(lang.pick("走访日期从", "Visited from")).id;
            date_edit(
                ui,
                "form-results-since",
                &mut self.since,
                true,
                lang,
                Some(label),
            );
            let label = ui.label(lang.pick("至", "to")).id;
            date_edit(
                ui,
                "form-results-until",
                &mut self.until,
                true,
                lang,
                Some(label),
            );
            let label = ui.label(lang.pick("区域", "Region")).id;
            ui.add(egui::TextEdit::singleline(&mut self.region).desired_width(100.0))
                .labelled_by(label);
            let label = ui.label(lang.pick("走访人员", "Investigator")).id;
            ui.add(egui::TextEdit::singleline(&mut self.investigator).desired_width(80.0))
                .labelled_by(label);
        });
    }
}

/// The responses in scope as the exports read them.
pub fn export_responses(
    store: &Store,
    form: &Form,
    filter: &VisitFilter,
) -> crate::store::Result<Vec<ExportResponse>> {
    Ok(store
        .form_responses_in_scope(&form.form_id, filter)?
        .into_iter()
        .map(|r| {
            let (answers, _) = crate::forms::paths::assemble(
                r.answers.iter().map(|(p, v)| (p.as_str(), v.as_str())),
            );
            let investigators: Vec<String> =
                serde_json::from_str(&r.investigators).unwrap_or_default();
            ExportResponse {
                id: r.id,
                visit_id: r.visit_id,
                date: NaiveDate::parse_from_str(&r.date, "%Y-%m-%d").ok(),
                investigators: investigators.join("、"),
                complete: r.complete,
                answers,
            }
        })
        .collect())
}

/// Writes the export to `path`; what to tell the user.
fn export(
    store: &Store,
    form: &Form,
    filter: &VisitFilter,
    results: &FormResults,
    xlsx: bool,
    path: &std::path::Path,
    lang: Lang,
) -> String {
    let responses = match export_responses(store, form, filter) {
        Ok(r) => r,
        Err(err) => return err.localized(lang),
    };
    let bytes = if xlsx {
        match crate::forms::export_xlsx::write_xlsx(&form.definition, &responses, results, lang) {
            Ok(bytes) => bytes,
            Err(err) => return err.localized(lang),
        }
    } else {
        crate::forms::export_csv::write_csv(&form.definition, &responses).into_bytes()
    };
    match std::fs::write(path, bytes) {
        Ok(()) => format!("{}{}", lang.pick("已导出：", "Exported: "), path.display()),
        Err(err) => format!("{err}: {}", path.display()),
    }
}
