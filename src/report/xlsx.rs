//! The workbook a team lead hands in: Summary (the figures, the paragraph, regions and units),
//! By topic, Problem list, Visits, Typical cases. Header rows frozen, autofilters on the lists,
//! dates as real dates, labels in the user's language.

use super::table::{
    CASE_COLUMNS, Cell, Column, PROBLEM_COLUMNS, VISIT_COLUMNS, case_cells, group_name,
    indented_name, problem_cells, visit_cells,
};
use super::{FIGURES, Figures, Report, Result, paragraph, print, title};
use crate::i18n::Lang;
use rust_xlsxwriter::{
    Color, DocProperties, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};

/// Excel's limit on the characters in one cell (UTF-16 units).
const MAX_CELL_CHARS: usize = 32_767;

/// Excel's limit on the rows of a sheet.
const EXCEL_MAX_ROWS: usize = 1_048_576;

/// The summary sheet's first column (figure and group names), in character units.
const SUMMARY_FIRST_WIDTH: f64 = 30.0;
/// The summary sheet's seven number columns.
const SUMMARY_OTHER_WIDTH: f64 = 9.0;
/// The summary sheet's width: the merged paragraph spans all eight columns.
const SUMMARY_WIDTH: f64 = SUMMARY_FIRST_WIDTH + 7.0 * SUMMARY_OTHER_WIDTH;

/// The width of a figure column of the by-topic sheet: numbers of a few digits under a
/// wrapped header, narrow so the sheet's twenty-odd columns print at a readable size.
const TOPIC_FIGURE_WIDTH: f64 = 8.0;

/// The formats the sheets share.
struct Formats {
    title: Format,
    header: Format,
    text: Format,
    wrap: Format,
    number: Format,
    date: Format,
    bold: Format,
    paragraph: Format,
    alert: Format,
}

impl Formats {
    fn new() -> Formats {
        let cell = Format::new()
            .set_border(FormatBorder::Thin)
            .set_border_color(Color::RGB(0xBFBFBF))
            .set_align(FormatAlign::VerticalCenter);
        Formats {
            title: Format::new().set_bold().set_font_size(16),
            header: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_background_color(Color::RGB(0xDDEBF7))
                .set_border(FormatBorder::Thin),
            text: cell.clone(),
            wrap: cell.clone().set_text_wrap(),
            number: cell.clone().set_num_format("0"),
            date: cell.clone().set_num_format("yyyy-mm-dd"),
            bold: Format::new().set_bold(),
            paragraph: Format::new()
                .set_text_wrap()
                .set_align(FormatAlign::Top)
                .set_border(FormatBorder::Thin),
            alert: cell.set_font_color(Color::RGB(0xC00000)).set_bold(),
        }
    }
}

/// The workbook as bytes.
pub(crate) fn write(report: &Report, lang: Lang) -> Result<Vec<u8>> {
    let fmt = Formats::new();
    let mut book = Workbook::new();
    book.set_properties(
        &DocProperties::new()
            .set_title(title(&report.summary, lang))
            .set_subject(report.summary.filter.describe(lang)),
    );
    summary_sheet(book.add_worksheet(), report, lang, &fmt)?;
    topic_sheet(book.add_worksheet(), report, lang, &fmt)?;

    let ws = book.add_worksheet();
    ws.set_name(lang.pick("问题清单", "Problem list"))?;
    let rows = report
        .problems
        .iter()
        .enumerate()
        .map(|(i, r)| problem_cells(report, i + 1, r, lang));
    list_sheet(ws, PROBLEM_COLUMNS, rows, lang, &fmt, Some(15))?;

    let ws = book.add_worksheet();
    ws.set_name(lang.pick("走访记录", "Visits"))?;
    let rows = report.visits.iter().map(|r| visit_cells(report, r, lang));
    list_sheet(ws, VISIT_COLUMNS, rows, lang, &fmt, None)?;

    let ws = book.add_worksheet();
    ws.set_name(lang.pick("典型案例", "Typical cases"))?;
    let rows = report
        .cases
        .iter()
        .enumerate()
        .map(|(i, r)| case_cells(report, i + 1, r, lang));
    list_sheet(ws, CASE_COLUMNS, rows, lang, &fmt, None)?;

    Ok(book.save_to_buffer()?)
}

