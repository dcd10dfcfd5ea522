//! Set-valued fields — a record's topics, a visit's investigators and interviewees — merge
//! element by element, so two colleagues who each add a topic to the same finding both keep
//! their addition, and a removal made after an element was added sticks.
//!
//! Each element has its own clock, stored in the record's clock map under
//! `field/<element as canonical JSON>`. An element without an entry there carries the field's
//! clock. A removed element keeps its entry (so an older copy cannot bring it back). For each
//! element the later clock wins, as for whole fields; the merged list is ordered by element
//! clock, then by position within the edit that set it, so the order a person typed survives
//! and every laptop orders the same merge the same way.

use super::record::RecordKind;
use crate::model::{Hlc, Interviewee};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};

/// Whether `field` of `kind` is a set that merges element by element.
pub fn is_set_field(kind: RecordKind, field: &str) -> bool {
    matches!(
        (kind, field),
        (RecordKind::Subject | RecordKind::Finding, "topics")
            | (RecordKind::Visit, "investigators" | "interviewees")
    )
}

/// The clock-map key of one element of a set field.
pub fn element_key(field: &str, element: &Value) -> String {
    format!("{field}/{}", canonical(element))
}

/// Whether a clock-map key is an element's (not a field's).
pub fn is_element_key(key: &str) -> bool {
    key.contains('/')
}

/// Splits a clock-map key into its set field and element text, if it is an element key.
pub fn split_element_key(key: &str) -> Option<(&str, &str)> {
    key.split_once('/')
}

/// Whether an element key read from outside names a set field of `kind` and a well-formed
/// element in canonical form.
pub fn valid_element_key(kind: RecordKind, key: &str) -> bool {
    let Some((field, text)) = split_element_key(key) else {
        return false;
    };
    if !is_set_field(kind, field) {
        return false;
    }
    let Ok(element) = serde_json::from_str::<Value>(text) else {
        return false;
    };
    let well_typed = match field {
        "interviewees" => serde_json::from_value::<Interviewee>(element.clone()).is_ok(),
        _ => element.is_string(),
    };
    well_typed && canonical(&element) == text
}

/// JSON text with object keys sorted at every level, so equal elements have equal keys.
fn canonical(value: &Value) -> String {
    fn sorted(value: &Value) -> Value {
        match value {
            Value::Object(map) => {
                let ordered: BTreeMap<&String, Value> =
                    map.iter().map(|(k, v)| (k, sorted(v))).collect();
                Value::Object(ordered.into_iter().map(|(k, v)| (k.clone(), v)).collect())
            }
            Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
            other => other.clone(),
        }
    }
    sorted(value).to_string()
}

/// One element's state in one version.
#[derive(Clone, Debug)]
struct State {
    clock: Hlc,
    present: bool,
    element: Value,
    /// Its position in the version's list (removed elements come after all).
    position: usize,
}

/// Every element a version knows of, present or removed, by canonical text.
fn states(field: &str, value: &Value, clocks: &BTreeMap<String, Hlc>) -> HashMap<String, State> {
    let field_clock = clocks.get(field).cloned().unwrap_or_else(Hlc::origin);
    let mut out = HashMap::new();
    let items = value.as_array().map(Vec::as_slice).unwrap_or_default();
    for (position, element) in items.iter().enumerate() {
        let text = canonical(element);
        let clock = clocks
            .get(&format!("{field}/{text}"))
            .cloned()
            .unwrap_or_else(|| field_clock.clone());
        out.entry(text).or_insert(State {
            clock,
            present: true,
            element: element.clone(),
            position,
        });
    }
    let prefix = format!("{field}/");
    for (key, clock) in clocks.range(prefix.clone()..) {
        let Some(text) = key.strip_prefix(&prefix) else {
            break;
        };
        if out.contains_key(text) {
            continue;
        }
        let Ok(element) = serde_json::from_str::<Value>(text) else {
            continue;
        };
        out.insert(
            text.to_owned(),
            State {
                clock: clock.clone(),
                present: false,
                element,
                position: usize::MAX,
            },
        );
    }
    out
}

/// Writes `field`'s clock and element entries into `clocks`, dropping the old ones: entries
/// only where an element's clock differs from the field's, or where it was removed.
fn store_states(
    field: &str,
    field_clock: &Hlc,
    states: &HashMap<String, State>,
    clocks: &mut BTreeMap<String, Hlc>,
) {
    let prefix = format!("{field}/");
    clocks.retain(|k, _| !k.starts_with(&prefix));
    clocks.insert(field.to_owned(), field_clock.clone());
    for (text, state) in states {
        if !state.present || &state.clock != field_clock {
            clocks.insert(format!("{prefix}{text}"), state.clock.clone());
        }
    }
}

/// Stamps a local edit of set field `field` from `old` to `new` at `clock`: added and removed
/// elements take the new clock, elements kept keep theirs, unless the order typed puts a kept
/// element after a newer one (then it is stamped anew, so merges keep the order as typed).
pub fn stamp_edit(
    field: &str,
    old: &Value,
    new: &Value,
    clock: &Hlc,
    clocks: &mut BTreeMap<String, Hlc>,
) {
    let before = states(field, old, clocks);
    let mut after: HashMap<String, State> = HashMap::new();
    let mut latest: Option<Hlc> = None;
    let items = new.as_array().map(Vec::as_slice).unwrap_or_default();
    for (position, element) in items.iter().enumerate() {
        let text = canonical(element);
        if after.contains_key(&text) {
            continue;
        }
        let kept = before
            .get(&text)
            .filter(|s| s.present)
            .map(|s| s.clock.clone())
            .filter(|c| latest.as_ref().is_none_or(|l| c >= l));
        let stamp = kept.unwrap_or_else(|| clock.clone());
        latest = Some(stamp.clone());
        after.insert(
            text,
            State {
                clock: stamp,
                present: true,
                element: element.clone(),
                position,
            },
        );
    }
    for (text, state) in before {
        if after.contains_key(&text) {
            continue;
        }
        let stamp = if state.present {
            clock.clone()
        } else {
            state.clock.clone()
        };
        after.insert(
            text,
            State {
                clock: stamp,
                present: false,
                ..state
            },
        );
    }
    store_states(field, clock, &after, clocks);
}

