//! The field-by-field merge of two versions of one record: which clock wins, and which loss is
//! a conflict.

use crate::bundle::error::Result;
use crate::bundle::read::{Incoming, field_value};
use crate::model::Hlc;
use crate::store::history_base::snapshot_value;
use crate::store::{DELETED_FIELD, HistoryRow, RecordKind, StoredRecord, sets};
use serde_json::{Map, Value};
use std::collections::HashMap;

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
    /// Who settled it already: the author of a version that wrote the losing value again on
    /// top of the winning one (a resolution made on another laptop). Recorded as reviewed.
    pub settled_by: Option<String>,
}

/// The fields merging looks at: the kind's columns, then the tombstone.
pub(super) fn fields(kind: RecordKind) -> impl Iterator<Item = &'static str> {
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
        if lv == iv && (lc == ic || field == DELETED_FIELD) {
            continue;
        }
        let (winner_clock, loser_clock, winner_value, loser_value, winner, loser) = if wins {
            (ic, lc, &iv, &lv, incoming, local)
        } else {
            (lc, ic, &lv, &iv, local, incoming)
        };
        let (Some(winner_clock), Some(loser_clock)) = (winner_clock, loser_clock) else {
            continue;
        };
        let winner_base = if wins {
            incoming_base.get(field).cloned()
        } else {
            local_base(field)?
        };
        if winner_base.as_ref() == Some(loser_value) {
            // The winning edit was made on top of the losing value: nothing concurrent.
            continue;
        }
        let mut conflict = FieldConflict {
            field: field.to_owned(),
            loser_value: loser_value.clone(),
            loser_clock: loser_clock.clone(),
            loser_author: loser.meta.updated_by.clone(),
            winner_value: winner_value.clone(),
            winner_clock: winner_clock.clone(),
            loser_is_local: wins,
            settled_by: None,
        };
        if lv != iv && winner_clock.device != loser_clock.device {
            conflicts.push(conflict);
            continue;
        }
        // The winner saw the loser (one device's edits are made one after the other), or
        // holds its very value again. It may still have been made on top of a colleague's
        // value that the loser was concurrent with: its author merged that value, or chose
        // between the two in a resolution, then wrote the winner. The laptop the two met on
        // first listed that conflict; a laptop that meets them only now lists it too, or
        // whether a conflict is listed would depend on the order the bundles arrived in.
        let loser_base = if wins {
            local_base(field)?
        } else {
            incoming_base.get(field).cloned()
        };
        let Some(concurrent) =
            concurrent_base(winner_base.as_ref(), loser_value, loser_base.as_ref())
        else {
            continue;
        };
        if lv == iv {
            // The losing value was written again on top of the concurrent one: a resolution
            // kept it. Listed as the resolver's laptop lists it (the concurrent value kept at
            // first, this one lost), and as reviewed by the resolver.
            conflict.winner_value = concurrent.clone();
            conflict.settled_by = Some(winner.meta.updated_by.clone());
        }
        conflicts.push(conflict);
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

/// The value a winner was made on top of (`winner_base`), when the loser (`loser_value`, made
/// on top of `loser_base`) was concurrent with it: neither that value nor made on top of it.
/// Without both bases (a version as it was created, say) nothing says they were concurrent.
fn concurrent_base<'v>(
    winner_base: Option<&'v Value>,
    loser_value: &Value,
    loser_base: Option<&Value>,
) -> Option<&'v Value> {
    let (base, loser_base) = (winner_base?, loser_base?);
    (base != loser_value && base != loser_base).then_some(base)
}

/// An edit's clock and the record as it was before it.
type MadeOn<'h> = (Hlc, &'h Map<String, Value>);

