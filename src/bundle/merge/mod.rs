//! Merging incoming records field by field, and applying the result in one transaction.
//!
//! For every field (and the tombstone, under `deleted_at`) the version with the greater clock
//! wins; the clocks compare the same way on every laptop (wall time, counter, device id), so
//! the result does not depend on the order of imports, and importing again changes nothing.
//! When the two versions hold different values and the winner was not made on top of the
//! loser (by another device), the losing value is kept as a conflict to review.

use super::error::{BundleError, Detail, Result};
use super::format::Limits;
use super::read::{Incoming, Origin, Source, field_value, history_base, read_source};
use super::{Progress, Stage};
use crate::model::Hlc;
use crate::store::{
    Action, DELETED_FIELD, RecordKind, Stamp, Store, StoredRecord, Writer, load, sets,
    write_history, write_row_unindexed,
};
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;

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

/// A field where two versions differ and one lost.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct FieldConflict {
    pub field: String,
    pub loser_value: Value,
    pub loser_clock: Hlc,
    pub loser_author: String,
    pub winner_value: Value,
    pub winner_clock: Hlc,
    pub loser_is_local: bool,
}

/// The fields merging looks at: the kind's columns, then the tombstone.
fn fields(kind: RecordKind) -> impl Iterator<Item = &'static str> {
    kind.columns()
        .iter()
        .map(|(c, _)| *c)
        .chain([DELETED_FIELD])
}

/// Whether the incoming version of a field beats the local one. Equal clocks with different
/// values (which one edit cannot make) fall back to comparing the values, so the answer is
/// still the same everywhere.
fn incoming_wins(lc: Option<&Hlc>, ic: Option<&Hlc>, lv: &Value, iv: &Value) -> bool {
    match (lc, ic) {
        (_, None) => false,
        (None, Some(_)) => true,
        (Some(l), Some(i)) => i > l || (i == l && canonical(iv) > canonical(lv)),
    }
}

/// A value's JSON text, to order values that nothing else orders.
fn canonical(value: &Value) -> String {
    value.to_string()
}

/// Merges `incoming` into `local`, field by field. `local_base(field)` gives the value the
/// local version's last change to `field` replaced, `incoming_base` the same for the incoming
/// one. Returns the merged record and the conflicts found.
pub(crate) fn merge_pair(
    local: &StoredRecord,
    incoming: &StoredRecord,
    local_base: &mut dyn FnMut(&str) -> Result<Option<Value>>,
    incoming_base: &Map<String, Value>,
) -> Result<(StoredRecord, Vec<FieldConflict>)> {
    let mut out = local.clone();
    let mut conflicts = Vec::new();
    for field in fields(local.kind) {
        let (lc, ic) = (local.clocks.get(field), incoming.clocks.get(field));
        let (lv, iv) = (field_value(local, field), field_value(incoming, field));
        if sets::is_set_field(local.kind, field) {
            // Sets merge element by element: both sides' additions stay, nothing to review.
            let local_side = (&lv, &local.clocks);
            let value = sets::merge(field, local_side, (&iv, &incoming.clocks), &mut out.clocks);
            out.data.insert(field.to_owned(), value);
            continue;
        }
        let wins = incoming_wins(lc, ic, &lv, &iv);
        if let (true, Some(ic)) = (wins, ic) {
            out.clocks.insert(field.to_owned(), ic.clone());
            if field == DELETED_FIELD {
                out.meta.deleted_at = incoming.meta.deleted_at;
            } else {
                out.data.insert(field.to_owned(), iv.clone());
            }
        }
        if lv == iv {
            continue;
        }
        let (winner_clock, loser_clock, winner_value, loser_value, loser) = if wins {
            (ic, lc, &iv, &lv, local)
        } else {
            (lc, ic, &lv, &iv, incoming)
        };
        let (Some(winner_clock), Some(loser_clock)) = (winner_clock, loser_clock) else {
            continue;
        };
        if winner_clock.device == loser_clock.device {
            // One device's edits are made one after the other: the later saw the earlier.
            continue;
        }
        let winner_base = if wins {
            incoming_base.get(field).cloned()
        } else {
            local_base(field)?
        };
        if winner_base.as_ref() == Some(loser_value) {
            // The winning edit was made on top of the losing value: nothing concurrent.
            continue;
        }
        conflicts.push(FieldConflict {
            field: field.to_owned(),
            loser_value: loser_value.clone(),
            loser_clock: loser_clock.clone(),
            loser_author: loser.meta.updated_by.clone(),
            winner_value: winner_value.clone(),
            winner_clock: winner_clock.clone(),
            loser_is_local: wins,
        });
    }
    if !conflicts.iter().any(|c| c.field == DELETED_FIELD)
        && let Some(conflict) = edit_after_delete(local, incoming, &out)
    {
        conflicts.push(conflict);
    }
    // Bookkeeping that is the same whichever order the versions met in.
    out.meta.created_at = match (local.meta.created_at, incoming.meta.created_at) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    let newest = |r: &StoredRecord| r.clocks.values().max().cloned();
    let incoming_newer = match newest(incoming).cmp(&newest(local)) {
        std::cmp::Ordering::Greater => true,
        std::cmp::Ordering::Less => false,
        std::cmp::Ordering::Equal => {
            (&incoming.meta.updated_at, &incoming.meta.updated_by)
                > (&local.meta.updated_at, &local.meta.updated_by)
        }
    };
    if incoming_newer {
        out.meta.updated_at = incoming.meta.updated_at;
        out.meta.updated_by = incoming.meta.updated_by.clone();
    }
    out.meta.clock = out.clocks.values().max().cloned();
    Ok((out, conflicts))
}

