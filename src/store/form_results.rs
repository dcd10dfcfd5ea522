//! A form's results counted in SQL (issue 12 item 8): which responses count (the form's
//! versions, live, on live visits in the summary's scope), then one statement of `GROUP BY`s
//! over their answers — per choice for selects, n/min/max/mean for numbers. A question inside
//! a repeat is counted over all its rows: its answers' paths (`repeat/<row id>/name`) end in
//! its name.

use super::error::Result;
use super::{Store, VisitFilter};
use rusqlite::types::Value as SqlValue;

/// How a question's answers are counted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Tally {
    /// Each distinct answer counted (select_one).
    Values,
    /// Each listed choice counted once per answer that picks it among its space-separated
    /// values (select_multiple, rank).
    Picks(Vec<String>),
    /// n, min, max and mean of the answers that read as numbers.
    Numbers,
}

/// One question to count, by name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TallyQuestion {
    /// The question's name.
    pub name: String,
    /// How to count it.
    pub tally: Tally,
}

/// A number question's figures as SQL computed them.
#[derive(Clone, Debug, PartialEq)]
pub struct NumberTally {
    /// The question.
    pub name: String,
    /// Non-empty answers.
    pub answered: i64,
    /// Answers that read as numbers.
    pub n: i64,
    /// The least.
    pub min: Option<f64>,
    /// The greatest.
    pub max: Option<f64>,
    /// The mean.
    pub mean: Option<f64>,
}

/// What the statement returns: the responses in scope and the grouped counts.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TallyRows {
    /// Responses counted.
    pub responses: i64,
    /// `(question, answer or choice, count)` for selects.
    pub counts: Vec<(String, String, i64)>,
    /// Figures of number questions.
    pub numbers: Vec<NumberTally>,
}

/// One response in an export's scope, with the visit it was made on.
#[derive(Clone, Debug, PartialEq)]
pub struct ResponseInScope {
    /// The response's id.
    pub id: String,
    /// Its visit.
    pub visit_id: String,
    /// The visit's day (YYYY-MM-DD).
    pub date: String,
    /// The visit's investigators as stored (a JSON list).
    pub investigators: String,
    /// Saved as complete.
    pub complete: bool,
    /// Its live answers as `(path, value)` pairs, by path.
    pub answers: Vec<(String, String)>,
}

/// The CTE of the responses in scope: live responses to any version of the form named by the
/// first parameter (its `form_id`), on live visits matching `visit_where`.
fn scope_sql(visit_where: &str) -> String {
    format!(
        "rs AS MATERIALIZED (
             SELECT r.id, r.visit_id, r.complete FROM response r
             WHERE r.deleted_at IS NULL
               AND r.form IN (SELECT id FROM form WHERE form_id = ?1 AND deleted_at IS NULL)
               AND r.visit_id IN (SELECT v.id FROM visit v {visit_where}))"
    )
}

/// The SQL reading the question's name from an answer's path (`an.path`): the path itself at
/// the top, `repeat/<row id>/name` inside a repeat (answers are checked where they are saved
/// and when they arrive in a bundle, so a path has two slashes per enclosing repeat).
///
/// String functions are most of the statement's cost, so the usual forms get the cheapest
/// reading: without repeats the path is the name; inside one level, the name follows the
/// second slash (two `instr`/`substr`). Deeper, the last segment is found with `rtrim`, which
/// strips every character but the slash from the end (about twice as slow).
fn name_sql(repeat_depth: usize) -> &'static str {
    match repeat_depth {
        0 => "an.path",
        1 => {
            "CASE WHEN instr(an.path, '/') = 0 THEN an.path
             ELSE substr(substr(an.path, instr(an.path, '/') + 1),
                         instr(substr(an.path, instr(an.path, '/') + 1), '/') + 1) END"
        }
        _ => {
            "CASE WHEN instr(an.path, '/') = 0 THEN an.path
             ELSE substr(an.path, length(rtrim(an.path, replace(an.path, '/', ''))) + 1) END"
        }
    }
}

/// The visit filter's WHERE with its `?` placeholders numbered from 2 (after the form id), so
/// the statement can use numbered parameters of its own after them.
fn numbered(visit_where: &str) -> (String, usize) {
    let mut out = String::with_capacity(visit_where.len());
    let mut next = 2;
    for c in visit_where.chars() {
        if c == '?' {
            out.push_str(&format!("?{next}"));
            next += 1;
        } else {
            out.push(c);
        }
    }
    (out, next)
}

