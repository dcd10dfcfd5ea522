//! Checking one incoming record: its kind, id, dates and values, before anything is merged.

use super::Incoming;
use crate::bundle::error::{BundleError, Detail, Result};
use crate::bundle::format::BundleRecord;
use crate::i18n::Lang;
use crate::model::{
    Category, Finding, FindingKind, IntervieweeRole, MAX_CLOCK_AHEAD_MS, MAX_PEOPLE, Status,
    Subject, Topic, ValidationError, Visit, builtin_topics, column_label,
};
use crate::store::{DELETED_FIELD, RecordKind, StoredRecord};
use serde_json::Value;
use std::collections::HashSet;
use std::path::Path;

/// Cross-field rules a merge may legitimately break (each side's fields come from different
/// edits), so they are not held against incoming records; every other rule is.
fn is_cross_field(err: &ValidationError) -> bool {
    matches!(
        err,
        ValidationError::CloseNeedsVerifier
            | ValidationError::CloseNeedsDate
            | ValidationError::EndBeforeStart
            | ValidationError::FewerPeopleThanInterviewees { .. }
    )
}

/// Fields added to a kind after format version 1 was first written: (kind, field, value as
/// JSON) for a record that lacks it. A bundle from an older Zoufang has neither the field nor
/// its clock: it gets the value with the origin clock, exactly what the migration gave the
/// records already in a database, so any real edit wins over it.
const LATER_FIELDS: &[(RecordKind, &str, &str)] = &[
    (RecordKind::Visit, "interviewees", "[]"),
    (RecordKind::Finding, "response_id", "null"),
    (RecordKind::Finding, "question", "null"),
];

fn add_later_fields(rec: &mut StoredRecord) {
    for (kind, field, value) in LATER_FIELDS {
        if rec.kind == *kind
            && !rec.data.contains_key(*field)
            && !rec.clocks.contains_key(*field)
            && let Ok(value) = serde_json::from_str::<Value>(value)
        {
            rec.data.insert((*field).to_owned(), value);
            rec.clocks
                .insert((*field).to_owned(), crate::model::Hlc::origin());
        }
    }
}

/// Checks one incoming record by reading it as its typed kind, and normalises its data.
pub(crate) fn validate(kind: RecordKind, record: BundleRecord, path: &Path) -> Result<Incoming> {
    let (mut rec, base) = record.into_stored(kind);
    add_later_fields(&mut rec);
    normalise_labels(kind, &mut rec);
    let shown_id: String = rec.id.chars().take(60).collect();
    let bad = |detail: Detail| BundleError::BadRecord {
        kind: kind.table(),
        id: shown_id.clone(),
        detail,
        path: path.to_owned(),
    };
    let known: HashSet<&str> = kind
        .columns()
        .iter()
        .map(|(c, _)| *c)
        .chain([DELETED_FIELD])
        .collect();
    let element_clock = |k: &String| crate::store::sets::valid_element_key(kind, k);
    if let Some(field) = rec
        .clocks
        .keys()
        .filter(|k| !element_clock(k))
        .chain(base.keys())
        .chain(rec.data.keys())
        .find(|k| !known.contains(k.as_str()))
    {
        let field: String = field.chars().take(40).collect();
        return Err(bad(Detail::new(
            format!("未知字段 {field}"),
            format!("unknown field {field}"),
        )));
    }
    // Every field carries its clock (a tombstone too): merging compares nothing else.
    if let Some((field, _)) = kind
        .columns()
        .iter()
        .find(|(c, _)| !rec.clocks.contains_key(*c))
    {
        if !rec.data.contains_key(*field) {
            return Err(bad(missing_field(kind, field)));
        }
        return Err(bad(Detail::new(
            format!("字段 {field}（{}）缺少时钟", field_label(field, Lang::Zh)),
            format!("no clock for {field}"),
        )));
    }
    if rec.meta.deleted_at.is_some() && !rec.clocks.contains_key(DELETED_FIELD) {
        return Err(bad(Detail::new(
            "删除标记（deleted_at）缺少时钟",
            "no clock for deleted_at",
        )));
    }
    /// The record as its typed kind reads and writes it; its data and clocks move out of `rec`.
    fn typed<R: crate::store::Record>(rec: &mut StoredRecord) -> Result<StoredRecord, Detail> {
        let typed: R = decode(rec)?;
        if let Err(e) = typed.check()
            && !is_cross_field(&e)
        {
            return Err(Detail::of(&e));
        }
        let mut out = StoredRecord::from_record(&typed).map_err(|e| Detail::of(&e))?;
        out.clocks = std::mem::take(&mut rec.clocks);
        out.meta = rec.meta.clone();
        Ok(out)
    }
    let normalised = match kind {
        RecordKind::Topic => typed::<Topic>(&mut rec),
        RecordKind::Subject => typed::<Subject>(&mut rec),
        RecordKind::Visit => typed::<Visit>(&mut rec),
        RecordKind::Finding => typed::<Finding>(&mut rec),
        RecordKind::Attachment => typed::<crate::model::Attachment>(&mut rec),
        RecordKind::Form => typed::<crate::model::Form>(&mut rec),
        RecordKind::Response => typed::<crate::model::Response>(&mut rec),
        RecordKind::Answer => typed::<crate::model::AnswerRecord>(&mut rec),
    }
    .map_err(bad)?;
    if normalised.id != rec.id {
        return Err(bad(Detail::new(
            "编号不是规范格式",
            "id not in canonical form",
        )));
    }
    // The built-in catalogue is the same everywhere and immutable to merges: a bundle that
    // edits or deletes one of its topics is refused (no laptop can make such a change).
    if kind == RecordKind::Topic
        && let Some(builtin) = builtin_topics()
            .into_iter()
            .find(|t| t.id.to_string() == rec.id)
    {
        if StoredRecord::from_record(&builtin)?.data != normalised.data {
            return Err(bad(Detail::new(
                "内置专题（built-in）不能修改",
                "built-in topics cannot be changed",
            )));
        }
        if normalised.meta.deleted_at.is_some() {
            return Err(bad(Detail::new(
                "内置专题（built-in）不能删除",
                "built-in topics cannot be deleted",
            )));
        }
    }
    let limit = chrono::Utc::now().timestamp_millis() + MAX_CLOCK_AHEAD_MS;
    if let Some(clock) = normalised.clocks.values().find(|c| c.millis > limit) {
        return Err(BundleError::FutureClock {
            when: clock.time_text(),
            path: path.to_owned(),
        });
    }
    if let Some((field, clock)) = normalised
        .clocks
        .iter()
        .find(|(_, c)| c.counter > crate::model::MAX_COUNTER)
    {
        let max = crate::model::MAX_COUNTER;
        return Err(bad(Detail::new(
            format!(
                "字段 {field} 的时钟计数器（counter）为 {}，最大为 {max}",
                clock.counter
            ),
            format!(
                "the clock of {field} has a counter of {} (at most {max})",
                clock.counter
            ),
        )));
    }
    Ok(Incoming {
        rec: normalised,
        base,
    })
}

