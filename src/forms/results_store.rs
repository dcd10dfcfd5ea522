//! A form's results over the database: the questions to count taken from the definition, the
//! counting done in SQL by [`Store::form_tally`], folded into the same [`FormResults`] the
//! in-memory [`super::results::results`] gives.

use super::definition::{FormDefinition, Question};
use super::export::ExportResponse;
use super::paths::assemble;
use super::results::{FormResults, QuestionResult, Stats};
use super::types::QuestionType;
use crate::store::{Result, Store, Tally, TallyQuestion, VisitFilter};
use chrono::NaiveDate;
use std::collections::{BTreeMap, HashMap};

/// The questions of `def` that have results, and how each is counted.
pub fn tally_questions(def: &FormDefinition) -> Vec<TallyQuestion> {
    def.all_questions()
        .into_iter()
        .filter_map(|q| {
            let tally = match q.kind {
                QuestionType::SelectOne => Tally::Values,
                QuestionType::SelectMultiple | QuestionType::Rank => {
                    let mut choices: Vec<String> =
                        def.choices_of(q).iter().map(|c| c.name.clone()).collect();
                    if q.or_other && !choices.iter().any(|c| c == "other") {
                        choices.push("other".to_owned());
                    }
                    Tally::Picks(choices)
                }
                QuestionType::Integer
                | QuestionType::Decimal
                | QuestionType::Range
                | QuestionType::Calculate => Tally::Numbers,
                _ => return None,
            };
            Some(TallyQuestion {
                name: q.name.clone(),
                tally,
            })
        })
        .collect()
}

/// How deeply `questions` nest repeats (0 without repeats).
pub fn repeat_depth(questions: &[Question]) -> usize {
    questions
        .iter()
        .map(|q| usize::from(q.kind == QuestionType::Repeat) + repeat_depth(&q.children))
        .max()
        .unwrap_or(0)
}

/// The results of form `def` (any of its versions: responses are found by `form_id`) over
/// the live responses on the visits `visits` selects.
pub fn stored_results(
    store: &Store,
    def: &FormDefinition,
    visits: &VisitFilter,
) -> Result<FormResults> {
    let rows = store.form_tally(
        &def.form_id,
        visits,
        &tally_questions(def),
        repeat_depth(&def.questions),
    )?;
    let mut counts: HashMap<&str, Vec<(&str, i64)>> = HashMap::new();
    for (name, value, n) in &rows.counts {
        counts.entry(name).or_default().push((value, *n));
    }
    let numbers: HashMap<&str, _> = rows.numbers.iter().map(|t| (t.name.as_str(), t)).collect();
    let as_count = |n: i64| usize::try_from(n).unwrap_or_default();
    let mut questions = Vec::new();
    for q in def.all_questions() {
        let kind = q.kind.xlsform_name();
        if q.kind.has_choices() {
            let mut by_choice: BTreeMap<String, usize> = def
                .choices_of(q)
                .iter()
                .map(|c| (c.name.clone(), 0))
                .collect();
            for (value, n) in counts.get(q.name.as_str()).into_iter().flatten() {
                *by_choice.entry((*value).to_owned()).or_default() += as_count(*n);
            }
            questions.push(QuestionResult {
                name: q.name.clone(),
                kind,
                counts: Some(by_choice),
                stats: None,
            });
            continue;
        }
        let numeric = matches!(
            q.kind,
            QuestionType::Integer | QuestionType::Decimal | QuestionType::Range
        );
        let tally = numbers.get(q.name.as_str());
        // A calculation has results only when every answer it gave is a number.
        let calculated_numbers = q.kind == QuestionType::Calculate
            && tally.is_some_and(|t| t.answered > 0 && t.n == t.answered);
        if numeric || calculated_numbers {
            let stats = tally.map_or_else(Stats::default, |t| Stats {
                n: as_count(t.n),
                min: t.min,
                max: t.max,
                mean: t.mean,
            });
            questions.push(QuestionResult {
                name: q.name.clone(),
                kind,
                counts: None,
                stats: Some(stats),
            });
        }
    }
    Ok(FormResults {
        responses: as_count(rows.responses),
        questions,
    })
}

/// The live responses of form `def` (any version) on the visits `visits` selects, with their
/// answers as the form reads them, ready for [`super::write_xlsx`] and [`super::write_csv`].
pub fn stored_export_responses(
    store: &Store,
    def: &FormDefinition,
    visits: &VisitFilter,
) -> Result<Vec<ExportResponse>> {
    let rows = store.form_responses_in_scope(&def.form_id, visits)?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let (answers, _) = assemble(r.answers.iter().map(|(p, v)| (p.as_str(), v.as_str())));
            let investigators: Vec<String> =
                serde_json::from_str(&r.investigators).unwrap_or_default();
            ExportResponse {
                id: r.id,
                visit_id: r.visit_id,
                date: NaiveDate::parse_from_str(&r.date, "%Y-%m-%d").ok(),
                investigators: investigators.join("、"),
                complete: r.complete,
                answers,
            }
        })
        .collect())
}