/// Sets each incoming field's base to the value its version was made on, where the history
/// that came along holds the edit that made it (the row whose clock is the field's clock).
/// A bundle's own `base` is the value the exporting laptop's last change replaced, which for
/// a version it merged in is the value that version beat there, not the one it was made on:
/// a relayed version would otherwise look made on top of the value it was concurrent with.
pub(crate) fn exact_bases(records: &mut [Incoming], history: &[HistoryRow]) {
    // Per record, the edits made on some laptop (a creation has no base, a merge row's
    // `before` is the value the merged version beat).
    let mut edits: HashMap<&str, Vec<MadeOn<'_>>> = HashMap::new();
    for row in history {
        if !matches!(row.action.as_str(), "update" | "delete" | "restore") {
            continue;
        }
        if let (Some(Value::Object(before)), Ok(clock)) = (&row.before, row.clock.parse::<Hlc>()) {
            edits
                .entry(row.record_id.as_str())
                .or_default()
                .push((clock, before));
        }
    }
    if edits.is_empty() {
        return;
    }
    for incoming in records {
        let Some(rows) = edits.get(incoming.rec.id.as_str()) else {
            continue;
        };
        for field in fields(incoming.rec.kind) {
            if sets::is_set_field(incoming.rec.kind, field) {
                continue;
            }
            let Some(clock) = incoming.rec.clocks.get(field) else {
                continue;
            };
            let Some((_, before)) = rows.iter().find(|(made, _)| made == clock) else {
                continue;
            };
            let base = snapshot_value(field, before.get(field));
            if base != field_value(&incoming.rec, field) {
                incoming.base.insert(field.to_owned(), base);
            }
        }
    }
}

/// The value the local version of `field` was made on, read from the history (this laptop's,
/// or a colleague's that came with their bundle) by the field's clock: for a version merged
/// in, the value its edit replaced on its own laptop, not the one it beat here.
pub(super) fn local_edit_base(
    store: &crate::store::Store,
    local: &StoredRecord,
    field: &str,
) -> Result<Option<Value>> {
    let Some(clock) = local.clocks.get(field) else {
        return Ok(None);
    };
    let Some(before) = store.before_edit(&local.id, &clock.to_string())? else {
        return Ok(None);
    };
    let Ok(Value::Object(before)) = serde_json::from_str::<Value>(&before) else {
        return Ok(None);
    };
    let base = snapshot_value(field, before.get(field));
    Ok((base != field_value(local, field)).then_some(base))
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
        settled_by: None,
    })
}

/// Whether two versions hold the same data, clocks and tombstone.
pub(super) fn same(a: &StoredRecord, b: &StoredRecord) -> bool {
    a.data == b.data && a.clocks == b.clocks && a.meta.deleted_at == b.meta.deleted_at
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::model::RecordMeta;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

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
    fn a_relayed_version_gets_the_base_its_edit_was_made_on() {
        let made = Hlc {
            millis: 5,
            counter: 0,
            device: "b".to_owned(),
        };
        let mut rec = StoredRecord {
            kind: RecordKind::Visit,
            id: ID.to_owned(),
            data: Map::new(),
            clocks: BTreeMap::new(),
            meta: RecordMeta::default(),
        };
        rec.data.insert("place".into(), "新址".into());
        rec.clocks.insert("place".into(), made.clone());
        rec.data.insert("notes".into(), "备注".into());
        rec.clocks.insert("notes".into(), Hlc::origin());
        // The relaying laptop's base: the value the version beat there.
        let mut base = Map::new();
        base.insert("place".into(), "落选的地址".into());
        let mut records = vec![Incoming { rec, base }];
        let row = |action: &str, clock: &Hlc| HistoryRow {
            id: String::new(),
            record_id: ID.to_owned(),
            kind: "visit".to_owned(),
            action: action.to_owned(),
            at: String::new(),
            author: String::new(),
            device: clock.device.clone(),
            clock: clock.to_string(),
            before: Some(serde_json::json!({"place": "旧址", "notes": "旧备注"})),
            after: None,
        };
        // A merge row with the same clock says nothing of what the edit was made on.
        exact_bases(&mut records, &[row("merge", &made)]);
        assert_eq!(records[0].base["place"], "落选的地址");
        exact_bases(&mut records, &[row("update", &made)]);
        assert_eq!(records[0].base["place"], "旧址", "the edit that made it");
        assert!(
            !records[0].base.contains_key("notes"),
            "a field the edit did not make keeps its own"
        );
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
