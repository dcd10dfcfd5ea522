//! What a form being filled knows beyond its answers, recomputed once per committed answer
//! (never per frame or keystroke): which questions apply, the calculations, which choices a
//! `choice_filter` offers, the rules broken and the checklist items that fail.

use crate::forms::answers::{FormIndex, FormScope, Frame};
use crate::forms::expr::Expression;
use crate::forms::{
    Answer, Answers, FindingMatch, FormDefinition, Question, QuestionType, Validator, Violation,
};
use crate::i18n::Lang;
use chrono::NaiveDateTime;
use std::collections::{HashMap, HashSet};

/// Where one answer sits: the repeat rows around it (repeat name, 0-based row), then its name.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AnswerPath {
    /// The repeat rows around the question, outermost first.
    pub rows: Vec<(String, usize)>,
    /// The question's name.
    pub name: String,
}

impl AnswerPath {
    /// The path of `name` inside the rows `rows`.
    pub fn new(rows: &[(String, usize)], name: &str) -> AnswerPath {
        AnswerPath {
            rows: rows.to_vec(),
            name: name.to_owned(),
        }
    }

    /// The key violations and failing items use: the name and the innermost row (1-based).
    pub fn violation_key(&self) -> (String, Option<usize>) {
        (self.name.clone(), self.rows.last().map(|(_, i)| i + 1))
    }
}

/// The answers of the repeat row at `rows` (the top level for no rows).
pub fn map_at<'a>(answers: &'a Answers, rows: &[(String, usize)]) -> Option<&'a Answers> {
    match rows.split_first() {
        None => Some(answers),
        Some(((repeat, i), rest)) => match answers.get(repeat) {
            Some(Answer::Rows(list)) => list.get(*i).and_then(|row| map_at(row, rest)),
            _ => None,
        },
    }
}

/// The answers of the repeat row at `rows`, to change.
pub fn map_at_mut<'a>(
    answers: &'a mut Answers,
    rows: &[(String, usize)],
) -> Option<&'a mut Answers> {
    match rows.split_first() {
        None => Some(answers),
        Some(((repeat, i), rest)) => match answers.get_mut(repeat) {
            Some(Answer::Rows(list)) => list.get_mut(*i).and_then(|row| map_at_mut(row, rest)),
            _ => None,
        },
    }
}

/// The text answered at `path` (empty when unanswered).
pub fn text_at<'a>(answers: &'a Answers, path: &AnswerPath) -> &'a str {
    map_at(answers, &path.rows)
        .and_then(|m| m.get(&path.name))
        .map_or("", Answer::text)
}

/// The rows of the repeat `repeat` inside the rows `rows` (none when it has none yet).
pub fn rows_at<'a>(answers: &'a Answers, rows: &[(String, usize)], repeat: &str) -> &'a [Answers] {
    match map_at(answers, rows).and_then(|m| m.get(repeat)) {
        Some(Answer::Rows(list)) => list,
        _ => &[],
    }
}

/// A change the user made, applied after the frame drew.
#[derive(Clone, Debug, PartialEq)]
pub enum Edit {
    /// Answer `path` with this text (empty: unanswer it).
    Set(AnswerPath, String),
    /// Add a row at the end of the repeat `repeat` inside the rows given.
    AddRow(Vec<(String, usize)>, String),
    /// Remove row `usize` of the repeat inside the rows given.
    RemoveRow(Vec<(String, usize)>, String, usize),
}

impl Edit {
    /// Applies the change to `answers`; true when they changed.
    pub fn apply(&self, answers: &mut Answers) -> bool {
        match self {
            Edit::Set(path, value) => {
                let Some(map) = map_at_mut(answers, &path.rows) else {
                    return false;
                };
                let old = map.get(&path.name).map_or("", Answer::text);
                if old == value {
                    return false;
                }
                if value.is_empty() {
                    map.remove(&path.name);
                } else {
                    map.insert(path.name.clone(), Answer::Text(value.clone()));
                }
                true
            }
            Edit::AddRow(rows, repeat) => {
                let Some(map) = map_at_mut(answers, rows) else {
                    return false;
                };
                match map
                    .entry(repeat.clone())
                    .or_insert_with(|| Answer::Rows(Vec::new()))
                {
                    Answer::Rows(list) => list.push(Answers::new()),
                    other => *other = Answer::Rows(vec![Answers::new()]),
                }
                true
            }
            Edit::RemoveRow(rows, repeat, index) => {
                let Some(Answer::Rows(list)) =
                    map_at_mut(answers, rows).and_then(|m| m.get_mut(repeat))
                else {
                    return false;
                };
                if *index >= list.len() {
                    return false;
                }
                list.remove(*index);
                true
            }
        }
    }
}

/// The repeat rows around a question (repeat name, 0-based row), outermost first.
pub type RowsPath = Vec<(String, usize)>;

