//! An edit made in the window: only the fields the user changed, each with the value it was
//! changed from. It is applied onto the record as stored *now*, so a field someone else changed
//! meanwhile (an import, a resolved conflict, another window) is never written back with a stale
//! value; a field both changed is refused with [`StoreError::ChangedElsewhere`].

use super::{ChangeSet, Outcome, Record, Result, Store, StoreError, StoredRecord, load};
use serde_json::{Map, Value};

/// The fields of one record a user changed.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldEdit {
    /// The record's id.
    pub id: String,
    /// Each changed field's value as the user saw it before changing it (empty for a new record).
    pub base: Map<String, Value>,
    /// Each changed field's new value (for a new record: every field).
    pub changes: Map<String, Value>,
    /// The record does not exist yet: create it from `changes`.
    pub create: bool,
}

impl FieldEdit {
    /// The edit that creates `record` with all its fields.
    pub fn create<R: Record>(record: &R) -> FieldEdit {
        FieldEdit {
            id: record.id_text(),
            base: Map::new(),
            changes: StoredRecord::from_record(record)
                .map(|s| s.data)
                .unwrap_or_default(),
            create: true,
        }
    }
}

impl Store {
    /// Applies `edit` to the stored record in one transaction and returns the record as saved.
    /// Fields not in the edit keep their stored values; a changed field whose stored value is
    /// neither its base nor its new value was changed elsewhere, and nothing is written.
    pub fn save_edit<R: Record>(&mut self, edit: &FieldEdit) -> Result<(R, Outcome, ChangeSet)> {
        let ((record, outcome), changes) = self.write_tracked(|w| {
            let current = load(w.tx(), R::KIND, &edit.id)?;
            let mut stored = match current {
                Some(current) => current,
                None if edit.create => StoredRecord {
                    kind: R::KIND,
                    id: edit.id.clone(),
                    data: Map::new(),
                    clocks: Default::default(),
                    meta: Default::default(),
                },
                None => {
                    return Err(StoreError::NotFound {
                        kind: R::KIND.table(),
                        id: edit.id.clone(),
                    });
                }
            };
            let none = Value::Null;
            for (field, new) in &edit.changes {
                let now = stored.data.get(field).unwrap_or(&none);
                let was = edit.base.get(field).unwrap_or(&none);
                if !edit.create && now != was && now != new {
                    return Err(StoreError::ChangedElsewhere {
                        field: field.clone(),
                        id: edit.id.clone(),
                    });
                }
                stored.data.insert(field.clone(), new.clone());
            }
            let record: R = stored.to_record()?;
            let outcome = w.put(&record)?;
            let saved: R = load(w.tx(), R::KIND, &edit.id)?
                .ok_or_else(|| StoreError::NotFound {
                    kind: R::KIND.table(),
                    id: edit.id.clone(),
                })?
                .to_record()?;
            Ok((saved, outcome))
        })?;
        Ok((record, outcome, changes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Finding, Visit};
    use chrono::NaiveDate;

    fn edit(id: &str, field: &str, was: Value, new: Value) -> FieldEdit {
        let mut base = Map::new();
        base.insert(field.to_owned(), was);
        let mut changes = Map::new();
        changes.insert(field.to_owned(), new);
        FieldEdit {
            id: id.to_owned(),
            base,
            changes,
            create: false,
        }
    }

    fn stored_finding(store: &mut Store) -> Finding {
        let visit = Visit::new(NaiveDate::from_ymd_opt(2026, 5, 6).unwrap(), "城西");
        store.save_visit(&visit).unwrap();
        let mut finding = Finding::new(visit.id, "护理员不足");
        finding.deadline = NaiveDate::from_ymd_opt(2026, 12, 31);
        store.save_finding(&finding).unwrap();
        finding
    }

    #[test]
    fn an_edit_of_one_field_keeps_a_value_changed_elsewhere_in_another() {
        let mut store = Store::open_in_memory().unwrap();
        let finding = stored_finding(&mut store);
        // Someone else moves the deadline while the editor still shows the old one.
        let mut theirs = finding.clone();
        theirs.deadline = NaiveDate::from_ymd_opt(2027, 1, 15);
        store.save_finding(&theirs).unwrap();
        let id = finding.id.to_string();
        let (saved, outcome, changes) = store
            .save_edit::<Finding>(&edit(&id, "people_affected", 0.into(), 12.into()))
            .unwrap();
        assert_eq!(outcome, Outcome::Updated);
        assert!(changes.touches(&id));
        assert_eq!(saved.people_affected, 12);
        assert_eq!(saved.deadline, NaiveDate::from_ymd_opt(2027, 1, 15));
    }

    #[test]
    fn an_edit_of_a_field_changed_elsewhere_is_refused_and_writes_nothing() {
        let mut store = Store::open_in_memory().unwrap();
        let finding = stored_finding(&mut store);
        let mut theirs = finding.clone();
        theirs.deadline = NaiveDate::from_ymd_opt(2027, 1, 15);
        store.save_finding(&theirs).unwrap();
        let before = store.digest().unwrap();
        let err = store
            .save_edit::<Finding>(&edit(
                &finding.id.to_string(),
                "deadline",
                "2026-12-31".into(),
                "2026-12-10".into(),
            ))
            .unwrap_err();
        assert!(
            matches!(err, StoreError::ChangedElsewhere { ref field, .. } if field == "deadline")
        );
        assert_eq!(store.digest().unwrap(), before);
    }

    #[test]
    fn a_new_record_is_created_from_its_fields() {
        let mut store = Store::open_in_memory().unwrap();
        let visit = Visit::new(NaiveDate::from_ymd_opt(2026, 5, 6).unwrap(), "城西");
        let stored = StoredRecord::from_record(&visit).unwrap();
        let edit = FieldEdit {
            id: visit.id.to_string(),
            base: Map::new(),
            changes: stored.data,
            create: true,
        };
        let (saved, outcome, _) = store.save_edit::<Visit>(&edit).unwrap();
        assert_eq!(outcome, Outcome::Created);
        assert_eq!(saved.place, "城西");
        assert_eq!(store.visit(visit.id).unwrap().place, "城西");
    }
}