/// Reads a record as its typed kind (taking its data, which is not needed after); a value that
/// does not decode is named by its field, with what the field must hold and what it holds.
fn decode<R: crate::store::Record>(rec: &mut StoredRecord) -> Result<R, Detail> {
    let mut data = std::mem::take(&mut rec.data);
    data.insert("id".to_owned(), Value::String(rec.id.clone()));
    let value = Value::Object(data);
    let mut record: R = match serde_path_to_error::deserialize(&value) {
        Ok(record) => record,
        Err(err) => {
            let path = err.path().to_string();
            let message = err.inner().to_string();
            // serde names a missing field only in its message: "missing field `archived`".
            if let Some(field) = message
                .strip_prefix("missing field `")
                .and_then(|m| m.split('`').next())
            {
                let field = if path == "." {
                    field.to_owned()
                } else {
                    format!("{path}.{field}")
                };
                return Err(missing_field(R::KIND, &field));
            }
            let found = pointer(&value, &path);
            return Err(bad_value(R::KIND, &path, found));
        }
    };
    *record.meta_mut() = rec.meta.clone();
    Ok(record)
}

/// The value at a serde path (`interviewees[0].role`) in `value`.
fn pointer<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
    let mut at = value;
    for part in path.split('.') {
        let (name, index) = match part.split_once('[') {
            Some((name, rest)) => (name, rest.trim_end_matches(']').parse::<usize>().ok()),
            None => (part, None),
        };
        if !name.is_empty() {
            at = at.get(name)?;
        }
        if let Some(i) = index {
            at = at.get(i)?;
        }
    }
    Some(at)
}

/// The last field name of a serde path: `interviewees[0].role` → `role`.
fn leaf(path: &str) -> &str {
    let last = path.rsplit('.').next().unwrap_or(path);
    last.split('[').next().unwrap_or(last)
}

/// A field's name in `lang`, for fields the model's list does not name.
fn field_label(field: &str, lang: Lang) -> &'static str {
    let (zh, en) = match leaf(field) {
        "kind" => ("类型", "kind"),
        "category" => ("整改类别", "category"),
        "status" => ("整改状态", "status"),
        "role" => ("受访人身份", "role"),
        "archived" => ("已停用", "archived"),
        "unannounced" => ("四不两直", "unannounced"),
        "parent_id" => ("上级专题", "parent topic"),
        "subject_id" => ("调研课题", "research subject"),
        "sha256" => ("内容摘要", "SHA-256"),
        other => return column_label(other, lang),
    };
    lang.pick(zh, en)
}

/// The choices of a vocabulary: `resident（群众）、family（家属）…` / `resident, family, …`.
fn choices<T: Copy>(
    all: &[T],
    code: fn(T) -> &'static str,
    label: fn(T, Lang) -> &'static str,
) -> (String, String) {
    let zh: Vec<String> = all
        .iter()
        .map(|v| format!("{}（{}）", label(*v, Lang::Zh), code(*v)))
        .collect();
    let en: Vec<&str> = all.iter().map(|v| code(*v)).collect();
    (
        format!("{}之一", zh.join("、")),
        format!("one of {}", en.join(", ")),
    )
}

