//! The problem list as CSV: UTF-8 with a byte-order mark (so Excel and WPS read the Chinese
//! correctly), CRLF line ends, RFC 4180 quoting.

use super::Report;
use super::table::{Cell, PROBLEM_COLUMNS, problem_cells};
use crate::i18n::Lang;

/// The UTF-8 byte-order mark Excel looks for.
const BOM: char = '\u{feff}';

/// The problem list as CSV text, starting with the BOM.
pub(crate) fn problem_list(report: &Report, lang: Lang) -> String {
    let mut out = String::new();
    out.push(BOM);
    let header: Vec<Cell> = PROBLEM_COLUMNS
        .iter()
        .map(|c| Cell::Text(c.label(lang).to_owned()))
        .collect();
    push_record(&mut out, &header);
    for (i, row) in report.problems.iter().enumerate() {
        push_record(&mut out, &problem_cells(report, i + 1, row, lang));
    }
    out
}

pub(crate) fn push_record(out: &mut String, cells: &[Cell]) {
    for (i, cell) in cells.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&field(cell));
    }
    out.push_str("\r\n");
}

/// One field, quoted when it holds a comma, a quote or a line break. Free text that starts like
/// a formula (`=`, `+`, `-`, `@`) gets a leading apostrophe so a spreadsheet shows it as text
/// instead of running it (records can come from other people's bundles).
fn field(cell: &Cell) -> String {
    let mut text = cell.plain();
    if cell.is_text() && text.starts_with(['=', '+', '-', '@']) {
        text.insert(0, '\'');
    }
    if text.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_only_what_needs_it() {
        assert_eq!(field(&Cell::Text("养老院".into())), "养老院");
        assert_eq!(field(&Cell::Text("甲,乙".into())), "\"甲,乙\"");
        assert_eq!(
            field(&Cell::Text("他说\"好\"".into())),
            "\"他说\"\"好\"\"\""
        );
        assert_eq!(field(&Cell::Text("一\n二".into())), "\"一\n二\"");
        assert_eq!(field(&Cell::Number(-3)), "-3");
        assert_eq!(field(&Cell::Date(None)), "");
    }

    #[test]
    fn formula_like_text_stays_text() {
        assert_eq!(field(&Cell::Text("=1+1".into())), "'=1+1");
        assert_eq!(field(&Cell::Text("@SUM(A1)".into())), "'@SUM(A1)");
    }
}
