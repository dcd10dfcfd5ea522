//! The public version of the problem list (公开整改情况), ready for the bureau's website: for
//! each problem its topic, place, category, measures, target, deadline, responsible unit,
//! status and closing date — no person's name, no phone or ID number, no narrative text.
//!
//! What may appear is decided by [`crate::model::PERSONAL_FIELDS`]: fields marked as names,
//! people or narrative are never read into a [`PublicRow`]; the short free-text fields a list
//! needs are masked by a [`Redactor`] that knows every name in the database. The rows are
//! redacted when they are built, so the writers only ever see published text.

use super::csv::push_record;
use super::redact::Redactor;
use super::table::Cell;
use super::{Result, SummaryFilter, report};
use crate::i18n::Lang;
use crate::model::{Category, Status};
use crate::store::Store;
use chrono::NaiveDate;
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook};
use serde::Serialize;

/// A format the public version is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PublicFormat {
    /// CSV (UTF-8 with BOM).
    Csv,
    /// An Excel workbook with one sheet.
    Xlsx,
    /// A Markdown page.
    Markdown,
    /// A standalone HTML page (UTF-8).
    Html,
}

impl PublicFormat {
    /// Every format, in the order the window offers them.
    pub const ALL: &'static [PublicFormat] = &[
        PublicFormat::Xlsx,
        PublicFormat::Csv,
        PublicFormat::Markdown,
        PublicFormat::Html,
    ];

    /// The file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            PublicFormat::Csv => "csv",
            PublicFormat::Xlsx => "xlsx",
            PublicFormat::Markdown => "md",
            PublicFormat::Html => "html",
        }
    }

    /// Whether the bytes are not text.
    pub fn is_binary(self) -> bool {
        self == PublicFormat::Xlsx
    }
}

/// The finding fields a public row shows (each one `Masked` in the personal-field list, or not
/// personal at all); checked by a test against [`crate::model::PERSONAL_FIELDS`].
pub const PUBLIC_FINDING_FIELDS: &[&str] = &[
    "title",
    "topics",
    "category",
    "measures",
    "target",
    "deadline",
    "owner_unit",
    "status",
    "closed_on",
];

/// The visit fields a public row shows.
pub const PUBLIC_VISIT_FIELDS: &[&str] = &["place", "region"];

/// One problem as published.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PublicRow {
    /// Its number in the list.
    pub n: usize,
    /// The problem (masked).
    pub title: String,
    /// Topic names.
    pub topics: String,
    /// The place visited (masked).
    pub place: String,
    /// The region (masked).
    pub region: String,
    /// Rectification category.
    pub category: Option<Category>,
    /// Measures (masked).
    pub measures: String,
    /// Target (masked).
    pub target: String,
    /// Deadline.
    pub deadline: Option<NaiveDate>,
    /// Responsible unit (masked).
    pub owner_unit: String,
    /// Status.
    pub status: Status,
    /// Closing date.
    pub closed_on: Option<NaiveDate>,
}

/// The public version of a summary's problem list.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PublicReport {
    /// The language of labels and topic names.
    #[serde(skip)]
    pub lang: Lang,
    /// The day the list stands at.
    pub as_of: NaiveDate,
    /// What the list covers (masked, e.g. when filtered by an investigator).
    pub scope: String,
    /// Problems in the list.
    pub problems: usize,
    /// Of those, closed (已销号).
    pub closed: usize,
    /// The problems.
    pub rows: Vec<PublicRow>,
}

/// Builds the public problem list of `filter`'s scope as of `today`, labels in `lang`.
pub fn public_report(
    store: &Store,
    filter: &SummaryFilter,
    today: NaiveDate,
    lang: Lang,
) -> Result<PublicReport> {
    let full = report(store, filter, today)?;
    let redactor = Redactor::new(store.person_names()?);
    let rows: Vec<PublicRow> = full
        .problems
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let f = &r.finding;
            PublicRow {
                n: i + 1,
                title: redactor.redact(&f.title),
                topics: redactor.redact(&full.topic_names(&f.topics, lang)),
                place: redactor.redact(&r.place),
                region: redactor.redact(&r.region),
                category: f.category,
                measures: redactor.redact(&f.measures),
                target: redactor.redact(&f.target),
                deadline: f.deadline,
                owner_unit: redactor.redact(&f.owner_unit),
                status: f.status,
                closed_on: f.closed_on,
            }
        })
        .collect();
    Ok(PublicReport {
        lang,
        as_of: today,
        scope: redactor.redact(&full.summary.filter.describe(lang)),
        problems: rows.len(),
        closed: rows.iter().filter(|r| r.status == Status::Closed).count(),
        rows,
    })
}