impl Store {
    /// Counts the answers of `questions` over the live responses to any version of form
    /// `form_id` made on the visits `visits` selects (topics, period, region, investigator,
    /// subject, as the summary scopes them).
    ///
    /// One statement: the responses in scope are materialised, their answers are read once with
    /// each answer's question name taken from the end of its path and grouped by question and
    /// value; from those groups come the answers per value, the picks per listed choice (a join
    /// with the choice lists) and count/min/max/mean of the answers that read as numbers.
    ///
    /// `repeat_depth` is how deeply the form nests repeats (0 without repeats): it picks how
    /// an answer's question name is read from its path.
    pub fn form_tally(
        &self,
        form_id: &str,
        visits: &VisitFilter,
        questions: &[TallyQuestion],
        repeat_depth: usize,
    ) -> Result<TallyRows> {
        let (visit_where, visit_params) = self.visit_filter_sql(visits)?;
        let (visit_where, next) = numbered(&visit_where);
        let names = |want: fn(&Tally) -> bool| {
            serde_json::Value::from(
                questions
                    .iter()
                    .filter(|q| want(&q.tally))
                    .map(|q| q.name.clone())
                    .collect::<Vec<_>>(),
            )
            .to_string()
        };
        let values = names(|t| *t == Tally::Values);
        let numbers = names(|t| *t == Tally::Numbers);
        let picks: Vec<serde_json::Value> = questions
            .iter()
            .filter_map(|q| match &q.tally {
                Tally::Picks(choices) => {
                    Some(choices.iter().map(move |c| serde_json::json!([q.name, c])))
                }
                _ => None,
            })
            .flatten()
            .collect();
        let picks = serde_json::Value::from(picks).to_string();
        let (p_values, p_picks, p_numbers) = (next, next + 1, next + 2);
        let mut params: Vec<SqlValue> = vec![SqlValue::Text(form_id.to_owned())];
        params.extend(visit_params);
        params.extend([values, picks, numbers].map(SqlValue::Text));
        // The answers are grouped once by (question, value) in `raw` (trimmed after grouping, on few rows,
        // in `g`); the three results read those groups, so the statement costs about one
        // GROUP BY over the answers in scope.
        let sql = format!(
            "WITH {scope},
             wanted(name) AS (
                 SELECT value FROM json_each(?{p_values}) UNION SELECT value FROM json_each(?{p_numbers})
                 UNION SELECT json_extract(value, '$[0]') FROM json_each(?{p_picks})),
             raw AS MATERIALIZED (
                 SELECT name, value, count(*) AS n FROM (
                     SELECT {name} AS name, an.value
                     FROM answer an
                     WHERE an.response_id IN (SELECT id FROM rs)
                       AND an.deleted_at IS NULL AND an.value <> '')
                 WHERE name IN wanted
                 GROUP BY name, value),
             g AS MATERIALIZED (
                 SELECT name, trim(value) AS value, sum(n) AS n FROM raw
                 WHERE trim(value) <> '' GROUP BY name, trim(value)),
             picks(name, choice) AS (
                 SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]')
                 FROM json_each(?{p_picks}))
             SELECT 0, '', '', (SELECT count(*) FROM rs), NULL, NULL, NULL, NULL
             UNION ALL
             SELECT 1, name, value, n, NULL, NULL, NULL, NULL FROM g
             WHERE name IN (SELECT value FROM json_each(?{p_values}))
             UNION ALL
             SELECT 1, p.name, p.choice, sum(g.n), NULL, NULL, NULL, NULL
             FROM picks p JOIN g ON g.name = p.name
              AND instr(' ' || replace(g.value, char(9), ' ') || ' ', ' ' || p.choice || ' ') > 0
             GROUP BY p.name, p.choice
             UNION ALL
             SELECT 2, name, '', sum(n), coalesce(sum(iif(x IS NULL, 0, n)), 0), min(x), max(x),
                    sum(x * n) / nullif(sum(iif(x IS NULL, 0, n)), 0)
             FROM (SELECT name, n, CASE WHEN value GLOB '*[0-9]*'
                                         AND value NOT GLOB '*[^0-9.eE+-]*'
                                        THEN CAST(value AS REAL) END AS x
                   FROM g WHERE name IN (SELECT value FROM json_each(?{p_numbers})))
             GROUP BY name",
            scope = scope_sql(&visit_where),
            name = name_sql(repeat_depth),
        );
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let mut rows = stmt.query(rusqlite::params_from_iter(params.iter()))?;
        let mut out = TallyRows::default();
        while let Some(row) = rows.next()? {
            match row.get::<_, i64>(0)? {
                0 => out.responses = row.get(3)?,
                1 => out.counts.push((row.get(1)?, row.get(2)?, row.get(3)?)),
                _ => out.numbers.push(NumberTally {
                    name: row.get(1)?,
                    answered: row.get(3)?,
                    n: row.get(4)?,
                    min: row.get(5)?,
                    max: row.get(6)?,
                    mean: row.get(7)?,
                }),
            }
        }
        Ok(out)
    }

    /// The live responses to any version of form `form_id` on the visits `visits` selects, by
    /// visit day then id, with their answers.
    pub fn form_responses_in_scope(
        &self,
        form_id: &str,
        visits: &VisitFilter,
    ) -> Result<Vec<ResponseInScope>> {
        let (visit_where, visit_params) = self.visit_filter_sql(visits)?;
        let (visit_where, _) = numbered(&visit_where);
        let mut params: Vec<SqlValue> = vec![SqlValue::Text(form_id.to_owned())];
        params.extend(visit_params);
        let sql = format!(
            "WITH {scope}
             SELECT rs.id, rs.visit_id, v.date, v.investigators, rs.complete, an.path, an.value
             FROM rs JOIN visit v ON v.id = rs.visit_id
             LEFT JOIN answer an ON an.response_id = rs.id AND an.deleted_at IS NULL
             ORDER BY v.date, rs.id, an.path",
            scope = scope_sql(&visit_where),
        );
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let mut rows = stmt.query(rusqlite::params_from_iter(params.iter()))?;
        let mut out: Vec<ResponseInScope> = Vec::new();
        while let Some(row) = rows.next()? {
            let id: String = row.get(0)?;
            if out.last().is_none_or(|r| r.id != id) {
                out.push(ResponseInScope {
                    id,
                    visit_id: row.get(1)?,
                    date: row.get(2)?,
                    investigators: row.get(3)?,
                    complete: row.get(4)?,
                    answers: Vec::new(),
                });
            }
            let path: Option<String> = row.get(5)?;
            if let (Some(path), Some(response)) = (path, out.last_mut()) {
                let value = row.get::<_, Option<String>>(6)?.unwrap_or_default();
                response.answers.push((path, value));
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_after_the_form_id() {
        assert_eq!(
            numbered("WHERE v.a = ? AND v.b LIKE ?"),
            ("WHERE v.a = ?2 AND v.b LIKE ?3".to_owned(), 4)
        );
    }
}
