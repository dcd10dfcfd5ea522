//! Unit and property tests of the expression engine.

use super::*;
use chrono::NaiveDateTime;
use proptest::prelude::*;
use std::collections::HashMap;

/// A scope over a flat map of answers, for tests.
struct MapScope {
    answers: HashMap<&'static str, Vec<&'static str>>,
    current: &'static str,
}

impl Scope for MapScope {
    fn answer(&self, name: &str) -> Value {
        Value::Nodes(
            self.answers
                .get(name)
                .map(|v| v.iter().map(|s| (*s).to_owned()).collect())
                .unwrap_or_default(),
        )
    }
    fn current(&self) -> Value {
        Value::Nodes(vec![self.current.to_owned()])
    }
    fn position(&self) -> Option<usize> {
        Some(2)
    }
    fn choice_label(&self, question: &str, value: &str) -> Option<String> {
        (question == "fire" && value == "no").then(|| "否".to_owned())
    }
    fn column(&self, name: &str) -> Value {
        Value::Str(if name == "region" {
            "north".into()
        } else {
            String::new()
        })
    }
    fn now(&self) -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 12, 1)
            .and_then(|d| d.and_hms_opt(9, 30, 0))
            .unwrap_or_default()
    }
}

fn scope() -> MapScope {
    MapScope {
        answers: HashMap::from([
            ("age", vec!["42"]),
            ("name", vec!["张三"]),
            ("fire", vec!["no"]),
            ("aid", vec!["dibao tekun"]),
            ("empty", vec![""]),
            ("member_age", vec!["30", "8", "70"]),
            ("birth", vec!["2020-05-01"]),
        ]),
        current: "13800138000",
    }
}

fn eval(src: &str) -> Value {
    match parse(src) {
        Ok(e) => evaluate(&e, &scope()).unwrap_or_else(|err| panic!("{src}: {err}")),
        Err(err) => panic!("{src}: {err}"),
    }
}

#[test]
fn the_functions_real_forms_use_evaluate_as_odk_does() {
    let cases: &[(&str, Value)] = &[
        ("${age} >= 18 and ${age} < 60", Value::Bool(true)),
        ("${age} + 1", Value::Num(43.0)),
        ("${age} div 5", Value::Num(8.4)),
        ("${age} mod 5", Value::Num(2.0)),
        ("-${age} * 2", Value::Num(-84.0)),
        ("${fire} = 'no'", Value::Bool(true)),
        ("${fire} != 'no' or not(${empty})", Value::Bool(true)),
        ("selected(${aid}, 'tekun')", Value::Bool(true)),
        ("selected(${aid}, 'linshi')", Value::Bool(false)),
        ("count-selected(${aid})", Value::Num(2.0)),
        ("string-length(${name})", Value::Num(2.0)),
        ("regex(., '^1[3-9][0-9]{9}$')", Value::Bool(true)),
        (
            "if(${age} > 60, '老年', '非老年')",
            Value::Str("非老年".into()),
        ),
        ("concat(${name}, '-', ${age})", Value::Str("张三-42".into())),
        ("coalesce(${empty}, 'x')", Value::Str("x".into())),
        (
            "number('3.5') + int(2.9) + round(2.45, 1)",
            Value::Num(3.5 + 2.0 + 2.5),
        ),
        ("today()", Value::Str("2026-12-01".into())),
        ("now()", Value::Str("2026-12-01T09:30:00".into())),
        ("count(${member_age})", Value::Num(3.0)),
        ("sum(${member_age})", Value::Num(108.0)),
        ("${member_age} > 65", Value::Bool(true)),
        ("position(..)", Value::Num(2.0)),
        (
            "jr:choice-name(${fire}, '${fire}')",
            Value::Str("否".into()),
        ),
        ("${birth} < today()", Value::Bool(true)),
        ("region = 'north'", Value::Bool(true)),
        ("${empty} = ''", Value::Bool(true)),
        ("${empty} > 3", Value::Bool(false)),
        ("1 + 2 * 3 - 4 div 2", Value::Num(5.0)),
        ("(1 + 2) * 3", Value::Num(9.0)),
    ];
    for (src, want) in cases {
        assert_eq!(&eval(src), want, "{src}");
    }
}

