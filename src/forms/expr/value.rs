//! Values of XPath 1.0 as ODK evaluates them, and the coercions between them.

use chrono::{NaiveDate, NaiveDateTime};

/// The result of evaluating an expression.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// A string.
    Str(String),
    /// A number (NaN for "not a number").
    Num(f64),
    /// A boolean.
    Bool(bool),
    /// The answers a `${name}` reaches: one for a plain question, one per row for a question
    /// inside a repeat read from outside it.
    Nodes(Vec<String>),
}

fn epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default()
}

/// Reads a number the way XPath's `number()` does, and dates/date-times as days since 1970
/// as ODK does, so `. <= today()` compares dates.
pub fn string_to_number(s: &str) -> f64 {
    let t = s.trim();
    if t.is_empty() {
        return f64::NAN;
    }
    let plain = t.strip_prefix('-').unwrap_or(t);
    let numeric = !plain.is_empty()
        && plain.chars().all(|c| c.is_ascii_digit() || c == '.')
        && plain.chars().filter(|&c| c == '.').count() <= 1
        && plain != ".";
    if numeric {
        return t.parse::<f64>().unwrap_or(f64::NAN);
    }
    if let Ok(d) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        return (d - epoch()).num_days() as f64;
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S",
    ] {
        if let Ok(dt) = NaiveDateTime::parse_from_str(t, format) {
            let seconds = (dt - epoch().and_time(chrono::NaiveTime::MIN)).num_milliseconds();
            return seconds as f64 / 86_400_000.0;
        }
    }
    f64::NAN
}

/// Writes a number as XPath's `string()` does: integers without a decimal point.
pub fn number_to_string(n: f64) -> String {
    if n.is_nan() {
        "NaN".into()
    } else if n.is_infinite() {
        if n > 0.0 {
            "Infinity".into()
        } else {
            "-Infinity".into()
        }
    } else if n == n.trunc() && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

impl Value {
    /// The string value (the first node of a node list, empty when there is none).
    pub fn to_str(&self) -> String {
        match self {
            Value::Str(s) => s.clone(),
            Value::Num(n) => number_to_string(*n),
            Value::Bool(b) => if *b { "true" } else { "false" }.into(),
            Value::Nodes(nodes) => nodes.first().cloned().unwrap_or_default(),
        }
    }

    /// The number value.
    pub fn to_num(&self) -> f64 {
        match self {
            Value::Num(n) => *n,
            Value::Bool(b) => f64::from(u8::from(*b)),
            Value::Str(s) => string_to_number(s),
            Value::Nodes(nodes) => nodes.first().map_or(f64::NAN, |s| string_to_number(s)),
        }
    }

    /// The boolean value. A single answer is true when it is not empty, as in ODK Collect
    /// (plain XPath would call any existing node true).
    pub fn to_bool(&self) -> bool {
        match self {
            Value::Bool(b) => *b,
            Value::Num(n) => *n != 0.0 && !n.is_nan(),
            Value::Str(s) => !s.is_empty(),
            Value::Nodes(nodes) => match nodes.as_slice() {
                [] => false,
                [one] => !one.is_empty(),
                _ => true,
            },
        }
    }
}
