//! Writing the problem list in the shape offices send up the hierarchy: a title row, a note
//! row, the header row, one problem a row; printed on A4 landscape with the header row on
//! every page, wrapped text and rows tall enough for it. A last, hidden column (系统编号) holds
//! each finding's id, so importing the file again changes nothing.

use super::error::Result;
use super::header::LedgerField;
use crate::model::{Category, FindingKind, Status, TopicId};
use crate::report::SummaryFilter;
use crate::store::{FindingRow, FindingSort, Page, Store};
use chrono::NaiveDate;
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook};
use std::collections::HashMap;

/// The title export-table writes in the first row.
pub const TITLE: &str = "走访问题整改台账";

/// The formats a ledger is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    /// An Excel workbook.
    Xlsx,
    /// CSV in UTF-8 with a BOM (Excel and WPS open it as Chinese text).
    Csv,
}

impl ExportFormat {
    /// The format a file name says, if it is one of these.
    pub fn of(path: &std::path::Path) -> Option<ExportFormat> {
        match path.extension()?.to_string_lossy().to_lowercase().as_str() {
            "xlsx" => Some(ExportFormat::Xlsx),
            "csv" => Some(ExportFormat::Csv),
            _ => None,
        }
    }
}

/// Column widths (in Excel's character units) for each field, in [`LedgerField::ALL`] order.
const WIDTHS: &[f64] = &[
    5.0, 10.0, 28.0, 22.0, 28.0, 18.0, 13.0, 12.0, 8.0, 10.0, 10.0, 6.0, 13.0, 8.0, 38.0,
];

/// The problems in `filter`'s scope as a ledger file's bytes.
pub fn export_ledger(
    store: &Store,
    filter: &SummaryFilter,
    today: NaiveDate,
    format: ExportFormat,
) -> Result<Vec<u8>> {
    let rows = store.list_findings(
        &filter.finding_filter(&[FindingKind::Problem], today),
        FindingSort::Date,
        true,
        Page::ALL,
    )?;
    let topics: HashMap<TopicId, String> = store
        .topics()?
        .into_iter()
        .map(|t| (t.id, t.name_zh))
        .collect();
    let note = format!("导出日期：{}", today.format("%Y年%-m月%-d日"));
    let table: Vec<Vec<Value>> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| cells(i + 1, r, &topics))
        .collect();
    match format {
        ExportFormat::Csv => Ok(csv(&note, &table)),
        ExportFormat::Xlsx => xlsx(&note, &table),
    }
}

/// A cell to write.
enum Value {
    Text(String),
    Number(f64),
    Date(NaiveDate),
}

impl Value {
    fn text(&self) -> String {
        match self {
            Value::Text(t) => t.clone(),
            Value::Number(n) => n.to_string(),
            Value::Date(d) => d.format("%Y-%m-%d").to_string(),
        }
    }
}

/// One finding's cells, in [`LedgerField::ALL`] order.
fn cells(seq: usize, row: &FindingRow, topics: &HashMap<TopicId, String>) -> Vec<Value> {
    let f = &row.finding;
    let text = |s: &str| Value::Text(s.to_owned());
    let date = |d: Option<NaiveDate>| d.map_or(Value::Text(String::new()), Value::Date);
    LedgerField::ALL
        .iter()
        .map(|field| match field {
            LedgerField::Seq => Value::Number(seq as f64),
            LedgerField::Topic => Value::Text(
                f.topics
                    .iter()
                    .filter_map(|t| topics.get(t).cloned())
                    .collect::<Vec<_>>()
                    .join("、"),
            ),
            LedgerField::Title => text(&f.title),
            LedgerField::Detail => text(&f.detail),
            LedgerField::Measures => text(&f.measures),
            LedgerField::Target => text(&f.target),
            LedgerField::Deadline => match (f.deadline, f.category) {
                (None, Some(Category::LongTerm)) => text("长期坚持"),
                (d, _) => date(d),
            },
            LedgerField::OwnerUnit => text(&f.owner_unit),
            LedgerField::Owner => text(&f.owner),
            LedgerField::Category => {
                text(f.category.map_or("", |c| c.label(crate::i18n::Lang::Zh)))
            }
            LedgerField::Status => text(f.status.label(crate::i18n::Lang::Zh)),
            LedgerField::Closed => text(if f.status == Status::Closed {
                "是"
            } else {
                "否"
            }),
            LedgerField::ClosedOn => date(f.closed_on),
            LedgerField::VerifiedBy => text(&f.verified_by),
            LedgerField::Id => Value::Text(f.id.to_string()),
        })
        .collect()
}

