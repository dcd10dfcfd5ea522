//! The form-results row (issue 12: results of one form over 100 000 responses ≤ 2× plain
//! `GROUP BY`s over the same answers). The responses are answers to the built-in household
//! template, made up with a fixed seed on the demo generator's visits and written straight into
//! the tables (validating 100 000 responses one by one would only measure the validator).

use super::{Bench, Goal, Row, pair, thousands};
use anyhow::{Context as _, Result};
use std::path::PathBuf;
use zoufang::forms::paths::{RowIds, flatten};
use zoufang::forms::results_store::stored_results;
use zoufang::forms::{Answer, Answers, FormDefinition, Question, QuestionType, builtin};
use zoufang::store::{Store, VisitFilter};

/// Responses per demo visit.
const RESPONSES_PER_VISIT: usize = 10;

/// The plain statements the results are compared with: every answer grouped by path and value,
/// and every answer's numeric figures grouped by path.
const PLAIN_GROUP_BY: [&str; 2] = [
    "SELECT path, value, count(*) FROM answer WHERE deleted_at IS NULL GROUP BY path, value",
    "SELECT path, count(*), min(CAST(value AS REAL)), max(CAST(value AS REAL)),
            avg(CAST(value AS REAL)) FROM answer WHERE deleted_at IS NULL GROUP BY path",
];

struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        // xorshift64*: enough to spread answers, the same for the same seed.
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 33) as usize % n.max(1)
    }
}

fn answer_questions(def: &FormDefinition, qs: &[Question], rng: &mut Rng, out: &mut Answers) {
    for q in qs {
        let choices = def.choices_of(q);
        let text = match q.kind {
            QuestionType::Group => {
                answer_questions(def, &q.children, rng, out);
                continue;
            }
            QuestionType::Repeat => {
                let rows = (0..1 + rng.below(4))
                    .map(|_| {
                        let mut row = Answers::new();
                        answer_questions(def, &q.children, rng, &mut row);
                        row
                    })
                    .collect();
                out.insert(q.name.clone(), Answer::Rows(rows));
                continue;
            }
            QuestionType::SelectOne => choices[rng.below(choices.len())].name.clone(),
            QuestionType::SelectMultiple => {
                let picked: Vec<&str> = choices
                    .iter()
                    .filter(|_| rng.below(10) < 3)
                    .map(|c| c.name.as_str())
                    .collect();
                if picked.is_empty() {
                    choices[rng.below(choices.len())].name.clone()
                } else {
                    picked.join(" ")
                }
            }
            QuestionType::Integer => rng.below(95).to_string(),
            QuestionType::Decimal => format!("{}.{:02}", rng.below(60_000), rng.below(100)),
            QuestionType::Text => format!("答{}", rng.below(1000)),
            QuestionType::Start | QuestionType::End => "2026-11-02T09:30:00".to_owned(),
            QuestionType::Today => "2026-11-02".to_owned(),
            _ => continue,
        };
        out.insert(q.name.clone(), Answer::Text(text));
    }
}

fn household() -> Result<FormDefinition> {
    let (id, bytes) = builtin::template("household_visit").context("the household template")?;
    zoufang::forms::read_workbook(bytes.to_vec(), id)
        .map_err(|e| anyhow::anyhow!("the household template: {e}"))
}

/// A demo database with `responses` responses to the household form, made once and cached.
fn results_db(bench: &Bench, def: &FormDefinition, responses: usize) -> Result<PathBuf> {
    let visits = responses.div_ceil(RESPONSES_PER_VISIT);
    let demo = bench.demo_db(
        (visits as f64 * super::FINDINGS_PER_VISIT) as usize,
        super::SEED,
    )?;
    let path = bench
        .data_dir
        .join(format!("form-results-r{responses}-s{}.sqlite", super::SEED));
    if path.exists() {
        return Ok(path);
    }
    let partial = path.with_extension("partial");
    std::fs::copy(&demo, &partial)?;
    eprintln!("writing {responses} household responses into {partial:?} …");
    {
        let store = Store::open(&partial)?;
        let visit_ids: Vec<String> = {
            let mut stmt = store
                .conn()
                .prepare("SELECT id FROM visit WHERE deleted_at IS NULL")?;
            stmt.query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?
        };
        let tx = store.conn().unchecked_transaction()?;
        let form = uuid::Uuid::now_v7().to_string();
        tx.execute(
            "INSERT INTO form (id, form_id, version, title, definition, workbook, clock)
             VALUES (?1, ?2, ?3, ?4, ?5, '', '')",
            rusqlite::params![
                form,
                def.form_id,
                def.version,
                def.title,
                serde_json::to_string(def)?
            ],
        )?;
        let mut rng = Rng(super::SEED.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
        {
            let mut response = tx.prepare(
                "INSERT INTO response (id, form, visit_id, complete, clock) VALUES (?1, ?2, ?3, 1, '')",
            )?;
            let mut answer = tx.prepare(
                "INSERT INTO answer (id, response_id, path, value, clock) VALUES (?1, ?2, ?3, ?4, '')",
            )?;
            for i in 0..responses {
                let id = uuid::Uuid::now_v7().to_string();
                response.execute(rusqlite::params![id, form, visit_ids[i % visit_ids.len()]])?;
                let mut answers = Answers::new();
                answer_questions(def, &def.questions, &mut rng, &mut answers);
                for (path, value) in flatten(&answers, &RowIds::new()).0 {
                    let answer_id = uuid::Uuid::now_v7().to_string();
                    answer.execute(rusqlite::params![answer_id, id, path, value])?;
                }
            }
        }
        tx.commit()?;
    }
    std::fs::rename(&partial, &path)?;
    Ok(path)
}

/// The row: `forms::results_store::stored_results` over every response, beside the plain
/// `GROUP BY`s.
pub fn form_results(bench: &Bench, rows: &mut Vec<Row>) -> Result<()> {
    let def = household()?;
    let responses = bench.size(100_000);
    let db = results_db(bench, &def, responses)?;
    let store = Store::open(&db)?;
    let answers: i64 = store
        .conn()
        .query_row("SELECT count(*) FROM answer", [], |r| r.get(0))?;
    let all = VisitFilter::default();
    let (s, b) = pair(
        3,
        || Ok(()),
        |()| {
            let results = stored_results(&store, &def, &all)?;
            anyhow::ensure!(results.responses == responses, "every response counted");
            Ok(())
        },
        || Ok(()),
        |()| {
            for sql in PLAIN_GROUP_BY {
                let mut stmt = store.conn().prepare_cached(sql)?;
                let mut rows = stmt.query([])?;
                while rows.next()?.is_some() {}
            }
            Ok(())
        },
    )?;
    rows.push(Row {
        case: format!("form results, {} responses", thousands(responses)),
        subject: "forms::results_store::stored_results".to_owned(),
        subject_time: s,
        baseline: "2 plain GROUP BYs over the answers".to_owned(),
        baseline_time: b,
        goal: Goal::AtMost(2.0),
        note: format!("{answers} answers, household template"),
    });
    Ok(())
}
