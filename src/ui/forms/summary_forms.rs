//! The Summary view's section on forms: for the visits of its filter, each form's results (the
//! newest version of each form, responses of every version counted), folded under its title.

use super::results_ui::results_ui;
use super::visit_forms::offered_forms;
use crate::forms::results::FormResults;
use crate::forms::results_store::stored_results;
use crate::i18n::Lang;
use crate::model::Form;
use crate::report::SummaryFilter;
use crate::store::{RecordKind, VisitFilter};
use crate::ui::app::Shared;
use egui::RichText;

/// The visits a Summary filter selects, as the forms' results read them.
pub fn visit_filter(filter: &SummaryFilter) -> VisitFilter {
    VisitFilter {
        topics: filter.topics.clone(),
        since: filter.since,
        until: filter.until,
        subject: filter.subject,
        region: filter.region.clone(),
        investigator: filter.investigator.clone(),
        ..VisitFilter::default()
    }
}

/// Each form with responses in scope, and its results.
type FormsResults = Vec<(Form, FormResults)>;

/// The forms section of the Summary view.
#[derive(Default)]
pub struct SummaryForms {
    cached: Option<(u64, SummaryFilter, FormsResults)>,
}

impl SummaryForms {
    /// Draws the section for the visits `filter` selects (nothing when no form has responses).
    pub fn ui(&mut self, ui: &mut egui::Ui, shared: &mut Shared<'_>, filter: &SummaryFilter) {
        let lang = shared.lang;
        let revision = shared.revisions.of(&[
            RecordKind::Form,
            RecordKind::Response,
            RecordKind::Answer,
            RecordKind::Visit,
            RecordKind::Finding,
        ]);
        if self
            .cached
            .as_ref()
            .is_none_or(|(r, f, _)| *r != revision || f != filter)
        {
            let forms = shared.store.forms();
            let visits = visit_filter(filter);
            let mut out = Vec::new();
            for form in offered_forms(shared.report(forms)) {
                let results = stored_results(shared.store, &form.definition, &visits);
                if let Some(results) = shared.report(results.map(Some))
                    && results.responses > 0
                {
                    out.push((form, results));
                }
            }
            self.cached = Some((revision, filter.clone(), out));
        }
        let Some((_, _, forms)) = &self.cached else {
            return;
        };
        if forms.is_empty() {
            return;
        }
        ui.label(RichText::new(lang.pick("问卷与检查表", "Forms & checklists")).strong());
        for (form, results) in forms {
            let title = match lang {
                Lang::Zh => format!("{}（{} 份答卷）", form.title, results.responses),
                Lang::En => format!("{} ({} responses)", form.title, results.responses),
            };
            egui::CollapsingHeader::new(title)
                .id_salt(("summary-form", form.form_id.as_str()))
                .show(ui, |ui| results_ui(ui, &form.definition, results, lang));
        }
    }
}
