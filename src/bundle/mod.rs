//! Case bundles: one file (`.zfb`) a person mails or carries on a USB stick, holding visits with
//! their findings and what they refer to. Export writes one; import reads bundles (or a
//! colleague's whole database), validates them as hostile input, and merges them field by field
//! so that any number of imports, in any order, repeated or not, give the same data.
//!
//! A bundle can be encrypted with a passphrase ([`export_encrypted`], `crypt.rs`); the reader
//! recognises it and decrypts it in memory with [`ImportOptions::passphrase`].
//!
//! The laws (DESIGN.md §3) and the file layout are described in `docs/bundle-format.md`;
//! encryption in `docs/personal-data.md`.

mod changes;
mod crypt;
mod error;
mod export;
mod export_everything;
mod export_file;
pub mod format;
mod history;
mod incremental;
mod log;
mod merge;
mod read;
mod sync;

mod digest;
mod resolve;
mod verify;
pub use changes::{Change, ChangedRecord, MAX_LISTED_CHANGES};
pub use crypt::{
    AGE_MAGIC, DEFAULT_WORK_FACTOR, MAX_WORK_FACTOR, MIN_PASSPHRASE_CHARS, Passphrase, is_encrypted,
};
pub use digest::{AgreementDigest, agreement_digest};
pub use error::{BundleError, Detail, Result};
pub use export::{
    ExportFilter, ExportOptions, ExportSummary, export, export_encrypted, export_with_options,
    export_without_history,
};
pub use format::Limits;
pub use history::{HistoryDoc, MAX_HISTORY_ENTRIES, MAX_HISTORY_ENTRY_BYTES};
pub use incremental::ChangesSince;
pub use log::{ConflictEntry, ImportLogEntry, conflicts, import_log, mark_reviewed, value_text};
pub use merge::{Counts, FileReport, ImportOptions, ImportReport, import};
pub use read::{Origin, SourceKind, decode_records};
pub use resolve::{Keep, Resolution, resolve};
pub use sync::{RefusedFile, SyncOptions, SyncReport, sync, sync_mark};
pub use verify::{Verified, verify};

/// What a long operation is doing, for a progress bar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Reading and checking a file.
    Reading,
    /// Comparing incoming records with the database.
    Merging,
    /// Writing the result.
    Writing,
    /// Writing a bundle.
    Exporting,
}

/// One progress report: `done` of `total` steps of `stage`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    /// What is being done.
    pub stage: Stage,
    /// Steps done.
    pub done: u64,
    /// Steps in all (0 when unknown).
    pub total: u64,
}

/// A progress callback that ignores every report.
pub fn no_progress() -> impl FnMut(Progress) {
    |_| {}
}