/// Writes one typed cell.
fn put(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    cell: &Cell,
    wrap: bool,
    fmt: &Formats,
) -> Result<(), XlsxError> {
    match cell {
        Cell::Text(t) => {
            let t: String = if t.encode_utf16().count() > MAX_CELL_CHARS {
                t.chars().take(MAX_CELL_CHARS / 2).collect()
            } else {
                t.clone()
            };
            ws.write_string_with_format(row, col, t, if wrap { &fmt.wrap } else { &fmt.text })?;
        }
        Cell::Number(n) => {
            ws.write_number_with_format(row, col, *n as f64, &fmt.number)?;
        }
        Cell::Date(Some(d)) => {
            ws.write_date_with_format(row, col, *d, &fmt.date)?;
        }
        Cell::Date(None) => {
            ws.write_blank(row, col, &fmt.text)?;
        }
    }
    Ok(())
}

/// A list sheet: a header row (frozen, with an autofilter), then one row per record.
/// `alert_col` is a column whose non-empty cells stand out (the overdue flag).
fn list_sheet(
    ws: &mut Worksheet,
    columns: &[Column],
    rows: impl Iterator<Item = Vec<Cell>>,
    lang: Lang,
    fmt: &Formats,
    alert_col: Option<usize>,
) -> Result<()> {
    for (c, column) in columns.iter().enumerate() {
        let c = c as u16;
        ws.write_string_with_format(0, c, column.label(lang), &fmt.header)?;
        ws.set_column_width(c, column.width)?;
    }
    let header_height =
        print::fitting_height(columns.iter().map(|c| (c.label(lang), c.width))).max(32.0);
    ws.set_row_height(0, header_height)?;
    let mut last = 0u32;
    // Excel holds 1 048 576 rows; a longer list is cut there (the figures still count it all).
    for (r, cells) in rows.take(EXCEL_MAX_ROWS - 1).enumerate() {
        let r = r as u32 + 1;
        for (c, cell) in cells.iter().enumerate() {
            if alert_col == Some(c) && !cell.plain().is_empty() {
                ws.write_string_with_format(r, c as u16, cell.plain(), &fmt.alert)?;
            } else {
                put(ws, r, c as u16, cell, columns[c].wrap, fmt)?;
            }
        }
        let wrapped = cells.iter().zip(columns).filter(|(_, c)| c.wrap);
        let height = print::fitting_height(wrapped.filter_map(|(cell, column)| match cell {
            Cell::Text(t) => Some((t.as_str(), column.width)),
            _ => None,
        }));
        if height > print::row_height(1) {
            ws.set_row_height(r, height)?;
        }
        last = r;
    }
    ws.set_freeze_panes(1, 0)?;
    ws.autofilter(0, 0, last, columns.len().saturating_sub(1) as u16)?;
    let width: f64 = columns.iter().map(|c| c.width).sum();
    print::setup_page(ws, width, Some((0, 0)), lang)?;
    Ok(())
}

