//! Opening an .xlsx or .xls workbook safely: sizes checked before the spreadsheet reader
//! sees the bytes, and every sheet turned into rows of text.

use super::error::SheetProblem;
use calamine::{Data, Reader, Xls, Xlsx};
use std::io::{Cursor, Read};

/// Largest workbook file accepted, in bytes.
pub const MAX_WORKBOOK_BYTES: u64 = 16 << 20;
/// Largest total of a workbook's decompressed parts, in bytes (zip bombs stop here).
pub const MAX_UNCOMPRESSED_BYTES: u64 = 64 << 20;
/// Most parts an .xlsx may hold.
pub const MAX_ZIP_ENTRIES: usize = 2_000;
/// Most rows a sheet may hold (empty rows included).
pub const MAX_SHEET_ROWS: usize = 20_000;
/// Most columns a sheet may hold.
pub const MAX_SHEET_COLUMNS: usize = 500;

/// One sheet as text: the first row is the header.
#[derive(Clone, Debug, Default)]
pub struct Sheet {
    /// The sheet's name as the workbook spells it.
    pub name: String,
    /// Cells as text, trimmed, empty for blank cells.
    pub rows: Vec<Vec<String>>,
    /// The spreadsheet's number (1-based) of `rows[0]`.
    pub first_row: usize,
}

fn file_problem(zh: String, en: String) -> SheetProblem {
    SheetProblem::new("", None, None, zh, en)
}

/// Checks the .xlsx container before anything parses it: entry count, declared sizes, and
/// the bytes each entry really inflates to, all within bounds.
fn check_zip(bytes: &[u8]) -> Result<(), SheetProblem> {
    let unreadable = |e: &dyn std::fmt::Display| {
        file_problem(
            format!("无法读取工作簿（zip 格式有误）：{e}"),
            format!("cannot read the workbook (bad zip container): {e}"),
        )
    };
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
    if archive.len() > MAX_ZIP_ENTRIES {
        return Err(file_problem(
            format!(
                "工作簿包含 {} 个部件，超过上限 {MAX_ZIP_ENTRIES}",
                archive.len()
            ),
            format!(
                "the workbook holds {} parts, more than {MAX_ZIP_ENTRIES}",
                archive.len()
            ),
        ));
    }
    let too_big = || {
        file_problem(
            format!(
                "工作簿解压后超过 {} MiB，拒绝读取",
                MAX_UNCOMPRESSED_BYTES >> 20
            ),
            format!(
                "the workbook inflates to more than {} MiB; refused",
                MAX_UNCOMPRESSED_BYTES >> 20
            ),
        )
    };
    let mut declared: u64 = 0;
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i).map_err(|e| unreadable(&e))?;
        declared = declared.saturating_add(entry.size());
    }
    if declared > MAX_UNCOMPRESSED_BYTES {
        return Err(too_big());
    }
    // Declared sizes can lie: inflate each part into nothing, counting what really comes out.
    let mut inflated: u64 = 0;
    for i in 0..archive.len() {
        let entry = archive.by_index(i).map_err(|e| unreadable(&e))?;
        let budget = MAX_UNCOMPRESSED_BYTES - inflated;
        let n = std::io::copy(&mut entry.take(budget + 1), &mut std::io::sink())
            .map_err(|e| unreadable(&e))?;
        inflated += n;
        if inflated > MAX_UNCOMPRESSED_BYTES {
            return Err(too_big());
        }
    }
    Ok(())
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.trim().to_owned(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => super::expr::number_to_string(*f),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_owned(),
        Data::DateTime(dt) => dt.as_datetime().map_or_else(
            || dt.as_f64().to_string(),
            |d| {
                if d.time() == chrono::NaiveTime::MIN {
                    d.date().format("%Y-%m-%d").to_string()
                } else {
                    d.format("%Y-%m-%dT%H:%M:%S").to_string()
                }
            },
        ),
        Data::Error(e) => format!("#{e:?}"),
    }
}

fn sheets_of<R>(mut book: R) -> Result<Vec<Sheet>, SheetProblem>
where
    R: Reader<Cursor<Vec<u8>>>,
    R::Error: std::fmt::Display,
{
    let mut out = Vec::new();
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).map_err(|e| {
            SheetProblem::new(
                &name,
                None,
                None,
                format!("无法读取该工作表：{e}"),
                format!("cannot read this sheet: {e}"),
            )
        })?;
        let (height, width) = range.get_size();
        if height > MAX_SHEET_ROWS || width > MAX_SHEET_COLUMNS {
            return Err(SheetProblem::new(
                &name,
                None,
                None,
                format!(
                    "工作表有 {height} 行 {width} 列，超过上限（{MAX_SHEET_ROWS} 行、{MAX_SHEET_COLUMNS} 列）"
                ),
                format!(
                    "the sheet has {height} rows and {width} columns, more than the limits ({MAX_SHEET_ROWS} rows, {MAX_SHEET_COLUMNS} columns)"
                ),
            ));
        }
        let (row0, col0) = range.start().unwrap_or((0, 0));
        // Cells left of the used range still count as columns: pad so column indices hold.
        let rows = range
            .rows()
            .map(|r| {
                let mut cells = vec![String::new(); col0 as usize];
                cells.extend(r.iter().map(cell_text));
                cells
            })
            .collect();
        out.push(Sheet {
            name,
            rows,
            first_row: row0 as usize + 1,
        });
    }
    Ok(out)
}

/// Reads every sheet of an .xlsx or .xls workbook held in `bytes`.
pub fn read_sheets(bytes: Vec<u8>) -> Result<Vec<Sheet>, SheetProblem> {
    if bytes.len() as u64 > MAX_WORKBOOK_BYTES {
        return Err(file_problem(
            format!("工作簿超过 {} MiB，拒绝读取", MAX_WORKBOOK_BYTES >> 20),
            format!(
                "the workbook is larger than {} MiB; refused",
                MAX_WORKBOOK_BYTES >> 20
            ),
        ));
    }
    let unreadable = |e: &dyn std::fmt::Display| {
        file_problem(
            format!("无法读取工作簿：{e}"),
            format!("cannot read the workbook: {e}"),
        )
    };
    if bytes.starts_with(b"PK") {
        check_zip(&bytes)?;
        let book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
        sheets_of(book)
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        let book: Xls<_> = Xls::new(Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
        sheets_of(book)
    } else {
        Err(file_problem(
            "这不是 Excel 工作簿（.xlsx 或 .xls）".to_owned(),
            "this is not an Excel workbook (.xlsx or .xls)".to_owned(),
        ))
    }
}
