//! The evaluator: XPath 1.0 semantics as ODK applies them, over answers supplied by a [`Scope`].

use super::ast::{BinOp, Expr};
use super::value::{Value, number_to_string, string_to_number};
use chrono::{NaiveDate, NaiveDateTime};
use std::cell::RefCell;
use std::collections::HashMap;

/// Largest compiled program a `regex()` pattern may produce, in bytes (the `regex` crate runs
/// in linear time; this bounds its memory too).
pub const REGEX_SIZE_LIMIT: usize = 1 << 20;
/// How many compiled patterns are kept between evaluations.
const REGEX_CACHE_ENTRIES: usize = 256;

/// Where an expression finds the answers it reads.
pub trait Scope {
    /// The answers `${name}` reaches from here (one per row for a repeat read from outside).
    fn answer(&self, name: &str) -> Value;
    /// The answer being checked (`.`).
    fn current(&self) -> Value;
    /// The 1-based number of the repeat row being evaluated, if any.
    fn position(&self) -> Option<usize>;
    /// The label of choice `value` of select question `question`, in the user's language.
    fn choice_label(&self, question: &str, value: &str) -> Option<String>;
    /// A column of the choice row being filtered (`choice_filter`), empty elsewhere.
    fn column(&self, name: &str) -> Value;
    /// The date and time `today()` and `now()` answer.
    fn now(&self) -> NaiveDateTime;
}

/// Why an expression could not be evaluated.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EvalError {
    /// A function this engine does not know, or called with the wrong number of arguments.
    #[error("unknown function or wrong arguments: {0}")]
    Function(String),
    /// A `regex()` pattern that does not compile within the size limit.
    #[error("bad regular expression {pattern}: {reason}")]
    Regex {
        /// The pattern as written.
        pattern: String,
        /// Why it was refused.
        reason: String,
    },
}

/// The functions known, with their least and greatest number of arguments.
pub const FUNCTIONS: &[(&str, usize, usize)] = &[
    ("true", 0, 0),
    ("false", 0, 0),
    ("not", 1, 1),
    ("boolean", 1, 1),
    ("string", 0, 1),
    ("number", 0, 1),
    ("int", 1, 1),
    ("round", 1, 2),
    ("floor", 1, 1),
    ("ceiling", 1, 1),
    ("abs", 1, 1),
    ("pow", 2, 2),
    ("concat", 0, usize::MAX),
    ("contains", 2, 2),
    ("starts-with", 2, 2),
    ("ends-with", 2, 2),
    ("substr", 2, 3),
    ("substring", 2, 3),
    ("substring-before", 2, 2),
    ("substring-after", 2, 2),
    ("normalize-space", 0, 1),
    ("string-length", 0, 1),
    ("selected", 2, 2),
    ("count-selected", 1, 1),
    ("selected-at", 2, 2),
    ("jr:choice-name", 2, 2),
    ("regex", 2, 2),
    ("if", 3, 3),
    ("coalesce", 2, 2),
    ("today", 0, 0),
    ("now", 0, 0),
    ("count", 1, 1),
    ("sum", 1, 1),
    ("max", 1, usize::MAX),
    ("min", 1, usize::MAX),
    ("position", 0, 1),
    ("date", 1, 1),
    ("decimal-date-time", 1, 1),
    ("join", 2, 2),
    ("once", 1, 1),
];

/// Checks that every call names a known function with an accepted number of arguments.
pub fn check_functions(expr: &Expr) -> Result<(), String> {
    let mut problem = None;
    expr.visit(&mut |e| {
        if let Expr::Call(name, args) = e
            && problem.is_none()
        {
            match FUNCTIONS.iter().find(|(n, _, _)| n == name) {
                None => problem = Some(format!("{name}()")),
                Some((_, min, max)) if args.len() < *min || args.len() > *max => {
                    problem = Some(format!("{name}() ({} arguments)", args.len()));
                }
                Some(_) => {}
            }
        }
    });
    problem.map_or(Ok(()), Err)
}

thread_local! {
    static REGEX_CACHE: RefCell<HashMap<String, Result<regex::Regex, String>>> =
        RefCell::new(HashMap::new());
}