/// What the answers imply, computed once per change.
#[derive(Clone, Debug, Default)]
pub struct Derived {
    /// The answers worth keeping: those of questions that apply, calculations filled in.
    pub computed: Answers,
    /// The answers as they would be saved: those of questions that apply, no calculations.
    pub kept: Answers,
    /// Question instances that do not apply now (hidden).
    pub hidden: HashSet<AnswerPath>,
    /// The choices offered (indexes into the list) where a `choice_filter` narrows them.
    pub offered: HashMap<AnswerPath, Vec<usize>>,
    /// Rules broken, by question name and repeat row (1-based).
    pub violations: HashMap<(String, Option<usize>), Violation>,
    /// Every rule broken, in survey order.
    pub violation_list: Vec<Violation>,
    /// Checklist items that fail, by question name and repeat row (1-based).
    pub failing: HashMap<(String, Option<usize>), FindingMatch>,
}

/// Recomputes everything from `answers`. Rows of a repeat with a `repeat_count` are added or
/// removed in `answers` to match the count (what ODK does).
pub fn derive(def: &FormDefinition, answers: &mut Answers, now: NaiveDateTime) -> Derived {
    let validator = Validator::new(def, now);
    let index = FormIndex::new(def);
    let mut kept = answers.clone();
    // Hiding one answer may hide another (or change a count): a few passes settle it.
    for _ in 0..8 {
        let checked = validator.check(&kept);
        let mut walk = Walk {
            def,
            index: &index,
            top: &checked.answers,
            now,
            hidden: HashSet::new(),
            offered: HashMap::new(),
            counts: Vec::new(),
        };
        walk.level(
            &def.questions,
            &checked.answers,
            &mut Vec::new(),
            &mut Vec::new(),
            true,
        );
        let mut fitted = false;
        for (rows, repeat, count) in &walk.counts {
            fitted |= fit_rows(answers, rows, repeat, *count);
        }
        let mut next = answers.clone();
        for path in &walk.hidden {
            if let Some(map) = map_at_mut(&mut next, &path.rows) {
                map.remove(&path.name);
            }
        }
        if next == kept && !fitted {
            return Derived {
                kept,
                hidden: walk.hidden,
                offered: walk.offered,
                violations: checked
                    .violations
                    .iter()
                    .map(|v| ((v.question.clone(), v.row), v.clone()))
                    .collect(),
                violation_list: checked.violations,
                failing: checked
                    .findings
                    .into_iter()
                    .map(|f| ((f.question.clone(), f.row), f))
                    .collect(),
                computed: checked.answers,
            };
        }
        kept = next;
    }
    let checked = validator.check(&kept);
    Derived {
        kept,
        violation_list: checked.violations,
        computed: checked.answers,
        ..Derived::default()
    }
}

/// Adds or removes rows of `repeat` so it has `count`; true when it changed.
fn fit_rows(answers: &mut Answers, rows: &[(String, usize)], repeat: &str, count: usize) -> bool {
    let Some(map) = map_at_mut(answers, rows) else {
        return false;
    };
    let list = match map
        .entry(repeat.to_owned())
        .or_insert_with(|| Answer::Rows(Vec::new()))
    {
        Answer::Rows(list) => list,
        other => {
            *other = Answer::Rows(Vec::new());
            match other {
                Answer::Rows(list) => list,
                Answer::Text(_) => return false,
            }
        }
    };
    if list.len() == count {
        return false;
    }
    list.resize_with(count, Answers::new);
    true
}

/// The most rows a `repeat_count` may ask for (a typo of 2000 must not freeze the window).
const MAX_COUNTED_ROWS: f64 = 200.0;

struct Walk<'a> {
    def: &'a FormDefinition,
    index: &'a FormIndex<'a>,
    top: &'a Answers,
    now: NaiveDateTime,
    hidden: HashSet<AnswerPath>,
    offered: HashMap<AnswerPath, Vec<usize>>,
    /// (rows around the repeat, its name, the rows its count asks for).
    counts: Vec<(RowsPath, String, usize)>,
}

impl<'a> Walk<'a> {
    fn scope<'s>(&'s self, frames: &'s [Frame<'s>]) -> FormScope<'s> {
        FormScope {
            def: self.def,
            index: self.index,
            top: self.top,
            frames,
            current: None,
            choice: None,
            now: self.now,
            lang: Lang::Zh,
        }
    }

    fn holds(&self, e: &Expression, frames: &[Frame<'_>]) -> bool {
        e.evaluate(&self.scope(frames)).is_ok_and(|v| v.to_bool())
    }

    fn level(
        &mut self,
        questions: &'a [Question],
        map: &'a Answers,
        frames: &mut Vec<Frame<'a>>,
        rows: &mut Vec<(String, usize)>,
        parent_relevant: bool,
    ) {
        for q in questions {
            let relevant =
                parent_relevant && q.relevant.as_ref().is_none_or(|e| self.holds(e, frames));
            if !relevant {
                self.hidden.insert(AnswerPath::new(rows, &q.name));
            }
            match q.kind {
                QuestionType::Group => self.level(&q.children, map, frames, rows, relevant),
                QuestionType::Repeat => {
                    if relevant && let Some(count) = &q.repeat_count {
                        let n = count
                            .evaluate(&self.scope(frames))
                            .map(|v| v.to_num())
                            .unwrap_or(0.0);
                        let n = if n.is_finite() {
                            n.trunc().clamp(0.0, MAX_COUNTED_ROWS)
                        } else {
                            0.0
                        };
                        self.counts.push((rows.clone(), q.name.clone(), n as usize));
                    }
                    if let Some(Answer::Rows(list)) = map.get(&q.name) {
                        for (i, row) in list.iter().enumerate() {
                            frames.push(Frame {
                                repeat: &q.name,
                                index: i,
                                row,
                            });
                            rows.push((q.name.clone(), i));
                            self.level(&q.children, row, frames, rows, relevant);
                            rows.pop();
                            frames.pop();
                        }
                    }
                }
                _ => {
                    if let Some(filter) = &q.choice_filter {
                        let offered = self
                            .def
                            .choices_of(q)
                            .iter()
                            .enumerate()
                            .filter(|(_, c)| {
                                let mut scope = self.scope(frames);
                                scope.choice = Some(c);
                                filter.evaluate(&scope).is_ok_and(|v| v.to_bool())
                            })
                            .map(|(i, _)| i)
                            .collect();
                        self.offered.insert(AnswerPath::new(rows, &q.name), offered);
                    }
                }
            }
        }
    }
}

