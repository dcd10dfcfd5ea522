//! One form's responses as a virtual table (only the rows in sight are drawn, their answers
//! read when first shown): visit date, place, investigators, complete, then one column per
//! question; sortable by the visit's columns, filtered by visit, investigator, period and
//! completeness; a click opens the response in the editor.

use crate::forms::answers::Answer;
use crate::forms::{Answers, QuestionType};
use crate::i18n::Lang;
use crate::model::{Form, FormId, ResponseId, TopicId, VisitId};
use crate::store::{RecordKind, ResponseFilter};
use crate::ui::app::{AppCommand, Shared};
use crate::ui::views::sort_header;
use crate::ui::widgets::date_edit;
use chrono::NaiveDate;
use egui::RichText;
use egui_extras::{Column, TableBuilder};
use std::collections::{HashMap, HashSet};

/// One response with what its visit says.
#[derive(Clone, Debug)]
pub struct ResponseRow {
    /// The response.
    pub id: ResponseId,
    /// Its visit.
    pub visit: VisitId,
    /// The visit's date.
    pub date: NaiveDate,
    /// The visit's place.
    pub place: String,
    /// The visit's investigators, joined.
    pub investigators: String,
    /// Saved as complete.
    pub complete: bool,
}

/// What the table is sorted by.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ResponseSort {
    /// The visit's date.
    #[default]
    Date,
    /// The visit's place.
    Place,
    /// The investigators.
    Investigators,
    /// Complete first or last.
    Complete,
}

/// Which responses are shown.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ResponseRowFilter {
    /// Text the place must contain.
    pub visit: String,
    /// Text the investigators must contain.
    pub investigator: String,
    /// Visits on or after.
    pub from: Option<NaiveDate>,
    /// Visits on or before.
    pub to: Option<NaiveDate>,
    /// Only complete (true) or incomplete (false) responses.
    pub complete: Option<bool>,
    /// Only visits with a finding under this topic (checked against the visits the store
    /// finds for it, not by [`ResponseRowFilter::passes`]).
    pub topic: Option<TopicId>,
}

impl ResponseRowFilter {
    /// Whether `row` passes.
    pub fn passes(&self, row: &ResponseRow) -> bool {
        (self.visit.trim().is_empty() || row.place.contains(self.visit.trim()))
            && (self.investigator.trim().is_empty()
                || row.investigators.contains(self.investigator.trim()))
            && self.from.is_none_or(|d| row.date >= d)
            && self.to.is_none_or(|d| row.date <= d)
            && self.complete.is_none_or(|c| row.complete == c)
    }
}

/// Sorts `rows` in place.
pub fn sort_rows(rows: &mut [ResponseRow], sort: ResponseSort, ascending: bool) {
    rows.sort_by(|a, b| {
        let order = match sort {
            ResponseSort::Date => a.date.cmp(&b.date),
            ResponseSort::Place => a.place.cmp(&b.place),
            ResponseSort::Investigators => a.investigators.cmp(&b.investigators),
            ResponseSort::Complete => a.complete.cmp(&b.complete),
        }
        .then_with(|| a.id.0.cmp(&b.id.0));
        if ascending { order } else { order.reverse() }
    });
}

/// The responses table of the form shown.
#[derive(Default)]
pub struct ResponsesTable {
    /// Every response of the form with its visit, read once per change of responses or visits.
    all: Option<(u64, FormId, Vec<ResponseRow>)>,
    /// The rows after filter and sort, for the key they were made with.
    shown: Option<(u64, ResponseRowFilter, ResponseSort, bool, Vec<ResponseRow>)>,
    /// The question cells of the rows shown so far, by response and language.
    cells: HashMap<(ResponseId, Lang), Vec<String>>,
    /// The filters.
    pub filter: ResponseRowFilter,
    sort: ResponseSort,
    ascending: bool,
    /// The visits with a finding under the filter's topic, for the revision they were read at.
    topic_visits: Option<(u64, TopicId, HashSet<VisitId>)>,
}

/// How many question columns are shown at most (a 300-question form stays a table).
const MAX_QUESTION_COLUMNS: usize = 40;

