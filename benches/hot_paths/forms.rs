//! The forms row: every relevance and constraint of a 300-question form checked again after
//! one answer changes (issue 12: ≤ 1 ms), beside the same comparisons written as plain Rust.

use super::{Goal, Row, fmt_time, pair};
use anyhow::{Result, anyhow};
use rust_xlsxwriter::Workbook;
use std::collections::HashMap;
use std::time::Duration;
use zoufang::forms::{Answer, Answers, Validator, read_workbook};

const QUESTIONS: usize = 300;
const GOAL: Duration = Duration::from_millis(1);

/// A checklist-like form: triples of a yes/no item, a number only asked after "yes" with a
/// range constraint, and a text with a pattern constraint.
fn form_workbook() -> Result<Vec<u8>> {
    let mut book = Workbook::new();
    let survey = book.add_worksheet();
    survey.set_name("survey")?;
    let header = [
        "type",
        "name",
        "label",
        "relevant",
        "constraint",
        "required",
    ];
    for (c, h) in header.iter().enumerate() {
        survey.write_string(0, c as u16, *h)?;
    }
    for i in 0..QUESTIONS / 3 {
        let r = (i * 3 + 1) as u32;
        let cells = [
            ["select_one yn", &format!("item{i}"), "Item", "", "", "yes"],
            [
                "integer",
                &format!("count{i}"),
                "Count",
                &format!("${{item{i}}} = 'yes'"),
                ". >= 0 and . <= 120",
                "yes",
            ],
            [
                "text",
                &format!("code{i}"),
                "Code",
                "",
                "regex(., '^[A-Z][0-9]{3}$')",
                "",
            ],
        ];
        for (k, row) in cells.iter().enumerate() {
            for (c, text) in row.iter().enumerate() {
                survey.write_string(r + k as u32, c as u16, *text)?;
            }
        }
    }
    let choices = book.add_worksheet();
    choices.set_name("choices")?;
    for (r, row) in [
        ["list_name", "name", "label"],
        ["yn", "yes", "Yes"],
        ["yn", "no", "No"],
    ]
    .iter()
    .enumerate()
    {
        for (c, text) in row.iter().enumerate() {
            choices.write_string(r as u32, c as u16, *text)?;
        }
    }
    Ok(book.save_to_buffer()?)
}

fn answers() -> Answers {
    let mut out = Answers::new();
    for i in 0..QUESTIONS / 3 {
        out.insert(format!("item{i}"), Answer::Text("yes".into()));
        out.insert(format!("count{i}"), Answer::Text(format!("{}", i % 100)));
        out.insert(format!("code{i}"), Answer::Text(format!("A{:03}", i)));
    }
    out
}

/// The same rules as plain Rust over a map of strings: what the engine's interpretation costs.
fn plain_check(answers: &HashMap<String, String>) -> usize {
    let mut violations = 0;
    for i in 0..QUESTIONS / 3 {
        let item = answers.get(&format!("item{i}")).map_or("", String::as_str);
        if item != "yes" && item != "no" {
            violations += 1;
        }
        let count = answers.get(&format!("count{i}")).map_or("", String::as_str);
        if item == "yes" {
            match count.parse::<i64>() {
                Ok(n) if (0..=120).contains(&n) => {}
                _ => violations += 1,
            }
        }
        let code = answers.get(&format!("code{i}")).map_or("", String::as_str);
        let b = code.as_bytes();
        if !(b.len() == 4 && b[0].is_ascii_uppercase() && b[1..].iter().all(u8::is_ascii_digit)) {
            violations += 1;
        }
    }
    violations
}

/// Measures the row.
pub fn form_checks(rows: &mut Vec<Row>) -> Result<()> {
    let def = read_workbook(form_workbook()?, "bench").map_err(|e| anyhow!("{e:?}"))?;
    let now = chrono::Utc::now().naive_utc();
    let validator = Validator::new(&def, now);
    let mut answers = answers();
    let plain: HashMap<String, String> = answers
        .iter()
        .map(|(k, v)| (k.clone(), v.text().to_owned()))
        .collect();
    let mut flip = 0usize;
    let (s, b) = pair(
        200,
        || Ok(()),
        |()| {
            // One answer changes, then every rule of the form is checked again.
            flip += 1;
            answers.insert("count7".into(), Answer::Text(format!("{}", flip % 100)));
            let checked = validator.check(&answers);
            if !checked.violations.is_empty() {
                return Err(anyhow!("unexpected violations: {:?}", checked.violations));
            }
            Ok(())
        },
        || Ok(()),
        |()| {
            if plain_check(&plain) != 0 {
                return Err(anyhow!("unexpected plain violations"));
            }
            Ok(())
        },
    )?;
    rows.push(Row {
        case: format!("form of {QUESTIONS} questions, one answer changed"),
        subject: "forms::Validator::check".to_owned(),
        subject_time: s,
        baseline: "the same rules as plain Rust".to_owned(),
        baseline_time: b,
        goal: Goal::None,
        note: format!(
            "goal ≤ {}: {}",
            fmt_time(GOAL),
            if s <= GOAL { "met" } else { "MISSED" }
        ),
    });
    Ok(())
}