/// `text` with every `${name}` replaced by its answer (the row's own first, else the top level).
pub fn interpolate(text: &str, computed: &Answers, rows: &[(String, usize)]) -> String {
    if !text.contains("${") {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            out.push_str(&rest[start..]);
            return out;
        };
        let name = &after[..end];
        let mut value = None;
        for depth in (0..=rows.len()).rev() {
            if let Some(a) = map_at(computed, &rows[..depth]).and_then(|m| m.get(name)) {
                value = Some(a.text());
                break;
            }
        }
        out.push_str(value.unwrap_or(""));
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forms::builtin;

    fn now() -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 12, 1)
            .and_then(|d| d.and_hms_opt(9, 0, 0))
            .expect("a fixed time")
    }

    fn template(name: &str) -> FormDefinition {
        let (id, bytes) = builtin::template(name).expect("a template");
        crate::forms::read_workbook(bytes.to_vec(), id).expect("it reads")
    }

    fn set(answers: &mut Answers, name: &str, value: &str) {
        Edit::Set(AnswerPath::new(&[], name), value.into()).apply(answers);
    }

    #[test]
    fn relevance_hides_a_question_and_drops_its_answer_from_what_is_kept() {
        let def = template("care_home_safety");
        let mut answers = Answers::new();
        set(&mut answers, "drill_done", "yes");
        set(&mut answers, "drill_date", "2026-11-02");
        let derived = derive(&def, &mut answers, now());
        assert!(!derived.hidden.contains(&AnswerPath::new(&[], "drill_date")));
        assert!(derived.kept.contains_key("drill_date"));
        set(&mut answers, "drill_done", "no");
        let derived = derive(&def, &mut answers, now());
        assert!(derived.hidden.contains(&AnswerPath::new(&[], "drill_date")));
        assert!(!derived.kept.contains_key("drill_date"));
        // The typed answer is not lost: it comes back if the question applies again.
        assert_eq!(
            text_at(&answers, &AnswerPath::new(&[], "drill_date")),
            "2026-11-02"
        );
        assert!(
            derived
                .failing
                .contains_key(&("drill_done".to_owned(), None))
        );
    }

    #[test]
    fn a_repeat_count_adds_and_removes_rows_and_labels_read_answers() {
        let def = template("household_visit");
        let mut answers = Answers::new();
        set(&mut answers, "member_count", "3");
        derive(&def, &mut answers, now());
        assert_eq!(rows_at(&answers, &[], "members").len(), 3);
        let first = vec![("members".to_owned(), 0)];
        set(&mut answers, "member_count", "1");
        Edit::Set(AnswerPath::new(&first, "m_age"), "70".into()).apply(&mut answers);
        let derived = derive(&def, &mut answers, now());
        assert_eq!(rows_at(&answers, &[], "members").len(), 1);
        assert_eq!(
            interpolate(
                "其中 60 岁以上老人 ${elderly_count} 人",
                &derived.computed,
                &[]
            ),
            "其中 60 岁以上老人 1 人"
        );
    }

    #[test]
    fn rows_are_added_and_removed_by_edits() {
        let mut answers = Answers::new();
        assert!(Edit::AddRow(Vec::new(), "r".into()).apply(&mut answers));
        assert!(Edit::AddRow(Vec::new(), "r".into()).apply(&mut answers));
        let second = AnswerPath::new(&[("r".to_owned(), 1)], "x");
        assert!(Edit::Set(second.clone(), "b".into()).apply(&mut answers));
        assert!(Edit::RemoveRow(Vec::new(), "r".into(), 0).apply(&mut answers));
        assert_eq!(rows_at(&answers, &[], "r").len(), 1);
        assert_eq!(
            text_at(&answers, &AnswerPath::new(&[("r".to_owned(), 0)], "x")),
            "b"
        );
        assert!(!Edit::RemoveRow(Vec::new(), "r".into(), 5).apply(&mut answers));
        assert!(!Edit::Set(second, "c".into()).apply(&mut answers));
    }
}
