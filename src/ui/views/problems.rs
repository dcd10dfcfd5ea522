//! The problem list (问题清单): every finding in one sortable, filterable, virtual table with the
//! rectification columns; overdue problems stand out.

use super::{PagedRows, arrow_step, release_row_focus, scrolled_to, sort_header, stepped_index};
use crate::i18n::Lang;
use crate::model::{Category, FindingId, FindingKind, Status, TopicId};
use crate::store::{FindingFilter, FindingRow, FindingSort, Page};
use crate::ui::app::{AppCommand, Shared};
use crate::ui::widgets::{date_edit, enum_combo, topic_path};
use chrono::NaiveDate;
use egui::RichText;
use egui_extras::{Column, TableBuilder};

/// State of the problem list.
#[derive(Default)]
pub struct ProblemsView {
    /// Topic filter (includes its subtopics).
    pub topic: Option<TopicId>,
    /// Kind filter.
    pub kind: Option<FindingKind>,
    /// Status filter.
    pub status: Option<Status>,
    /// Category filter.
    pub category: Option<Category>,
    /// Only overdue problems.
    pub overdue: bool,
    /// Responsible person or unit contains.
    pub owner: String,
    /// Visits from.
    pub since: Option<NaiveDate>,
    /// Visits until.
    pub until: Option<NaiveDate>,
    sort: FindingSort,
    ascending: bool,
    /// The selected row's index, as last drawn (↑/↓ move from it).
    selected_index: Option<usize>,
    rows: PagedRows<(u64, FindingFilter, FindingSort, bool), FindingRow>,
}

impl ProblemsView {
    /// The filter the controls describe.
    pub fn filter(&self) -> FindingFilter {
        FindingFilter {
            topics: self.topic.into_iter().collect(),
            kinds: self.kind.into_iter().collect(),
            statuses: self.status.into_iter().collect(),
            categories: self.category.into_iter().collect(),
            overdue: self.overdue,
            owner: Some(self.owner.trim().to_owned()).filter(|o| !o.is_empty()),
            since: self.since,
            until: self.until,
            ..FindingFilter::default()
        }
    }

