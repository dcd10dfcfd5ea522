//! The report layer's one error type, and how each error reads to a user.

use crate::i18n::{Lang, Localized};
use crate::store::StoreError;

/// What can go wrong when summarising or writing a document.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// Reading the database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The Excel writer refused the workbook.
    #[error("could not write the workbook: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    /// The Word document could not be packed.
    #[error("could not write the document: {0}")]
    Zip(#[from] zip::result::ZipError),
    /// The chart picture could not be drawn.
    #[error("could not draw the chart: {0}")]
    Chart(String),
    /// A file-system error while packing.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// A period that ends before it starts.
    #[error("the end date {until} is before the start date {since}")]
    PeriodReversed {
        /// The start date.
        since: chrono::NaiveDate,
        /// The end date.
        until: chrono::NaiveDate,
    },
}

impl Localized for ReportError {
    fn localized(&self, lang: Lang) -> String {
        match (self, lang) {
            (ReportError::Store(e), _) => e.localized(lang),
            (_, Lang::En) => self.to_string(),
            (ReportError::Xlsx(e), Lang::Zh) => format!("无法生成 Excel 工作簿：{e}"),
            (ReportError::Zip(e), Lang::Zh) => format!("无法生成 Word 文档：{e}"),
            (ReportError::Chart(e), Lang::Zh) => format!("无法绘制统计图：{e}"),
            (ReportError::Io(e), Lang::Zh) => format!("文件错误：{e}"),
            (ReportError::PeriodReversed { since, until }, Lang::Zh) => {
                format!("结束日期 {until} 早于开始日期 {since}")
            }
        }
    }
}
