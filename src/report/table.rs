//! The tables every writer shares: their columns (label, width) and their cells, so the
//! workbook, the CSV and the Markdown name and order the columns the same way.

use super::{FIGURES, Figures, Report, TopicFigures, category_label, or_not_given, yes};
use crate::i18n::Lang;
use crate::model::FindingKind;
use crate::store::{FindingRow, VisitRow};
use chrono::NaiveDate;

/// One cell, typed so a workbook can write numbers and dates as such.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Cell {
    /// Text.
    Text(String),
    /// A whole number.
    Number(i64),
    /// A date (empty when `None`).
    Date(Option<NaiveDate>),
}

impl Cell {
    /// The cell as plain text (dates as YYYY-MM-DD, which Excel and WPS read as dates).
    pub(crate) fn plain(&self) -> String {
        match self {
            Cell::Text(t) => t.clone(),
            Cell::Number(n) => n.to_string(),
            Cell::Date(d) => d.map(|d| d.to_string()).unwrap_or_default(),
        }
    }

    /// Whether the cell holds free text that a spreadsheet could mistake for a formula.
    pub(crate) fn is_text(&self) -> bool {
        matches!(self, Cell::Text(_))
    }
}

fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

/// A column: its label in both languages and its width in Excel character units.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Column {
    pub zh: &'static str,
    pub en: &'static str,
    pub width: f64,
    /// Long text that wraps in the workbook.
    pub wrap: bool,
}

impl Column {
    pub(crate) fn label(&self, lang: Lang) -> &'static str {
        lang.pick(self.zh, self.en)
    }
}

const fn col(zh: &'static str, en: &'static str, width: f64, wrap: bool) -> Column {
    Column {
        zh,
        en,
        width,
        wrap,
    }
}

/// The problem list's columns (问题清单).
pub(crate) const PROBLEM_COLUMNS: &[Column] = &[
    col("序号", "No.", 5.0, false),
    col("走访日期", "Visit date", 11.0, false),
    col("走访单位", "Place visited", 16.0, true),
    col("地区", "Region", 14.0, true),
    col("专题", "Topics", 12.0, true),
    col("问题", "Problem", 24.0, true),
    col("具体情况", "Detail", 28.0, true),
    col("涉及群众（人/户）", "People affected", 7.0, false),
    col("整改类别", "Category", 9.0, true),
    col("整改措施", "Measures", 28.0, true),
    col("整改目标", "Target", 16.0, true),
    col("整改时限", "Deadline", 11.0, false),
    col("责任人", "Responsible person", 9.0, true),
    col("责任单位", "Responsible unit", 14.0, true),
    col("整改状态", "Status", 9.0, true),
    col("是否逾期", "Overdue", 6.0, false),
    col("销号日期", "Closed on", 11.0, false),
    col("验收人", "Verified by", 9.0, true),
    col("销号说明", "Closing note", 20.0, true),
];

/// One row of the problem list.
pub(crate) fn problem_cells(report: &Report, n: usize, r: &FindingRow, lang: Lang) -> Vec<Cell> {
    let f = &r.finding;
    vec![
        Cell::Number(n as i64),
        Cell::Date(Some(r.visit_date)),
        text(&r.place),
        text(&r.region),
        text(report.topic_names(&f.topics, lang)),
        text(&f.title),
        text(&f.detail),
        Cell::Number(f.people_affected),
        text(category_label(r, lang)),
        text(&f.measures),
        text(&f.target),
        Cell::Date(f.deadline),
        text(&f.owner),
        text(&f.owner_unit),
        text(f.status.label(lang)),
        text(yes(r.overdue, lang)),
        Cell::Date(f.closed_on),
        text(&f.verified_by),
        text(&f.close_note),
    ]
}

/// The visit list's columns (走访记录).
pub(crate) const VISIT_COLUMNS: &[Column] = &[
    col("走访日期", "Date", 12.0, false),
    col("走访单位", "Place visited", 26.0, true),
    col("地区", "Region", 18.0, false),
    col("走访人员", "Investigators", 18.0, true),
    col("走访党员群众（人）", "People interviewed", 12.0, false),
    col("“四不两直”", "Unannounced", 10.0, false),
    col("调研课题", "Research subject", 26.0, true),
    col("发现（条）", "Findings", 8.0, false),
    col("备注", "Notes", 40.0, true),
];

