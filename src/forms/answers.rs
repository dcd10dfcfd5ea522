//! A response's answers: text by question name, repeats as lists of rows; and the [`Scope`]
//! expressions read them through.

use super::definition::{Choice, FormDefinition, Question};
use super::expr::{Scope, Value};
use super::types::QuestionType;
use crate::i18n::Lang;
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// One answer: text (select_multiple space-separated, as XForms writes it) or a repeat's rows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Answer {
    /// A single answer as text.
    Text(String),
    /// The rows of a repeat.
    Rows(Vec<Answers>),
}

/// Answers by question name.
pub type Answers = BTreeMap<String, Answer>;

impl Answer {
    /// The text of a single answer (empty for rows).
    pub fn text(&self) -> &str {
        match self {
            Answer::Text(t) => t,
            Answer::Rows(_) => "",
        }
    }
}

/// Reads answers from JSON: strings, numbers and booleans as text, arrays of objects as rows.
pub fn answers_from_json(value: &serde_json::Value) -> Result<Answers, String> {
    let serde_json::Value::Object(map) = value else {
        return Err("answers must be a JSON object".into());
    };
    let mut out = Answers::new();
    for (name, v) in map {
        let answer = match v {
            serde_json::Value::String(s) => Answer::Text(s.clone()),
            serde_json::Value::Number(n) => Answer::Text(n.to_string()),
            serde_json::Value::Bool(b) => Answer::Text(b.to_string()),
            serde_json::Value::Null => Answer::Text(String::new()),
            serde_json::Value::Array(rows) => Answer::Rows(
                rows.iter()
                    .map(answers_from_json)
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|e| format!("{name}: {e}"))?,
            ),
            serde_json::Value::Object(_) => {
                return Err(format!("{name}: an answer cannot be an object"));
            }
        };
        out.insert(name.clone(), answer);
    }
    Ok(out)
}

/// Where each question sits: the repeats around it, outermost first.
#[derive(Clone, Debug, Default)]
pub struct FormIndex<'a> {
    /// Question by name, with the names of its enclosing repeats.
    pub questions: HashMap<&'a str, (&'a Question, Vec<&'a str>)>,
}

impl<'a> FormIndex<'a> {
    /// Indexes every question of `def`.
    pub fn new(def: &'a FormDefinition) -> FormIndex<'a> {
        fn walk<'a>(
            qs: &'a [Question],
            chain: &mut Vec<&'a str>,
            out: &mut HashMap<&'a str, (&'a Question, Vec<&'a str>)>,
        ) {
            for q in qs {
                out.insert(&q.name, (q, chain.clone()));
                if q.kind == QuestionType::Repeat {
                    chain.push(&q.name);
                    walk(&q.children, chain, out);
                    chain.pop();
                } else {
                    walk(&q.children, chain, out);
                }
            }
        }
        let mut questions = HashMap::new();
        walk(&def.questions, &mut Vec::new(), &mut questions);
        FormIndex { questions }
    }
}

/// One open repeat row while evaluating inside it.
#[derive(Clone, Copy, Debug)]
pub struct Frame<'a> {
    /// The repeat's name.
    pub repeat: &'a str,
    /// The row's 0-based index.
    pub index: usize,
    /// The row's answers.
    pub row: &'a Answers,
}

/// Answers seen from one place in the form.
pub struct FormScope<'a> {
    /// The form.
    pub def: &'a FormDefinition,
    /// Its index.
    pub index: &'a FormIndex<'a>,
    /// The response's top-level answers.
    pub top: &'a Answers,
    /// The repeat rows open here, outermost first.
    pub frames: &'a [Frame<'a>],
    /// The answer `.` stands for.
    pub current: Option<&'a str>,
    /// The choice row a `choice_filter` is testing.
    pub choice: Option<&'a Choice>,
    /// What `now()` answers.
    pub now: NaiveDateTime,
    /// The language choice labels are read in.
    pub lang: Lang,
}

fn collect(map: &Answers, chain: &[&str], name: &str, is_repeat: bool, out: &mut Vec<String>) {
    match chain.split_first() {
        None => match map.get(name) {
            Some(Answer::Rows(rows)) if is_repeat => out.extend(rows.iter().map(|_| String::new())),
            Some(a) => out.push(a.text().to_owned()),
            None if is_repeat => {}
            None => out.push(String::new()),
        },
        Some((first, rest)) => {
            if let Some(Answer::Rows(rows)) = map.get(*first) {
                for row in rows {
                    collect(row, rest, name, is_repeat, out);
                }
            }
        }
    }
}

impl Scope for FormScope<'_> {
    fn answer(&self, name: &str) -> Value {
        let Some((q, chain)) = self.index.questions.get(name) else {
            return Value::Nodes(Vec::new());
        };
        let is_repeat = q.kind == QuestionType::Repeat;
        let mut map = self.top;
        let mut depth = 0;
        while depth < chain.len()
            && self
                .frames
                .get(depth)
                .is_some_and(|f| f.repeat == chain[depth])
        {
            map = self.frames[depth].row;
            depth += 1;
        }
        let mut out = Vec::new();
        collect(map, &chain[depth..], name, is_repeat, &mut out);
        Value::Nodes(out)
    }

    fn current(&self) -> Value {
        Value::Nodes(vec![self.current.unwrap_or_default().to_owned()])
    }

    fn position(&self) -> Option<usize> {
        self.frames.last().map(|f| f.index + 1)
    }

    fn choice_label(&self, question: &str, value: &str) -> Option<String> {
        let (q, _) = self.index.questions.get(question)?;
        self.def
            .choices_of(q)
            .iter()
            .find(|c| c.name == value)
            .and_then(|c| {
                c.label
                    .pick(self.lang, self.def.default_language.as_deref())
            })
            .map(str::to_owned)
    }

    fn column(&self, name: &str) -> Value {
        let Some(choice) = self.choice else {
            return Value::Str(String::new());
        };
        Value::Str(match name {
            "name" => choice.name.clone(),
            "label" => choice
                .label
                .pick(self.lang, self.def.default_language.as_deref())
                .unwrap_or_default()
                .to_owned(),
            other => choice.extra.get(other).cloned().unwrap_or_default(),
        })
    }

    fn now(&self) -> NaiveDateTime {
        self.now
    }
}