    fn filters_ui(&mut self, ui: &mut egui::Ui, shared: &Shared<'_>) {
        let lang = shared.lang;
        let any = lang.pick("全部", "All");
        ui.horizontal_wrapped(|ui| {
            let topic_label = ui.label(lang.pick("专题", "Topic")).id;
            let shown = self
                .topic
                .map_or_else(|| any.to_owned(), |t| topic_path(shared.topics, t, lang));
            egui::ComboBox::from_id_salt("problems-topic")
                .selected_text(shown)
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut self.topic, None, any);
                    for t in shared.topics.iter().filter(|t| !t.meta.is_deleted()) {
                        let indent = if t.parent_id.is_some() { "    " } else { "" };
                        ui.selectable_value(
                            &mut self.topic,
                            Some(t.id),
                            format!("{indent}{}", t.name(lang)),
                        );
                    }
                })
                .response
                .labelled_by(topic_label);
            let label = ui.label(lang.pick("类型", "Kind")).id;
            enum_combo(
                ui,
                Some(label),
                "problems-kind",
                &mut self.kind,
                FindingKind::ALL,
                |k| k.label(lang),
                Some(any),
            );
            let label = ui.label(lang.pick("状态", "Status")).id;
            enum_combo(
                ui,
                Some(label),
                "problems-status",
                &mut self.status,
                Status::ALL,
                |s| s.label(lang),
                Some(any),
            );
            let label = ui.label(lang.pick("类别", "Category")).id;
            enum_combo(
                ui,
                Some(label),
                "problems-category",
                &mut self.category,
                Category::ALL,
                |c| c.label(lang),
                Some(any),
            );
            ui.checkbox(&mut self.overdue, lang.pick("仅逾期", "Overdue only"));
        });
        ui.horizontal_wrapped(|ui| {
            let label = ui.label(lang.pick("责任人/单位", "Owner")).id;
            ui.add(egui::TextEdit::singleline(&mut self.owner).desired_width(110.0))
                .labelled_by(label);
            let label = ui.label(lang.pick("走访日期从", "Visited from")).id;
            date_edit(
                ui,
                "problems-since",
                &mut self.since,
                true,
                lang,
                Some(label),
            );
            let label = ui.label(lang.pick("至", "to")).id;
            date_edit(
                ui,
                "problems-until",
                &mut self.until,
                true,
                lang,
                Some(label),
            );
            if ui.button(lang.pick("清除筛选", "Clear filters")).clicked() {
                let (sort, ascending) = (self.sort, self.ascending);
                *self = ProblemsView {
                    sort,
                    ascending,
                    ..ProblemsView::default()
                };
            }
        });
    }

    /// Puts the stored values of these edited findings and visits into the rows already fetched
    /// (a record that can no longer be read keeps its row until the list is read again).
    pub fn patch_rows<'a>(
        &mut self,
        store: &crate::store::Store,
        findings: impl Iterator<Item = &'a str>,
        visits: impl Iterator<Item = &'a str>,
    ) {
        let today = chrono::Local::now().date_naive();
        for id in findings {
            let Some(finding) = id
                .parse::<FindingId>()
                .ok()
                .and_then(|id| store.finding(id).ok())
            else {
                continue;
            };
            self.rows.patch(|row| {
                if row.finding.id == finding.id {
                    row.overdue = finding.is_overdue(today);
                    row.finding = finding.clone();
                }
            });
        }
        for id in visits {
            let Some(visit) = id
                .parse::<crate::model::VisitId>()
                .ok()
                .and_then(|id| store.visit(id).ok())
            else {
                continue;
            };
            self.rows.patch(|row| {
                if row.finding.visit_id == visit.id {
                    row.visit_date = visit.date;
                    row.place = visit.place.clone();
                    row.region = visit.region.clone();
                }
            });
        }
    }

    /// The view; `selected` is highlighted.
    pub fn ui(&mut self, ui: &mut egui::Ui, shared: &mut Shared<'_>, selected: Option<FindingId>) {
        let lang = shared.lang;
        ui.heading(lang.pick("问题清单", "Problem list"));
        self.filters_ui(ui, shared);
        let filter = self.filter();
        let store = shared.store;
        // Edits are patched in (`patch_rows`); creates and deletes read the list again.
        let revision = shared.revisions.rows_of(&[
            crate::store::RecordKind::Finding,
            crate::store::RecordKind::Visit,
        ]);
        let mut failed = None;
        self.rows.refresh(
            (revision, filter.clone(), self.sort, self.ascending),
            || {
                store.count_findings(&filter).unwrap_or_else(|err| {
                    failed = Some(err);
                    0
                })
            },
        );
        if let Some(err) = failed {
            shared.report::<()>(Err(err));
        }
        ui.label(
            RichText::new(match lang {
                Lang::Zh => format!("共 {} 条", self.rows.total()),
                Lang::En => crate::i18n::count_en(self.rows.total() as i64, "finding", "findings"),
            })
            .weak(),
        );
        let (sort, ascending) = (self.sort, self.ascending);
        let mut new_sort = (sort, ascending);
        let total = self.rows.total();
        let height = ui.text_style_height(&egui::TextStyle::Body) + 6.0;
        let error = ui.visuals().error_fg_color;
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
                    .list_findings(&filter, sort, ascending, Page { offset, limit })
                    .unwrap_or_else(|err| {
                        page_error = Some(err);
                        Vec::new()
                    })
            })
        {
            open = Some(r.finding.id);
            self.selected_index = Some(next);
            scroll_to = Some(next);
        }
        let mut selected_index = self.selected_index;
        let topics = shared.topics;
        // Rows are clicked, not text-selected.
        ui.style_mut().interaction.selectable_labels = false;
        // Ten columns outgrow a narrow window: scroll sideways rather than hide the last ones.
        egui::ScrollArea::horizontal().show(ui, |ui| {
            scrolled_to(TableBuilder::new(ui), scroll_to)
                .id_salt("problems-table")
                .striped(true)
                .resizable(true)
                .sense(egui::Sense::click())
                // What a 问题台账 is read for comes first (title, status, deadline, owner,
                // unit), so it stays in sight beside the editor at 1024 points wide.
                .column(Column::initial(130.0).at_least(90.0).clip(true))
                .column(Column::initial(100.0).clip(true))
                .column(Column::initial(84.0))
                .column(Column::initial(56.0).clip(true))
                .column(Column::initial(84.0).clip(true))
                .column(Column::initial(84.0).at_least(80.0))
                .column(Column::initial(110.0).clip(true))
                .column(Column::initial(58.0).clip(true))
                .column(Column::initial(66.0).clip(true))
                .column(Column::remainder().at_least(64.0).clip(true))
                .header(height + 4.0, |mut header| {
                    let (s, a) = &mut new_sort;
                    for (label, this) in [
                        (lang.pick("标题", "Title"), Some(FindingSort::Title)),
                        (lang.pick("状态", "Status"), Some(FindingSort::Status)),
                        (lang.pick("时限", "Deadline"), Some(FindingSort::Deadline)),
                        (lang.pick("责任人", "Owner"), Some(FindingSort::Owner)),
                        (lang.pick("责任单位", "Unit"), None),
                        (lang.pick("走访日期", "Visited"), Some(FindingSort::Date)),
                        (lang.pick("地点", "Place"), Some(FindingSort::Place)),
                        (lang.pick("类型", "Kind"), Some(FindingSort::Kind)),
                        (lang.pick("类别", "Category"), Some(FindingSort::Category)),
                        (lang.pick("专题", "Topics"), None),
                    ] {
                        header.col(|ui| match this {
                            Some(this) => {
                                sort_header(ui, label, this, s, a);
                            }
                            None => {
                                ui.label(RichText::new(label).strong());
                            }
                        });
                    }
                })
                .body(|body| {
                    body.rows(height, total, |mut row| {
                        let index = row.index();
                        let Some(r) = self.rows.get(index, |offset, limit| {
                            store
                                .list_findings(&filter, sort, ascending, Page { offset, limit })
                                .unwrap_or_else(|err| {
                                    page_error = Some(err);
                                    Vec::new()
                                })
                        }) else {
                            return;
                        };
                        let f = &r.finding;
                        let is_selected = selected == Some(f.id);
                        // Red on the selection colour is hard to read; the status says "overdue" anyway.
                        let paint = |text: String| {
                            if r.overdue && !is_selected {
                                RichText::new(text).color(error)
                            } else {
                                RichText::new(text)
                            }
                        };
                        row.set_selected(is_selected);
                        if is_selected {
                            selected_index = Some(index);
                        }
                        row.col(|ui| {
                            cut_label(ui, paint(f.title.clone()));
                        });
                        row.col(|ui| {
                            if f.kind == FindingKind::Problem {
                                let text = if r.overdue {
                                    match lang {
                                        Lang::Zh => format!("{}（逾期）", f.status.label(lang)),
                                        Lang::En => format!("{} (overdue)", f.status.label(lang)),
                                    }
                                } else {
                                    f.status.label(lang).to_owned()
                                };
                                ui.label(paint(text));
                            }
                        });
                        row.col(|ui| {
                            ui.label(paint(f.deadline.map(|d| d.to_string()).unwrap_or_default()));
                        });
                        row.col(|ui| {
                            cut_label(ui, RichText::new(&f.owner));
                        });
                        row.col(|ui| {
                            cut_label(ui, RichText::new(&f.owner_unit));
                        });
                        row.col(|ui| {
                            ui.label(paint(r.visit_date.to_string()));
                        });
                        row.col(|ui| {
                            cut_label(ui, paint(r.place.clone()));
                        });
                        row.col(|ui| {
                            ui.label(paint(f.kind.label(lang).to_owned()));
                        });
                        row.col(|ui| {
                            ui.label(f.category.map(|c| c.label(lang)).unwrap_or_default());
                        });
                        row.col(|ui| {
                            let names: Vec<String> = f
                                .topics
                                .iter()
                                .map(|t| topic_path(topics, *t, lang))
                                .collect();
                            let names = names.join(lang.pick("、", ", "));
                            cut_label(ui, RichText::new(&names));
                        });
                        if row.response().clicked() {
                            open = Some(f.id);
                        }
                    });
                });
        });
        (self.sort, self.ascending) = new_sort;
        self.selected_index = selected_index;
        if let Some(err) = page_error {
            shared.report::<()>(Err(err));
        }
        if let Some(id) = open {
            release_row_focus(ui);
            shared.send(AppCommand::OpenFinding(id));
        }
    }
}

/// A cell's text cut to the column's width (egui shows the whole of it on hover).
fn cut_label(ui: &mut egui::Ui, text: RichText) {
    ui.add(egui::Label::new(text).truncate());
}
