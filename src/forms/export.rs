//! A form's responses laid out as KoboToolbox lays out its exports: one table of responses (one
//! column per question in survey order, groups flattened, a select_multiple as its raw value
//! plus one 0/1 column `question/choice` per choice), and one table per repeat whose rows carry
//! `_index`, `_parent_table_name`, `_parent_index` and `_submission__id` (the response id) to
//! join them back. The XLSX and CSV writers ([`super::export_xlsx`], [`super::export_csv`])
//! only render these tables.

use super::answers::{Answer, Answers};
use super::definition::{Choice, FormDefinition, Question};
use super::types::QuestionType;
use crate::i18n::Lang;
use chrono::{NaiveDate, NaiveDateTime};

/// One response as an export sees it: who filled it where, and its answers.
#[derive(Clone, Debug, PartialEq)]
pub struct ExportResponse {
    /// The response's id.
    pub id: String,
    /// The visit it belongs to.
    pub visit_id: String,
    /// The visit's day.
    pub date: Option<NaiveDate>,
    /// The visit's investigators, as the visit lists them.
    pub investigators: String,
    /// Whether the response was saved as complete.
    pub complete: bool,
    /// The answers.
    pub answers: Answers,
}

/// One cell of an export, typed so a spreadsheet gets numbers and dates, not text.
#[derive(Clone, Debug, PartialEq)]
pub enum ExportValue {
    /// No answer.
    Empty,
    /// Text as answered.
    Text(String),
    /// A number (integer, decimal, range, numeric calculation, a choice's 0/1).
    Number(f64),
    /// A day.
    Date(NaiveDate),
    /// A moment.
    DateTime(NaiveDateTime),
    /// Yes or no.
    Bool(bool),
}

impl ExportValue {
    /// The value as CSV writes it (dates ISO 8601, numbers without trailing `.0`).
    pub fn plain(&self) -> String {
        match self {
            ExportValue::Empty => String::new(),
            ExportValue::Text(t) => t.clone(),
            ExportValue::Number(n) => n.to_string(),
            ExportValue::Date(d) => d.format("%Y-%m-%d").to_string(),
            ExportValue::DateTime(d) => d.format("%Y-%m-%dT%H:%M:%S").to_string(),
            ExportValue::Bool(b) => if *b { "1" } else { "0" }.to_owned(),
        }
    }
}

/// A column: its name (the XLSForm name, `question/choice` for a choice) and its label in the
/// user's language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportHeader {
    /// The machine name.
    pub name: String,
    /// The label.
    pub label: String,
}

/// One table of an export: the responses, or one repeat's rows.
#[derive(Clone, Debug, PartialEq)]
pub struct ExportTable {
    /// The repeat's name, or the form's id for the responses table.
    pub name: String,
    /// The columns.
    pub headers: Vec<ExportHeader>,
    /// The rows, each as long as `headers`.
    pub rows: Vec<Vec<ExportValue>>,
}

/// What one question column holds.
#[derive(Clone, Copy, Debug)]
enum Source<'a> {
    /// The answer itself.
    Answer(&'a Question),
    /// 1 when the select_multiple answer includes the choice, 0 when it does not, empty when
    /// the question was not answered.
    Picked(&'a Question, &'a Choice),
}

/// The question columns of one table and the repeats nested directly under it.
struct Layout<'a> {
    name: &'a str,
    sources: Vec<Source<'a>>,
    headers: Vec<ExportHeader>,
    children: Vec<Layout<'a>>,
}

fn layout<'a>(
    def: &'a FormDefinition,
    name: &'a str,
    questions: &'a [Question],
    lang: Lang,
) -> Layout<'a> {
    fn walk<'a>(def: &'a FormDefinition, qs: &'a [Question], lang: Lang, out: &mut Layout<'a>) {
        for q in qs {
            match q.kind {
                QuestionType::Group => walk(def, &q.children, lang, out),
                QuestionType::Repeat => out.children.push(layout(def, &q.name, &q.children, lang)),
                QuestionType::Note => {}
                _ => {
                    let label = def.label(q, lang);
                    out.sources.push(Source::Answer(q));
                    out.headers.push(ExportHeader {
                        name: q.name.clone(),
                        label: label.to_owned(),
                    });
                    if q.kind == QuestionType::SelectMultiple {
                        for choice in def.choices_of(q) {
                            let choice_label = choice
                                .label
                                .pick(lang, def.default_language.as_deref())
                                .unwrap_or(&choice.name);
                            out.sources.push(Source::Picked(q, choice));
                            out.headers.push(ExportHeader {
                                name: format!("{}/{}", q.name, choice.name),
                                label: format!("{label}/{choice_label}"),
                            });
                        }
                    }
                }
            }
        }
    }
    let mut out = Layout {
        name,
        sources: Vec::new(),
        headers: Vec::new(),
        children: Vec::new(),
    };
    walk(def, questions, lang, &mut out);
    out
}

