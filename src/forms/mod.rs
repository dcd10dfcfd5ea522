//! Questionnaires and inspection checklists authored in XLSForm (xlsform.org): reading
//! workbooks ([`xlsform`]), one expression engine ([`expr`]), and checking responses
//! ([`validate`]), including the checklist items that raise problem findings; forms and
//! responses kept as records ([`record`], [`response`], [`paths`]).

pub mod answers;
pub mod builtin;
mod checks;
mod columns;
pub mod definition;
pub mod error;
pub mod export;
pub mod export_csv;
pub mod export_xlsx;
pub mod expr;
pub mod incoming;
pub mod json;
pub mod paths;
pub mod record;
pub mod response;
pub mod results;
pub mod results_store;
pub mod typecheck;
pub mod types;
pub mod validate;
pub mod workbook;
pub mod xlsform;

pub use answers::{Answer, Answers, answers_from_json};
pub use definition::{
    Choice, FindingRule, FindingSpec, FormDefinition, Question, Required, Translated,
};
pub use error::{FormError, SheetProblem, Violation};
pub use export::{ExportResponse, ExportValue, export_tables};
pub use export_csv::write_csv;
pub use export_xlsx::write_xlsx;
pub use types::QuestionType;
pub use validate::{Checked, FindingMatch, Validator, fill_metadata};
pub use xlsform::{read_file, read_workbook};
