//! Importing a ledger: every row matched to the finding it was imported into before (by the
//! finding id export-table writes, else by the remembered ledger and row key), new rows made
//! on one visit per ledger, all in one transaction after a backup, logged like a bundle.

use super::error::{LedgerError, Result, RowError};
use super::read::{Ledger, LedgerRow, ReadOptions, RowValues, read_ledger};
use super::values::Deadline;
use crate::model::{Category, Finding, FindingId, RecordMeta, Status, Visit, VisitId};
use crate::store::{Store, StoreError, ledger as sql};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// How a ledger import runs.
#[derive(Clone, Debug, Default)]
pub struct ImportOptions {
    /// Which sheet, and header overrides.
    pub read: ReadOptions,
    /// Put new rows on this visit instead of the ledger's own.
    pub visit: Option<VisitId>,
    /// Only say what would happen.
    pub dry_run: bool,
    /// Import the rows that can be read and list the others, instead of refusing the file.
    pub skip_bad_rows: bool,
    /// "Today" for a ledger without a date (tests fix it).
    pub today: Option<NaiveDate>,
}

/// What an import did, or (dry run, or refused) would do.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ImportReport {
    /// Problem rows in the ledger.
    pub rows: usize,
    /// New findings.
    pub created: usize,
    /// Findings changed.
    pub updated: usize,
    /// Rows already as the database has them.
    pub unchanged: usize,
    /// Rows not imported because they cannot be read.
    pub skipped: usize,
    /// Header → field.
    pub mapping: BTreeMap<String, String>,
    /// The header row's columns, left to right, with the field each fills.
    pub columns: Vec<super::header::Column>,
    /// The rows that cannot be read.
    pub errors: Vec<RowError>,
    /// The ledger's identity (its title or file name).
    pub ledger: String,
    /// The header row as Excel/WPS numbers it.
    pub header_row: usize,
    /// Nothing was written because this was a preview.
    pub dry_run: bool,
    /// Whether the database was written.
    pub written: bool,
    /// The backup taken first.
    pub backup: Option<PathBuf>,
    /// The finding of each row imported, by row number.
    pub findings: BTreeMap<usize, FindingId>,
}

impl ImportReport {
    /// True when errors made the import refuse the whole file.
    pub fn refused(&self) -> bool {
        !self.errors.is_empty() && !self.written && !self.dry_run
    }
}

