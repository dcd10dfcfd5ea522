//! Zoufang (走访): an offline recorder for grassroots field visits.
//!
//! Investigators record **visits** and their **findings** (problems, typical cases, good
//! practice), tag them by **topic**, attach photos and documents, and follow each problem's
//! **rectification** until it is verified and closed. Everything lives in one SQLite file,
//! attachments included (once per SHA-256).
//!
//! Layers, data flowing one way (UI/CLI → library → SQLite):
//! - [`model`]: plain domain types, ids, clocks, validation — no database;
//! - [`store`]: the only code that speaks SQL — schema, migrations, writes with history, queries,
//!   Chinese search, backups and restore;
//! - [`report`]: summaries, the progress-report figures and paragraph, and their exports
//!   (XLSX, DOCX, CSV, Markdown), and the public version without personal data;
//! - [`bundle`]: case bundles — export (optionally passphrase-encrypted), validation of
//!   hostile input, order-free merging;
//! - [`forms`]: questionnaires and checklists authored in XLSForm, their expressions and
//!   responses;
//! - [`ledger`]: office ledgers (问题清单 / 整改台账) from Excel, WPS or CSV into findings, re-read
//!   without duplicates, and written back in the office shape;
//! - [`demo`]: a deterministic generator of realistic Chinese demo data;
//! - [`cli`] and [`ui`]: thin shells over the same library calls.

pub mod assets;
pub mod bundle;
pub mod cli;
pub mod demo;
pub mod forms;
pub mod i18n;
pub mod ledger;
pub mod model;
pub mod paths;
pub mod report;
pub mod store;
pub mod ui;
