//! A form's responses table as CSV: UTF-8 with a byte-order mark (so Excel and WPS read the
//! Chinese), CRLF line ends, RFC 4180 quoting, one header row of XLSForm names (Kobo's "XML
//! values and headers": stable whatever the language, what statistics software reads).

use super::FormDefinition;
use super::export::{ExportResponse, ExportValue, export_tables};
use crate::i18n::Lang;

/// The UTF-8 byte-order mark Excel looks for.
const BOM: char = '\u{feff}';

/// One field, quoted when it holds a comma, a quote or a line break. Text that starts like a
/// formula (`=`, `+`, `-`, `@`) gets a leading apostrophe so a spreadsheet shows it instead of
/// running it (answers can come from other people's bundles); numbers are left as they are.
fn field(value: &ExportValue) -> String {
    let mut text = value.plain();
    if matches!(value, ExportValue::Text(_)) && text.starts_with(['=', '+', '-', '@']) {
        text.insert(0, '\'');
    }
    if text.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

fn push_record(out: &mut String, fields: impl Iterator<Item = String>) {
    for (i, f) in fields.enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&f);
    }
    out.push_str("\r\n");
}

/// The responses of `def` as CSV text starting with the BOM (repeats are in the XLSX export).
pub fn write_csv(def: &FormDefinition, responses: &[ExportResponse]) -> String {
    let tables = export_tables(def, responses, Lang::En);
    let mut out = String::new();
    out.push(BOM);
    if let Some(table) = tables.first() {
        push_record(
            &mut out,
            table
                .headers
                .iter()
                .map(|h| field(&ExportValue::Text(h.name.clone()))),
        );
        for row in &table.rows {
            push_record(&mut out, row.iter().map(field));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_numbers_are_not() {
        assert_eq!(field(&ExportValue::Text("=1+1".into())), "'=1+1");
        assert_eq!(field(&ExportValue::Text("@SUM(A1)".into())), "'@SUM(A1)");
        assert_eq!(field(&ExportValue::Number(-3.5)), "-3.5");
        assert_eq!(field(&ExportValue::Number(4.0)), "4");
        assert_eq!(field(&ExportValue::Text("甲,乙".into())), "\"甲,乙\"");
        assert_eq!(field(&ExportValue::Text("a\"b".into())), "\"a\"\"b\"");
    }
}
