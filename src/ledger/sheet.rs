//! Reading a spreadsheet into a plain grid of cells: workbooks through calamine (with merged
//! cells filled into every cell they cover), CSV decoded from UTF-8 (with or without BOM) or
//! GBK/GB18030, the encoding Excel on a Chinese Windows saves in.

use super::error::{LedgerError, Result};
use calamine::{Data, Dimensions, Ods, Reader, Xls, Xlsx, open_workbook_from_rs};
use chrono::NaiveDate;
use std::io::Cursor;
use std::path::Path;

/// One cell's value as the ledger reader needs it.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Cell {
    /// Nothing in it.
    #[default]
    Empty,
    /// Text (CSV cells are always text).
    Text(String),
    /// A number (an Excel serial date may hide in one).
    Number(f64),
    /// A real date cell.
    Date(NaiveDate),
}

impl Cell {
    /// The cell as a person reads it: trimmed text, whole numbers without `.0`, dates as
    /// YYYY-MM-DD.
    pub fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(t) => t.trim().to_owned(),
            Cell::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
            Cell::Number(n) => n.to_string(),
            Cell::Date(d) => d.format("%Y-%m-%d").to_string(),
        }
    }

    /// Whether the cell holds nothing but blanks.
    pub fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(t) => t.trim().is_empty(),
            _ => false,
        }
    }
}

/// A sheet as rows of cells; `rows[0]` is the row the user sees as 1, `rows[r][0]` column A.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Grid {
    /// The sheet's name (the file's name for a CSV).
    pub sheet: String,
    /// The cells, row by row.
    pub rows: Vec<Vec<Cell>>,
    /// Whether merged regions were known (workbooks that record them); when not, an empty
    /// cell of the domain column inherits the one above.
    pub merges_known: bool,
}

impl Grid {
    /// The cell at (row, column), empty when outside the sheet.
    pub fn cell(&self, row: usize, col: usize) -> &Cell {
        static EMPTY: Cell = Cell::Empty;
        self.rows
            .get(row)
            .and_then(|r| r.get(col))
            .unwrap_or(&EMPTY)
    }

    /// The widest row's length.
    pub fn width(&self) -> usize {
        self.rows.iter().map(Vec::len).max().unwrap_or(0)
    }
}

/// The spreadsheet formats read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Excel 2007 and later.
    Xlsx,
    /// Excel 97–2003 (and WPS's default in many offices).
    Xls,
    /// OpenDocument (LibreOffice, WPS).
    Ods,
    /// Comma-separated text.
    Csv,
}

impl Format {
    /// The format a file name says.
    pub fn of(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_string_lossy().to_lowercase();
        match ext.as_str() {
            "xlsx" | "xlsm" => Some(Format::Xlsx),
            "xls" | "et" => Some(Format::Xls),
            "ods" => Some(Format::Ods),
            "csv" | "txt" => Some(Format::Csv),
            _ => None,
        }
    }
}

