//! The ledger layer's one error type, the problems a row can have, and how both read to a user.

use crate::i18n::{Lang, Localized};
use crate::store::StoreError;
use serde::Serialize;
use std::path::PathBuf;

/// The ledger layer's result type.
pub type Result<T, E = LedgerError> = std::result::Result<T, E>;

/// What can go wrong reading, importing or writing a ledger.
#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    /// Reading or writing the database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The file could not be read.
    #[error("could not read the file ({0})")]
    Io(#[from] std::io::Error),
    /// The Excel writer refused the workbook.
    #[error("could not write the workbook: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    /// A file name whose extension is not a spreadsheet read here.
    #[error("not a ledger file (expected .xlsx, .xls, .ods or .csv): {path}", path = .0.display())]
    UnknownFormat(PathBuf),
    /// The workbook could not be opened.
    #[error("could not read the spreadsheet ({detail}): {path}", path = .path.display())]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// What the reader said.
        detail: String,
    },
    /// `--sheet` names no sheet of the workbook.
    #[error("no sheet named {sheet:?} (the workbook has: {sheets}): {path}", path = .path.display())]
    NoSuchSheet {
        /// The name asked for.
        sheet: String,
        /// The sheets there are.
        sheets: String,
        /// The file.
        path: PathBuf,
    },
    /// No row looks like a header row (问题表现, 整改措施 …).
    #[error(
        "no header row found in the first {0} rows (a row naming the problem column, e.g. 问题表现, and at least two other known columns); map columns with --map HEADER=FIELD: {path}",
        path = .1.display()
    )]
    NoHeader(usize, PathBuf),
    /// A `--map` entry that is not `HEADER=FIELD` with a known field.
    #[error("--map {0:?}: expected HEADER=FIELD with FIELD one of: {1}")]
    BadMap(String, String),
    /// The ledger has rows that cannot be read; nothing was written.
    #[error("{} row(s) of the ledger cannot be read; nothing was imported", .0.len())]
    BadRows(Vec<RowError>),
    /// Writing an output file failed.
    #[error("could not write the file ({1}): {path}", path = .0.display())]
    Write(PathBuf, std::io::Error),
}

impl Localized for LedgerError {
    fn localized(&self, lang: Lang) -> String {
        match (self, lang) {
            (LedgerError::Store(e), _) => e.localized(lang),
            (_, Lang::En) => self.to_string(),
            (LedgerError::Io(e), Lang::Zh) => format!("无法读取文件（{e}）"),
            (LedgerError::Xlsx(e), Lang::Zh) => format!("无法生成 Excel 工作簿：{e}"),
            (LedgerError::UnknownFormat(p), Lang::Zh) => format!(
                "不是台账文件（应为 .xlsx、.xls、.ods 或 .csv）：{}",
                p.display()
            ),
            (LedgerError::Unreadable { path, detail }, Lang::Zh) => {
                format!("无法读取表格（{detail}）：{}", path.display())
            }
            (
                LedgerError::NoSuchSheet {
                    sheet,
                    sheets,
                    path,
                },
                Lang::Zh,
            ) => format!(
                "没有名为“{sheet}”的工作表（现有：{sheets}）：{}",
                path.display()
            ),
            (LedgerError::NoHeader(n, path), Lang::Zh) => format!(
                "前 {n} 行中找不到表头行（应有问题列，如“问题表现”，以及至少两个其他可识别的列）；可用 --map 表头=字段 指定：{}",
                path.display()
            ),
            (LedgerError::BadMap(entry, fields), Lang::Zh) => {
                format!("--map {entry:?}：应为 表头=字段，字段可选：{fields}")
            }
            (LedgerError::BadRows(rows), Lang::Zh) => {
                format!("台账有 {} 行无法读取，未导入任何内容", rows.len())
            }
            (LedgerError::Write(path, e), Lang::Zh) => {
                format!("无法写入文件（{e}）：{}", path.display())
            }
        }
    }
}

