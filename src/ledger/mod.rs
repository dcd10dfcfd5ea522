//! Office ledgers (问题清单 / 整改台账) in and out: the spreadsheets offices keep in Excel, WPS
//! or CSV, read into findings (and read again without duplicating), and written back in the
//! same shape. docs/ledgers.md describes the headers, the date forms and the re-import rule.
//!
//! - [`sheet`]: a file (xlsx, xls, ods, csv in UTF-8 or GBK) as a grid of cells;
//! - [`header`]: the header row and the table of header names;
//! - [`values`]: dates, categories, statuses, yes and no as offices write them;
//! - [`read`]: a ledger's rows as values, or errors by row and column;
//! - [`import`]: the rows into findings, in one transaction;
//! - [`export`]: the problem list in the office shape.

mod error;
pub mod export;
pub mod header;
pub mod import;
pub mod read;
pub mod sheet;
pub mod values;

pub use error::{LedgerError, Result, RowError, RowProblem};
pub use export::{ExportFormat, export_ledger};
pub use header::{LedgerField, Mapping};
pub use import::{ImportOptions, ImportReport, import_ledger, import_read_ledger};
pub use read::{Ledger, LedgerRow, ReadOptions, read_ledger};