/// The newest edit of a record's content (anything but the tombstone).
fn newest_edit(rec: &StoredRecord) -> Option<&Hlc> {
    rec.clocks
        .iter()
        .filter(|(k, _)| k.as_str() != DELETED_FIELD)
        .map(|(_, c)| c)
        .max()
}

/// One side deleted the record while the other, not knowing, edited it later: the record
/// stays in the Trash (nothing resurrects by itself) with the edit applied, and the edit is
/// listed for review, where keeping it restores the record.
fn edit_after_delete(
    local: &StoredRecord,
    incoming: &StoredRecord,
    merged: &StoredRecord,
) -> Option<FieldConflict> {
    merged.meta.deleted_at?;
    let deleted = merged.clocks.get(DELETED_FIELD)?;
    let edited = newest_edit(merged).filter(|e| *e > deleted)?;
    let holds_both = |r: &StoredRecord| {
        r.meta.deleted_at.is_some()
            && r.clocks.get(DELETED_FIELD) == Some(deleted)
            && newest_edit(r) == Some(edited)
    };
    if holds_both(local) || holds_both(incoming) {
        return None;
    }
    let edited_here = newest_edit(local) == Some(edited);
    let editor = if edited_here { local } else { incoming };
    Some(FieldConflict {
        field: DELETED_FIELD.to_owned(),
        loser_value: Value::Null,
        loser_clock: edited.clone(),
        loser_author: editor.meta.updated_by.clone(),
        winner_value: field_value(merged, DELETED_FIELD),
        winner_clock: deleted.clone(),
        loser_is_local: edited_here,
    })
}

