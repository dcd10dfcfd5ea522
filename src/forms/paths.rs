//! A response's answers as the flat rows the store keeps, and back. Outside repeats an
//! answer's path is the question's name; inside a repeat it is `repeat/<row id>/name` (nested
//! repeats repeat the pattern). Row ids are UUIDv7, so rows order by creation and two laptops
//! that each add a row both keep theirs.

use super::answers::{Answer, Answers};
use std::collections::BTreeMap;

/// The row ids of every repeat of a response, in row order, by the repeat's path (`name` at
/// the top, `outer/<row id>/inner` inside another repeat).
pub type RowIds = BTreeMap<String, Vec<String>>;

/// The answers as `(path, value)` pairs and the row ids they use. A row keeps the id the
/// same position had in `existing` (rows are edited in place); new rows get new ids.
pub fn flatten(answers: &Answers, existing: &RowIds) -> (Vec<(String, String)>, RowIds) {
    fn walk(
        answers: &Answers,
        prefix: &str,
        existing: &RowIds,
        out: &mut Vec<(String, String)>,
        rows: &mut RowIds,
    ) {
        for (name, answer) in answers {
            let path = format!("{prefix}{name}");
            match answer {
                Answer::Text(value) => out.push((path, value.clone())),
                Answer::Rows(list) => {
                    let known = existing.get(&path).map(Vec::as_slice).unwrap_or_default();
                    let mut ids = Vec::with_capacity(list.len());
                    for (i, row) in list.iter().enumerate() {
                        let id = known
                            .get(i)
                            .cloned()
                            .unwrap_or_else(|| uuid::Uuid::now_v7().to_string());
                        walk(row, &format!("{path}/{id}/"), existing, out, rows);
                        ids.push(id);
                    }
                    rows.insert(path, ids);
                }
            }
        }
    }
    let mut out = Vec::new();
    let mut rows = RowIds::new();
    walk(answers, "", existing, &mut out, &mut rows);
    (out, rows)
}

#[derive(Default)]
struct Node {
    texts: BTreeMap<String, String>,
    repeats: BTreeMap<String, BTreeMap<String, Node>>,
}

impl Node {
    fn insert(&mut self, segments: &[&str], value: &str) {
        match segments {
            [name] => {
                self.texts.insert((*name).to_owned(), value.to_owned());
            }
            [repeat, row, rest @ ..] if !rest.is_empty() => self
                .repeats
                .entry((*repeat).to_owned())
                .or_default()
                .entry((*row).to_owned())
                .or_default()
                .insert(rest, value),
            // A malformed path (validated records never have one) is left out.
            _ => {}
        }
    }

    fn into_answers(self, prefix: &str, rows: &mut RowIds) -> Answers {
        let mut out: Answers = self
            .texts
            .into_iter()
            .map(|(k, v)| (k, Answer::Text(v)))
            .collect();
        for (repeat, by_row) in self.repeats {
            let path = format!("{prefix}{repeat}");
            let mut ids = Vec::with_capacity(by_row.len());
            let mut list = Vec::with_capacity(by_row.len());
            // Row ids are UUIDv7: in text order they are in creation order.
            for (id, node) in by_row {
                list.push(node.into_answers(&format!("{path}/{id}/"), rows));
                ids.push(id);
            }
            rows.insert(path, ids);
            out.insert(repeat, Answer::Rows(list));
        }
        out
    }
}

/// The answers of `(path, value)` pairs, repeats as lists of rows, with their row ids.
pub fn assemble<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> (Answers, RowIds) {
    let mut root = Node::default();
    for (path, value) in pairs {
        let segments: Vec<&str> = path.split('/').collect();
        root.insert(&segments, value);
    }
    let mut rows = RowIds::new();
    let answers = root.into_answers("", &mut rows);
    (answers, rows)
}

/// The path of question `name` in repeat row `row` (1-based) of the repeats `chain` (outermost
/// first), when the row is known; `None` when it is not (a nested repeat's outer row).
pub fn question_path(name: &str, chain: &[&str], row: Option<usize>, rows: &RowIds) -> String {
    match (chain, row) {
        ([repeat], Some(row)) => rows
            .get(*repeat)
            .and_then(|ids| ids.get(row.saturating_sub(1)))
            .map_or_else(|| name.to_owned(), |id| format!("{repeat}/{id}/{name}")),
        _ => name.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(v: &str) -> Answer {
        Answer::Text(v.to_owned())
    }

    #[test]
    fn answers_survive_flattening_and_keep_row_ids_and_order() {
        let row = |name: &str, age: &str| {
            Answers::from([
                ("name".to_owned(), text(name)),
                ("age".to_owned(), text(age)),
            ])
        };
        let answers = Answers::from([
            ("household".to_owned(), text("王家")),
            (
                "members".to_owned(),
                Answer::Rows(vec![row("甲", "70"), row("乙", "8"), row("丙", "40")]),
            ),
        ]);
        let (flat, rows) = flatten(&answers, &RowIds::new());
        assert_eq!(flat.len(), 7);
        assert_eq!(rows["members"].len(), 3);
        let (back, back_rows) = assemble(flat.iter().map(|(p, v)| (p.as_str(), v.as_str())));
        assert_eq!(back, answers);
        assert_eq!(back_rows, rows);
        // Edited again, the rows keep their ids; a new row gets a new one after them.
        let mut more = answers.clone();
        if let Some(Answer::Rows(list)) = more.get_mut("members") {
            list.push(row("丁", "5"));
        }
        let (_, again) = flatten(&more, &rows);
        assert_eq!(again["members"][..3], rows["members"][..]);
        assert!(again["members"][3] > again["members"][2]);
    }

    #[test]
    fn a_question_in_a_repeat_row_is_named_by_the_rows_id() {
        let rows = RowIds::from([("m".to_owned(), vec!["r1".to_owned(), "r2".to_owned()])]);
        assert_eq!(question_path("age", &["m"], Some(2), &rows), "m/r2/age");
        assert_eq!(question_path("age", &[], None, &rows), "age");
    }
}