impl ResponsesTable {
    fn refresh(&mut self, shared: &mut Shared<'_>, form: &Form) -> u64 {
        let revision =
            shared
                .revisions
                .of(&[RecordKind::Response, RecordKind::Answer, RecordKind::Visit]);
        if self
            .all
            .as_ref()
            .is_none_or(|(r, f, _)| *r != revision || *f != form.id)
        {
            let filter = ResponseFilter {
                forms: vec![form.id],
                ..ResponseFilter::default()
            };
            let responses = shared.store.responses(&filter);
            let responses = shared.report(responses);
            let mut visits = HashMap::new();
            let rows = responses
                .into_iter()
                .filter_map(|r| {
                    let visit = visits
                        .entry(r.visit_id)
                        .or_insert_with(|| shared.store.visit(r.visit_id).ok())
                        .as_ref()?;
                    Some(ResponseRow {
                        id: r.id,
                        visit: r.visit_id,
                        date: visit.date,
                        place: visit.place.clone(),
                        investigators: visit.investigators.join("、"),
                        complete: r.complete,
                    })
                })
                .collect();
            self.all = Some((revision, form.id, rows));
            self.cells.clear();
            self.shown = None;
        }
        revision
    }

    /// The rows shown now (for tests and the bench).
    pub fn shown_rows(&self) -> &[ResponseRow] {
        self.shown.as_ref().map_or(&[], |s| s.4.as_slice())
    }

    /// Draws the filters and the table for `form`.
    pub fn ui(&mut self, ui: &mut egui::Ui, shared: &mut Shared<'_>, form: &Form) {
        let lang = shared.lang;
        let revision = self.refresh(shared, form);
        self.filters_ui(ui, shared);
        if let Some(topic) = self.filter.topic
            && self
                .topic_visits
                .as_ref()
                .is_none_or(|(r, t, _)| *r != revision || *t != topic)
        {
            let filter = crate::store::VisitFilter {
                topics: vec![topic],
                ..crate::store::VisitFilter::default()
            };
            let visits = shared.store.list_visits(
                &filter,
                crate::store::VisitSort::Date,
                true,
                crate::store::Page::ALL,
            );
            let visits = shared
                .report(visits)
                .into_iter()
                .map(|v| v.visit.id)
                .collect();
            self.topic_visits = Some((revision, topic, visits));
        }
        let key_matches = self.shown.as_ref().is_some_and(|(r, f, s, a, _)| {
            *r == revision && *f == self.filter && *s == self.sort && *a == self.ascending
        });
        if !key_matches {
            let mut rows: Vec<ResponseRow> = self
                .all
                .as_ref()
                .map(|(_, _, rows)| {
                    let in_topic = |r: &ResponseRow| match (&self.filter.topic, &self.topic_visits)
                    {
                        (None, _) => true,
                        (Some(_), Some((_, _, visits))) => visits.contains(&r.visit),
                        (Some(_), None) => false,
                    };
                    rows.iter()
                        .filter(|r| self.filter.passes(r) && in_topic(r))
                        .cloned()
                        .collect()
                })
                .unwrap_or_default();
            sort_rows(&mut rows, self.sort, self.ascending);
            self.shown = Some((
                revision,
                self.filter.clone(),
                self.sort,
                self.ascending,
                rows,
            ));
        }
        let total = self.shown_rows().len();
        ui.label(
            RichText::new(match lang {
                Lang::Zh => format!("共 {total} 份答卷"),
                Lang::En => crate::i18n::count_en(total as i64, "response", "responses"),
            })
            .weak(),
        );
        let questions: Vec<_> = form
            .definition
            .all_questions()
            .into_iter()
            .filter(|q| {
                !matches!(
                    q.kind,
                    QuestionType::Group | QuestionType::Repeat | QuestionType::Note
                ) && !q.kind.is_metadata()
            })
            .take(MAX_QUESTION_COLUMNS)
            .collect();
        let height = ui.text_style_height(&egui::TextStyle::Body) + 6.0;
        let (mut sort, mut ascending) = (self.sort, self.ascending);
        let mut open = None;
        ui.style_mut().interaction.selectable_labels = false;
        // The table takes the height left (a floating scrollbar must not cover its rows).
        egui::ScrollArea::horizontal()
            .id_salt("responses-scroll")
            .auto_shrink([false, false])
            .show(ui, |ui| {
                let mut table = TableBuilder::new(ui)
                    .id_salt("responses-table")
                    .auto_shrink([false, false])
                    .striped(true)
                    .resizable(true)
                    .sense(egui::Sense::click())
                    .column(Column::initial(88.0))
                    .column(Column::initial(120.0).clip(true))
                    .column(Column::initial(90.0).clip(true))
                    .column(Column::initial(64.0));
                for _ in &questions {
                    table = table.column(Column::initial(110.0).clip(true));
                }
                table
                    .header(height + 4.0, |mut header| {
                        for (label, this) in [
                            (lang.pick("走访日期", "Visited"), ResponseSort::Date),
                            (lang.pick("地点", "Place"), ResponseSort::Place),
                            (
                                lang.pick("走访人员", "Investigators"),
                                ResponseSort::Investigators,
                            ),
                            (lang.pick("完成", "Complete"), ResponseSort::Complete),
                        ] {
                            header.col(|ui| {
                                sort_header(ui, label, this, &mut sort, &mut ascending);
                            });
                        }
                        for q in &questions {
                            header.col(|ui| {
                                ui.label(RichText::new(form.definition.label(q, lang)).strong())
                                    .on_hover_text(&q.name);
                            });
                        }
                    })
                    .body(|body| {
                        body.rows(height, total, |mut row| {
                            let index = row.index();
                            let Some(r) = self.shown.as_ref().and_then(|s| s.4.get(index)) else {
                                return;
                            };
                            let id = r.id;
                            // A row's cells are read and labelled once, when it first shows.
                            let cells = self.cells.entry((id, lang)).or_insert_with(|| {
                                let answers = crate::forms::response::answers_of(shared.store, id)
                                    .map(|s| s.answers)
                                    .unwrap_or_default();
                                questions
                                    .iter()
                                    .map(|q| {
                                        let text = answer_text(&answers, &q.name);
                                        if q.kind.has_choices() {
                                            choice_labels(&form.definition, q, &text, lang)
                                        } else {
                                            text
                                        }
                                    })
                                    .collect()
                            });
                            row.col(|ui| {
                                ui.label(r.date.to_string());
                            });
                            row.col(|ui| {
                                ui.label(&r.place);
                            });
                            row.col(|ui| {
                                ui.label(&r.investigators);
                            });
                            row.col(|ui| {
                                ui.label(if r.complete {
                                    lang.pick("是", "yes")
                                } else {
                                    lang.pick("否", "no")
                                });
                            });
                            for cell in cells.iter() {
                                row.col(|ui| {
                                    ui.label(cell);
                                });
                            }
                            if row.response().clicked() {
                                open = Some(id);
                            }
                        });
                    });
            });
        (self.sort, self.ascending) = (sort, ascending);
        if let Some(id) = open {
            shared.send(AppCommand::OpenResponse(id));
        }
    }