/// What a field must hold, in Chinese and English.
fn expected(kind: RecordKind, field: &str) -> (String, String) {
    let date = (
        "年-月-日格式的日期（如 2026-04-01）",
        "a date as YYYY-MM-DD (e.g. 2026-04-01)",
    );
    let or_empty = |(zh, en): (&str, &str)| (format!("{zh}，或 null"), format!("{en}, or null"));
    let fixed = |(zh, en): (&str, &str)| (zh.to_owned(), en.to_owned());
    match leaf(field) {
        "date" => fixed(date),
        "start_date" | "end_date" | "deadline" | "closed_on" => or_empty(date),
        "people_met" | "people_affected" => (
            format!("0 到 {MAX_PEOPLE} 之间的整数"),
            format!("a whole number from 0 to {MAX_PEOPLE}"),
        ),
        "size_bytes" => fixed(("不小于 0 的整数", "a whole number, 0 or more")),
        "archived" | "unannounced" => fixed(("true 或 false", "true or false")),
        "kind" if kind == RecordKind::Finding => {
            choices(FindingKind::ALL, FindingKind::code, FindingKind::label)
        }
        "category" => {
            let (zh, en) = choices(Category::ALL, Category::code, Category::label);
            (format!("{zh}，或 null"), format!("{en}, or null"))
        }
        "status" => choices(Status::ALL, Status::code, Status::label),
        "role" => choices(
            IntervieweeRole::ALL,
            IntervieweeRole::code,
            IntervieweeRole::label,
        ),
        "topics" => fixed(("专题编号（UUID）的列表", "a list of topic ids (UUIDs)")),
        "investigators" => fixed(("姓名的列表", "a list of names")),
        "interviewees" => fixed((
            "受访人的列表，每人含 name、role、contact",
            "a list of interviewees, each with name, role and contact",
        )),
        "id" | "visit_id" => fixed(("记录编号（UUID）", "a record id (UUID)")),
        "subject_id" | "parent_id" | "owner_id" => {
            or_empty(("记录编号（UUID）", "a record id (UUID)"))
        }
        _ => fixed(("文本", "text")),
    }
}

/// How a found value reads in a message.
fn found(value: Option<&Value>) -> (String, String) {
    let short = |text: &str| -> String {
        let cut: String = text.chars().take(40).collect();
        if cut.len() < text.len() {
            format!("{cut}…")
        } else {
            cut
        }
    };
    match value {
        None => ("无".to_owned(), "nothing".to_owned()),
        Some(Value::String(s)) if s.is_empty() => {
            ("空字符串".to_owned(), "an empty string".to_owned())
        }
        Some(Value::String(s)) => (format!("“{}”", short(s)), format!("\"{}\"", short(s))),
        Some(Value::Null) => ("空值 null".to_owned(), "null".to_owned()),
        Some(other) => {
            let text = short(&other.to_string());
            (text.clone(), text)
        }
    }
}

/// A field holding a value it cannot hold.
fn bad_value(kind: RecordKind, path: &str, value: Option<&Value>) -> Detail {
    let (want_zh, want_en) = expected(kind, path);
    let (got_zh, got_en) = found(value);
    Detail::new(
        format!(
            "字段 {path}（{}）应为{want_zh}，实际为{got_zh}",
            field_label(path, Lang::Zh)
        ),
        format!(
            "field {path} ({}) must be {want_en}, found {got_en}",
            field_label(path, Lang::En)
        ),
    )
}

/// A field the record lacks.
fn missing_field(kind: RecordKind, path: &str) -> Detail {
    let (want_zh, want_en) = expected(kind, path);
    Detail::new(
        format!(
            "缺少字段 {path}（{}），应为{want_zh}",
            field_label(path, Lang::Zh)
        ),
        format!(
            "missing field {path} ({}), which must be {want_en}",
            field_label(path, Lang::En)
        ),
    )
}

/// Vocabulary fields given as a label (群众, 已销号, Closed) are read as their code, as the
/// command line reads them.
fn normalise_labels(kind: RecordKind, rec: &mut StoredRecord) {
    fn to_code<T: Copy>(
        value: &mut Value,
        parse: fn(&str) -> Option<T>,
        code: fn(T) -> &'static str,
    ) {
        if let Value::String(text) = value
            && let Some(v) = parse(text)
        {
            *text = code(v).to_owned();
        }
    }
    let data = &mut rec.data;
    match kind {
        RecordKind::Finding => {
            if let Some(v) = data.get_mut("kind") {
                to_code(v, FindingKind::parse, FindingKind::code);
            }
            if let Some(v) = data.get_mut("category") {
                to_code(v, Category::parse, Category::code);
            }
            if let Some(v) = data.get_mut("status") {
                to_code(v, Status::parse, Status::code);
            }
        }
        RecordKind::Visit => {
            if let Some(Value::Array(people)) = data.get_mut("interviewees") {
                for person in people {
                    if let Some(v) = person.get_mut("role") {
                        to_code(v, IntervieweeRole::parse, IntervieweeRole::code);
                    }
                }
            }
        }
        _ => {}
    }
}
