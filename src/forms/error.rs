//! The forms layer's errors: a workbook's problems, each naming sheet, row and column, and
//! a response's violations, each naming the question.

use crate::i18n::{Lang, Localized};
use serde::Serialize;

/// One problem of a workbook, at a place a user can find in the spreadsheet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SheetProblem {
    /// The sheet (`survey`, `choices`, `settings`, or the file itself: empty).
    pub sheet: String,
    /// The row as the spreadsheet numbers it (1-based), when the problem has one.
    pub row: Option<usize>,
    /// The column header as written, when the problem has one.
    pub column: Option<String>,
    /// What is wrong, in Chinese.
    #[serde(skip)]
    pub zh: String,
    /// What is wrong, in English.
    #[serde(skip)]
    pub en: String,
}

impl SheetProblem {
    /// A problem at `sheet`, `row`, `column`.
    pub fn new(
        sheet: &str,
        row: Option<usize>,
        column: Option<&str>,
        zh: impl Into<String>,
        en: impl Into<String>,
    ) -> SheetProblem {
        SheetProblem {
            sheet: sheet.to_owned(),
            row,
            column: column.map(str::to_owned),
            zh: zh.into(),
            en: en.into(),
        }
    }

    /// The message alone, in `lang`.
    pub fn message(&self, lang: Lang) -> &str {
        lang.pick(&self.zh, &self.en)
    }

    /// The place, as a user reads it: `survey 第 5 行 constraint 列` / `survey, row 5, column constraint`.
    pub fn place(&self, lang: Lang) -> String {
        let mut parts = Vec::new();
        if !self.sheet.is_empty() {
            parts.push(match lang {
                Lang::Zh => format!("工作表 {}", self.sheet),
                Lang::En => format!("sheet {}", self.sheet),
            });
        }
        if let Some(row) = self.row {
            parts.push(match lang {
                Lang::Zh => format!("第 {row} 行"),
                Lang::En => format!("row {row}"),
            });
        }
        if let Some(column) = &self.column {
            parts.push(match lang {
                Lang::Zh => format!("{column} 列"),
                Lang::En => format!("column {column}"),
            });
        }
        parts.join(lang.pick(" ", ", "))
    }

    /// The JSON object `{"sheet","row","column","message"}` in `lang`.
    pub fn to_json(&self, lang: Lang) -> serde_json::Value {
        serde_json::json!({
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "message": self.message(lang),
        })
    }
}

impl Localized for SheetProblem {
    fn localized(&self, lang: Lang) -> String {
        let place = self.place(lang);
        if place.is_empty() {
            self.message(lang).to_owned()
        } else {
            format!("{place}{}{}", lang.pick("：", ": "), self.message(lang))
        }
    }
}

/// What can go wrong reading a form or checking a response.
#[derive(Debug, thiserror::Error)]
pub enum FormError {
    /// The workbook cannot be taken; every problem found is listed.
    #[error("the workbook has {} problem(s)", .0.len())]
    Workbook(Vec<SheetProblem>),
    /// The response breaks the form's rules; every violation is listed.
    #[error("the response breaks {} rule(s)", .0.len())]
    Response(Vec<Violation>),
    /// An export workbook could not be written.
    #[error("cannot write the workbook: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    /// Reading or writing the database failed.
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

impl Localized for FormError {
    fn localized(&self, lang: Lang) -> String {
        match self {
            FormError::Workbook(problems) => problems
                .iter()
                .map(|p| p.localized(lang))
                .collect::<Vec<_>>()
                .join("\n"),
            FormError::Response(violations) => violations
                .iter()
                .map(|v| v.localized(lang))
                .collect::<Vec<_>>()
                .join("\n"),
            FormError::Xlsx(e) => match lang {
                Lang::Zh => format!("无法写出工作簿：{e}"),
                Lang::En => format!("cannot write the workbook: {e}"),
            },
            FormError::Store(e) => e.localized(lang),
        }
    }
}

/// One rule a response breaks, naming the question by its label.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Violation {
    /// The question's name.
    pub question: String,
    /// The repeat row (1-based) when the question is inside a repeat.
    pub row: Option<usize>,
    /// The question's label in Chinese (its name when it has none).
    #[serde(skip)]
    pub label_zh: String,
    /// The question's label in English (its name when it has none).
    #[serde(skip)]
    pub label_en: String,
    /// What is wrong, in Chinese.
    #[serde(skip)]
    pub zh: String,
    /// What is wrong, in English.
    #[serde(skip)]
    pub en: String,
}

impl Violation {
    /// The JSON object `{"question","row","message"}` in `lang`.
    pub fn to_json(&self, lang: Lang) -> serde_json::Value {
        serde_json::json!({
            "question": self.question,
            "row": self.row,
            "message": self.localized(lang),
        })
    }
}

impl Localized for Violation {
    fn localized(&self, lang: Lang) -> String {
        let label = lang.pick(&self.label_zh, &self.label_en);
        let row = match (self.row, lang) {
            (Some(r), Lang::Zh) => format!("（第 {r} 行）"),
            (Some(r), Lang::En) => format!(" (row {r})"),
            (None, _) => String::new(),
        };
        match lang {
            Lang::Zh => format!("「{label}」{row}：{}", self.zh),
            Lang::En => format!("\"{label}\"{row}: {}", self.en),
        }
    }
}