/// One cell (or row) that cannot be read, where the user sees it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RowError {
    /// The row number shown by Excel/WPS (1 = the first row).
    pub row: usize,
    /// The column letter and its header, e.g. `F 整改时限` (empty for the whole row).
    pub column: String,
    /// What is wrong.
    pub problem: RowProblem,
}

impl RowError {
    /// The error as one line: `row 7, column F 整改时限: …`.
    pub fn line(&self, lang: Lang) -> String {
        let what = self.problem.localized(lang);
        match (lang, self.column.is_empty()) {
            (Lang::Zh, true) => format!("第 {} 行：{what}", self.row),
            (Lang::Zh, false) => format!("第 {} 行 {} 列：{what}", self.row, self.column),
            (Lang::En, true) => format!("row {}: {what}", self.row),
            (Lang::En, false) => format!("row {}, column {}: {what}", self.row, self.column),
        }
    }
}

/// Why a cell or row cannot be read.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "kebab-case")]
pub enum RowProblem {
    /// Not a date in any form read.
    BadDate(String),
    /// Not a rectification category.
    BadCategory(String),
    /// Not a status word.
    BadStatus(String),
    /// Neither yes nor no.
    BadYesNo(String),
    /// No topic of the catalogue has this name or code.
    UnknownTopic(String),
    /// A row with content but no problem text.
    NoTitle,
    /// The same key (序号) as an earlier row.
    DuplicateKey {
        /// The key.
        key: String,
        /// The earlier row.
        first_row: usize,
    },
    /// The finding would not be valid.
    Invalid(String),
}

impl Localized for RowProblem {
    fn localized(&self, lang: Lang) -> String {
        match (self, lang) {
            (RowProblem::BadDate(v), Lang::Zh) => format!(
                "无法识别的日期“{v}”（可写 2026年6月30日、2026.6.30、2026/6/30、2026-06-30 或 长期坚持）"
            ),
            (RowProblem::BadDate(v), Lang::En) => format!(
                "not a date: {v:?} (write 2026年6月30日, 2026.6.30, 2026/6/30, 2026-06-30 or 长期坚持)"
            ),
            (RowProblem::BadCategory(v), Lang::Zh) => {
                format!("无法识别的整改类别“{v}”（可选：立行立改、阶段性整改、长期整改）")
            }
            (RowProblem::BadCategory(v), Lang::En) => format!(
                "not a rectification category: {v:?} (expected 立行立改, 阶段性整改 or 长期整改)"
            ),
            (RowProblem::BadStatus(v), Lang::Zh) => format!(
                "无法识别的完成情况“{v}”（可选：未整改、整改中、阶段目标完成、已完成、已销号）"
            ),
            (RowProblem::BadStatus(v), Lang::En) => format!(
                "not a status: {v:?} (expected 未整改, 整改中, 阶段目标完成, 已完成 or 已销号)"
            ),
            (RowProblem::BadYesNo(v), Lang::Zh) => format!("应为“是”或“否”，而不是“{v}”"),
            (RowProblem::BadYesNo(v), Lang::En) => format!("expected 是 or 否, not {v:?}"),
            (RowProblem::UnknownTopic(v), Lang::Zh) => {
                format!("专题目录中没有“{v}”（按中文名称或代码匹配）")
            }
            (RowProblem::UnknownTopic(v), Lang::En) => {
                format!("no topic of the catalogue is named or coded {v:?}")
            }
            (RowProblem::NoTitle, Lang::Zh) => "该行有内容但没有问题表现".to_owned(),
            (RowProblem::NoTitle, Lang::En) => "the row has content but no problem".to_owned(),
            (RowProblem::DuplicateKey { key, first_row }, Lang::Zh) => {
                format!("序号“{key}”与第 {first_row} 行重复")
            }
            (RowProblem::DuplicateKey { key, first_row }, Lang::En) => {
                format!("the number {key:?} is already used in row {first_row}")
            }
            (RowProblem::Invalid(v), _) => v.clone(),
        }
    }
}
