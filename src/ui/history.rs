//! The history of the selected record: who changed what, when, from which value to which
//! (the supervision trail), with the entries that travelled here in bundles, filterable to one
//! field.

use crate::i18n::Lang;
use crate::model::{Category, FindingKind, Status, Topic};
use crate::store::{Action, HistoryEntry, RecordKind, Store};
use egui::RichText;
use serde_json::Value;
use std::collections::BTreeMap;

/// A record's history as the window shows it: its entries, and the records they refer to
/// (a finding's visit, a visit's subject) by caption instead of by id.
#[derive(Clone, Debug, Default)]
pub struct History {
    /// The entries, oldest first.
    pub entries: Vec<HistoryEntry>,
    /// Captions of the records named by `…_id` fields, by id.
    pub captions: BTreeMap<String, String>,
}

impl History {
    /// Reads the history of `id` and the captions of the records its entries refer to.
    pub fn load(store: &Store, id: &str, lang: Lang) -> crate::store::Result<History> {
        let entries = store.history(id)?;
        let mut captions = BTreeMap::new();
        let referenced = entries
            .iter()
            .flat_map(|e| [&e.before, &e.after])
            .filter_map(|side| side.as_ref().and_then(Value::as_object))
            .flat_map(|fields| fields.iter())
            .filter(|(field, _)| field.ends_with("_id") && field.as_str() != "parent_id")
            .filter_map(|(_, value)| value.as_str());
        for id in referenced {
            if !captions.contains_key(id)
                && let Some(caption) = caption(store, id, lang)
            {
                captions.insert(id.to_owned(), caption);
            }
        }
        Ok(History { entries, captions })
    }
}

/// A record in a few words: a visit by day and place, a subject or finding by title. A record
/// this laptop does not have (or cannot read) keeps its id.
fn caption(store: &Store, id: &str, lang: Lang) -> Option<String> {
    let record = store.load_any(id).ok()?;
    let text = |field: &str| record.data.get(field).and_then(Value::as_str).unwrap_or("");
    let caption = match record.kind {
        RecordKind::Visit => {
            let day = chrono::NaiveDate::parse_from_str(text("date"), "%Y-%m-%d")
                .map_or_else(|_| text("date").to_owned(), |d| lang.date(d));
            format!("{day} {}", text("place"))
        }
        RecordKind::Subject | RecordKind::Finding => text("title").to_owned(),
        _ => return None,
    };
    Some(caption.trim().to_owned()).filter(|c| !c.is_empty())
}

/// A field's name in the user's language.
pub fn field_label(name: &str, lang: Lang) -> String {
    let (zh, en) = match name {
        "date" => ("走访日期", "date"),
        "place" => ("走访地点", "place"),
        "region" => ("区域", "region"),
        "investigators" => ("走访人员", "investigators"),
        "people_met" => ("走访人数", "people met"),
        "unannounced" => ("四不两直", "unannounced"),
        "subject_id" => ("调研课题", "subject"),
        "notes" => ("备注", "notes"),
        "visit_id" => ("所属走访", "visit"),
        "kind" => ("类型", "kind"),
        "title" => ("标题", "title"),
        "detail" => ("具体情况", "detail"),
        "topics" => ("专题", "topics"),
        "people_affected" => ("涉及人数", "people affected"),
        "category" => ("整改类别", "category"),
        "measures" => ("整改措施", "measures"),
        "target" => ("整改目标", "target"),
        "deadline" => ("整改时限", "deadline"),
        "owner" => ("责任人", "owner"),
        "owner_unit" => ("责任单位", "owner unit"),
        "status" => ("整改状态", "status"),
        "closed_on" => ("销号日期", "closed on"),
        "verified_by" => ("验收人", "verified by"),
        "close_note" => ("销号说明", "closing note"),
        "code" => ("代码", "code"),
        "name_zh" => ("中文名称", "Chinese name"),
        "name_en" => ("英文名称", "English name"),
        "parent_id" => ("上级专题", "parent"),
        "archived" => ("归档", "archived"),
        "lead" => ("领衔领导", "lead"),
        "unit" => ("承办单位", "unit"),
        "start_date" => ("开始日期", "start"),
        "end_date" => ("结束日期", "end"),
        "response_id" => ("所属答卷", "response"),
        "question" => ("检查项", "checklist item"),
        "form" => ("表单版本", "form version"),
        "form_id" => ("表单编号", "form id"),
        "version" => ("版本", "version"),
        "complete" => ("已完成", "complete"),
        "path" => ("题目", "question"),
        "value" => ("答案", "answer"),
        "definition" => ("表单内容", "form definition"),
        "workbook" => ("工作簿", "workbook"),
        "languages" => ("语言", "languages"),
        "deleted_at" => ("删除", "deleted"),
        other => return other.to_owned(),
    };
    lang.pick(zh, en).to_owned()
}

/// What a history row says happened, in the user's language.
pub fn action_label(action: Action, lang: Lang) -> &'static str {
    match action {
        Action::Create => lang.pick("创建", "created"),
        Action::Update => lang.pick("修改", "changed"),
        Action::Delete => lang.pick("删除", "deleted"),
        Action::Restore => lang.pick("恢复", "restored"),
        Action::Merge => lang.pick("合并导入", "merged"),
        Action::Conflict => lang.pick("冲突", "conflict"),
    }
}

