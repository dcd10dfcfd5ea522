//! The Visits view: a sortable, virtual list of visits.

use super::{PagedRows, arrow_step, release_row_focus, scrolled_to, sort_header, stepped_index};
use crate::i18n::Lang;
use crate::model::VisitId;
use crate::store::{Page, VisitFilter, VisitRow, VisitSort};
use crate::ui::app::{AppCommand, Shared};
use egui_extras::{Column, TableBuilder};

/// State of the Visits view.
#[derive(Default)]
pub struct VisitsView {
    /// Filter on region or text.
    pub text: String,
    /// Only unannounced visits.
    pub unannounced_only: bool,
    sort: VisitSort,
    ascending: bool,
    /// The selected row's index, as last drawn (↑/↓ move from it).
    selected_index: Option<usize>,
    rows: PagedRows<(u64, VisitFilter, VisitSort, bool), VisitRow>,
}

impl VisitsView {
    fn filter(&self) -> VisitFilter {
        VisitFilter {
            text: Some(self.text.trim().to_owned()).filter(|t| !t.is_empty()),
            unannounced: self.unannounced_only.then_some(true),
            ..VisitFilter::default()
        }
    }

    /// Puts the stored values of these edited visits into the rows already fetched.
    pub fn patch_rows<'a>(
        &mut self,
        store: &crate::store::Store,
        visits: impl Iterator<Item = &'a str>,
    ) {
        for id in visits {
            let Some(visit) = id
                .parse::<VisitId>()
                .ok()
                .and_then(|id| store.visit(id).ok())
            else {
                continue;
            };
            self.rows.patch(|row| {
                if row.visit.id == visit.id {
                    row.visit = visit.clone();
                }
            });
        }
    }

    /// The view; `selected` is highlighted.
    pub fn ui(&mut self, ui: &mut egui::Ui, shared: &mut Shared<'_>, selected: Option<VisitId>) {
        let lang = shared.lang;
        ui.horizontal(|ui| {
            ui.heading(lang.pick("走访记录", "Visits"));
            if ui.button(lang.pick("＋ 新建走访", "+ New visit")).clicked() {
                shared.send(AppCommand::NewVisit);
            }
            ui.add(
                egui::TextEdit::singleline(&mut self.text)
                    .hint_text(lang.pick("筛选地点、区域、人员…", "Filter place, region, people…"))
                    .desired_width(220.0),
            );
            ui.checkbox(
                &mut self.unannounced_only,
                lang.pick("仅四不两直", "Unannounced only"),
            );
        });
        let filter = self.filter();
        let store = shared.store;
        // Edits are patched in (`patch_rows`); creates and deletes read the list again.
        let revision = shared.revisions.rows_of(&[
            crate::store::RecordKind::Visit,
            crate::store::RecordKind::Finding,
        ]);
        let mut failed = None;
        self.rows.refresh(
            (revision, filter.clone(), self.sort, self.ascending),
            || {
                store.count_visits(&filter).unwrap_or_else(|err| {
                    failed = Some(err);
                    0
                })
            },
        );
        if let Some(err) = failed {
            shared.report::<()>(Err(err));
        }
        ui.label(
            egui::RichText::new(match lang {
                Lang::Zh => format!("共 {} 次走访", self.rows.total()),
                Lang::En => crate::i18n::count_en(self.rows.total() as i64, "visit", "visits"),
            })
            .weak(),
        );
        let (sort, ascending) = (self.sort, self.ascending);
        let mut new_sort = (self.sort, self.ascending);
        let total = self.rows.total();
        let text_height = ui.text_style_height(&egui::TextStyle::Body) + 6.0;
        let mut open = None;
        let mut scroll_to = None;
        if selected.is_none() {
            self.selected_index = None;
        }
        // A page that cannot be read is reported once, below, whichever read met it.
        let mut page_error = None;
        if let Some(step) = arrow_step(ui)
            && let Some(next) = stepped_index(self.selected_index, step, total)
            && let Some(r) = self.rows.get(next, |offset, limit| {
                shared
                    .store
                    .list_visits(&filter, sort, ascending, Page { offset, limit })
                    .unwrap_or_else(|err| {
                        page_error = Some(err);
                        Vec::new()
                    })
            })
        {
            open = Some(r.visit.id);
            self.selected_index = Some(next);
            scroll_to = Some(next);
        }
        let mut selected_index = self.selected_index;
        // Rows are clicked, not text-selected.
        ui.style_mut().interaction.selectable_labels = false;
        scrolled_to(TableBuilder::new(ui), scroll_to)
            .id_salt("visits-table")
            .striped(true)
            .resizable(true)
            .sense(egui::Sense::click())
            .column(Column::initial(90.0).at_least(80.0))
            // Narrow enough that the findings column stays in sight at 1024 px wide.
            .column(Column::initial(150.0).at_least(80.0).clip(true))
            .column(Column::initial(110.0).clip(true))
            .column(Column::initial(100.0).clip(true))
            .column(Column::initial(44.0))
            .column(Column::initial(64.0))
            .column(Column::remainder().at_least(50.0))
            .header(text_height + 4.0, |mut header| {
                let (s, a) = &mut new_sort;
                for (label, this) in [
                    (lang.pick("日期", "Date"), VisitSort::Date),
                    (lang.pick("地点", "Place"), VisitSort::Place),
                    (lang.pick("区域", "Region"), VisitSort::Region),
                    (
                        lang.pick("走访人员", "Investigators"),
                        VisitSort::Investigators,
                    ),
                    (lang.pick("人数", "People"), VisitSort::PeopleMet),
                    (lang.pick("四不两直", "Unannounced"), VisitSort::Unannounced),
                    (lang.pick("发现", "Findings"), VisitSort::Findings),
                ] {
                    header.col(|ui| {
                        sort_header(ui, label, this, s, a);
                    });
                }
            })
            .body(|body| {
                body.rows(text_height, total, |mut row| {
                    let index = row.index();
                    let Some(r) = self.rows.get(index, |offset, limit| {
                        store
                            .list_visits(&filter, sort, ascending, Page { offset, limit })
                            .unwrap_or_else(|err| {
                                page_error = Some(err);
                                Vec::new()
                            })
                    }) else {
                        return;
                    };
                    let v = &r.visit;
                    row.set_selected(selected == Some(v.id));
                    if selected == Some(v.id) {
                        selected_index = Some(index);
                    }
                    row.col(|ui| {
                        ui.label(v.date.to_string());
                    });
                    row.col(|ui| {
                        ui.label(&v.place);
                    });
                    row.col(|ui| {
                        ui.label(&v.region);
                    });
                    row.col(|ui| {
                        ui.label(v.investigators.join(lang.pick("、", ", ")));
                    });
                    row.col(|ui| {
                        ui.label(v.people_met.to_string());
                    });
                    row.col(|ui| {
                        if v.unannounced {
                            ui.label(lang.pick("是", "yes"));
                        }
                    });
                    row.col(|ui| {
                        ui.label(r.findings.to_string());
                    });
                    if row.response().clicked() {
                        open = Some(v.id);
                    }
                });
            });
        (self.sort, self.ascending) = new_sort;
        self.selected_index = selected_index;
        if let Some(err) = page_error {
            shared.report::<()>(Err(err));
        }
        if let Some(id) = open {
            release_row_focus(ui);
            shared.send(AppCommand::OpenVisit(id));
        }
    }
}