/// The first sheet: title, scope, the figures, the paragraph, regions and units.
fn summary_sheet(ws: &mut Worksheet, report: &Report, lang: Lang, fmt: &Formats) -> Result<()> {
    let s = &report.summary;
    ws.set_name(lang.pick("汇总", "Summary"))?;
    ws.set_column_width(0, SUMMARY_FIRST_WIDTH)?;
    for c in 1..=7 {
        ws.set_column_width(c, SUMMARY_OTHER_WIDTH)?;
    }
    ws.write_string_with_format(0, 0, title(s, lang), &fmt.title)?;
    ws.set_row_height(0, 24)?;
    ws.write_string(1, 0, s.filter.describe(lang))?;
    ws.write_string_with_format(2, 0, lang.pick("统计截至", "As of"), &fmt.bold)?;
    ws.write_date_with_format(2, 1, s.as_of, &fmt.date)?;

    let header = 4;
    ws.write_string_with_format(header, 0, lang.pick("指标", "Figure"), &fmt.header)?;
    ws.write_string_with_format(header, 1, lang.pick("数值", "Value"), &fmt.header)?;
    let mut row = header + 1;
    for def in FIGURES {
        ws.write_string_with_format(row, 0, def.label(lang), &fmt.text)?;
        ws.write_number_with_format(row, 1, (def.get)(&s.totals) as f64, &fmt.number)?;
        row += 1;
    }
    ws.set_freeze_panes(header + 1, 0)?;

    row += 1;
    ws.write_string_with_format(
        row,
        0,
        lang.pick("汇报材料段落", "Progress-report paragraph"),
        &fmt.bold,
    )?;
    row += 1;
    let text = paragraph(s, lang);
    ws.merge_range(row, 0, row, 7, &text, &fmt.paragraph)?;
    ws.set_row_height(row, print::fitting_height([(text.as_str(), SUMMARY_WIDTH)]))?;
    row += 2;

    let group_columns = [
        ("visits", lang.pick("走访次数", "Visits")),
        ("units_visited", lang.pick("走访单位", "Units")),
        ("people_interviewed", lang.pick("走访群众", "People")),
        ("problems", lang.pick("问题", "Problems")),
        ("closed", lang.pick("已销号", "Closed")),
        ("overdue", lang.pick("逾期", "Overdue")),
    ];
    let group = |ws: &mut Worksheet,
                 row: &mut u32,
                 (heading, first): (&str, &str),
                 rows: Vec<(String, &Figures)>|
     -> Result<()> {
        ws.write_string_with_format(*row, 0, heading, &fmt.bold)?;
        *row += 1;
        for (c, (_, label)) in group_columns.iter().enumerate() {
            ws.write_string_with_format(*row, c as u16 + 1, *label, &fmt.header)?;
        }
        ws.write_string_with_format(*row, 0, first, &fmt.header)?;
        *row += 1;
        for (name, figures) in rows {
            ws.write_string_with_format(*row, 0, name, &fmt.text)?;
            for (c, (key, _)) in group_columns.iter().enumerate() {
                let value = super::table::figure(figures, key);
                ws.write_number_with_format(*row, c as u16 + 1, value as f64, &fmt.number)?;
            }
            *row += 1;
        }
        *row += 1;
        Ok(())
    };
    group(
        ws,
        &mut row,
        (
            lang.pick("分地区", "By region"),
            lang.pick("地区", "Region"),
        ),
        s.by_region
            .iter()
            .map(|r| (group_name(&r.region, lang), &r.figures))
            .collect(),
    )?;
    group(
        ws,
        &mut row,
        (
            lang.pick("分责任单位（问题）", "By responsible unit (problems)"),
            lang.pick("责任单位", "Responsible unit"),
        ),
        s.by_owner_unit
            .iter()
            .map(|r| (group_name(&r.owner_unit, lang), &r.figures))
            .collect(),
    )?;
    // The title and scope head every page; the sheet is narrow enough for portrait.
    print::setup_page(ws, SUMMARY_WIDTH, Some((0, 1)), lang)?;
    Ok(())
}

/// The figures per topic, every figure a column.
fn topic_sheet(ws: &mut Worksheet, report: &Report, lang: Lang, fmt: &Formats) -> Result<()> {
    ws.set_name(lang.pick("分专题", "By topic"))?;
    ws.write_string_with_format(0, 0, lang.pick("专题", "Topic"), &fmt.header)?;
    ws.write_string_with_format(0, 1, lang.pick("专题代码", "Code"), &fmt.header)?;
    ws.set_column_width(0, 22)?;
    ws.set_column_width(1, 16)?;
    let mut header_height = 45.0_f64;
    for (i, def) in FIGURES.iter().enumerate() {
        let c = i as u16 + 2;
        // As a column header, "其中：立行立改" reads better as "立行立改".
        let label = def.label(lang).trim().trim_start_matches("其中：");
        ws.write_string_with_format(0, c, label, &fmt.header)?;
        ws.set_column_width(c, TOPIC_FIGURE_WIDTH)?;
        header_height = header_height.max(print::fitting_height([(label, TOPIC_FIGURE_WIDTH)]));
    }
    ws.set_row_height(0, header_height)?;
    let mut last = 0;
    for (r, t) in report.summary.by_topic.iter().enumerate() {
        let r = r as u32 + 1;
        ws.write_string_with_format(r, 0, indented_name(t, lang), &fmt.text)?;
        ws.write_string_with_format(r, 1, &t.code, &fmt.text)?;
        for (i, def) in FIGURES.iter().enumerate() {
            let value = (def.get)(&t.figures) as f64;
            ws.write_number_with_format(r, i as u16 + 2, value, &fmt.number)?;
        }
        last = r;
    }
    ws.set_freeze_panes(1, 1)?;
    ws.autofilter(0, 0, last, FIGURES.len() as u16 + 1)?;
    let width = 22.0 + 16.0 + TOPIC_FIGURE_WIDTH * FIGURES.len() as f64;
    print::setup_page(ws, width, Some((0, 0)), lang)?;
    Ok(())
}