/// One value of a history snapshot in words: dates as dates, codes by their labels, topics by
/// name, lists joined, nothing as "—".
pub fn value_text(
    field: &str,
    value: Option<&Value>,
    topics: &[Topic],
    captions: &BTreeMap<String, String>,
    lang: Lang,
) -> String {
    let topic_name = |id: &str| {
        topics
            .iter()
            .find(|t| t.id.to_string() == id)
            .map_or_else(|| id.to_owned(), |t| t.name(lang).to_owned())
    };
    match value {
        None | Some(Value::Null) => "—".to_owned(),
        Some(Value::String(s)) if s.is_empty() => "—".to_owned(),
        Some(Value::Bool(b)) => lang
            .pick(if *b { "是" } else { "否" }, if *b { "yes" } else { "no" })
            .to_owned(),
        Some(Value::String(s)) => match field {
            "status" => Status::parse(s).map_or_else(|| s.clone(), |v| v.label(lang).to_owned()),
            "category" => {
                Category::parse(s).map_or_else(|| s.clone(), |v| v.label(lang).to_owned())
            }
            "kind" => FindingKind::parse(s).map_or_else(|| s.clone(), |v| v.label(lang).to_owned()),
            "parent_id" => topic_name(s),
            "deleted_at" => local_time(s),
            _ if field.ends_with("_id") => captions.get(s).cloned().unwrap_or_else(|| s.clone()),
            _ => s.clone(),
        },
        Some(Value::Array(items)) => {
            let words: Vec<String> = items
                .iter()
                .map(|item| match item {
                    Value::String(s) if field == "topics" => topic_name(s),
                    Value::String(s) => s.clone(),
                    // An interviewee: by name.
                    Value::Object(o) => o
                        .get("name")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned(),
                    other => other.to_string(),
                })
                .collect();
            if words.is_empty() {
                "—".to_owned()
            } else {
                words.join(lang.pick("、", ", "))
            }
        }
        Some(other) => other.to_string(),
    }
}

/// An RFC 3339 time as local `YYYY-MM-DD HH:MM`.
fn local_time(at: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(at)
        .map(|t| {
            t.with_timezone(&chrono::Local)
                .format("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_else(|_| at.to_owned())
}

/// The changes of one entry as (field, before → after) in words, in field order; none for a
/// record's creation (here, or its first arrival by import), whose every field is new.
pub fn change_lines(
    entry: &HistoryEntry,
    topics: &[Topic],
    captions: &BTreeMap<String, String>,
    lang: Lang,
) -> Vec<(String, String)> {
    if !has_changes(entry) {
        return Vec::new();
    }
    let field_of = |side: &Option<Value>, f: &str| side.as_ref().and_then(|v| v.get(f)).cloned();
    entry
        .changed_fields()
        .into_iter()
        .map(|f| {
            let value = |side| value_text(&f, field_of(side, &f).as_ref(), topics, captions, lang);
            let (before, after) = (value(&entry.before), value(&entry.after));
            let text = format!("{} → {}", clip(&before), clip(&after));
            (f, text)
        })
        .collect()
}

/// Whether an entry changed a record that existed before it.
fn has_changes(entry: &HistoryEntry) -> bool {
    entry.action != Action::Create && entry.before.is_some()
}

/// A long text cut to a line.
fn clip(text: &str) -> String {
    const MAX: usize = 60;
    if text.chars().count() > MAX {
        format!("{}…", text.chars().take(MAX).collect::<String>())
    } else {
        text.to_owned()
    }
}

/// Shows the history, newest first: who, when, what, and each change before → after; a combo
/// box narrows it to the entries that changed one field.
pub fn history_ui(ui: &mut egui::Ui, history: &History, topics: &[Topic], lang: Lang) {
    let entries = &history.entries;
    if entries.is_empty() {
        ui.label(RichText::new(lang.pick("尚无修改记录", "No changes recorded yet")).weak());
        return;
    }
    let mut fields: Vec<String> = Vec::new();
    for entry in entries.iter().filter(|e| has_changes(e)) {
        for f in entry.changed_fields() {
            if !fields.contains(&f) {
                fields.push(f);
            }
        }
    }
    let filter_id = ui.make_persistent_id("history-field-filter");
    let mut filter: Option<String> = ui.data(|d| d.get_temp(filter_id)).flatten();
    if filter.as_ref().is_some_and(|f| !fields.contains(f)) {
        filter = None;
    }
    let all = lang.pick("全部字段", "All fields");
    egui::ComboBox::from_label(lang.pick("字段", "Field"))
        .selected_text(
            filter
                .as_deref()
                .map_or_else(|| all.to_owned(), |f| field_label(f, lang)),
        )
        .show_ui(ui, |ui| {
            ui.selectable_value(&mut filter, None, all);
            for f in &fields {
                ui.selectable_value(&mut filter, Some(f.clone()), field_label(f, lang));
            }
        });
    ui.data_mut(|d| d.insert_temp(filter_id, filter.clone()));
    for entry in entries.iter().rev() {
        let mut changes = change_lines(entry, topics, &history.captions, lang);
        if let Some(f) = &filter {
            changes.retain(|(field, _)| field == f);
            if changes.is_empty() {
                continue;
            }
        }
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new(local_time(&entry.at)).weak().small());
            ui.label(RichText::new(&entry.author).strong());
            ui.label(action_label(entry.action, lang));
            if entry.travelled {
                ui.label(
                    RichText::new(lang.pick("（随案卷包传来）", "(arrived in a bundle)"))
                        .weak()
                        .small(),
                )
                .on_hover_text(format!(
                    "{} {}",
                    lang.pick("设备", "Device"),
                    entry.device
                ));
            }
        });
        for (field, change) in changes {
            ui.horizontal_wrapped(|ui| {
                ui.add_space(12.0);
                let name = format!("{}{}", field_label(&field, lang), lang.pick("：", ":"));
                ui.label(RichText::new(name).weak());
                ui.label(change);
            });
        }
    }
}