    fn filters_ui(&mut self, ui: &mut egui::Ui, shared: &Shared<'_>) {
        let lang = shared.lang;
        ui.horizontal_wrapped(|ui| {
            let any = lang.pick("全部", "All");
            let label = ui.label(lang.pick("专题", "Topic")).id;
            let shown = self.filter.topic.map_or_else(
                || any.to_owned(),
                |t| crate::ui::widgets::topic_path(shared.topics, t, lang),
            );
            egui::ComboBox::from_id_salt("responses-topic")
                .selected_text(shown)
                .width(120.0)
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut self.filter.topic, None, any);
                    for t in shared.topics.iter().filter(|t| !t.meta.is_deleted()) {
                        ui.selectable_value(
                            &mut self.filter.topic,
                            Some(t.id),
                            crate::ui::widgets::topic_path(shared.topics, t.id, lang),
                        );
                    }
                })
                .response
                .labelled_by(label);
            let label = ui.label(lang.pick("地点", "Place")).id;
            ui.add(egui::TextEdit::singleline(&mut self.filter.visit).desired_width(100.0))
                .labelled_by(label);
            let label = ui.label(lang.pick("走访人员", "Investigator")).id;
            ui.add(egui::TextEdit::singleline(&mut self.filter.investigator).desired_width(80.0))
                .labelled_by(label);
        });
        // Two lines whatever the width, so the table starts at the same place.
        ui.horizontal_wrapped(|ui| {
            let label = ui.label(lang.pick("从", "From")).id;
            date_edit(
                ui,
                "responses-from",
                &mut self.filter.from,
                true,
                lang,
                Some(label),
            );
            let label = ui.label(lang.pick("到", "To")).id;
            date_edit(
                ui,
                "responses-to",
                &mut self.filter.to,
                true,
                lang,
                Some(label),
            );
            let label = ui.label(lang.pick("完成情况", "Completeness")).id;
            let shown = match self.filter.complete {
                None => lang.pick("全部", "All"),
                Some(true) => lang.pick("已完成", "Complete"),
                Some(false) => lang.pick("未完成", "Incomplete"),
            };
            egui::ComboBox::from_id_salt("responses-complete")
                .selected_text(shown)
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut self.filter.complete, None, lang.pick("全部", "All"));
                    ui.selectable_value(
                        &mut self.filter.complete,
                        Some(true),
                        lang.pick("已完成", "Complete"),
                    );
                    ui.selectable_value(
                        &mut self.filter.complete,
                        Some(false),
                        lang.pick("未完成", "Incomplete"),
                    );
                })
                .response
                .labelled_by(label);
        });
    }
}