/// Whether two versions hold the same data, clocks and tombstone.
fn same(a: &StoredRecord, b: &StoredRecord) -> bool {
    a.data == b.data && a.clocks == b.clocks && a.meta.deleted_at == b.meta.deleted_at
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
    for (file, source) in sources.iter().enumerate() {
        // A file imported before had its versions judged then: re-importing it finds nothing
        // new to review (else an old ancestor version would look concurrent with a later edit).
        let judged_before = store.was_imported(&source.origin.sha256)?;
        let mut per_kind: BTreeMap<String, Counts> = RecordKind::ALL
            .iter()
            .map(|k| (k.table().to_owned(), Counts::default()))
            .collect();
        let in_source: HashSet<(RecordKind, &str)> = source
            .records
            .iter()
            .map(|r| (r.rec.kind, r.rec.id.as_str()))
            .collect();
        let mut changes = super::changes::ChangeList::default();
        for incoming in &source.records {
            done += 1;
            if done.is_multiple_of(500) || done == total {
                progress(Progress {
                    stage: Stage::Merging,
                    done,
                    total,
                });
            }
            check_references(store, &plan.records, &in_source, incoming, &source.origin)?;
            let counts = per_kind
                .entry(incoming.rec.kind.table().to_owned())
                .or_default();
            let was = *counts;
            plan.merge(store, file, incoming, &source.origin, counts, judged_before)?;
            let merged = plan.records.get(&incoming.rec.id).map(|p| &p.current);
            changes.note(incoming, merged, &was, counts);
        }
        check_topic_cycles(store, &plan.records, source)?;
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
        incoming: &Incoming,
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
            if let Some(original) = load(store.conn(), kind, &id)? {
                let planned = Planned {
                    changed: false,
                    before: None,
                    current: original,
                    run_base: Map::new(),
                    history: None,
                };
                self.records.insert(id.clone(), planned);
            } else if let Ok(other) = store.kind_of(&id) {
                return Err(id_taken(incoming, other, origin));
            }
        }
        let Some(entry) = self.records.get_mut(&id) else {
            counts.added += 1;
            let mut rec = incoming.rec.clone();
            rec.meta.clock = rec.clocks.values().max().cloned();
            let planned = Planned {
                changed: true,
                before: None,
                current: rec,
                run_base: incoming.base.clone(),
                history: Some(Map::new()),
            };
            self.records.insert(id, planned);
            return Ok(());
        };
        if entry.current.kind != kind {
            return Err(id_taken(incoming, entry.current.kind, origin));
        }
        let conn = store.conn();
        let mut local_base = |field: &str| -> Result<Option<Value>> {
            if let Some(v) = entry.run_base.get(field) {
                return Ok(Some(v.clone()));
            }
            if entry.history.is_none() {
                entry.history = Some(history_base(conn, &id)?);
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
        if let Some(first) = new_conflicts.first() {
            counts.conflicts += new_conflicts.len();
            // History keeps the losing version whole: the colleague's if theirs lost,
            // else the one this laptop held.
            let (before, clock) = match new_conflicts.iter().find(|c| !c.loser_is_local) {
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

    /// Writes every changed record with its history, the conflicts and the import log, inside
    /// the write transaction the plan was made in.
    fn apply(
        self,
        w: &mut Writer<'_>,
        report: &mut ImportReport,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<()> {
        let mut changes: Vec<&Planned> = self.records.values().filter(|p| p.changed).collect();
        // Parents before children, for the foreign keys.
        changes
            .sort_by(|a, b| (a.current.kind, &a.current.id).cmp(&(b.current.kind, &b.current.id)));
        let backup = report.backup.as_ref().map(|p| p.display().to_string());
        let write_total = changes.len() as u64;
        let files = &report.files;
        {
            if let Some(clock) = &self.max_clock {
                w.observe(clock);
            }
            let author = w.author().to_owned();
            let device = w.device().to_owned();
            // Attachment bytes first: every attachment record written below finds its own.
            for (sha256, bytes) in &self.blobs {
                crate::store::attachments::insert_blob(w.tx(), sha256, bytes)?;
            }
            crate::store::insert_travelled(w.tx(), &self.history)?;
            for (i, planned) in changes.iter().enumerate() {
                let rec = &planned.current;
                write_row_unindexed(w.tx(), rec)?;
                let clock = rec.meta.clock.clone().unwrap_or_else(Hlc::origin);
                let stamp = Stamp {
                    author: &author,
                    device: &device,
                    clock: &clock,
                };
                let before = planned.before.as_ref();
                let after = rec.snapshot();
                write_history(
                    w.tx(),
                    rec.kind,
                    &rec.id,
                    Action::Merge,
                    &stamp,
                    before,
                    Some(&after),
                )?;
                if i.is_multiple_of(500) {
                    progress(Progress {
                        stage: Stage::Writing,
                        done: i as u64,
                        total: write_total,
                    });
                }
            }
            // The search indexes last, after every statement that opens a savepoint (see
            // `write_row_unindexed`).
            for planned in &changes {
                crate::store::search::reindex(w.tx(), &planned.current)?;
            }
            for lost in &self.lost {
                let stamp = Stamp {
                    author: &author,
                    device: &device,
                    clock: &lost.clock,
                };
                write_history(
                    w.tx(),
                    lost.kind,
                    &lost.id,
                    Action::Conflict,
                    &stamp,
                    Some(&lost.before),
                    Some(&lost.after),
                )?;
            }
            let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
            for (file, file_report) in files.iter().enumerate() {
                let origin = &file_report.origin;
                w.tx().execute(
                    "INSERT INTO import_log
                       (at, source, file_name, bundle_id, sha256, creator, device_id, result, backup)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                    rusqlite::params![
                        now,
                        origin.kind.code(),
                        origin.path.display().to_string(),
                        origin.bundle_id,
                        origin.sha256,
                        origin.creator,
                        origin.device_id,
                        serde_json::to_string(&file_report.totals)?,
                        backup,
                    ],
                )?;
                let seq = w.tx().last_insert_rowid();
                for planned in self.conflicts.iter().filter(|c| c.file == file) {
                    let c = &planned.conflict;
                    w.tx().execute(
                        "INSERT OR IGNORE INTO conflict
                           (kind, record_id, field, loser_value, loser_clock, loser_author,
                            winner_value, winner_clock, found_at, import_seq)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                        rusqlite::params![
                            planned.kind.table(),
                            planned.id,
                            c.field,
                            c.loser_value.to_string(),
                            c.loser_clock.to_string(),
                            c.loser_author,
                            c.winner_value.to_string(),
                            c.winner_clock.to_string(),
                            now,
                            seq,
                        ],
                    )?;
                }
            }
        }
        progress(Progress {
            stage: Stage::Writing,
            done: write_total,
            total: write_total,
        });
        Ok(())
    }
}

/// An incoming record whose id belongs to a record of another kind.
fn id_taken(incoming: &Incoming, other: RecordKind, origin: &Origin) -> BundleError {
    BundleError::BadRecord {
        kind: incoming.rec.kind.table(),
        id: incoming.rec.id.clone(),
        detail: Detail::new(
            format!(
                "该编号已属于一条{}",
                crate::store::kind_label(other.table(), crate::i18n::Lang::Zh)
            ),
            format!("the id belongs to a {}", other.table()),
        ),
        path: origin.path.clone(),
    }
}

/// Refuses a file whose topics, merged, would sit under themselves (`parent_id` leading back
/// to the topic): such topics would vanish from every tree of topics.
fn check_topic_cycles(
    store: &Store,
    plan: &HashMap<String, Planned>,
    source: &Source,
) -> Result<()> {
    let parent_of = |id: &str| -> Result<Option<String>> {
        let rec = match plan.get(id) {
            Some(planned) => Some(planned.current.clone()),
            None => load(store.conn(), RecordKind::Topic, id)?,
        };
        Ok(rec.and_then(|r| {
            r.data
                .get("parent_id")
                .and_then(Value::as_str)
                .map(str::to_owned)
        }))
    };
    for incoming in source
        .records
        .iter()
        .filter(|r| r.rec.kind == RecordKind::Topic)
    {
        let start = incoming.rec.id.as_str();
        let mut next = parent_of(start)?;
        let mut steps = 0usize;
        while let Some(parent) = next {
            steps += 1;
            if parent == start || steps > plan.len() + 64 {
                return Err(BundleError::BadRecord {
                    kind: RecordKind::Topic.table(),
                    id: start.to_owned(),
                    detail: Detail::new(
                        "上级专题（parent_id）绕回到该专题自身，形成循环",
                        "parent_id leads back to the topic itself (a cycle)",
                    ),
                    path: source.origin.path.clone(),
                });
            }
            next = parent_of(&parent)?;
        }
    }
    Ok(())
}

/// Refuses a record that refers to one neither planned nor in the database.
fn check_references(
    store: &Store,
    plan: &HashMap<String, Planned>,
    in_source: &HashSet<(RecordKind, &str)>,
    incoming: &Incoming,
    origin: &Origin,
) -> Result<()> {
    let rec = &incoming.rec;
    let exists = |kind: RecordKind, id: &str| -> Result<bool> {
        if let Some(p) = plan.get(id) {
            return Ok(p.current.kind == kind);
        }
        if in_source.contains(&(kind, id)) {
            return Ok(true);
        }
        Ok(load(store.conn(), kind, id)?.is_some())
    };
    let mut targets: Vec<(RecordKind, String)> = Vec::new();
    let text = |name: &str| {
        rec.data
            .get(name)
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    if rec.kind == RecordKind::Finding
        && let Some(visit) = text("visit_id")
    {
        targets.push((RecordKind::Visit, visit));
    }
    if rec.kind == RecordKind::Visit
        && let Some(subject) = text("subject_id")
    {
        targets.push((RecordKind::Subject, subject));
    }
    if rec.kind == RecordKind::Topic
        && let Some(parent) = text("parent_id")
    {
        targets.push((RecordKind::Topic, parent));
    }
    if let Some(Value::Array(topics)) = rec.data.get("topics") {
        for topic in topics.iter().filter_map(Value::as_str) {
            targets.push((RecordKind::Topic, topic.to_owned()));
        }
    }
    if rec.kind == RecordKind::Attachment
        && let Some(owner) = text("owner_id")
    {
        let owner_kind = match text("owner_kind").as_deref() {
            Some("visit") => RecordKind::Visit,
            _ => RecordKind::Finding,
        };
        targets.push((owner_kind, owner));
    }
    for (target, target_id) in targets {
        if !exists(target, &target_id)? {
            return Err(BundleError::MissingReference {
                kind: rec.kind.table(),
                id: rec.id.clone(),
                target: target.table(),
                target_id,
                path: origin.path.clone(),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::model::RecordMeta;
    use proptest::prelude::*;

    const ID: &str = "01957f3c-9d2e-7a10-8c55-0d1f2e3a4b5c";

    /// A version of one visit as some laptop holds it: every field clocked, as the store does.
    fn version() -> impl Strategy<Value = StoredRecord> {
        let clock = (0..4i64, 0..2u32, 0..3usize).prop_map(|(millis, counter, d)| Hlc {
            millis,
            counter,
            device: ["a", "b", "c"][d].to_owned(),
        });
        let places = prop::sample::select(vec!["城西敬老院", "东湖社区", "北山公墓"]);
        (
            places.clone(),
            places,
            clock.clone(),
            clock.clone(),
            proptest::option::of((clock, proptest::bool::ANY)),
        )
            .prop_map(|(place, notes, pc, nc, tomb)| {
                let mut data = Map::new();
                for (name, _) in RecordKind::Visit.columns() {
                    // Sets merge element by element (store::sets has their own laws).
                    let empty = if sets::is_set_field(RecordKind::Visit, name) {
                        Value::Array(Vec::new())
                    } else {
                        Value::Null
                    };
                    data.insert((*name).to_owned(), empty);
                }
                data.insert("place".into(), Value::from(place));
                data.insert("notes".into(), Value::from(notes));
                let mut clocks = BTreeMap::new();
                for (name, _) in RecordKind::Visit.columns() {
                    clocks.insert((*name).to_owned(), Hlc::origin());
                }
                clocks.insert("place".into(), pc);
                clocks.insert("notes".into(), nc);
                let mut deleted_at = None;
                if let Some((tc, deleted)) = tomb {
                    clocks.insert(DELETED_FIELD.into(), tc.clone());
                    deleted_at = deleted.then(|| tc.time());
                }
                StoredRecord {
                    kind: RecordKind::Visit,
                    id: ID.to_owned(),
                    data,
                    clocks,
                    meta: RecordMeta {
                        deleted_at,
                        ..RecordMeta::default()
                    },
                }
            })
    }

    fn merge(a: &StoredRecord, b: &StoredRecord) -> StoredRecord {
        let mut no_base = |_: &str| Ok(None);
        merge_pair(a, b, &mut no_base, &Map::new()).unwrap().0
    }

    proptest! {
        #[test]
        fn merging_is_idempotent_commutative_and_associative(
            a in version(), b in version(), c in version()
        ) {
            prop_assert!(same(&merge(&a, &a), &a));
            let ab = merge(&a, &b);
            prop_assert!(same(&ab, &merge(&b, &a)));
            prop_assert!(same(&merge(&ab, &b), &ab));
            prop_assert!(same(&merge(&ab, &c), &merge(&a, &merge(&b, &c))));
        }

        #[test]
        fn a_loser_is_flagged_the_same_way_whichever_side_it_is_on(a in version(), b in version()) {
            let mut no_base = |_: &str| Ok(None);
            let (_, ab) = merge_pair(&a, &b, &mut no_base, &Map::new()).unwrap();
            let (_, ba) = merge_pair(&b, &a, &mut no_base, &Map::new()).unwrap();
            let key = |c: &FieldConflict| (c.field.clone(), c.loser_clock.clone(), c.loser_value.clone());
            prop_assert_eq!(ab.iter().map(key).collect::<Vec<_>>(), ba.iter().map(key).collect::<Vec<_>>());
        }
    }

    #[test]
    fn a_winner_made_on_top_of_the_loser_is_no_conflict() {
        let hlc = |millis, device: &str| Hlc {
            millis,
            counter: 0,
            device: device.to_owned(),
        };
        let mut local = StoredRecord {
            kind: RecordKind::Visit,
            id: ID.to_owned(),
            data: Map::new(),
            clocks: BTreeMap::new(),
            meta: RecordMeta::default(),
        };
        local.data.insert("place".into(), "旧址".into());
        local.clocks.insert("place".into(), hlc(1, "a"));
        let mut incoming = local.clone();
        incoming.data.insert("place".into(), "新址".into());
        incoming.clocks.insert("place".into(), hlc(2, "b"));
        let mut no_base = |_: &str| Ok(None);
        let mut base = Map::new();
        let (merged, conflicts) = merge_pair(&local, &incoming, &mut no_base, &base).unwrap();
        assert_eq!(merged.data["place"], "新址");
        assert_eq!(conflicts.len(), 1, "without a base, a concurrent edit");
        assert!(conflicts[0].loser_is_local);
        base.insert("place".into(), "旧址".into());
        let (_, conflicts) = merge_pair(&local, &incoming, &mut no_base, &base).unwrap();
        assert!(conflicts.is_empty(), "B changed 旧址 knowingly");
    }
}