fn parse_datetime(text: &str) -> Option<NaiveDateTime> {
    if let Ok(d) = chrono::DateTime::parse_from_rfc3339(text) {
        return Some(d.naive_local());
    }
    [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
}

/// An answer typed by its question: numbers as numbers, dates as dates, the rest as text
/// (an answer that does not read as its type stays text rather than being lost).
pub fn typed_value(kind: QuestionType, text: &str) -> ExportValue {
    let text = text.trim();
    if text.is_empty() {
        return ExportValue::Empty;
    }
    let typed = match kind {
        QuestionType::Integer
        | QuestionType::Decimal
        | QuestionType::Range
        | QuestionType::Calculate => text
            .parse::<f64>()
            .ok()
            .filter(|n| n.is_finite())
            .map(ExportValue::Number),
        QuestionType::Date | QuestionType::Today => NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .ok()
            .map(ExportValue::Date),
        QuestionType::Datetime | QuestionType::Start | QuestionType::End => {
            parse_datetime(text).map(ExportValue::DateTime)
        }
        _ => None,
    };
    typed.unwrap_or_else(|| ExportValue::Text(text.to_owned()))
}

fn question_cells(sources: &[Source<'_>], answers: &Answers) -> Vec<ExportValue> {
    sources
        .iter()
        .map(|source| match *source {
            Source::Answer(q) => match answers.get(&q.name) {
                Some(Answer::Text(t)) => typed_value(q.kind, t),
                _ => ExportValue::Empty,
            },
            Source::Picked(q, choice) => match answers.get(&q.name) {
                Some(Answer::Text(t)) if !t.trim().is_empty() => {
                    let picked = t.split_whitespace().any(|p| p == choice.name);
                    ExportValue::Number(if picked { 1.0 } else { 0.0 })
                }
                _ => ExportValue::Empty,
            },
        })
        .collect()
}

/// The bookkeeping columns of the responses table, after the questions (as Kobo places them).
fn response_meta_headers(lang: Lang) -> Vec<ExportHeader> {
    [
        ("_id", "回答编号", "Response id"),
        ("_visit_id", "走访编号", "Visit id"),
        ("_date", "走访日期", "Visit date"),
        ("_investigators", "走访人员", "Investigators"),
        ("_complete", "已完成", "Complete"),
        ("_index", "序号", "Index"),
    ]
    .into_iter()
    .map(|(name, zh, en)| ExportHeader {
        name: name.to_owned(),
        label: lang.pick(zh, en).to_owned(),
    })
    .collect()
}

/// The join columns of a repeat table, after its questions.
fn repeat_meta_headers(lang: Lang) -> Vec<ExportHeader> {
    [
        ("_index", "序号", "Index"),
        ("_parent_table_name", "上级表", "Parent table"),
        ("_parent_index", "上级序号", "Parent index"),
        ("_submission__id", "回答编号", "Response id"),
    ]
    .into_iter()
    .map(|(name, zh, en)| ExportHeader {
        name: name.to_owned(),
        label: lang.pick(zh, en).to_owned(),
    })
    .collect()
}

/// Appends the rows of the repeats under `layout` found in `answers` (a response or a repeat
/// row whose `_index` in table `parent_name` is `parent_index`).
fn repeat_rows(
    layout: &Layout<'_>,
    first_table: usize,
    answers: &Answers,
    parent: (&str, usize),
    response_id: &str,
    tables: &mut [ExportTable],
) {
    let mut table = first_table;
    for child in &layout.children {
        if let Some(Answer::Rows(rows)) = answers.get(child.name) {
            for row in rows {
                let index = tables[table].rows.len() + 1;
                let mut cells = question_cells(&child.sources, row);
                cells.extend([
                    ExportValue::Number(index as f64),
                    ExportValue::Text(parent.0.to_owned()),
                    ExportValue::Number(parent.1 as f64),
                    ExportValue::Text(response_id.to_owned()),
                ]);
                tables[table].rows.push(cells);
                repeat_rows(
                    child,
                    table + 1,
                    row,
                    (child.name, index),
                    response_id,
                    tables,
                );
            }
        }
        table += 1 + count_descendants(child);
    }
}

fn count_descendants(layout: &Layout<'_>) -> usize {
    layout
        .children
        .iter()
        .map(|c| 1 + count_descendants(c))
        .sum()
}

fn empty_tables(layout: &Layout<'_>, lang: Lang, is_root: bool, out: &mut Vec<ExportTable>) {
    let mut headers = layout.headers.clone();
    headers.extend(if is_root {
        response_meta_headers(lang)
    } else {
        repeat_meta_headers(lang)
    });
    out.push(ExportTable {
        name: layout.name.to_owned(),
        headers,
        rows: Vec::new(),
    });
    for child in &layout.children {
        empty_tables(child, lang, false, out);
    }
}

/// The export's tables: the responses first, then one per repeat (depth first, survey order),
/// labels in `lang`.
pub fn export_tables(
    def: &FormDefinition,
    responses: &[ExportResponse],
    lang: Lang,
) -> Vec<ExportTable> {
    let root = layout(def, &def.form_id, &def.questions, lang);
    let mut tables = Vec::new();
    empty_tables(&root, lang, true, &mut tables);
    for (i, response) in responses.iter().enumerate() {
        let index = i + 1;
        let mut cells = question_cells(&root.sources, &response.answers);
        cells.extend([
            ExportValue::Text(response.id.clone()),
            ExportValue::Text(response.visit_id.clone()),
            response.date.map_or(ExportValue::Empty, ExportValue::Date),
            ExportValue::Text(response.investigators.clone()),
            ExportValue::Bool(response.complete),
            ExportValue::Number(index as f64),
        ]);
        tables[0].rows.push(cells);
        repeat_rows(
            &root,
            1,
            &response.answers,
            (&def.form_id, index),
            &response.id,
            &mut tables,
        );
    }
    tables
}
