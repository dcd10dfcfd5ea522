//! What a write changed: one [`Change`] per record touched, so the window drops only the caches
//! and editors that show those records (not everything after every keystroke).

use super::RecordKind;

/// How a record changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChangeKind {
    /// It was created.
    Created,
    /// Some of its fields changed.
    Updated,
    /// It went to the Trash.
    Deleted,
    /// It came back from the Trash.
    Restored,
}

/// One record a write changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// The record's kind.
    pub kind: RecordKind,
    /// The record's id.
    pub id: String,
    /// What happened to it.
    pub what: ChangeKind,
}

/// Every record one write (or one import) changed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ChangeSet {
    /// The changes, in the order they were made.
    pub changes: Vec<Change>,
}

impl ChangeSet {
    /// Nothing changed.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// Whether the record with this id changed.
    pub fn touches(&self, id: &str) -> bool {
        self.changes.iter().any(|c| c.id == id)
    }

    /// Whether any record of this kind changed.
    pub fn touches_kind(&self, kind: RecordKind) -> bool {
        self.changes.iter().any(|c| c.kind == kind)
    }

    /// Whether a record of this kind was created, deleted or restored (so counts of it changed).
    pub fn changes_count_of(&self, kind: RecordKind) -> bool {
        self.changes
            .iter()
            .any(|c| c.kind == kind && c.what != ChangeKind::Updated)
    }

    /// Adds the changes of another write.
    pub fn extend(&mut self, other: ChangeSet) {
        self.changes.extend(other.changes);
    }

    pub(super) fn push(&mut self, kind: RecordKind, id: &str, what: ChangeKind) {
        self.changes.push(Change {
            kind,
            id: id.to_owned(),
            what,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Finding, Visit};
    use crate::store::Store;

    #[test]
    fn a_write_says_which_records_it_changed_and_how() {
        let mut store = Store::open_in_memory().unwrap();
        let visit = Visit::new(chrono::NaiveDate::from_ymd_opt(2026, 5, 6).unwrap(), "城西");
        let finding = Finding::new(visit.id, "护理员不足");
        let ((), created) = store
            .write_tracked(|w| {
                w.put(&visit)?;
                w.put(&finding)?;
                Ok(())
            })
            .unwrap();
        assert!(created.touches(&visit.id.to_string()));
        assert!(created.changes_count_of(RecordKind::Finding));
        let mut changed = finding.clone();
        changed.people_affected = 12;
        let (_, updated) = store.write_tracked(|w| w.put(&changed)).unwrap();
        assert!(updated.touches(&finding.id.to_string()));
        assert!(!updated.touches(&visit.id.to_string()));
        assert!(
            !updated.changes_count_of(RecordKind::Finding),
            "an update changes no count"
        );
        let (_, unchanged) = store.write_tracked(|w| w.put(&changed)).unwrap();
        assert!(
            unchanged.is_empty(),
            "saving the same values changes nothing"
        );
        let (_, deleted) = store
            .write_tracked(|w| w.set_deleted(RecordKind::Visit, &visit.id.to_string(), true))
            .unwrap();
        assert_eq!(deleted.changes.len(), 2, "a visit takes its finding along");
        assert!(
            deleted
                .changes
                .iter()
                .all(|c| c.what == ChangeKind::Deleted)
        );
    }
}
