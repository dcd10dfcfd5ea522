//! Merging incoming records field by field, and applying the result in one transaction.
//!
//! For every field (and the tombstone, under `deleted_at`) the version with the greater clock
//! wins; the clocks compare the same way on every laptop (wall time, counter, device id), so
//! the result does not depend on the order of imports, and importing again changes nothing.
//! When the two versions hold different values and the winner was not made on top of the
//! loser (by another device), the losing value is kept as a conflict to review.
//!
//! This file holds the import's entry point, its report and the plan; `field` merges two
//! versions, `checks` vets the plan, `apply` writes it.

use super::changes::title_of;
use super::error::Result;
use super::format::Limits;
use super::read::{Incoming, Origin, Source, field_value, read_source};
use super::{Progress, Stage};
use crate::model::Hlc;
use crate::store::{RecordKind, Store, StoredRecord};
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;

mod answers;
mod apply;
mod checks;
mod field;

use checks::{check_references, check_topic_cycles, id_taken};
pub(crate) use field::{FieldConflict, merge_pair};
use field::{fields, same};

/// How an import runs.
#[derive(Clone, Debug, Default)]
pub struct ImportOptions {
    /// Only say what would happen; write nothing.
    pub dry_run: bool,
    /// What a bundle may weigh.
    pub limits: Limits,
    /// The passphrase of encrypted bundles (one for all files of the import).
    pub passphrase: Option<super::crypt::Passphrase>,
}

/// What an import did (or would do), per record.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// New records.
    pub added: usize,
    /// Records that changed.
    pub updated: usize,
    /// Records already as they arrived (or newer).
    pub unchanged: usize,
    /// Live records that the import moved to the Trash.
    pub deleted: usize,
    /// New conflicts to review.
    pub conflicts: usize,
}

impl Counts {
    fn add(&mut self, other: &Counts) {
        self.added += other.added;
        self.updated += other.updated;
        self.unchanged += other.unchanged;
        self.deleted += other.deleted;
        self.conflicts += other.conflicts;
    }
}

/// What one file of an import did.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FileReport {
    /// Where it came from.
    pub origin: Origin,
    /// Its counts.
    pub totals: Counts,
    /// Its counts per kind (`topic`, `subject`, `visit`, `finding`).
    pub per_kind: BTreeMap<String, Counts>,
    /// Which records it changes, by kind and title (the first [`super::MAX_LISTED_CHANGES`] of
    /// each change).
    pub changes: Vec<super::ChangedRecord>,
    /// How many more records each change has than `changes` lists.
    pub changes_unlisted: Counts,
}

/// What an import did (or, for a dry run, would do).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ImportReport {
    /// Nothing was written.
    pub dry_run: bool,
    /// All files together.
    pub totals: Counts,
    /// All files together, per kind.
    pub per_kind: BTreeMap<String, Counts>,
    /// Each file.
    pub files: Vec<FileReport>,
    /// The backup taken before writing, if any.
    pub backup: Option<PathBuf>,
}

/// A record the import touches: as it was in the database, and as it is now in the plan.
struct Planned {
    /// Whether the import changes the record (or adds it).
    changed: bool,
    /// The database's version as history shows it, taken when the import first changes it
    /// (keeping a copy of every record it only compares cost a tenth of an import).
    before: Option<Value>,
    current: StoredRecord,
    /// Values replaced by this run, per field (they override the history).
    run_base: Map<String, Value>,
    /// The base from the database's history, once read.
    history: Option<Map<String, Value>>,
}

/// A conflict to record, with the file it came from.
struct PlannedConflict {
    file: usize,
    kind: RecordKind,
    id: String,
    conflict: FieldConflict,
}

/// A lost version to write to history.
struct LostVersion {
    kind: RecordKind,
    id: String,
    clock: Hlc,
    before: Value,
    after: Value,
}

