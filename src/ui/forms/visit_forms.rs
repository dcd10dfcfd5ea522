//! The questionnaires and checklists of one visit, in its editor: the responses filled (each
//! opens in the response editor) and "填写问卷/检查表" to start one of a chosen form.

use crate::model::{Form, FormId, Response, VisitId};
use crate::store::{RecordKind, ResponseFilter};
use crate::ui::app::{AppCommand, Shared};
use crate::ui::settings::View;
use egui::{RichText, Ui};

/// What the visit editor shows of its forms.
#[derive(Default)]
pub struct VisitForms {
    cache: Option<Cached>,
    chosen: Option<FormId>,
}

struct Cached {
    revision: u64,
    visit: VisitId,
    /// Forms offered for new responses: the newest version of each, archived ones left out.
    offered: Vec<Form>,
    /// The visit's responses with their form's title.
    responses: Vec<(Response, String)>,
}

/// The newest live, unarchived version of each form (forms come ordered by form id, newest
/// version first).
pub fn offered_forms(forms: Vec<Form>) -> Vec<Form> {
    let mut out: Vec<Form> = Vec::new();
    for form in forms {
        if !form.archived && out.last().is_none_or(|f| f.form_id != form.form_id) {
            out.push(form);
        }
    }
    out
}

impl VisitForms {
    /// Draws the section for `visit`.
    pub fn ui(&mut self, ui: &mut Ui, shared: &mut Shared<'_>, visit: VisitId) {
        let lang = shared.lang;
        let revision = shared
            .revisions
            .of(&[RecordKind::Form, RecordKind::Response]);
        if self
            .cache
            .as_ref()
            .is_none_or(|c| c.revision != revision || c.visit != visit)
        {
            let forms = shared.store.forms();
            let all = shared.report(forms);
            let filter = ResponseFilter {
                visit: Some(visit),
                ..ResponseFilter::default()
            };
            let responses = shared.store.responses(&filter);
            let responses = shared
                .report(responses)
                .into_iter()
                .map(|r| {
                    let title = all
                        .iter()
                        .find(|f| f.id == r.form)
                        .map_or_else(|| r.form.to_string(), |f| f.title.clone());
                    (r, title)
                })
                .collect();
            self.cache = Some(Cached {
                revision,
                visit,
                offered: offered_forms(all),
                responses,
            });
        }
        let Some(cache) = &self.cache else {
            return;
        };
        ui.label(RichText::new(lang.pick("问卷与检查表", "Forms & checklists")).strong());
        for (response, title) in &cache.responses {
            ui.horizontal(|ui| {
                if ui.link(title).clicked() {
                    shared.send(AppCommand::OpenResponse(response.id));
                }
                let state = if response.complete {
                    lang.pick("已完成", "complete")
                } else {
                    lang.pick("未完成", "incomplete")
                };
                ui.label(RichText::new(state).weak());
            });
        }
        if cache.offered.is_empty() {
            ui.horizontal_wrapped(|ui| {
                ui.label(
                    RichText::new(lang.pick("还没有问卷或检查表：", "No forms or checklists yet:"))
                        .weak(),
                );
                if ui
                    .link(lang.pick("导入或添加模板", "import one or add a template"))
                    .clicked()
                {
                    shared.send(AppCommand::ShowView(View::Forms));
                }
            });
            return;
        }
        if self
            .chosen
            .is_none_or(|id| !cache.offered.iter().any(|f| f.id == id))
        {
            self.chosen = cache.offered.first().map(|f| f.id);
        }
        ui.horizontal_wrapped(|ui| {
            let label = ui.label(lang.pick("问卷", "Form")).id;
            let shown = cache
                .offered
                .iter()
                .find(|f| Some(f.id) == self.chosen)
                .map(|f| f.title.clone())
                .unwrap_or_default();
            egui::ComboBox::from_id_salt("visit-form-choice")
                .selected_text(shown)
                .width(220.0)
                .show_ui(ui, |ui| {
                    for f in &cache.offered {
                        ui.selectable_value(&mut self.chosen, Some(f.id), &f.title);
                    }
                })
                .response
                .labelled_by(label);
            if ui
                .button(lang.pick("填写问卷/检查表", "Fill in a form"))
                .clicked()
                && let Some(form) = self.chosen
            {
                shared.send(AppCommand::NewResponse(visit, form));
            }
        });
    }
}
