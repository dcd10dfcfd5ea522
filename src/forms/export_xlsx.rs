//! A form's export workbook in KoboToolbox's conventions: the responses sheet (named after the
//! form), one sheet per repeat, then a results sheet. Every table sheet has two header rows —
//! the labels in the user's language, then the XLSForm names (what Kobo calls the "XML values
//! and headers") — frozen, with an autofilter on the names row; numbers are numbers and dates
//! are dates.

use super::FormDefinition;
use super::error::FormError;
use super::export::{ExportResponse, ExportTable, ExportValue, export_tables};
use super::results::FormResults;
use crate::i18n::Lang;
use rust_xlsxwriter::{Color, DocProperties, Format, FormatBorder, Workbook, Worksheet};
use std::collections::HashSet;

/// Excel's limit on the characters in one cell (UTF-16 units).
const MAX_CELL_CHARS: usize = 32_767;

/// Excel's limit on the rows of a sheet.
const EXCEL_MAX_ROWS: usize = 1_048_576;

/// Excel's limit on a sheet name's length.
const MAX_SHEET_NAME: usize = 31;

/// The header rows above a table's data: labels, then names.
const HEADER_ROWS: u32 = 2;

struct Formats {
    label: Format,
    name: Format,
    number: Format,
    date: Format,
    datetime: Format,
    title: Format,
}

impl Formats {
    fn new() -> Formats {
        Formats {
            label: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_background_color(Color::RGB(0xDDEBF7))
                .set_border(FormatBorder::Thin),
            name: Format::new()
                .set_italic()
                .set_font_color(Color::RGB(0x595959))
                .set_background_color(Color::RGB(0xF2F2F2))
                .set_border(FormatBorder::Thin),
            number: Format::new().set_num_format("General"),
            date: Format::new().set_num_format("yyyy-mm-dd"),
            datetime: Format::new().set_num_format("yyyy-mm-dd hh:mm:ss"),
            title: Format::new().set_bold().set_font_size(14),
        }
    }
}

/// A sheet name Excel accepts, unique among `taken` (compared case-insensitively as Excel does).
fn sheet_name(wanted: &str, taken: &mut HashSet<String>) -> String {
    let clean: String = wanted
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .collect();
    let clean = clean.trim_matches('\'').trim();
    let base: String = if clean.is_empty() {
        "sheet".to_owned()
    } else {
        clean.chars().take(MAX_SHEET_NAME).collect()
    };
    let mut name = base.clone();
    let mut n = 2;
    while taken.contains(&name.to_lowercase()) || name.eq_ignore_ascii_case("history") {
        let suffix = format!(" ({n})");
        let keep = MAX_SHEET_NAME - suffix.chars().count();
        name = format!("{}{suffix}", base.chars().take(keep).collect::<String>());
        n += 1;
    }
    taken.insert(name.to_lowercase());
    name
}

fn clip(text: &str) -> String {
    if text.encode_utf16().count() > MAX_CELL_CHARS {
        text.chars().take(MAX_CELL_CHARS / 2).collect()
    } else {
        text.to_owned()
    }
}

fn put(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    value: &ExportValue,
    fmt: &Formats,
) -> Result<(), FormError> {
    match value {
        ExportValue::Empty => {}
        // Answers come from other people's bundles: always strings, never formulas.
        ExportValue::Text(t) => {
            ws.write_string(row, col, clip(t))?;
        }
        ExportValue::Number(n) => {
            ws.write_number_with_format(row, col, *n, &fmt.number)?;
        }
        ExportValue::Date(d) => {
            ws.write_date_with_format(row, col, *d, &fmt.date)?;
        }
        ExportValue::DateTime(d) => {
            ws.write_datetime_with_format(row, col, *d, &fmt.datetime)?;
        }
        ExportValue::Bool(b) => {
            ws.write_boolean(row, col, *b)?;
        }
    }
    Ok(())
}