/// One row of the visit list.
pub(crate) fn visit_cells(report: &Report, r: &VisitRow, lang: Lang) -> Vec<Cell> {
    let v = &r.visit;
    vec![
        Cell::Date(Some(v.date)),
        text(&v.place),
        text(&v.region),
        text(v.investigators.join(lang.pick("、", ", "))),
        Cell::Number(v.people_met),
        text(yes(v.unannounced, lang)),
        text(report.subject_title(v.subject_id)),
        Cell::Number(r.findings),
        text(&v.notes),
    ]
}

/// The typical cases' columns (典型案例).
pub(crate) const CASE_COLUMNS: &[Column] = &[
    col("序号", "No.", 6.0, false),
    col("类型", "Kind", 12.0, false),
    col("走访日期", "Visit date", 12.0, false),
    col("走访单位", "Place visited", 24.0, true),
    col("地区", "Region", 16.0, false),
    col("专题", "Topics", 14.0, true),
    col("标题", "Title", 34.0, true),
    col("具体情况", "Detail", 44.0, true),
    col("涉及群众（人/户）", "People covered", 10.0, false),
];

/// One row of the typical cases.
pub(crate) fn case_cells(report: &Report, n: usize, r: &FindingRow, lang: Lang) -> Vec<Cell> {
    let f = &r.finding;
    vec![
        Cell::Number(n as i64),
        text(f.kind.label(lang)),
        Cell::Date(Some(r.visit_date)),
        text(&r.place),
        text(&r.region),
        text(report.topic_names(&f.topics, lang)),
        text(&f.title),
        text(&f.detail),
        Cell::Number(f.people_affected),
    ]
}

/// The figures a narrow table (Word, Markdown) shows per topic.
pub(crate) const NARROW_FIGURES: &[&str] = &[
    "visits",
    "units_visited",
    "people_interviewed",
    "problems",
    "immediate",
    "phased",
    "long_term",
    "closed",
    "overdue",
    "positive_cases",
    "negative_cases",
    "practices",
];

/// Short labels for the narrow table's headers.
pub(crate) fn short_label(key: &str, lang: Lang) -> &'static str {
    match key {
        "visits" => lang.pick("走访次数", "Visits"),
        "units_visited" => lang.pick("走访单位", "Units"),
        "people_interviewed" => lang.pick("走访群众", "People"),
        "problems" => lang.pick("问题", "Problems"),
        "immediate" => lang.pick("立行立改", "At once"),
        "phased" => lang.pick("阶段性整改", "Phased"),
        "long_term" => lang.pick("长期整改", "Long-term"),
        "closed" => lang.pick("已销号", "Closed"),
        "overdue" => lang.pick("逾期", "Overdue"),
        "positive_cases" => lang.pick("正面典型", "Positive"),
        "negative_cases" => lang.pick("反面典型", "Negative"),
        "practices" => lang.pick("经验做法", "Practices"),
        _ => "",
    }
}

/// The value of the figure `key`.
pub(crate) fn figure(figures: &Figures, key: &str) -> i64 {
    FIGURES
        .iter()
        .find(|d| d.key == key)
        .map_or(0, |d| (d.get)(figures))
}

/// A topic's name, indented by its depth with ideographic spaces.
pub(crate) fn indented_name(t: &TopicFigures, lang: Lang) -> String {
    format!("{}{}", "\u{3000}".repeat(t.depth), t.name(lang))
}

/// Region or unit text, or "(not given)".
pub(crate) fn group_name(text: &str, lang: Lang) -> String {
    or_not_given(text, lang).to_owned()
}

/// The kinds the typical-case list holds.
pub(crate) const CASE_KINDS: &[FindingKind] = &[
    FindingKind::PositiveCase,
    FindingKind::NegativeCase,
    FindingKind::Practice,
];