/// Whether `text` matches `pattern`, the pattern compiled within [`REGEX_SIZE_LIMIT`] once and
/// remembered. The match runs on the cached regex itself: a clone would bring a fresh, empty
/// matching cache each time.
pub fn regex_matches(pattern: &str, text: &str) -> Result<bool, String> {
    REGEX_CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        if !cache.contains_key(pattern) {
            if cache.len() >= REGEX_CACHE_ENTRIES {
                cache.clear();
            }
            let compiled = regex::RegexBuilder::new(pattern)
                .size_limit(REGEX_SIZE_LIMIT)
                .dfa_size_limit(REGEX_SIZE_LIMIT)
                .build()
                .map_err(|e| e.to_string());
            cache.insert(pattern.to_owned(), compiled);
        }
        match cache.get(pattern) {
            Some(Ok(re)) => Ok(re.is_match(text)),
            Some(Err(reason)) => Err(reason.clone()),
            None => Err("regex cache".to_owned()),
        }
    })
}

/// One side of a comparison, borrowed: comparing node lists allocates nothing.
#[derive(Clone, Copy)]
enum Atom<'a> {
    Str(&'a str),
    Num(f64),
    Bool(bool),
}

impl Atom<'_> {
    fn num(self) -> f64 {
        match self {
            Atom::Str(s) => string_to_number(s),
            Atom::Num(n) => n,
            Atom::Bool(b) => f64::from(u8::from(b)),
        }
    }

    fn truth(self) -> bool {
        match self {
            Atom::Str(s) => !s.is_empty(),
            Atom::Num(n) => n != 0.0 && !n.is_nan(),
            Atom::Bool(b) => b,
        }
    }
}

fn compare_atoms(op: BinOp, a: Atom<'_>, b: Atom<'_>) -> bool {
    match op {
        BinOp::Eq | BinOp::Ne => {
            let equal = match (a, b) {
                (Atom::Bool(_), _) | (_, Atom::Bool(_)) => a.truth() == b.truth(),
                (Atom::Num(_), _) | (_, Atom::Num(_)) => a.num() == b.num(),
                (Atom::Str(x), Atom::Str(y)) => x == y,
            };
            equal == (op == BinOp::Eq)
        }
        _ => {
            let (x, y) = (a.num(), b.num());
            match op {
                BinOp::Lt => x < y,
                BinOp::Le => x <= y,
                BinOp::Gt => x > y,
                _ => x >= y,
            }
        }
    }
}

fn single_atom(v: &Value) -> Option<Atom<'_>> {
    match v {
        Value::Str(s) => Some(Atom::Str(s)),
        Value::Num(n) => Some(Atom::Num(*n)),
        Value::Bool(b) => Some(Atom::Bool(*b)),
        Value::Nodes(_) => None,
    }
}

/// XPath's comparison: a node list compares true when any of its nodes does.
fn compare(op: BinOp, a: &Value, b: &Value) -> bool {
    let single = single_atom;
    match (a, b) {
        (Value::Nodes(xs), Value::Nodes(ys)) => xs.iter().any(|x| {
            ys.iter()
                .any(|y| compare_atoms(op, Atom::Str(x), Atom::Str(y)))
        }),
        (Value::Nodes(xs), other) => {
            single(other).is_some_and(|o| xs.iter().any(|x| compare_atoms(op, Atom::Str(x), o)))
        }
        (other, Value::Nodes(ys)) => {
            single(other).is_some_and(|o| ys.iter().any(|y| compare_atoms(op, o, Atom::Str(y))))
        }
        _ => match (single(a), single(b)) {
            (Some(x), Some(y)) => compare_atoms(op, x, y),
            _ => false,
        },
    }
}

fn nodes_compare(op: BinOp, a: &Value, b: &Value) -> bool {
    // A node list against a boolean compares the list's boolean, not each node.
    match (a, b) {
        (Value::Nodes(_), Value::Bool(y)) => (a.to_bool() == *y) == (op == BinOp::Eq),
        (Value::Bool(x), Value::Nodes(_)) => (*x == b.to_bool()) == (op == BinOp::Eq),
        _ => compare(op, a, b),
    }
}

fn round_half_up(x: f64, digits: i32) -> f64 {
    let scale = 10f64.powi(digits);
    (x * scale + 0.5).floor() / scale
}

fn selections(v: &Value) -> Vec<String> {
    v.to_str().split_whitespace().map(str::to_owned).collect()
}

fn all_strings(v: &Value) -> Vec<String> {
    match v {
        Value::Nodes(nodes) => nodes.clone(),
        other => vec![other.to_str()],
    }
}