/// Columns a text takes (Chinese characters two).
fn text_width(text: &str) -> usize {
    text.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

/// How wide a value shows: dates and times whole (Excel shows `###` otherwise).
fn value_width(value: &ExportValue) -> usize {
    match value {
        ExportValue::Empty => 0,
        ExportValue::Date(_) => 10,
        ExportValue::DateTime(_) => 19,
        ExportValue::Bool(_) => 5,
        other => text_width(&other.plain()),
    }
}

/// Rows looked at to size the columns.
const ROWS_SIZED: usize = 500;

fn table_sheet(ws: &mut Worksheet, table: &ExportTable, fmt: &Formats) -> Result<(), FormError> {
    for (c, header) in table.headers.iter().enumerate() {
        let widest = table
            .rows
            .iter()
            .take(ROWS_SIZED)
            .filter_map(|r| r.get(c).map(value_width))
            .chain([text_width(&header.label), text_width(&header.name)])
            .max()
            .unwrap_or(0);
        let c = c as u16;
        ws.set_column_width(c, (widest.clamp(6, 40) + 2) as f64)?;
        ws.write_string_with_format(0, c, clip(&header.label), &fmt.label)?;
    }
    // Rows are written in order, each whole before the next: the sheet is streamed to disk.
    for (c, header) in table.headers.iter().enumerate() {
        ws.write_string_with_format(1, c as u16, clip(&header.name), &fmt.name)?;
    }
    let mut last = HEADER_ROWS - 1;
    // A sheet holds 1 048 576 rows; a longer table is cut there (the results count it all).
    for (r, cells) in table
        .rows
        .iter()
        .take(EXCEL_MAX_ROWS - HEADER_ROWS as usize)
        .enumerate()
    {
        let r = r as u32 + HEADER_ROWS;
        for (c, value) in cells.iter().enumerate() {
            put(ws, r, c as u16, value, fmt)?;
        }
        last = r;
    }
    ws.set_freeze_panes(HEADER_ROWS, 0)?;
    ws.set_landscape();
    ws.set_repeat_rows(0, HEADER_ROWS - 1)?;
    if !table.headers.is_empty() {
        ws.autofilter(1, 0, last, table.headers.len() as u16 - 1)?;
    }
    Ok(())
}

/// The results sheet: one row per choice of each select question (its count) and one per
/// number question (n, min, max, mean), under a line giving the form and the responses counted.
fn results_sheet(
    ws: &mut Worksheet,
    def: &FormDefinition,
    results: &FormResults,
    lang: Lang,
    fmt: &Formats,
) -> Result<(), FormError> {
    let title = match lang {
        Lang::Zh => format!("{}：共 {} 份回答", def.title, results.responses),
        Lang::En => format!("{}: {} responses", def.title, results.responses),
    };
    ws.write_string_with_format(0, 0, clip(&title), &fmt.title)?;
    let headers = [
        ("题目名", "Name"),
        ("题目", "Question"),
        ("类型", "Type"),
        ("选项", "Choice"),
        ("选项标签", "Choice label"),
        ("计数", "Count"),
        ("有效回答数", "n"),
        ("最小值", "Min"),
        ("最大值", "Max"),
        ("平均值", "Mean"),
    ];
    let header_row = 2;
    for (c, (zh, en)) in headers.iter().enumerate() {
        ws.write_string_with_format(header_row, c as u16, lang.pick(zh, en), &fmt.label)?;
    }
    for (c, width) in [16.0, 30.0, 14.0, 14.0, 20.0, 8.0, 10.0, 10.0, 10.0, 10.0]
        .into_iter()
        .enumerate()
    {
        ws.set_column_width(c as u16, width)?;
    }
    let mut row = header_row + 1;
    for result in &results.questions {
        let q = def.question(&result.name);
        let label = q.map_or(result.name.as_str(), |q| def.label(q, lang));
        let lead = |ws: &mut Worksheet, row: u32| -> Result<(), FormError> {
            ws.write_string(row, 0, clip(&result.name))?;
            ws.write_string(row, 1, clip(label))?;
            ws.write_string(row, 2, result.kind)?;
            Ok(())
        };
        if let Some(counts) = &result.counts {
            let choices = q.map(|q| def.choices_of(q)).unwrap_or_default();
            // The list's order, as the form shows it; values outside the list (`or_other`) last.
            let mut ordered: Vec<(&String, &usize)> = choices
                .iter()
                .filter_map(|c| counts.get_key_value(&c.name))
                .collect();
            ordered.extend(
                counts
                    .iter()
                    .filter(|(name, _)| !choices.iter().any(|c| &c.name == *name)),
            );
            for (choice, count) in ordered {
                lead(ws, row)?;
                ws.write_string(row, 3, clip(choice))?;
                let choice_label = choices
                    .iter()
                    .find(|c| &c.name == choice)
                    .and_then(|c| c.label.pick(lang, def.default_language.as_deref()))
                    .unwrap_or(choice);
                ws.write_string(row, 4, clip(choice_label))?;
                ws.write_number(row, 5, *count as f64)?;
                row += 1;
            }
        }
        if let Some(stats) = &result.stats {
            lead(ws, row)?;
            ws.write_number(row, 6, stats.n as f64)?;
            for (c, value) in [(7, stats.min), (8, stats.max), (9, stats.mean)] {
                if let Some(v) = value {
                    ws.write_number(row, c, v)?;
                }
            }
            row += 1;
        }
    }
    ws.set_freeze_panes(header_row + 1, 0)?;
    ws.autofilter(header_row, 0, row.saturating_sub(1).max(header_row), 9)?;
    // Printed, the results fit the page's width, their header on every page.
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(header_row, header_row)?;
    Ok(())
}

/// The export workbook of `responses` to `def`, with `results` on its last sheet, labels in
/// `lang`.
pub fn write_xlsx(
    def: &FormDefinition,
    responses: &[ExportResponse],
    results: &FormResults,
    lang: Lang,
) -> Result<Vec<u8>, FormError> {
    let fmt = Formats::new();
    let mut book = Workbook::new();
    book.set_properties(&DocProperties::new().set_title(&def.title));
    let mut taken = HashSet::new();
    let tables = export_tables(def, responses, lang);
    // Repeats' sheets carry their names (scripts find them by name), so they are named first;
    // the responses sheet carries the form's title, as Kobo names it, made unique after them.
    let mut names: Vec<String> = tables
        .iter()
        .skip(1)
        .map(|t| sheet_name(&t.name, &mut taken))
        .collect();
    names.insert(0, sheet_name(&def.title, &mut taken));
    for (table, name) in tables.iter().zip(names) {
        // Written row by row to a temporary file: 100 000 responses stay within a few hundred
        // megabytes instead of holding every cell until the end.
        let ws = book.add_worksheet_with_constant_memory()?;
        ws.set_name(name)?;
        table_sheet(ws, table, &fmt)?;
    }
    let ws = book.add_worksheet();
    ws.set_name(sheet_name(lang.pick("结果", "results"), &mut taken))?;
    results_sheet(ws, def, results, lang, &fmt)?;
    Ok(book.save_to_buffer()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_legal_and_unique() {
        let mut taken = HashSet::new();
        assert_eq!(sheet_name("a/b:c", &mut taken), "a_b_c");
        assert_eq!(sheet_name("A_B_C", &mut taken), "A_B_C (2)");
        let long = "长".repeat(40);
        let name = sheet_name(&long, &mut taken);
        assert_eq!(name.chars().count(), MAX_SHEET_NAME);
        let again = sheet_name(&long, &mut taken);
        assert!(again.ends_with(" (2)") && again.chars().count() == MAX_SHEET_NAME);
        assert_eq!(sheet_name("history", &mut taken), "history (2)");
        assert_eq!(sheet_name("''", &mut taken), "sheet");
    }
}
