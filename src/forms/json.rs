//! A form as JSON, in the shape `zoufang form show --json` prints: every survey row that defines
//! a question in survey order, groups and repeats holding their children.

use super::definition::{FormDefinition, Question, Required};
use crate::i18n::Lang;
use serde_json::{Value, json};

fn question(def: &FormDefinition, q: &Question, lang: Lang) -> Value {
    let required = match &q.required {
        Required::No => json!(false),
        Required::Yes => json!(true),
        Required::When(e) => json!(e.source()),
    };
    let choices: Vec<Value> = def
        .choices_of(q)
        .iter()
        .map(|c| {
            let label = c
                .label
                .pick(lang, def.default_language.as_deref())
                .unwrap_or(&c.name);
            json!({ "name": c.name, "label": label })
        })
        .collect();
    let label = q.label.pick(lang, def.default_language.as_deref());
    json!({
        "name": q.name,
        "type": q.kind.xlsform_name(),
        "label": label,
        "required": required,
        "relevant": q.relevant.as_ref().map(|e| e.source()),
        "constraint": q.constraint.as_ref().map(|e| e.source()),
        "choices": choices,
        "children": q.children.iter().map(|c| question(def, c, lang)).collect::<Vec<_>>(),
    })
}

/// `{"form_id","title","version","languages","questions":[…]}` with labels in `lang`.
pub fn definition_json(def: &FormDefinition, lang: Lang) -> Value {
    json!({
        "form_id": def.form_id,
        "title": def.title,
        "version": def.version,
        "languages": def.languages,
        "questions": def.questions.iter().map(|q| question(def, q, lang)).collect::<Vec<_>>(),
    })
}
