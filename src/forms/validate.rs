//! A response checked against the form version it names: calculations computed, then every
//! answer's type, choices, `required`, `constraint` and `relevant` checked; and the checklist
//! items (`finding_if`) that fail.

use super::answers::{Answer, Answers, FormIndex, FormScope, Frame};
use super::definition::{Choice, FindingRule, FormDefinition, Question, Required, Translated};
use super::error::{FormError, Violation};
use super::expr::{Expression, display};
use super::typecheck::check_type;
use super::types::QuestionType;
use crate::i18n::Lang;
use chrono::NaiveDateTime;

/// A checklist item that fails: what is needed to raise one problem finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FindingMatch {
    /// The question's name.
    pub question: String,
    /// The repeat row (1-based), when the item is inside a repeat.
    pub row: Option<usize>,
    /// The finding's title in Chinese (`finding_title`, else the question's label).
    pub title_zh: String,
    /// The finding's title in English.
    pub title_en: String,
    /// The category from `finding_category`.
    pub category: Option<String>,
    /// Topic codes or names (the question's, else the form's).
    pub topics: Vec<String>,
}

/// What checking a response gives: the answers with calculations filled in, the rules broken
/// and the checklist items that fail.
#[derive(Clone, Debug, PartialEq)]
pub struct Checked {
    /// The answers, calculations included.
    pub answers: Answers,
    /// Every rule broken.
    pub violations: Vec<Violation>,
    /// Every failing checklist item.
    pub findings: Vec<FindingMatch>,
}

/// A form prepared for checking many responses (the index is built once).
pub struct Validator<'a> {
    def: &'a FormDefinition,
    index: FormIndex<'a>,
    calculations: Vec<&'a Question>,
    now: NaiveDateTime,
}

fn pick<'a>(def: &'a FormDefinition, t: &'a Translated, lang: Lang) -> Option<&'a str> {
    t.pick(lang, def.default_language.as_deref())
}