/// The merge worked out in memory, file after file, before anything is written.
#[derive(Default)]
struct Plan {
    records: HashMap<String, Planned>,
    conflicts: Vec<PlannedConflict>,
    conflict_keys: HashSet<(String, String, String)>,
    lost: Vec<LostVersion>,
    /// The newest incoming clock, which the local clock moves past.
    max_clock: Option<Hlc>,
    /// The attachments' bytes, by SHA-256 (stored once, whatever the records do).
    blobs: BTreeMap<String, Vec<u8>>,
    /// The history that came with the records (stored once per entry id).
    history: Vec<crate::store::HistoryRow>,
    /// Its entries' `before`/`after` texts, in the same order.
    history_texts: Vec<crate::store::EntryTexts>,
}

/// Reads every file, merges in memory, and (unless a dry run) backs up and writes it all in
/// one transaction. Nothing is written if any file is refused.
pub fn import(
    store: &mut Store,
    files: &[PathBuf],
    options: &ImportOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<ImportReport> {
    let mut sources = Vec::with_capacity(files.len());
    for path in files {
        sources.push(read_source(
            path,
            &options.limits,
            options.passphrase.as_ref(),
            progress,
        )?);
    }
    if options.dry_run {
        let (_, report, _) = plan_import(store, sources, options.dry_run, progress)?;
        return Ok(report);
    }
    // The plan is worked out under the write lock and written in the same transaction: a
    // change another program made meanwhile (a `finding edit`, a second import) is either in
    // the plan or waits until the import is written; it is never overwritten by it.
    store.write_planned(
        move |store| {
            let (plan, mut report, progress) =
                plan_import(store, sources, options.dry_run, progress)?;
            if plan.changes_anything() {
                report.backup = crate::store::backup::backup_while_locked(store)?;
            }
            Ok((plan, report, progress))
        },
        |w, (plan, mut report, progress)| {
            plan.apply(w, &mut report, progress)?;
            Ok(report)
        },
    )
}

/// What [`import_sources`] did, with the history's newest point just before and just after
/// it wrote (both read under its write lock).
pub(crate) struct SourcesImport {
    /// What the import did.
    pub report: ImportReport,
    /// The newest history point before the import wrote.
    pub before: Option<crate::store::HistoryMark>,
    /// The newest history point once it had written.
    pub after: Option<crate::store::HistoryMark>,
}

/// Imports sources already read, like [`import`], in one transaction with a backup first.
pub(crate) fn import_sources(
    store: &mut Store,
    sources: Vec<Source>,
    progress: &mut dyn FnMut(Progress),
) -> Result<SourcesImport> {
    store.write_planned(
        move |store| {
            let before = store.history_high_water()?;
            let (plan, mut report, progress) = plan_import(store, sources, false, progress)?;
            if plan.changes_anything() {
                report.backup = crate::store::backup::backup_while_locked(store)?;
            }
            Ok((plan, report, progress, before))
        },
        |w, (plan, mut report, progress, before)| {
            plan.apply(w, &mut report, progress)?;
            Ok(SourcesImport {
                report,
                before,
                after: w.history_high_water()?,
            })
        },
    )
}

/// A plan, the report of what it does, and the progress callback handed back for its writing.
type PlanOutcome<'p> = (Plan, ImportReport, &'p mut dyn FnMut(Progress));