/// Merges set field `field` of two versions: per element the later clock wins (presence wins
/// a tie, which one edit cannot make). Returns the merged list and writes the merged clocks
/// into `out_clocks`.
pub fn merge(
    field: &str,
    local: (&Value, &BTreeMap<String, Hlc>),
    incoming: (&Value, &BTreeMap<String, Hlc>),
    out_clocks: &mut BTreeMap<String, Hlc>,
) -> Value {
    let mine = states(field, local.0, local.1);
    let theirs = states(field, incoming.0, incoming.1);
    let mut merged = mine;
    for (text, state) in theirs {
        let wins = match merged.get(&text) {
            None => true,
            // Equal stamps come from one edit; the position only settles forged ties.
            Some(m) => {
                (
                    &state.clock,
                    state.present,
                    std::cmp::Reverse(state.position),
                ) > (&m.clock, m.present, std::cmp::Reverse(m.position))
            }
        };
        if wins {
            merged.insert(text, state);
        }
    }
    let field_clock = [local.1.get(field), incoming.1.get(field)]
        .into_iter()
        .flatten()
        .max()
        .cloned()
        .unwrap_or_else(Hlc::origin);
    let mut present: Vec<(&String, &State)> = merged.iter().filter(|(_, s)| s.present).collect();
    // Elements of one clock come from one edit and stand in that edit's order in every
    // version holding them; the text only orders what nothing else does.
    present.sort_by(|a, b| (&a.1.clock, a.1.position, a.0).cmp(&(&b.1.clock, b.1.position, b.0)));
    let value = Value::Array(present.iter().map(|(_, s)| s.element.clone()).collect());
    store_states(field, &field_clock, &merged, out_clocks);
    value
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn hlc(millis: i64, device: &str) -> Hlc {
        Hlc {
            millis,
            counter: 0,
            device: device.to_owned(),
        }
    }

    /// A version of `investigators` made by a sequence of edits from an empty list.
    fn edited(edits: &[(i64, &str, Value)]) -> (Value, BTreeMap<String, Hlc>) {
        let mut value = json!([]);
        let mut clocks = BTreeMap::from([("investigators".to_owned(), Hlc::origin())]);
        for (millis, device, new) in edits {
            stamp_edit(
                "investigators",
                &value,
                new,
                &hlc(*millis, device),
                &mut clocks,
            );
            value = new.clone();
        }
        (value, clocks)
    }

    fn merged(a: &(Value, BTreeMap<String, Hlc>), b: &(Value, BTreeMap<String, Hlc>)) -> Value {
        let mut clocks = BTreeMap::new();
        merge("investigators", (&a.0, &a.1), (&b.0, &b.1), &mut clocks)
    }

    #[test]
    fn two_additions_both_survive_in_either_order() {
        let base = json!(["张三"]);
        let a = edited(&[(1, "a", base.clone()), (5, "a", json!(["张三", "李四"]))]);
        let b = edited(&[(1, "a", base), (7, "b", json!(["张三", "王五"]))]);
        assert_eq!(merged(&a, &b), json!(["张三", "李四", "王五"]));
        assert_eq!(merged(&b, &a), json!(["张三", "李四", "王五"]));
    }

    #[test]
    fn a_removal_after_the_addition_sticks() {
        let a = edited(&[(1, "a", json!(["张三", "李四"])), (5, "a", json!(["张三"]))]);
        let b = edited(&[
            (1, "a", json!(["张三", "李四"])),
            (7, "b", json!(["张三", "李四", "王五"])),
        ]);
        assert_eq!(merged(&a, &b), json!(["张三", "王五"]));
        assert_eq!(merged(&b, &a), json!(["张三", "王五"]));
    }

    #[test]
    fn merging_with_itself_changes_nothing() {
        let a = edited(&[
            (1, "a", json!(["王五", "张三"])),
            (3, "a", json!(["张三", "王五", "赵六"])),
        ]);
        let mut clocks = a.1.clone();
        assert_eq!(
            merge("investigators", (&a.0, &a.1), (&a.0, &a.1), &mut clocks),
            a.0
        );
        assert_eq!(clocks, a.1);
    }

    #[test]
    fn the_typed_order_survives_a_reordering_edit() {
        let a = edited(&[
            (1, "a", json!(["张三", "李四"])),
            (3, "a", json!(["李四", "张三"])),
        ]);
        let empty = (json!([]), BTreeMap::new());
        assert_eq!(merged(&a, &empty), json!(["李四", "张三"]));
    }

    #[test]
    fn element_keys_are_checked() {
        let key = element_key("interviewees", &json!({"role": "resident", "name": "张三"}));
        assert!(valid_element_key(RecordKind::Visit, &key));
        assert!(valid_element_key(
            RecordKind::Visit,
            "investigators/\"张三\""
        ));
        assert!(!valid_element_key(RecordKind::Visit, "investigators/3"));
        assert!(!valid_element_key(RecordKind::Visit, "notes/\"x\""));
        assert!(!valid_element_key(RecordKind::Topic, "topics/\"x\""));
        assert!(!valid_element_key(
            RecordKind::Visit,
            "interviewees/{\"role\":\"resident\",\"name\":\"张三\"}"
        ));
    }
}