#[test]
fn malformed_expressions_are_refused_with_the_place() {
    for (src, offset) in [
        ("${age} >", 8),
        ("(1 + 2", 6),
        ("'open", 0),
        ("${age", 0),
        ("/data/age > 3", 0),
        ("1 2", 2),
        ("concat(1 2)", 9),
    ] {
        let err = parse(src).err().unwrap_or_else(|| panic!("{src} parsed"));
        assert_eq!(err.offset, offset, "{src}: {err}");
    }
    let deep = format!("{}1{}", "(".repeat(200), ")".repeat(200));
    assert!(parse(&deep).is_err(), "nesting is bounded");
    let long = "1 + ".repeat(MAX_EXPRESSION_CHARS) + "1";
    assert!(parse(&long).is_err(), "length is bounded");
}

#[test]
fn unknown_functions_and_wrong_arities_are_found_before_evaluation() {
    let unknown = parse("pulldata('x', 'y', 'z', 'w')").map(|e| check_functions(&e));
    assert!(matches!(unknown, Ok(Err(_))));
    let arity = parse("if(1, 2)").map(|e| check_functions(&e));
    assert!(matches!(arity, Ok(Err(_))));
    let fine = parse("if(1, 2, 3)").map(|e| check_functions(&e));
    assert_eq!(fine, Ok(Ok(())));
}

#[test]
fn pathological_regex_patterns_run_in_linear_time_or_are_refused() {
    let start = std::time::Instant::now();
    let text = format!("'{}!'", "a".repeat(3000));
    assert_eq!(
        eval(&format!("regex({text}, '^(a+)+$')")),
        Value::Bool(false)
    );
    assert!(
        start.elapsed().as_millis() < 500,
        "no catastrophic backtracking"
    );
    let huge = parse("regex('a', 'a{1000}{1000}')").unwrap_or(Expr::Number(0.0));
    assert!(matches!(
        evaluate(&huge, &scope()),
        Err(EvalError::Regex { .. })
    ));
}

#[test]
fn expressions_serialise_as_their_source_text() {
    let e = Expression::parse(" ${age} > 3 ").unwrap_or_else(|err| panic!("{err}"));
    let json = serde_json::to_string(&e).unwrap_or_default();
    assert_eq!(json, "\"${age} > 3\"");
    let back: Result<Expression, _> = serde_json::from_str(&json);
    assert_eq!(back.ok(), Some(e));
}

/// A tree of arithmetic and logic with its own, independent meaning.
#[derive(Clone, Debug)]
enum Reference {
    Num(u32),
    Add(Box<Reference>, Box<Reference>),
    Sub(Box<Reference>, Box<Reference>),
    Mul(Box<Reference>, Box<Reference>),
    Neg(Box<Reference>),
    Lt(Box<Reference>, Box<Reference>),
    Eq(Box<Reference>, Box<Reference>),
    And(Box<Reference>, Box<Reference>),
    Or(Box<Reference>, Box<Reference>),
    Not(Box<Reference>),
}

#[derive(Clone, Copy, Debug)]
enum RefValue {
    Num(f64),
    Bool(bool),
}

impl RefValue {
    fn num(self) -> f64 {
        match self {
            RefValue::Num(x) => x,
            RefValue::Bool(b) => f64::from(u8::from(b)),
        }
    }

    fn truth(self) -> bool {
        match self {
            RefValue::Num(x) => x != 0.0 && !x.is_nan(),
            RefValue::Bool(b) => b,
        }
    }
}

impl Reference {
    /// The reference meaning, typed as XPath types it: arithmetic gives numbers, comparisons
    /// and logic give booleans; `=` with a boolean side compares booleans.
    fn eval(&self) -> RefValue {
        use RefValue::{Bool, Num};
        let n = |r: &Reference| r.eval().num();
        let b = |r: &Reference| r.eval().truth();
        match self {
            Reference::Num(x) => Num(f64::from(*x)),
            Reference::Add(a, c) => Num(n(a) + n(c)),
            Reference::Sub(a, c) => Num(n(a) - n(c)),
            Reference::Mul(a, c) => Num(n(a) * n(c)),
            Reference::Neg(a) => Num(-n(a)),
            Reference::Lt(a, c) => Bool(n(a) < n(c)),
            Reference::Eq(a, c) => match (a.eval(), c.eval()) {
                (Num(x), Num(y)) => Bool(x == y),
                (x, y) => Bool(x.truth() == y.truth()),
            },
            Reference::And(a, c) => Bool(b(a) && b(c)),
            Reference::Or(a, c) => Bool(b(a) || b(c)),
            Reference::Not(a) => Bool(!b(a)),
        }
    }

    fn value(&self) -> f64 {
        self.eval().num()
    }