impl<'a> Validator<'a> {
    /// Prepares `def`; `now` is what `today()` and `now()` answer.
    pub fn new(def: &'a FormDefinition, now: NaiveDateTime) -> Validator<'a> {
        let calculations = def
            .all_questions()
            .into_iter()
            .filter(|q| q.calculation.is_some())
            .collect();
        Validator {
            def,
            index: FormIndex::new(def),
            calculations,
            now,
        }
    }

    fn scope<'s>(
        &'s self,
        top: &'s Answers,
        frames: &'s [Frame<'s>],
        current: Option<&'s str>,
    ) -> FormScope<'s> {
        FormScope {
            def: self.def,
            index: &self.index,
            top,
            frames,
            current,
            choice: None,
            now: self.now,
            lang: Lang::Zh,
        }
    }

    fn truth(&self, e: &Expression, scope: &FormScope<'_>) -> bool {
        // An expression that cannot be evaluated (a bad regex) counts as false: the answer
        // is then refused rather than let through.
        e.evaluate(scope).is_ok_and(|v| v.to_bool())
    }

    /// Checks `answers`; `Err` lists every violation, `Ok` gives the computed answers and the
    /// failing checklist items.
    pub fn validate(&self, answers: &Answers) -> Result<Checked, FormError> {
        let checked = self.check(answers);
        if checked.violations.is_empty() {
            Ok(checked)
        } else {
            Err(FormError::Response(checked.violations))
        }
    }

    /// Checks `answers`, returning violations and findings together.
    pub fn check(&self, answers: &Answers) -> Checked {
        let mut computed = answers.clone();
        self.calculate(&mut computed);
        let mut violations = Vec::new();
        let mut findings = Vec::new();
        let mut frames = Vec::new();
        self.level(
            &self.def.questions,
            &computed,
            &computed,
            &mut frames,
            true,
            &mut violations,
            &mut findings,
        );
        self.unknown_names(&computed, &[], &mut violations);
        Checked {
            answers: computed,
            violations,
            findings,
        }
    }

    /// Fills every calculation, in survey order, repeating while a later one changes an
    /// earlier one (calculations form no cycle, so this ends).
    fn calculate(&self, answers: &mut Answers) {
        for _ in 0..=self.calculations.len() {
            let mut changed = false;
            for q in &self.calculations {
                let chain = self
                    .index
                    .questions
                    .get(q.name.as_str())
                    .map(|(_, c)| c.clone())
                    .unwrap_or_default();
                let mut results = Vec::new();
                self.evaluate_instances(
                    answers,
                    answers,
                    &chain,
                    &mut Vec::new(),
                    &mut Vec::new(),
                    q,
                    &mut results,
                );
                for (path, value) in results {
                    changed |= set_at(answers, &chain, &path, &q.name, value);
                }
            }
            if !changed {
                break;
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn evaluate_instances<'s>(
        &'s self,
        top: &'s Answers,
        map: &'s Answers,
        chain: &[&'s str],
        frames: &mut Vec<Frame<'s>>,
        path: &mut Vec<usize>,
        q: &Question,
        out: &mut Vec<(Vec<usize>, String)>,
    ) {
        match chain.split_first() {
            None => {
                let scope = self.scope(top, frames, None);
                let relevant = q.relevant.as_ref().is_none_or(|e| self.truth(e, &scope));
                let value = match (&q.calculation, relevant) {
                    (Some(e), true) => e.evaluate(&scope).map(|v| display(&v)).unwrap_or_default(),
                    _ => String::new(),
                };
                out.push((path.clone(), value));
            }
            Some((repeat, rest)) => {
                if let Some(Answer::Rows(rows)) = map.get(*repeat) {
                    for (i, row) in rows.iter().enumerate() {
                        frames.push(Frame {
                            repeat,
                            index: i,
                            row,
                        });
                        path.push(i);
                        self.evaluate_instances(top, row, rest, frames, path, q, out);
                        path.pop();
                        frames.pop();
                    }
                }
            }
        }
    }

    fn violation(&self, q: &Question, frames: &[Frame<'_>], zh: String, en: String) -> Violation {
        let label = |lang| pick(self.def, &q.label, lang).unwrap_or(&q.name).to_owned();
        Violation {
            question: q.name.clone(),
            row: frames.last().map(|f| f.index + 1),
            label_zh: label(Lang::Zh),
            label_en: label(Lang::En),
            zh,
            en,
        }
    }

    /// Answers whose names are not questions at this level of the form.
    fn unknown_names(&self, map: &Answers, chain: &[&str], out: &mut Vec<Violation>) {
        for (name, answer) in map {
            match self.index.questions.get(name.as_str()) {
                Some((q, c))
                    if c.as_slice() == chain
                        && matches!(q.kind, QuestionType::Group | QuestionType::Note)
                        && !answer.text().is_empty() =>
                {
                    out.push(self.violation(
                        q,
                        &[],
                        "分组和说明不能作答".to_owned(),
                        "a group or a note takes no answer".to_owned(),
                    ));
                }
                Some((q, c)) if c.as_slice() == chain => {
                    if let (QuestionType::Repeat, Answer::Rows(rows)) = (q.kind, answer) {
                        let mut inner = chain.to_vec();
                        inner.push(&q.name);
                        for row in rows {
                            self.unknown_names(row, &inner, out);
                        }
                    }
                }
                _ => out.push(Violation {
                    question: name.clone(),
                    row: None,
                    label_zh: name.clone(),
                    label_en: name.clone(),
                    zh: "表单中没有这道题（或它不在这一层）".to_owned(),
                    en: "the form has no such question (or not at this level)".to_owned(),
                }),
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn level<'s>(
        &'s self,
        questions: &'s [Question],
        top: &'s Answers,
        map: &'s Answers,
        frames: &mut Vec<Frame<'s>>,
        parent_relevant: bool,
        out: &mut Vec<Violation>,
        findings: &mut Vec<FindingMatch>,
    ) {
        for q in questions {
            let relevant = parent_relevant && {
                let scope = self.scope(top, frames, None);
                q.relevant.as_ref().is_none_or(|e| self.truth(e, &scope))
            };
            match q.kind {
                QuestionType::Group => {
                    self.level(&q.children, top, map, frames, relevant, out, findings);
                }
                QuestionType::Repeat => {
                    let rows: &[Answers] = match map.get(&q.name) {
                        Some(Answer::Rows(rows)) => rows,
                        Some(Answer::Text(t)) if !t.is_empty() => {
                            out.push(self.violation(
                                q,
                                frames,
                                "重复组的答案应为若干行".into(),
                                "a repeat is answered as rows".into(),
                            ));
                            &[]
                        }
                        _ => &[],
                    };
                    if !relevant && !rows.is_empty() {
                        out.push(self.not_relevant(q, frames));
                        continue;
                    }
                    if let Some(count) = &q.repeat_count
                        && relevant
                    {
                        let scope = self.scope(top, frames, None);
                        let want = count
                            .evaluate(&scope)
                            .map(|v| v.to_num())
                            .unwrap_or(f64::NAN);
                        if want.is_finite() && want >= 0.0 && rows.len() as f64 != want.trunc() {
                            out.push(self.violation(
                                q,
                                frames,
                                format!("应有 {} 行，实有 {} 行", want.trunc(), rows.len()),
                                format!("needs {} rows, has {}", want.trunc(), rows.len()),
                            ));
                        }
                    }
                    for (i, row) in rows.iter().enumerate() {
                        frames.push(Frame {
                            repeat: &q.name,
                            index: i,
                            row,
                        });
                        self.level(&q.children, top, row, frames, relevant, out, findings);
                        frames.pop();
                    }
                }
                _ => {
                    let text = map.get(&q.name).map_or("", Answer::text).trim();
                    self.answer(q, text, top, frames, relevant, out);
                    if relevant && !text.is_empty() {
                        self.finding(q, text, top, frames, findings);
                    }
                }
            }
        }
    }

    fn not_relevant(&self, q: &Question, frames: &[Frame<'_>]) -> Violation {
        let condition = q.relevant.as_ref().map_or("", |e| e.source());
        self.violation(
            q,
            frames,
            format!("此题不适用（条件 {condition} 不成立），不应作答"),
            format!("this question does not apply (its condition {condition} is false) and must stay empty"),
        )
    }

    fn offered<'s>(
        &'s self,
        q: &'s Question,
        top: &'s Answers,
        frames: &'s [Frame<'s>],
    ) -> Vec<&'s Choice> {
        let choices = self.def.choices_of(q);
        match &q.choice_filter {
            None => choices.iter().collect(),
            Some(filter) => choices
                .iter()
                .filter(|c| {
                    let mut scope = self.scope(top, frames, None);
                    scope.choice = Some(c);
                    self.truth(filter, &scope)
                })
                .collect(),
        }
    }

    fn answer<'s>(
        &'s self,
        q: &'s Question,
        text: &'s str,
        top: &'s Answers,
        frames: &'s [Frame<'s>],
        relevant: bool,
        out: &mut Vec<Violation>,
    ) {
        if q.kind.is_metadata() || matches!(q.kind, QuestionType::Calculate | QuestionType::Note) {
            return;
        }
        let scope = self.scope(top, frames, Some(text));
        if text.is_empty() {
            let required = match &q.required {
                Required::No => false,
                Required::Yes => true,
                Required::When(e) => self.truth(e, &scope),
            };
            if relevant && required {
                let message = |lang| pick(self.def, &q.required_message, lang).map(str::to_owned);
                out.push(self.violation(
                    q,
                    frames,
                    message(Lang::Zh).unwrap_or_else(|| "必答题未作答".into()),
                    message(Lang::En).unwrap_or_else(|| "this answer is required".into()),
                ));
            }
            return;
        }
        if !relevant {
            out.push(self.not_relevant(q, frames));
            return;
        }
        let offered = if q.kind.has_choices() {
            self.offered(q, top, frames)
        } else {
            Vec::new()
        };
        if let Some((zh, en)) = check_type(q, text, &offered) {
            out.push(self.violation(q, frames, zh, en));
            return;
        }
        if let Some(constraint) = &q.constraint
            && !self.truth(constraint, &scope)
        {
            let message = |lang| pick(self.def, &q.constraint_message, lang).map(str::to_owned);
            let source = constraint.source();
            out.push(
                self.violation(
                    q,
                    frames,
                    message(Lang::Zh).unwrap_or_else(|| format!("答案不符合约束 {source}")),
                    message(Lang::En)
                        .unwrap_or_else(|| format!("the answer breaks the constraint {source}")),
                ),
            );
        }
    }

    fn finding(
        &self,
        q: &Question,
        text: &str,
        top: &Answers,
        frames: &[Frame<'_>],
        out: &mut Vec<FindingMatch>,
    ) {
        let Some(spec) = &q.finding else {
            return;
        };
        let fails = match &spec.rule {
            FindingRule::Choices(names) => text
                .split_whitespace()
                .any(|v| names.iter().any(|n| n == v)),
            FindingRule::Expression(e) => self.truth(e, &self.scope(top, frames, Some(text))),
        };
        if !fails {
            return;
        }
        let title = |lang| {
            pick(self.def, &spec.title, lang)
                .or_else(|| pick(self.def, &q.label, lang))
                .unwrap_or(&q.name)
                .to_owned()
        };
        out.push(FindingMatch {
            question: q.name.clone(),
            row: frames.last().map(|f| f.index + 1),
            title_zh: title(Lang::Zh),
            title_en: title(Lang::En),
            category: spec.category.clone(),
            topics: if q.topics.is_empty() {
                self.def.topics.clone()
            } else {
                q.topics.clone()
            },
        });
    }
}

/// Writes `value` as `name`'s answer at the repeat row `path`; true when it changed.
fn set_at(map: &mut Answers, chain: &[&str], path: &[usize], name: &str, value: String) -> bool {
    match (chain.split_first(), path.split_first()) {
        (Some((repeat, rest)), Some((i, more))) => match map.get_mut(*repeat) {
            Some(Answer::Rows(rows)) => rows
                .get_mut(*i)
                .is_some_and(|row| set_at(row, rest, more, name, value)),
            _ => false,
        },
        _ => {
            let new = Answer::Text(value);
            if map.get(name) == Some(&new) {
                false
            } else {
                map.insert(name.to_owned(), new);
                true
            }
        }
    }
}

/// Fills the metadata questions a device answers by itself: `start` (kept when already set),
/// `end`, `today`, `deviceid`, `username`; the phone-only `simserial`, `subscriberid` and
/// `phonenumber` are left empty.
pub fn fill_metadata(
    def: &FormDefinition,
    answers: &mut Answers,
    now: NaiveDateTime,
    device: &str,
    user: &str,
) {
    let stamp = now.format("%Y-%m-%dT%H:%M:%S").to_string();
    for q in &def.questions {
        let value = match q.kind {
            QuestionType::Start => {
                if answers.get(&q.name).is_some_and(|a| !a.text().is_empty()) {
                    continue;
                }
                stamp.clone()
            }
            QuestionType::End => stamp.clone(),
            QuestionType::Today => now.date().format("%Y-%m-%d").to_string(),
            QuestionType::Deviceid => device.to_owned(),
            QuestionType::Username => user.to_owned(),
            QuestionType::Simserial | QuestionType::Subscriberid | QuestionType::Phonenumber => {
                String::new()
            }
            _ => continue,
        };
        answers.insert(q.name.clone(), Answer::Text(value));
    }
}