/// Reads one sheet of `bytes` (named `sheet`, or the first one) in `format`.
pub fn read_grid(bytes: &[u8], format: Format, sheet: Option<&str>, path: &Path) -> Result<Grid> {
    let bad = |e: &dyn std::fmt::Display| LedgerError::Unreadable {
        path: path.to_owned(),
        detail: e.to_string(),
    };
    let stem = || {
        path.file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    match format {
        Format::Csv => Ok(Grid {
            sheet: stem(),
            rows: parse_csv(&decode_text(bytes)),
            merges_known: false,
        }),
        Format::Xlsx => {
            let mut book: Xlsx<_> =
                open_workbook_from_rs(Cursor::new(bytes)).map_err(|e| bad(&e))?;
            let name = pick_sheet(&book.sheet_names(), sheet, path)?;
            let range = book.worksheet_range(&name).map_err(|e| bad(&e))?;
            let merges = book.merge_cells_by_sheet_name(&name).map_err(|e| bad(&e))?;
            Ok(to_grid(name, &range, Some(&merges)))
        }
        Format::Xls => {
            let mut book: Xls<_> =
                open_workbook_from_rs(Cursor::new(bytes)).map_err(|e| bad(&e))?;
            let name = pick_sheet(&book.sheet_names(), sheet, path)?;
            let range = book.worksheet_range(&name).map_err(|e| bad(&e))?;
            let merges = book.merge_cells_by_sheet_name(&name).map_err(|e| bad(&e))?;
            Ok(to_grid(name, &range, Some(&merges)))
        }
        Format::Ods => {
            let mut book: Ods<_> =
                open_workbook_from_rs(Cursor::new(bytes)).map_err(|e| bad(&e))?;
            let name = pick_sheet(&book.sheet_names(), sheet, path)?;
            let range = book.worksheet_range(&name).map_err(|e| bad(&e))?;
            Ok(to_grid(name, &range, None))
        }
    }
}

/// The sheet asked for, or the first.
fn pick_sheet(names: &[String], wanted: Option<&str>, path: &Path) -> Result<String> {
    match wanted {
        Some(w) => names
            .iter()
            .find(|n| n.trim() == w.trim())
            .cloned()
            .ok_or_else(|| LedgerError::NoSuchSheet {
                sheet: w.to_owned(),
                sheets: names.join(", "),
                path: path.to_owned(),
            }),
        None => names
            .first()
            .cloned()
            .ok_or_else(|| LedgerError::Unreadable {
                path: path.to_owned(),
                detail: "the workbook has no sheet".to_owned(),
            }),
    }
}

/// Copies a calamine range into a grid anchored at A1, filling merged regions.
fn to_grid(sheet: String, range: &calamine::Range<Data>, merges: Option<&[Dimensions]>) -> Grid {
    let (height, width) = match range.end() {
        Some((r, c)) => (r as usize + 1, c as usize + 1),
        None => (0, 0),
    };
    let mut rows = vec![vec![Cell::Empty; width]; height];
    for (r, c, value) in range.used_cells() {
        let (row, col) = match range.start() {
            Some((r0, c0)) => (r + r0 as usize, c + c0 as usize),
            None => (r, c),
        };
        if let Some(slot) = rows.get_mut(row).and_then(|x| x.get_mut(col)) {
            *slot = convert(value);
        }
    }
    for region in merges.unwrap_or_default() {
        let (r0, c0) = (region.start.0 as usize, region.start.1 as usize);
        let value = rows
            .get(r0)
            .and_then(|r| r.get(c0))
            .cloned()
            .unwrap_or_default();
        for r in r0..=region.end.0 as usize {
            for c in c0..=region.end.1 as usize {
                if let Some(slot) = rows.get_mut(r).and_then(|x| x.get_mut(c)) {
                    *slot = value.clone();
                }
            }
        }
    }
    Grid {
        sheet,
        rows,
        merges_known: merges.is_some(),
    }
}

fn convert(value: &Data) -> Cell {
    match value {
        Data::Empty | Data::Error(_) => Cell::Empty,
        Data::String(s) => Cell::Text(s.clone()),
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(f) => Cell::Number(*f),
        Data::Bool(b) => Cell::Text(if *b { "是" } else { "否" }.to_owned()),
        Data::DateTime(dt) => match dt.as_datetime() {
            Some(t) if dt.is_datetime() => Cell::Date(t.date()),
            _ => Cell::Number(dt.as_f64()),
        },
        Data::DateTimeIso(s) => {
            match NaiveDate::parse_from_str(s.get(..10).unwrap_or(s), "%Y-%m-%d") {
                Ok(d) => Cell::Date(d),
                Err(_) => Cell::Text(s.clone()),
            }
        }
        Data::DurationIso(s) => Cell::Text(s.clone()),
    }
}

/// Text of a CSV file: UTF-8 when it has the BOM or is valid UTF-8, else GB18030 (which
/// covers GBK), the encoding of a CSV saved by Excel on a Chinese Windows.
pub fn decode_text(bytes: &[u8]) -> String {
    if let Some((encoding, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
        return text.into_owned();
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => encoding_rs::GB18030
            .decode_without_bom_handling(bytes)
            .0
            .into_owned(),
    }
}

/// Splits CSV text into rows of text cells (RFC 4180: quotes, doubled quotes, line breaks
/// inside quotes). A tab-separated file is read too, when its first line has tabs and no commas.
pub fn parse_csv(text: &str) -> Vec<Vec<Cell>> {
    let first = text.lines().next().unwrap_or("");
    let sep = if first.contains('\t') && !first.contains(',') {
        '\t'
    } else {
        ','
    };
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() => quoted = true,
            c if c == sep => row.push(text_cell(std::mem::take(&mut field))),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => {
                row.push(text_cell(std::mem::take(&mut field)));
                rows.push(std::mem::take(&mut row));
            }
            _ => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(text_cell(field));
        rows.push(row);
    }
    rows
}

fn text_cell(text: String) -> Cell {
    if text.is_empty() {
        Cell::Empty
    } else {
        Cell::Text(text)
    }
}

/// The column letters a spreadsheet shows for a 0-based column (0 → A, 26 → AA).
pub fn column_letter(col: usize) -> String {
    let mut n = col + 1;
    let mut out = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        out.push(char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    out.iter().rev().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters_follow_the_spreadsheet() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
    }

    #[test]
    fn csv_reads_quotes_and_line_breaks() {
        let rows = parse_csv("a,\"b,1\",\"say \"\"hi\"\"\"\r\n\"two\nlines\",,x\n");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0][1].text(), "b,1");
        assert_eq!(rows[0][2].text(), "say \"hi\"");
        assert_eq!(rows[1][0].text(), "two\nlines");
        assert!(rows[1][1].is_blank());
    }

    #[test]
    fn gbk_and_bom_are_decoded() {
        let (gbk, _, _) = encoding_rs::GBK.encode("序号,问题表现");
        assert_eq!(decode_text(&gbk), "序号,问题表现");
        let mut bom = b"\xef\xbb\xbf".to_vec();
        bom.extend_from_slice("序号".as_bytes());
        assert_eq!(decode_text(&bom), "序号");
    }
}