fn csv(note: &str, table: &[Vec<Value>]) -> Vec<u8> {
    let quote = |s: &str| {
        if s.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_owned()
        }
    };
    let mut out = String::from("\u{feff}");
    out.push_str(&quote(TITLE));
    out.push_str("\r\n");
    out.push_str(&quote(note));
    out.push_str("\r\n");
    let headers: Vec<String> = LedgerField::ALL.iter().map(|f| quote(f.header())).collect();
    out.push_str(&headers.join(","));
    out.push_str("\r\n");
    for row in table {
        let line: Vec<String> = row.iter().map(|v| quote(&v.text())).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    out.into_bytes()
}

/// How wide text is in Excel's character units: a Chinese character counts two.
fn text_width(text: &str) -> f64 {
    text.chars()
        .map(|c| if c.is_ascii() { 1.0 } else { 2.0 })
        .sum()
}

/// Lines `text` takes in a column `width` characters wide, wrapped.
fn lines_in(text: &str, width: f64) -> f64 {
    let usable = (width - 1.0).max(1.0);
    text.split('\n')
        .map(|line| (text_width(line) / usable).ceil().max(1.0))
        .sum()
}

fn xlsx(note: &str, table: &[Vec<Value>]) -> Result<Vec<u8>> {
    let font = "宋体";
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("整改台账")?;
    let last_col = (LedgerField::ALL.len() - 2) as u16; // the id column is hidden
    let title = Format::new()
        .set_bold()
        .set_font_name(font)
        .set_font_size(16)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    let note_format = Format::new().set_font_name(font).set_font_size(10);
    let header = Format::new()
        .set_bold()
        .set_font_name(font)
        .set_font_size(10)
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_border(FormatBorder::Thin)
        .set_background_color("#D9E1F2");
    let body = Format::new()
        .set_font_name(font)
        .set_font_size(10)
        .set_text_wrap()
        .set_align(FormatAlign::VerticalCenter)
        .set_border(FormatBorder::Thin);
    let centred = body.clone().set_align(FormatAlign::Center);
    let date = centred.clone().set_num_format("yyyy\"年\"m\"月\"d\"日\"");
    sheet.merge_range(0, 0, 0, last_col, TITLE, &title)?;
    sheet.set_row_height(0, 30)?;
    sheet.merge_range(1, 0, 1, last_col, note, &note_format)?;
    for (col, field) in LedgerField::ALL.iter().enumerate() {
        let col = col as u16;
        sheet.set_column_width(col, WIDTHS[col as usize])?;
        sheet.write_string_with_format(2, col, field.header(), &header)?;
    }
    sheet.set_column_hidden(last_col + 1)?;
    sheet.set_row_height(2, 28)?;
    let centred_fields = [
        LedgerField::Seq,
        LedgerField::Topic,
        LedgerField::Owner,
        LedgerField::Category,
        LedgerField::Status,
        LedgerField::Closed,
        LedgerField::VerifiedBy,
    ];
    for (i, row) in table.iter().enumerate() {
        let r = (i + 3) as u32;
        let mut lines: f64 = 1.0;
        for (col, (value, field)) in row.iter().zip(LedgerField::ALL).enumerate() {
            let c = col as u16;
            let format = if centred_fields.contains(field) {
                &centred
            } else {
                &body
            };
            match value {
                Value::Date(d) => {
                    sheet.write_with_format(r, c, d, &date)?;
                }
                Value::Number(n) => {
                    sheet.write_number_with_format(r, c, *n, format)?;
                }
                Value::Text(t) => {
                    sheet.write_string_with_format(r, c, t, format)?;
                    if *field != LedgerField::Id {
                        lines = lines.max(lines_in(t, WIDTHS[col]));
                    }
                }
            }
        }
        // 10-point text takes about 13.5 points a line; a little air above and below.
        sheet.set_row_height(r, lines * 13.5 + 4.0)?;
    }
    sheet.set_landscape();
    sheet.set_paper_size(9); // A4
    sheet.set_margins(0.4, 0.4, 0.5, 0.6, 0.3, 0.3);
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_print_center_horizontally(true);
    sheet.set_repeat_rows(2, 2)?;
    sheet.set_freeze_panes(3, 0)?;
    sheet.set_footer("&C第 &P 页，共 &N 页");
    Ok(book.save_to_buffer()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_text_wraps_at_half_the_characters() {
        assert_eq!(lines_in("一二三四五", 11.0), 1.0);
        assert_eq!(lines_in("一二三四五六", 11.0), 2.0);
        assert_eq!(lines_in("ab\ncd", 10.0), 2.0);
    }
}