/// Evaluates `expr` in `scope`.
pub fn evaluate(expr: &Expr, scope: &dyn Scope) -> Result<Value, EvalError> {
    Ok(match expr {
        Expr::Number(n) => Value::Num(*n),
        Expr::Str(s) => Value::Str(s.clone()),
        Expr::Ref(name) => scope.answer(name),
        Expr::Current => scope.current(),
        Expr::Parent => Value::Nodes(Vec::new()),
        Expr::Column(name) => scope.column(name),
        Expr::Neg(inner) => Value::Num(-evaluate(inner, scope)?.to_num()),
        Expr::Binary(op, l, r) => {
            match op {
                BinOp::Or => {
                    return Ok(Value::Bool(
                        evaluate(l, scope)?.to_bool() || evaluate(r, scope)?.to_bool(),
                    ));
                }
                BinOp::And => {
                    return Ok(Value::Bool(
                        evaluate(l, scope)?.to_bool() && evaluate(r, scope)?.to_bool(),
                    ));
                }
                _ => {}
            }
            let (a, b) = (evaluate(l, scope)?, evaluate(r, scope)?);
            match op {
                BinOp::Add => Value::Num(a.to_num() + b.to_num()),
                BinOp::Sub => Value::Num(a.to_num() - b.to_num()),
                BinOp::Mul => Value::Num(a.to_num() * b.to_num()),
                BinOp::Div => Value::Num(a.to_num() / b.to_num()),
                BinOp::Mod => Value::Num(a.to_num() % b.to_num()),
                _ => Value::Bool(nodes_compare(*op, &a, &b)),
            }
        }
        Expr::Call(name, args) => call(name, args, scope)?,
    })
}