/// Writes the public list in `format`.
pub fn export_public(report: &PublicReport, format: PublicFormat) -> Result<Vec<u8>> {
    Ok(match format {
        PublicFormat::Csv => csv(report).into_bytes(),
        PublicFormat::Xlsx => xlsx(report)?,
        PublicFormat::Markdown => markdown(report).into_bytes(),
        PublicFormat::Html => html(report).into_bytes(),
    })
}

/// A suggested file name, e.g. `整改情况公示-2026-11-27.html`.
pub fn public_file_name(report: &PublicReport, format: PublicFormat) -> String {
    format!(
        "{}-{}.{}",
        report
            .lang
            .pick("整改情况公示", "rectification-status-public"),
        report.as_of,
        format.extension()
    )
}

/// Column labels, in the order of [`cells`].
fn header(lang: Lang) -> [&'static str; 12] {
    [
        lang.pick("序号", "No."),
        lang.pick("问题", "Problem"),
        lang.pick("专题", "Topics"),
        lang.pick("走访单位", "Place visited"),
        lang.pick("地区", "Region"),
        lang.pick("整改类别", "Category"),
        lang.pick("整改措施", "Measures"),
        lang.pick("整改目标", "Target"),
        lang.pick("整改时限", "Deadline"),
        lang.pick("责任单位", "Responsible unit"),
        lang.pick("整改状态", "Status"),
        lang.pick("销号日期", "Closed on"),
    ]
}

fn cells(r: &PublicRow, lang: Lang) -> Vec<Cell> {
    let text = |s: &str| Cell::Text(s.to_owned());
    vec![
        Cell::Number(i64::try_from(r.n).unwrap_or(i64::MAX)),
        text(&r.title),
        text(&r.topics),
        text(&r.place),
        text(&r.region),
        text(r.category.map_or("", |c| c.label(lang))),
        text(&r.measures),
        text(&r.target),
        Cell::Date(r.deadline),
        text(&r.owner_unit),
        text(r.status.label(lang)),
        Cell::Date(r.closed_on),
    ]
}

fn title(lang: Lang) -> &'static str {
    lang.pick(
        "问题整改情况公示",
        "Rectification status of the problems found",
    )
}

/// "As of …: N problems, M closed."
fn overview(report: &PublicReport) -> String {
    let lang = report.lang;
    match lang {
        Lang::Zh => format!(
            "截至{}，共查找问题 {} 个，已整改销号 {} 个。范围：{}。",
            lang.date(report.as_of),
            report.problems,
            report.closed,
            report.scope
        ),
        Lang::En => format!(
            "As of {}: {} found, {} closed. Scope: {}.",
            lang.date(report.as_of),
            crate::i18n::count_en(report.problems as i64, "problem", "problems"),
            report.closed,
            report.scope
        ),
    }
}

fn csv(report: &PublicReport) -> String {
    let mut out = String::from('\u{feff}');
    let header: Vec<Cell> = header(report.lang)
        .iter()
        .map(|h| Cell::Text((*h).to_owned()))
        .collect();
    push_record(&mut out, &header);
    for row in &report.rows {
        push_record(&mut out, &cells(row, report.lang));
    }
    out
}

fn xlsx(report: &PublicReport) -> Result<Vec<u8>> {
    let lang = report.lang;
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name(lang.pick("整改情况", "Rectification"))?;
    let bold = Format::new().set_bold();
    let head = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_border(FormatBorder::Thin);
    let wrap = Format::new()
        .set_text_wrap()
        .set_align(FormatAlign::VerticalCenter)
        .set_border(FormatBorder::Thin);
    let date = Format::new()
        .set_num_format("yyyy-mm-dd")
        .set_border(FormatBorder::Thin);
    ws.write_string_with_format(0, 0, title(lang), &bold)?;
    let first = 3u32;
    let widths = [
        5.0, 24.0, 12.0, 18.0, 14.0, 10.0, 30.0, 20.0, 11.0, 16.0, 10.0, 11.0,
    ];
    for (c, (label, width)) in header(lang).iter().zip(widths).enumerate() {
        let c = u16::try_from(c).unwrap_or(u16::MAX);
        ws.write_string_with_format(first, c, *label, &head)?;
        ws.set_column_width(c, width)?;
    }
    let header_height = super::print::fitting_height(header(lang).into_iter().zip(widths));
    ws.set_row_height(first, header_height)?;
    for (i, row) in report.rows.iter().enumerate() {
        let r = first + 1 + u32::try_from(i).unwrap_or(u32::MAX - first - 1);
        let row_cells = cells(row, lang);
        let height = super::print::fitting_height(row_cells.iter().zip(widths).filter_map(
            |(cell, width)| match cell {
                Cell::Text(t) => Some((t.as_str(), width)),
                _ => None,
            },
        ));
        if height > super::print::row_height(1) {
            ws.set_row_height(r, height)?;
        }
        for (c, cell) in row_cells.into_iter().enumerate() {
            let c = u16::try_from(c).unwrap_or(u16::MAX);
            match cell {
                Cell::Text(t) => ws.write_string_with_format(r, c, t, &wrap)?,
                Cell::Number(n) => ws.write_number_with_format(r, c, n as f64, &wrap)?,
                Cell::Date(Some(d)) => ws.write_with_format(r, c, &d, &date)?,
                Cell::Date(None) => ws.write_blank(r, c, &wrap)?,
            };
        }
    }
    ws.set_freeze_panes(first + 1, 0)?;
    let last = first + u32::try_from(report.rows.len()).unwrap_or(0);
    ws.autofilter(first, 0, last, 11)?;
    // The overview line can be long: it spans the table's width and wraps.
    let overview_text = overview(report);
    let table_width: f64 = widths.iter().sum();
    ws.merge_range(1, 0, 1, 11, &overview_text, &Format::new().set_text_wrap())?;
    ws.set_row_height(
        1,
        super::print::fitting_height([(overview_text.as_str(), table_width)]),
    )?;
    super::print::setup_page(ws, table_width, Some((first, first)), lang)?;
    Ok(book.save_to_buffer()?)
}

