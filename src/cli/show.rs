//! `zoufang show ID` and `zoufang search TEXT`.

use super::json::{self, TopicCodes};
use super::{CliError, Context};
use crate::i18n::Lang;
use crate::model::{Finding, Subject, Topic, Visit};
use crate::store::{Action, RecordKind, kind_label};
use crate::ui::history::{History, change_lines, field_label};
use serde_json::{Value, json};

/// Prints any record with its history.
pub fn run(ctx: &Context, id: &str) -> Result<(), CliError> {
    let id = id.trim();
    let stored = ctx.store.load_any(id)?;
    let topics = ctx.store.topics()?;
    let codes = TopicCodes::new(&topics);
    let record: Value = match stored.kind {
        RecordKind::Visit => json::visit(&stored.to_record::<Visit>()?),
        RecordKind::Finding => {
            let finding = stored.to_record::<Finding>()?;
            let mut out = json::finding(&finding, &codes);
            super::form_json::checklist_state(&ctx.store, &finding, &mut out);
            out
        }
        RecordKind::Subject => json::subject(&stored.to_record::<Subject>()?, &codes),
        RecordKind::Topic => json::topic(&stored.to_record::<Topic>()?, &codes, 0),
        RecordKind::Attachment => json::attachment(&stored.to_record()?),
        RecordKind::Form | RecordKind::Response | RecordKind::Answer => {
            super::form_json::record(&ctx.store, &stored, ctx.lang)?
        }
    };
    let History {
        entries: mut history,
        captions,
    } = History::load(&ctx.store, id, ctx.lang)?;
    if stored.kind == RecordKind::Response {
        // A response's answers are records of their own: their changes are its history too.
        history.extend(super::form_json::answer_history(&ctx.store, id)?);
        history.sort_by(|a, b| a.at.cmp(&b.at));
    }
    if ctx.json {
        return ctx.print_json(&json!({
            "kind": stored.kind,
            "record": record,
            "history": history,
        }));
    }
    outln!("{}", kind_label(stored.kind.table(), ctx.lang));
    if let Value::Object(fields) = &record {
        for (key, value) in fields {
            let text = match value {
                Value::String(s) => s.clone(),
                Value::Null => String::new(),
                other => other.to_string(),
            };
            outln!("  {key}: {text}");
        }
    }
    outln!("{}", ctx.lang.pick("修改记录：", "History:"));
    for entry in &history {
        let via = if entry.travelled {
            ctx.lang
                .pick("  （随案卷包传来）", "  (arrived in a bundle)")
        } else {
            ""
        };
        outln!(
            "  {}  {}  {}{via}",
            entry.at,
            entry.author,
            action_label(entry.action, ctx.lang),
        );
        // Each change with its values before → after, in words.
        for (field, change) in change_lines(entry, &topics, &captions, ctx.lang) {
            let name = field_label(&field, ctx.lang);
            outln!("      {name}{}{change}", ctx.lang.pick("：", ": "));
        }
    }
    Ok(())
}

/// What a history entry did, in the user's language.
fn action_label(action: Action, lang: Lang) -> &'static str {
    match action {
        Action::Create => lang.pick("新建", "created"),
        Action::Update => lang.pick("修改", "changed"),
        Action::Delete => lang.pick("删除", "deleted"),
        Action::Restore => lang.pick("恢复", "restored"),
        Action::Merge => lang.pick("合并", "merged"),
        Action::Conflict => lang.pick("冲突", "conflict"),
    }
}

/// Prints ranked search results.
pub fn search(ctx: &Context, text: &str, limit: usize) -> Result<(), CliError> {
    let hits = ctx.store.search(text, limit)?;
    if ctx.json {
        return ctx.print_json(&hits);
    }
    for hit in &hits {
        outln!(
            "{}\t{}\t{}\t{}",
            kind_label(hit.kind.table(), ctx.lang),
            hit.title,
            hit.context,
            hit.id
        );
    }
    Ok(())
}