/// A select answer's choices by their labels (`1 3` → `很不满意、一般`).
fn choice_labels(
    def: &crate::forms::FormDefinition,
    q: &crate::forms::Question,
    text: &str,
    lang: Lang,
) -> String {
    let choices = def.choices_of(q);
    text.split_whitespace()
        .map(|v| {
            choices
                .iter()
                .find(|c| c.name == v)
                .and_then(|c| c.label.pick(lang, def.default_language.as_deref()))
                .unwrap_or(if v == "other" {
                    lang.pick("其他", "Other")
                } else {
                    v
                })
        })
        .collect::<Vec<_>>()
        .join(lang.pick("、", ", "))
}

/// The answer to `name` as one cell: the top-level answer, or every row's joined by " | ".
fn answer_text(answers: &Answers, name: &str) -> String {
    fn collect(answers: &Answers, name: &str, out: &mut Vec<String>) {
        for (key, answer) in answers {
            match answer {
                Answer::Text(t) if key == name => out.push(t.clone()),
                Answer::Rows(rows) => rows.iter().for_each(|r| collect(r, name, out)),
                Answer::Text(_) => {}
            }
        }
    }
    let mut out = Vec::new();
    collect(answers, name, &mut out);
    out.join(" | ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Datelike;

    fn row(day: u32, place: &str, who: &str, complete: bool) -> ResponseRow {
        ResponseRow {
            id: ResponseId::new(),
            visit: VisitId::new(),
            date: NaiveDate::from_ymd_opt(2026, 11, day).expect("a day"),
            place: place.into(),
            investigators: who.into(),
            complete,
        }
    }

    #[test]
    fn rows_are_filtered_by_place_investigator_period_and_completeness() {
        let rows = [
            row(1, "城南敬老院", "王敏", true),
            row(5, "城北福利院", "李强、王敏", false),
            row(9, "城南日照中心", "张伟", true),
        ];
        let count = |f: &ResponseRowFilter| rows.iter().filter(|r| f.passes(r)).count();
        assert_eq!(count(&ResponseRowFilter::default()), 3);
        let place = ResponseRowFilter {
            visit: " 城南 ".into(),
            ..ResponseRowFilter::default()
        };
        assert_eq!(count(&place), 2);
        let who = ResponseRowFilter {
            investigator: "王敏".into(),
            complete: Some(false),
            ..ResponseRowFilter::default()
        };
        assert_eq!(count(&who), 1);
        let period = ResponseRowFilter {
            from: NaiveDate::from_ymd_opt(2026, 11, 2),
            to: NaiveDate::from_ymd_opt(2026, 11, 9),
            ..ResponseRowFilter::default()
        };
        assert_eq!(count(&period), 2);
    }

    #[test]
    fn rows_sort_by_the_visits_columns_either_way() {
        let mut rows = vec![
            row(5, "乙", "b", false),
            row(1, "丙", "a", true),
            row(9, "甲", "c", true),
        ];
        sort_rows(&mut rows, ResponseSort::Date, true);
        assert_eq!(
            rows.iter().map(|r| r.date.day0() + 1).collect::<Vec<_>>(),
            [1, 5, 9]
        );
        sort_rows(&mut rows, ResponseSort::Investigators, false);
        assert_eq!(rows[0].investigators, "c");
        sort_rows(&mut rows, ResponseSort::Complete, true);
        assert!(!rows[0].complete);
    }
}
