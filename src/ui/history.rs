//! The history of the selected record: who changed what, when (the supervision trail).

use crate::i18n::Lang;
use crate::store::{Action, HistoryEntry};
use egui::RichText;

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

/// Shows the history, newest first.
pub fn history_ui(ui: &mut egui::Ui, entries: &[HistoryEntry], lang: Lang) {
    if entries.is_empty() {
        ui.label(RichText::new(lang.pick("尚无修改记录", "No changes recorded yet")).weak());
        return;
    }
    for entry in entries.iter().rev() {
        let when = chrono::DateTime::parse_from_rfc3339(&entry.at)
            .map(|t| {
                t.with_timezone(&chrono::Local)
                    .format("%Y-%m-%d %H:%M")
                    .to_string()
            })
            .unwrap_or_else(|_| entry.at.clone());
        let fields: Vec<String> = if entry.action == Action::Update {
            entry
                .changed_fields()
                .iter()
                .map(|f| field_label(f, lang))
                .collect()
        } else {
            Vec::new()
        };
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new(when).weak().small());
            ui.label(RichText::new(&entry.author).strong());
            ui.label(action_label(entry.action, lang));
            if !fields.is_empty() {
                ui.label(RichText::new(fields.join(lang.pick("、", ", "))).weak());
            }
        });
    }
}
