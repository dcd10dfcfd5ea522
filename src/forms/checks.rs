//! Whole-form checks once every row is read: duplicate names, `${name}` references that lead
//! nowhere, bare names outside `choice_filter`, and cycles among calculations.

use super::columns::Columns;
use super::definition::{FindingRule, FormDefinition, Question, Required};
use super::error::SheetProblem;
use super::expr::{Expr, Expression};
use super::types::QuestionType;
use std::collections::{BTreeMap, HashMap};

/// Every expression of `q`, with the survey column (canonical name) it came from.
pub fn expressions(q: &Question) -> Vec<(&'static str, &Expression)> {
    let mut out = Vec::new();
    if let Required::When(e) = &q.required {
        out.push(("required", e));
    }
    let optional = [
        ("relevant", &q.relevant),
        ("constraint", &q.constraint),
        ("calculation", &q.calculation),
        ("choice_filter", &q.choice_filter),
        ("repeat_count", &q.repeat_count),
    ];
    out.extend(
        optional
            .into_iter()
            .filter_map(|(c, e)| e.as_ref().map(|e| (c, e))),
    );
    if let Some(FindingRule::Expression(e)) = q.finding.as_ref().map(|f| &f.rule) {
        out.push(("finding_if", e));
    }
    out
}

/// Runs every whole-form check; returns the problems found.
pub fn check(
    def: &FormDefinition,
    sheet: &str,
    columns: &Columns,
    choice_columns: &[String],
) -> Vec<SheetProblem> {
    let mut problems = Vec::new();
    let all = def.all_questions();
    let mut first_row: HashMap<&str, usize> = HashMap::new();
    for q in &all {
        if let Some(row) = first_row.get(q.name.as_str()) {
            problems.push(SheetProblem::new(
                sheet,
                Some(q.row),
                Some(columns.header("name")),
                format!("名称 {} 重复（第 {row} 行已使用）", q.name),
                format!("the name {} is used twice (already on row {row})", q.name),
            ));
        } else {
            first_row.insert(&q.name, q.row);
        }
    }
    for q in &all {
        for (column, e) in expressions(q) {
            let header = columns.header(column);
            for name in e.tree().references() {
                if !first_row.contains_key(name) {
                    problems.push(SheetProblem::new(
                        sheet,
                        Some(q.row),
                        Some(header),
                        format!("${{{name}}} 引用的题目不存在"),
                        format!("${{{name}}} refers to no question"),
                    ));
                }
            }
            let mut bare = Vec::new();
            e.tree().visit(&mut |node| {
                if let Expr::Column(c) = node {
                    bare.push(c.clone());
                }
            });
            for c in bare {
                let known_column = column == "choice_filter"
                    && (c == "name" || c == "label" || choice_columns.contains(&c));
                if !known_column {
                    problems.push(SheetProblem::new(
                        sheet,
                        Some(q.row),
                        Some(header),
                        format!("无法识别 {c}：引用题目请写 ${{{c}}}"),
                        format!("{c} is not understood: write ${{{c}}} to refer to a question"),
                    ));
                }
            }
        }
        // `${name}` shown inside labels and hints must lead somewhere too.
        for (column, text) in [("label", &q.label), ("hint", &q.hint)] {
            for name in text.0.values().flat_map(|t| embedded_references(t)) {
                if !first_row.contains_key(name) {
                    problems.push(SheetProblem::new(
                        sheet,
                        Some(q.row),
                        Some(columns.header(column)),
                        format!("${{{name}}} 引用的题目不存在"),
                        format!("${{{name}}} refers to no question"),
                    ));
                }
            }
        }
        if q.kind == QuestionType::SelectMultiple {
            for choice in def
                .choices_of(q)
                .iter()
                .filter(|c| c.name.contains(char::is_whitespace))
            {
                problems.push(SheetProblem::new(
                    sheet,
                    Some(q.row),
                    Some(columns.header("type")),
                    format!("多选题的选项名称不能含空格：{}", choice.name),
                    format!(
                        "a select_multiple choice name cannot hold spaces: {}",
                        choice.name
                    ),
                ));
            }
        }
    }
    problems.extend(cycles(&all, sheet, columns));
    problems
}

/// The names of the `${name}` references written inside a text.
fn embedded_references(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            break;
        };
        out.push(after[..end].trim());
        rest = &after[end + 1..];
    }
    out
}

/// Finds cycles among calculations (a calculation that, through others, reads itself).
fn cycles(all: &[&Question], sheet: &str, columns: &Columns) -> Vec<SheetProblem> {
    let calcs: BTreeMap<&str, &Question> = all
        .iter()
        .filter(|q| q.calculation.is_some())
        .map(|q| (q.name.as_str(), *q))
        .collect();
    let edges = |name: &str| -> Vec<&str> {
        calcs
            .get(name)
            .and_then(|q| q.calculation.as_ref())
            .map(|e| {
                e.tree()
                    .references()
                    .into_iter()
                    .filter(|r| calcs.contains_key(r))
                    .collect()
            })
            .unwrap_or_default()
    };
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Unvisited,
        Active,
        Done,
    }
    let mut marks: HashMap<&str, Mark> = calcs.keys().map(|k| (*k, Mark::Unvisited)).collect();
    let mut problems = Vec::new();
    for &start in calcs.keys() {
        if marks.get(start) != Some(&Mark::Unvisited) {
            continue;
        }
        // Iterative depth-first search: the path, and for each node the edges still to follow.
        let mut path: Vec<(&str, Vec<&str>)> = vec![(start, edges(start))];
        marks.insert(start, Mark::Active);
        while let Some((node, pending)) = path.last_mut() {
            let node = *node;
            match pending.pop() {
                Some(next) => match marks.get(next).copied() {
                    Some(Mark::Unvisited) => {
                        marks.insert(next, Mark::Active);
                        path.push((next, edges(next)));
                    }
                    Some(Mark::Active) => {
                        let from = path.iter().position(|(n, _)| *n == next).unwrap_or(0);
                        let mut cycle: Vec<&str> = path[from..].iter().map(|(n, _)| *n).collect();
                        cycle.push(next);
                        let row = calcs.get(next).map(|q| q.row);
                        let text = cycle.join(" → ");
                        problems.push(SheetProblem::new(
                            sheet,
                            row,
                            Some(columns.header("calculation")),
                            format!("计算公式循环引用：{text}"),
                            format!("calculations refer to each other in a cycle: {text}"),
                        ));
                    }
                    _ => {}
                },
                None => {
                    marks.insert(node, Mark::Done);
                    path.pop();
                }
            }
        }
    }
    problems
}