/// Merges every source into a plan in memory, counting what it would do, without writing.
fn plan_import<'p>(
    store: &Store,
    mut sources: Vec<Source>,
    dry_run: bool,
    progress: &'p mut dyn FnMut(Progress),
) -> Result<PlanOutcome<'p>> {
    let mut plan = Plan::default();
    for source in &mut sources {
        plan.blobs.append(&mut source.blobs);
        plan.history.append(&mut source.history);
        plan.history_texts.append(&mut source.history_texts);
    }
    for source in &mut sources {
        field::exact_bases(&mut source.records, &plan.history);
    }
    let mut report = ImportReport {
        dry_run,
        totals: Counts::default(),
        per_kind: BTreeMap::new(),
        files: Vec::with_capacity(sources.len()),
        backup: None,
    };
    let total: u64 = sources.iter().map(|s| s.records.len() as u64).sum();
    let mut done = 0u64;
    // A record may refer to one that another file of the same import brings: the files of
    // one import are one set, in whatever order they were given (a sync reads a folder).
    let source_ids: Vec<(RecordKind, String)> = sources
        .iter()
        .flat_map(|s| s.records.iter().map(|r| (r.rec.kind, r.rec.id.clone())))
        .collect();
    let in_sources: HashSet<(RecordKind, &str)> = source_ids
        .iter()
        .map(|(kind, id)| (*kind, id.as_str()))
        .collect();
    for (file, source) in sources.iter_mut().enumerate() {
        // A file imported before had its versions judged then: re-importing it finds nothing
        // new to review (else an old ancestor version would look concurrent with a later edit).
        let judged_before = store.was_imported(&source.origin.sha256)?;
        let mut per_kind: BTreeMap<String, Counts> = RecordKind::ALL
            .iter()
            .map(|k| (k.table().to_owned(), Counts::default()))
            .collect();
        let mut changes = super::changes::ChangeList::default();
        // Records move into the plan; the kinds checked again once the file is merged stay.
        let mut checked_after: Vec<Incoming> = Vec::new();
        for incoming in std::mem::take(&mut source.records) {
            done += 1;
            if done.is_multiple_of(500) || done == total {
                progress(Progress {
                    stage: Stage::Merging,
                    done,
                    total,
                });
            }
            check_references(store, &plan.records, &in_sources, &incoming, &source.origin)?;
            let counts = per_kind
                .entry(incoming.rec.kind.table().to_owned())
                .or_default();
            let was = *counts;
            let (kind, id) = (incoming.rec.kind, incoming.rec.id.clone());
            let title = changes.lists_more().then(|| title_of(&incoming.rec));
            if matches!(
                kind,
                RecordKind::Topic | RecordKind::Response | RecordKind::Answer
            ) {
                checked_after.push(incoming.clone());
            }
            plan.merge(store, file, incoming, &source.origin, counts, judged_before)?;
            let merged = plan.records.get(&id).map(|p| &p.current);
            changes.note(kind, &id, title.as_deref(), merged, &was, counts);
        }
        check_topic_cycles(store, &plan.records, &checked_after, &source.origin)?;
        answers::check_answers(store, &plan.records, &checked_after, &source.origin)?;
        let mut totals = Counts::default();
        for c in per_kind.values() {
            totals.add(c);
            report.totals.add(c);
        }
        for (kind, c) in &per_kind {
            report.per_kind.entry(kind.clone()).or_default().add(c);
        }
        report.files.push(FileReport {
            origin: source.origin.clone(),
            totals,
            per_kind,
            changes: changes.listed,
            changes_unlisted: changes.unlisted,
        });
    }
    Ok((plan, report, progress))
}