fn call(name: &str, args: &[Expr], scope: &dyn Scope) -> Result<Value, EvalError> {
    let arity_ok = FUNCTIONS
        .iter()
        .any(|(n, min, max)| *n == name && args.len() >= *min && args.len() <= *max);
    if !arity_ok {
        return Err(EvalError::Function(format!("{name}()")));
    }
    // Lazily evaluated: `if()` and `coalesce()` must not evaluate the branch they skip.
    let arg = |i: usize| -> Result<Value, EvalError> {
        match args.get(i) {
            Some(e) => evaluate(e, scope),
            None => Ok(scope.current()),
        }
    };
    let s = |i: usize| -> Result<String, EvalError> { Ok(arg(i)?.to_str()) };
    let n = |i: usize| -> Result<f64, EvalError> { Ok(arg(i)?.to_num()) };
    Ok(match name {
        "true" => Value::Bool(true),
        "false" => Value::Bool(false),
        "not" => Value::Bool(!arg(0)?.to_bool()),
        "boolean" => Value::Bool(arg(0)?.to_bool()),
        "string" => Value::Str(s(0)?),
        "number" => Value::Num(n(0)?),
        "int" => Value::Num(n(0)?.trunc()),
        "round" => {
            let digits = if args.len() > 1 { n(1)? } else { 0.0 };
            Value::Num(round_half_up(n(0)?, digits.clamp(-15.0, 15.0) as i32))
        }
        "floor" => Value::Num(n(0)?.floor()),
        "ceiling" => Value::Num(n(0)?.ceil()),
        "abs" => Value::Num(n(0)?.abs()),
        "pow" => Value::Num(n(0)?.powf(n(1)?)),
        "concat" => {
            let mut out = String::new();
            for i in 0..args.len() {
                out.push_str(&all_strings(&arg(i)?).concat());
            }
            Value::Str(out)
        }
        "contains" => Value::Bool(s(0)?.contains(&s(1)?)),
        "starts-with" => Value::Bool(s(0)?.starts_with(&s(1)?)),
        "ends-with" => Value::Bool(s(0)?.ends_with(&s(1)?)),
        "substr" | "substring" => {
            let text: Vec<char> = s(0)?.chars().collect();
            // substr() counts from 0 (ODK), substring() from 1 (XPath).
            let base = if name == "substr" { 0.0 } else { 1.0 };
            let start = (n(1)? - base).max(0.0).min(text.len() as f64) as usize;
            let end = if args.len() > 2 {
                let e = n(2)?;
                let e = if name == "substr" {
                    e
                } else {
                    start as f64 + e
                };
                e.max(start as f64).min(text.len() as f64) as usize
            } else {
                text.len()
            };
            Value::Str(text[start..end].iter().collect())
        }
        "substring-before" => {
            let (h, needle) = (s(0)?, s(1)?);
            Value::Str(h.find(&needle).map_or(String::new(), |i| h[..i].to_owned()))
        }
        "substring-after" => {
            let (h, needle) = (s(0)?, s(1)?);
            Value::Str(
                h.find(&needle)
                    .map_or(String::new(), |i| h[i + needle.len()..].to_owned()),
            )
        }
        "normalize-space" => Value::Str(s(0)?.split_whitespace().collect::<Vec<_>>().join(" ")),
        "string-length" => Value::Num(s(0)?.chars().count() as f64),
        "selected" => {
            let wanted = s(1)?;
            Value::Bool(selections(&arg(0)?).iter().any(|v| *v == wanted.trim()))
        }
        "count-selected" => Value::Num(selections(&arg(0)?).len() as f64),
        "selected-at" => {
            let i = n(1)?;
            let picks = selections(&arg(0)?);
            Value::Str(if i >= 0.0 {
                picks.get(i as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            })
        }
        "jr:choice-name" => {
            let value = s(0)?;
            let target = s(1)?;
            let question = target
                .trim()
                .trim_start_matches("${")
                .trim_end_matches('}')
                .rsplit('/')
                .next()
                .unwrap_or_default()
                .to_owned();
            Value::Str(scope.choice_label(&question, &value).unwrap_or_default())
        }
        "regex" => {
            let (text, pattern) = (s(0)?, s(1)?);
            let matched = regex_matches(&pattern, &text).map_err(|reason| EvalError::Regex {
                pattern: pattern.clone(),
                reason,
            })?;
            Value::Bool(matched)
        }
        "if" => {
            if arg(0)?.to_bool() {
                arg(1)?
            } else {
                arg(2)?
            }
        }
        "coalesce" => {
            let first = s(0)?;
            if first.is_empty() {
                Value::Str(s(1)?)
            } else {
                Value::Str(first)
            }
        }
        "today" => Value::Str(scope.now().date().format("%Y-%m-%d").to_string()),
        "now" => Value::Str(scope.now().format("%Y-%m-%dT%H:%M:%S").to_string()),
        "count" => Value::Num(match arg(0)? {
            Value::Nodes(nodes) => nodes.len() as f64,
            _ => 1.0,
        }),
        "sum" => Value::Num(
            all_strings(&arg(0)?)
                .iter()
                .map(|v| Value::Str(v.clone()).to_num())
                .sum(),
        ),
        "max" | "min" => {
            let mut values = Vec::new();
            for i in 0..args.len() {
                for v in all_strings(&arg(i)?) {
                    values.push(Value::Str(v).to_num());
                }
            }
            let pick = if name == "max" { f64::max } else { f64::min };
            let start = if name == "max" {
                f64::NEG_INFINITY
            } else {
                f64::INFINITY
            };
            if values.is_empty() || values.iter().any(|v| v.is_nan()) {
                Value::Num(f64::NAN)
            } else {
                Value::Num(values.into_iter().fold(start, pick))
            }
        }
        "position" => Value::Num(scope.position().map_or(f64::NAN, |p| p as f64)),
        "date" => {
            let v = arg(0)?;
            match v {
                Value::Num(days) => Value::Str(days_to_date(days)),
                other => {
                    let text = other.to_str();
                    if text
                        .trim()
                        .chars()
                        .all(|c| c.is_ascii_digit() || c == '.' || c == '-')
                        && NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").is_err()
                    {
                        Value::Str(days_to_date(other.to_num()))
                    } else {
                        Value::Str(text)
                    }
                }
            }
        }
        "decimal-date-time" => Value::Num(n(0)?),
        "join" => Value::Str(all_strings(&arg(1)?).join(&s(0)?)),
        "once" => arg(0)?,
        other => return Err(EvalError::Function(format!("{other}()"))),
    })
}

fn days_to_date(days: f64) -> String {
    if !days.is_finite() {
        return String::new();
    }
    NaiveDate::from_ymd_opt(1970, 1, 1)
        .and_then(|epoch| epoch.checked_add_signed(chrono::Duration::days(days.floor() as i64)))
        .map_or_else(String::new, |d| d.format("%Y-%m-%d").to_string())
}

/// The string an expression's value shows as (`number_to_string` for numbers).
pub fn display(value: &Value) -> String {
    match value {
        Value::Num(n) => number_to_string(*n),
        other => other.to_str(),
    }
}
