//! Incremental export: only the records whose clocks moved since what a destination already
//! has — known from a bundle sent there before (its records' clocks) or from a sync mark (a
//! point in this laptop's history). The bundle written is an ordinary bundle.

use super::crypt::Passphrase;
use super::error::Result;
use super::format::Limits;
use super::no_progress;
use crate::model::Hlc;
use crate::store::{HistoryMark, RecordKind, Store, StoredRecord};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// What the destination of an incremental export already has.
#[derive(Clone, Debug, PartialEq)]
pub enum ChangesSince {
    /// The records a bundle sent there holds, by id with their record clocks; a record the
    /// bundle does not hold counts as moved when its clock is newer than the bundle's newest.
    Bundle {
        /// Record id → the record clock in the bundle.
        clocks: HashMap<String, Hlc>,
        /// The newest record clock in the bundle.
        newest: Option<Hlc>,
    },
    /// A point of this database's history: every record written since (an edit, a deletion,
    /// a merge) has moved. A mark that is not a point of this history (a restore from an older
    /// backup) counts as no mark: everything is exported.
    Mark(HistoryMark),
    /// Nothing sent yet: every record this database has history for (made or edited here, or
    /// merged in). The built-in topics as every laptop seeds them have none, so a laptop with
    /// nothing of its own sends nothing.
    Beginning,
}

impl ChangesSince {
    /// What the bundle at `path` holds (read and checked like an import reads it).
    pub fn of_bundle(path: &Path, passphrase: Option<&Passphrase>) -> Result<ChangesSince> {
        let source =
            super::read::read_source(path, &Limits::default(), passphrase, &mut no_progress())?;
        let mut clocks = HashMap::with_capacity(source.records.len());
        let mut newest: Option<Hlc> = None;
        for incoming in source.records {
            let Some(clock) = incoming.rec.meta.clock else {
                continue;
            };
            if newest.as_ref().is_none_or(|n| clock > *n) {
                newest = Some(clock.clone());
            }
            clocks.insert(incoming.rec.id, clock);
        }
        Ok(ChangesSince::Bundle { clocks, newest })
    }

    /// Whether `rec` moved since what the destination has.
    fn moved(&self, rec: &StoredRecord, changed: &HashMap<&str, ()>) -> bool {
        match self {
            ChangesSince::Bundle { clocks, newest } => {
                let Some(clock) = rec.meta.clock.as_ref() else {
                    return false;
                };
                match clocks.get(&rec.id) {
                    Some(sent) => clock > sent,
                    None => newest.as_ref().is_none_or(|n| clock > n),
                }
            }
            ChangesSince::Mark(_) | ChangesSince::Beginning => {
                changed.contains_key(rec.id.as_str())
            }
        }
    }
}

/// Keeps, of `selected`, the records that moved since `since`. With a mark and everything
/// selected, the records are read by the history index alone, never the whole database.
pub(crate) fn changed_selection(
    store: &Store,
    all: bool,
    since: &ChangesSince,
    select: impl FnOnce() -> Result<BTreeMap<RecordKind, Vec<StoredRecord>>>,
) -> Result<BTreeMap<RecordKind, Vec<StoredRecord>>> {
    let changed_ids = match since {
        ChangesSince::Mark(mark) if store.is_history_mark(mark)? => {
            Some(store.records_changed_after(mark)?)
        }
        // A stale mark: the destination's state is unknown, so everything goes.
        ChangesSince::Mark(_) => None,
        ChangesSince::Beginning => Some(store.records_changed_after(&HistoryMark {
            seq: 0,
            entry_id: String::new(),
        })?),
        ChangesSince::Bundle { .. } => None,
    };
    if let (true, Some(ids)) = (all, &changed_ids) {
        let mut out: BTreeMap<RecordKind, Vec<StoredRecord>> =
            RecordKind::ALL.iter().map(|k| (*k, Vec::new())).collect();
        for (kind, id) in ids {
            if let Some(rec) = store.load_stored(*kind, id)? {
                out.entry(*kind).or_default().push(rec);
            }
        }
        return Ok(out);
    }
    let mut selected = select()?;
    if matches!(since, ChangesSince::Mark(_)) && changed_ids.is_none() {
        return Ok(selected);
    }
    let changed: HashMap<&str, ()> = changed_ids
        .iter()
        .flatten()
        .map(|(_, id)| (id.as_str(), ()))
        .collect();
    for records in selected.values_mut() {
        records.retain(|rec| since.moved(rec, &changed));
    }
    Ok(selected)
}
