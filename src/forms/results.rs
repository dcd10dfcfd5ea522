//! Results of one form over many responses: counts per choice (a select_multiple counted once
//! per choice picked) and n/min/max/mean of numbers, questions inside repeats counted over all
//! their rows. The JSON is `zoufang form results`'s shape.

use super::answers::{Answer, Answers};
use super::definition::{FormDefinition, Question};
use super::types::QuestionType;
use serde::Serialize;
use std::collections::BTreeMap;

/// n, min, max and mean of a number question's answers.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Stats {
    /// How many answers.
    pub n: usize,
    /// The least (absent without answers).
    pub min: Option<f64>,
    /// The greatest.
    pub max: Option<f64>,
    /// The mean.
    pub mean: Option<f64>,
}

/// One question's results.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct QuestionResult {
    /// The question's name.
    pub name: String,
    /// Its type as XLSForm spells it.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Answers per choice, every choice of the list present (select questions; `null` in
    /// JSON for the others, so every question has the same four keys).
    pub counts: Option<BTreeMap<String, usize>>,
    /// Number statistics (integer, decimal, range, calculations that give numbers; `null`
    /// for the others).
    pub stats: Option<Stats>,
}

/// The results of a form.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FormResults {
    /// How many responses were counted.
    pub responses: usize,
    /// Per question, in survey order.
    pub questions: Vec<QuestionResult>,
}

/// Every answer of `name` in `answers`, looking inside repeat rows too.
fn answers_of<'a>(answers: &'a Answers, name: &str, out: &mut Vec<&'a str>) {
    for (key, answer) in answers {
        match answer {
            Answer::Text(t) if key == name && !t.trim().is_empty() => out.push(t.trim()),
            Answer::Rows(rows) => rows.iter().for_each(|row| answers_of(row, name, out)),
            _ => {}
        }
    }
}

fn question_result(
    def: &FormDefinition,
    q: &Question,
    responses: &[Answers],
) -> Option<QuestionResult> {
    let mut texts = Vec::new();
    for response in responses {
        answers_of(response, &q.name, &mut texts);
    }
    let numeric = matches!(
        q.kind,
        QuestionType::Integer | QuestionType::Decimal | QuestionType::Range
    ) || (q.kind == QuestionType::Calculate
        && !texts.is_empty()
        && texts.iter().all(|t| t.parse::<f64>().is_ok()));
    if q.kind.has_choices() {
        let mut counts: BTreeMap<String, usize> = def
            .choices_of(q)
            .iter()
            .map(|c| (c.name.clone(), 0))
            .collect();
        for text in &texts {
            let picks: Vec<&str> = if q.kind == QuestionType::SelectOne {
                vec![*text]
            } else {
                text.split_whitespace().collect()
            };
            for pick in picks {
                *counts.entry(pick.to_owned()).or_default() += 1;
            }
        }
        return Some(QuestionResult {
            name: q.name.clone(),
            kind: q.kind.xlsform_name(),
            counts: Some(counts),
            stats: None,
        });
    }
    if numeric {
        let values: Vec<f64> = texts
            .iter()
            .filter_map(|t| t.parse::<f64>().ok())
            .filter(|v| v.is_finite())
            .collect();
        let n = values.len();
        let stats = Stats {
            n,
            min: values.iter().copied().reduce(f64::min),
            max: values.iter().copied().reduce(f64::max),
            mean: (n > 0).then(|| values.iter().sum::<f64>() / n as f64),
        };
        return Some(QuestionResult {
            name: q.name.clone(),
            kind: q.kind.xlsform_name(),
            counts: None,
            stats: Some(stats),
        });
    }
    None
}

/// Counts `responses` of `def`.
pub fn results(def: &FormDefinition, responses: &[Answers]) -> FormResults {
    FormResults {
        responses: responses.len(),
        questions: def
            .all_questions()
            .into_iter()
            .filter_map(|q| question_result(def, q, responses))
            .collect(),
    }
}