impl Plan {
    /// Merges one incoming record into the plan, counting what it does.
    fn merge(
        &mut self,
        store: &Store,
        file: usize,
        incoming: Incoming,
        origin: &Origin,
        counts: &mut Counts,
        judged_before: bool,
    ) -> Result<()> {
        let kind = incoming.rec.kind;
        let id = incoming.rec.id.clone();
        if let Some(c) = incoming.rec.clocks.values().max()
            && self.max_clock.as_ref().is_none_or(|m| m < c)
        {
            self.max_clock = Some(c.clone());
        }
        if !self.records.contains_key(&id) {
            if let Some(original) = store.load_stored(kind, &id)? {
                let planned = Planned {
                    changed: false,
                    before: None,
                    current: original,
                    run_base: Map::new(),
                    history: None,
                };
                self.records.insert(id.clone(), planned);
            } else if let Ok(other) = store.kind_of(&id) {
                return Err(id_taken(&incoming, other, origin));
            }
        }
        let Some(entry) = self.records.get_mut(&id) else {
            counts.added += 1;
            let Incoming { mut rec, base } = incoming;
            rec.meta.clock = rec.clocks.values().max().cloned();
            let planned = Planned {
                changed: true,
                before: None,
                current: rec,
                run_base: base,
                history: Some(Map::new()),
            };
            self.records.insert(id, planned);
            return Ok(());
        };
        if entry.current.kind != kind {
            return Err(id_taken(&incoming, entry.current.kind, origin));
        }
        let mut local_base = |field: &str| -> Result<Option<Value>> {
            if let Some(v) = entry.run_base.get(field) {
                return Ok(Some(v.clone()));
            }
            if let Some(base) = field::local_edit_base(store, &entry.current, field)? {
                return Ok(Some(base));
            }
            if entry.history.is_none() {
                entry.history = Some(store.history_base(&id)?);
            }
            Ok(entry.history.as_ref().and_then(|h| h.get(field).cloned()))
        };
        let (merged, conflicts) = merge_pair(
            &entry.current,
            &incoming.rec,
            &mut local_base,
            &incoming.base,
        )?;
        let changes = !same(&merged, &entry.current);
        if changes && !entry.changed {
            entry.before = Some(entry.current.snapshot());
            entry.changed = true;
        }
        if !changes {
            counts.unchanged += 1;
        } else if entry.current.meta.deleted_at.is_none() && merged.meta.deleted_at.is_some() {
            counts.deleted += 1;
        } else {
            counts.updated += 1;
        }
        for field in fields(kind) {
            let (old, new) = (
                field_value(&entry.current, field),
                field_value(&merged, field),
            );
            if old != new {
                // The value the winning edit was made on top of: the colleague's base when
                // theirs won, which is not always the value it replaced here.
                let base = incoming.base.get(field).cloned().unwrap_or(old);
                entry.run_base.insert(field.to_owned(), base);
            } else if entry.current.clocks.get(field) != merged.clocks.get(field) {
                // The same value, now the colleague's version (a resolution that kept it):
                // its base is theirs.
                match incoming.base.get(field) {
                    Some(base) => entry.run_base.insert(field.to_owned(), base.clone()),
                    None => entry.run_base.remove(field),
                };
            }
        }
        let mut new_conflicts = Vec::new();
        for conflict in conflicts.into_iter().filter(|_| !judged_before) {
            let key = (
                id.clone(),
                conflict.field.clone(),
                conflict.loser_clock.to_string(),
            );
            if self.conflict_keys.contains(&key)
                || store.conflict_recorded(&key.0, &key.1, &key.2)?
            {
                continue;
            }
            self.conflict_keys.insert(key);
            new_conflicts.push(conflict);
        }
        // A conflict settled elsewhere is listed as reviewed: nothing to review, nothing lost.
        let open: Vec<&FieldConflict> = new_conflicts
            .iter()
            .filter(|c| c.settled_by.is_none())
            .collect();
        if let Some(first) = open.first() {
            counts.conflicts += open.len();
            // History keeps the losing version whole: the colleague's if theirs lost,
            // else the one this laptop held.
            let (before, clock) = match open.iter().find(|c| !c.loser_is_local) {
                Some(c) => (incoming.rec.snapshot(), c.loser_clock.clone()),
                None => (entry.current.snapshot(), first.loser_clock.clone()),
            };
            self.lost.push(LostVersion {
                kind,
                id: id.clone(),
                clock,
                before,
                after: merged.snapshot(),
            });
        }
        self.conflicts
            .extend(new_conflicts.into_iter().map(|conflict| PlannedConflict {
                file,
                kind,
                id: id.clone(),
                conflict,
            }));
        entry.current = merged;
        Ok(())
    }

    /// Whether applying the plan changes a record or records a conflict (then a backup is
    /// taken first).
    fn changes_anything(&self) -> bool {
        self.records.values().any(|p| p.changed) || !self.conflicts.is_empty()
    }
}