    /// The same tree written as text, fully parenthesised.
    fn text(&self) -> String {
        let bin =
            |a: &Reference, op: &str, c: &Reference| format!("({} {op} {})", a.text(), c.text());
        match self {
            Reference::Num(n) => n.to_string(),
            Reference::Add(a, c) => bin(a, "+", c),
            Reference::Sub(a, c) => bin(a, "-", c),
            Reference::Mul(a, c) => bin(a, "*", c),
            Reference::Neg(a) => format!("-({})", a.text()),
            Reference::Lt(a, c) => bin(a, "<", c),
            Reference::Eq(a, c) => bin(a, "=", c),
            Reference::And(a, c) => bin(a, "and", c),
            Reference::Or(a, c) => bin(a, "or", c),
            Reference::Not(a) => format!("not({})", a.text()),
        }
    }
}

fn reference_tree() -> impl Strategy<Value = Reference> {
    (0u32..20)
        .prop_map(Reference::Num)
        .prop_recursive(5, 40, 2, |inner| {
            let pair = (inner.clone(), inner.clone()).prop_map(|(a, b)| (Box::new(a), Box::new(b)));
            prop_oneof![
                pair.clone().prop_map(|(a, b)| Reference::Add(a, b)),
                pair.clone().prop_map(|(a, b)| Reference::Sub(a, b)),
                pair.clone().prop_map(|(a, b)| Reference::Mul(a, b)),
                inner.clone().prop_map(|a| Reference::Neg(Box::new(a))),
                pair.clone().prop_map(|(a, b)| Reference::Lt(a, b)),
                pair.clone().prop_map(|(a, b)| Reference::Eq(a, b)),
                pair.clone().prop_map(|(a, b)| Reference::And(a, b)),
                pair.prop_map(|(a, b)| Reference::Or(a, b)),
                inner.prop_map(|a| Reference::Not(Box::new(a))),
            ]
        })
}

fn any_expr() -> impl Strategy<Value = Expr> {
    let leaf = prop_oneof![
        (0u32..1000, 0u32..4)
            .prop_map(|(n, d)| Expr::Number(f64::from(n) / f64::from(10u32.pow(d)))),
        "[a-z 中文'\"]{0,6}"
            .prop_filter("one kind of quote", |s| !(s.contains('\'')
                && s.contains('"')))
            .prop_map(Expr::Str),
        "[a-z][a-z0-9_]{0,5}".prop_map(Expr::Ref),
        Just(Expr::Current),
        "[a-z][a-z_]{0,5}"
            .prop_filter("operator names", |s| !["and", "or", "div", "mod"]
                .contains(&s.as_str()))
            .prop_map(Expr::Column),
    ];
    let ops = [
        BinOp::Or,
        BinOp::And,
        BinOp::Eq,
        BinOp::Ne,
        BinOp::Lt,
        BinOp::Le,
        BinOp::Gt,
        BinOp::Ge,
        BinOp::Add,
        BinOp::Sub,
        BinOp::Mul,
        BinOp::Div,
        BinOp::Mod,
    ];
    leaf.prop_recursive(6, 60, 3, move |inner| {
        prop_oneof![
            (0..ops.len(), inner.clone(), inner.clone()).prop_map(move |(i, a, b)| Expr::Binary(
                ops[i],
                Box::new(a),
                Box::new(b)
            )),
            inner.clone().prop_map(|a| Expr::Neg(Box::new(a))),
            (
                prop::sample::select(vec![
                    "concat",
                    "if",
                    "selected",
                    "jr:choice-name",
                    "count-selected"
                ]),
                prop::collection::vec(inner, 0..3)
            )
                .prop_map(|(f, args)| Expr::Call(f.to_owned(), args)),
        ]
    })
}

proptest! {
    #[test]
    fn printing_then_parsing_gives_back_the_same_tree(e in any_expr()) {
        let text = e.to_string();
        prop_assert_eq!(parse(&text), Ok(e), "{}", text);
    }

    #[test]
    fn arithmetic_and_logic_agree_with_the_reference(r in reference_tree()) {
        let parsed = parse(&r.text());
        prop_assert!(parsed.is_ok(), "{}", r.text());
        let got = parsed.ok().map(|e| evaluate(&e, &scope()).map(|v| v.to_num()));
        let want = r.value();
        match got {
            Some(Ok(v)) => prop_assert!(v == want || (v.is_nan() && want.is_nan()), "{} = {} not {}", r.text(), v, want),
            other => prop_assert!(false, "{}: {:?}", r.text(), other),
        }
    }
}