/// Text safe in a Markdown table cell, and inert as HTML when the page is rendered.
fn md_cell(text: &str) -> String {
    html_escape(text)
        .replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace("\r\n", "<br>")
        .replace(['\n', '\r'], "<br>")
}

fn markdown(report: &PublicReport) -> String {
    use std::fmt::Write;
    let lang = report.lang;
    let mut md = String::new();
    let _ = writeln!(md, "# {}\n\n{}\n", title(lang), md_cell(&overview(report)));
    let header = header(lang);
    let _ = writeln!(md, "| {} |", header.join(" | "));
    let _ = writeln!(md, "|{}", "---|".repeat(header.len()));
    for row in &report.rows {
        let cells: Vec<String> = cells(row, lang)
            .iter()
            .map(|c| md_cell(&c.plain()))
            .collect();
        let _ = writeln!(md, "| {} |", cells.join(" | "));
    }
    md
}

/// Text safe anywhere in HTML content or a quoted attribute.
pub(super) fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn html(report: &PublicReport) -> String {
    use std::fmt::Write;
    let lang = report.lang;
    let mut page = String::new();
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>\n\
         body {{ font-family: sans-serif; margin: 2em; }}\n\
         table {{ border-collapse: collapse; width: 100%; }}\n\
         th, td {{ border: 1px solid #bbb; padding: 4px 6px; vertical-align: top; }}\n\
         th {{ background: #ddebf7; }}\n</style>\n</head>\n<body>\n<h1>{}</h1>\n<p>{}</p>\n\
         <table>\n<thead><tr>",
        lang.pick("zh-CN", "en"),
        html_escape(title(lang)),
        html_escape(title(lang)),
        html_escape(&overview(report)),
    );
    for h in header(lang) {
        let _ = write!(page, "<th>{}</th>", html_escape(h));
    }
    page.push_str("</tr></thead>\n<tbody>\n");
    for row in &report.rows {
        page.push_str("<tr>");
        for cell in cells(row, lang) {
            let _ = write!(
                page,
                "<td>{}</td>",
                html_escape(&cell.plain()).replace('\n', "<br>")
            );
        }
        page.push_str("</tr>\n");
    }
    page.push_str("</tbody>\n</table>\n</body>\n</html>\n");
    page
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{PERSONAL_FIELDS, privacy};

    #[test]
    fn a_public_row_shows_only_fields_that_may_be_published() {
        for (kind, fields) in [
            ("finding", PUBLIC_FINDING_FIELDS),
            ("visit", PUBLIC_VISIT_FIELDS),
        ] {
            for field in fields {
                if let Some(p) = privacy(kind, field) {
                    assert!(p.publishable(), "{kind}.{field} is {p:?}");
                }
            }
        }
        // Every field the list marks as publishable-with-masking on a finding is in the row or
        // deliberately left out; nothing marked otherwise is.
        for p in PERSONAL_FIELDS.iter().filter(|p| !p.privacy.publishable()) {
            let shown = match p.kind {
                "finding" => PUBLIC_FINDING_FIELDS,
                "visit" => PUBLIC_VISIT_FIELDS,
                _ => &[],
            };
            assert!(!shown.contains(&p.field), "{}.{}", p.kind, p.field);
        }
    }

    #[test]
    fn html_and_markdown_cells_are_inert() {
        assert_eq!(
            html_escape("<script>alert('x')</script> & \"y\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;y&quot;"
        );
        assert_eq!(md_cell("甲|乙\n<b>"), "甲\\|乙<br>&lt;b&gt;");
    }
}