/// What one row will do.
struct Planned {
    row: LedgerRow,
    finding: Finding,
    change: Change,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Change {
    Create,
    Update,
    Unchanged,
    /// The finding it was imported into is in the Trash: left there.
    InTrash,
}

/// Reads the ledger at `path` and imports it (see the module's documentation). A ledger with
/// rows that cannot be read writes nothing unless `skip_bad_rows` is set; the report lists
/// every such row either way.
pub fn import_ledger(
    store: &mut Store,
    path: &Path,
    options: &ImportOptions,
) -> Result<ImportReport> {
    let topics = store.topics()?;
    let ledger = read_ledger(path, &options.read, &topics)?;
    import_read_ledger(store, &ledger, options)
}

/// Imports a ledger already read (the window's preview reads it first).
pub fn import_read_ledger(
    store: &mut Store,
    ledger: &Ledger,
    options: &ImportOptions,
) -> Result<ImportReport> {
    let today = options
        .today
        .unwrap_or_else(|| chrono::Local::now().date_naive());
    let importer = importer(store);
    let identity = ledger.identity();
    let skipped = ledger
        .errors
        .iter()
        .map(|e| e.row)
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    let mut report = ImportReport {
        rows: ledger.row_count,
        created: 0,
        updated: 0,
        unchanged: 0,
        skipped,
        mapping: ledger.mapping.as_map(),
        columns: ledger.mapping.columns.clone(),
        errors: ledger.errors.clone(),
        ledger: identity.clone(),
        header_row: ledger.mapping.header_row + 1,
        dry_run: options.dry_run,
        written: false,
        backup: None,
        findings: BTreeMap::new(),
    };
    if !ledger.errors.is_empty() && !options.skip_bad_rows && !options.dry_run {
        return Ok(report);
    }
    if let Some(visit) = options.visit {
        let found = store.visit(visit)?;
        if found.meta.is_deleted() {
            return Err(StoreError::NotFound {
                kind: "visit",
                id: visit.to_string(),
            }
            .into());
        }
    }
    let closing = Closing {
        verifier: importer.clone(),
        day: ledger.date.unwrap_or(today),
    };
    let mut planned = Vec::new();
    for row in &ledger.rows {
        planned.push(plan_row(store, &identity, row, &closing)?);
    }
    for p in &planned {
        match p.change {
            Change::Create => report.created += 1,
            Change::Update => report.updated += 1,
            Change::Unchanged | Change::InTrash => report.unchanged += 1,
        }
        report.findings.insert(p.row.row, p.finding.id);
    }
    if options.dry_run {
        return Ok(report);
    }
    let changes = report.created + report.updated;
    if changes > 0 {
        report.backup = crate::store::backup::backup(store)?;
    }
    let visit_for_new = if report.created > 0 {
        Some(visit_for_new(store, ledger, options, today)?)
    } else {
        None
    };
    let file_name = ledger.file_name();
    let counts = serde_json::json!({
        "rows": report.rows, "created": report.created, "updated": report.updated,
        "unchanged": report.unchanged, "skipped": report.skipped, "ledger": identity,
    })
    .to_string();
    let backup = report.backup.as_ref().map(|p| p.display().to_string());
    let device = store.device_id().to_owned();
    store.write(|w| {
        w.set_author(format!("{importer}（导入台账 {file_name}）"));
        let seq = w.log_ledger_import(&sql::LedgerLogLine {
            file_name: &ledger.path.display().to_string(),
            sha256: &ledger.sha256,
            creator: &importer,
            device_id: &device,
            result: &counts,
            backup: backup.as_deref(),
        })?;
        let new_visit = match &visit_for_new {
            Some(NewVisit::Existing(id)) => Some(*id),
            Some(NewVisit::Make(visit)) => {
                w.put(visit.as_ref())?;
                w.set_ledger_visit(&identity, &visit.id.to_string())?;
                Some(visit.id)
            }
            None => None,
        };
        for p in &mut planned {
            match p.change {
                Change::Create => {
                    if let Some(visit) = new_visit {
                        p.finding.visit_id = visit;
                    }
                    w.put(&p.finding)?;
                }
                Change::Update => {
                    w.put(&p.finding)?;
                }
                Change::Unchanged | Change::InTrash => {}
            }
            w.remember_ledger_source(&identity, &p.row.key, &p.finding.id.to_string(), seq)?;
        }
        Ok(())
    })?;
    report.written = true;
    Ok(report)
}

/// The name that verifies rows the ledger marks 销号 without a 核验人: the importing author.
fn importer(store: &Store) -> String {
    if store.author().is_empty() {
        std::env::var("USER")
            .or_else(|_| std::env::var("USERNAME"))
            .unwrap_or_else(|_| "?".to_owned())
    } else {
        store.author().to_owned()
    }
}

/// Who and when closes a row marked 销号 without saying so itself.
struct Closing {
    verifier: String,
    day: NaiveDate,
}

enum NewVisit {
    Existing(VisitId),
    Make(Box<Visit>),
}

/// The visit that takes new rows: `--visit`, else the ledger's visit made by an earlier
/// import (while it is live), else a new one dated the ledger's day at the reporting unit.
fn visit_for_new(
    store: &Store,
    ledger: &Ledger,
    options: &ImportOptions,
    today: NaiveDate,
) -> Result<NewVisit> {
    if let Some(id) = options.visit {
        return Ok(NewVisit::Existing(id));
    }
    if let Some(id) = store
        .ledger_visit(&ledger.identity())?
        .and_then(|id| id.parse::<VisitId>().ok())
        && store.visit(id).is_ok_and(|v| !v.meta.is_deleted())
    {
        return Ok(NewVisit::Existing(id));
    }
    let place = if ledger.unit.is_empty() {
        ledger.identity()
    } else {
        ledger.unit.clone()
    };
    let mut visit = Visit::new(ledger.date.unwrap_or(today), place);
    visit.notes = format!("导入台账：{}（{}）", ledger.identity(), ledger.file_name());
    Ok(NewVisit::Make(Box::new(visit)))
}

fn plan_row(store: &Store, identity: &str, row: &LedgerRow, closing: &Closing) -> Result<Planned> {
    let existing = match row.id {
        Some(id) => found(store.finding(id))?,
        None => match store
            .ledger_source_finding(identity, &row.key)?
            .and_then(|id| id.parse::<FindingId>().ok())
        {
            Some(id) => found(store.finding(id))?,
            None => None,
        },
    };
    let Some(existing) = existing else {
        let mut finding = Finding::new(VisitId::new(), row.values.title.clone());
        if let Some(id) = row.id {
            finding.id = id;
        }
        apply(&mut finding, &row.values, closing);
        return Ok(Planned {
            row: row.clone(),
            finding,
            change: Change::Create,
        });
    };
    if existing.meta.is_deleted() {
        return Ok(Planned {
            row: row.clone(),
            finding: existing,
            change: Change::InTrash,
        });
    }
    let mut finding = existing.clone();
    apply(&mut finding, &row.values, closing);
    let same = Finding {
        meta: RecordMeta::default(),
        ..finding.clone()
    } == Finding {
        meta: RecordMeta::default(),
        ..existing
    };
    Ok(Planned {
        row: row.clone(),
        finding,
        change: if same {
            Change::Unchanged
        } else {
            Change::Update
        },
    })
}

/// A finding that is not there is `None`; other errors stay errors.
fn found(result: crate::store::Result<Finding>) -> Result<Option<Finding>> {
    match result {
        Ok(f) => Ok(Some(f)),
        Err(StoreError::NotFound { .. }) => Ok(None),
        Err(e) => Err(LedgerError::Store(e)),
    }
}

/// Writes what the row says into `f`; fields the ledger has no column for stay as they are.
fn apply(f: &mut Finding, v: &RowValues, closing: &Closing) {
    f.title = v.title.clone();
    let set = |target: &mut String, value: &Option<String>| {
        if let Some(value) = value {
            target.clone_from(value);
        }
    };
    set(&mut f.detail, &v.detail);
    set(&mut f.measures, &v.measures);
    set(&mut f.target, &v.target);
    set(&mut f.owner_unit, &v.owner_unit);
    set(&mut f.owner, &v.owner);
    if let Some(topics) = &v.topics {
        f.topics.clone_from(topics);
    }
    if let Some(category) = v.category {
        f.category = category;
    }
    match v.deadline {
        Some(Deadline::Day(d)) => f.deadline = Some(d),
        Some(Deadline::None) => f.deadline = None,
        Some(Deadline::LongTerm) => {
            f.deadline = None;
            if v.category.flatten().is_none() {
                f.category = Some(Category::LongTerm);
            }
        }
        None => {}
    }
    if let Some(Some(status)) = v.status {
        f.status = status;
    }
    match v.closed {
        Some(true) => f.status = Status::Closed,
        Some(false) if f.status == Status::Closed => {
            // 是否销号 否 outweighs a 完成情况 of 已销号: done, not yet verified.
            f.status = Status::StageDone;
        }
        _ => {}
    }
    if let Some(day) = v.closed_on {
        f.closed_on = Some(day);
    }
    if let Some(name) = &v.verified_by {
        f.verified_by.clone_from(name);
    }
    if f.status == Status::Closed {
        // A closed problem names its verifier and day. Kept when it was closed already;
        // else the ledger's date and the importing author, who vouches for the ledger.
        if f.closed_on.is_none() {
            f.closed_on = Some(closing.day);
        }
        if f.verified_by.trim().is_empty() {
            f.verified_by.clone_from(&closing.verifier);
        }
    }
}
