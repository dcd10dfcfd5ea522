//! One expression engine for every XLSForm column that holds a formula: `relevant`,
//! `constraint`, `calculation`, `required`, `default`, `choice_filter`, `repeat_count` and the
//! checklist's `finding_if`. Parsed once when a workbook is read, evaluated on every answer.

mod ast;
mod eval;
mod parse;
mod value;

pub use ast::{BinOp, Expr};
pub use eval::{
    EvalError, FUNCTIONS, REGEX_SIZE_LIMIT, Scope, check_functions, display, evaluate,
    regex_matches,
};
pub use parse::{MAX_DEPTH, MAX_EXPRESSION_CHARS, ParseError, parse};
pub use value::{Value, number_to_string, string_to_number};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An expression as the author wrote it, with its parsed tree. Stored and carried as the
/// source text, parsed again when read back.
#[derive(Clone, Debug, PartialEq)]
pub struct Expression {
    source: String,
    tree: Expr,
}

impl Expression {
    /// Parses `source`.
    pub fn parse(source: &str) -> Result<Expression, ParseError> {
        Ok(Expression {
            source: source.trim().to_owned(),
            tree: parse(source)?,
        })
    }

    /// The text as written.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The parsed tree.
    pub fn tree(&self) -> &Expr {
        &self.tree
    }

    /// Evaluates the expression in `scope`.
    pub fn evaluate(&self, scope: &dyn Scope) -> Result<Value, EvalError> {
        evaluate(&self.tree, scope)
    }
}

impl Serialize for Expression {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.source)
    }
}

impl<'de> Deserialize<'de> for Expression {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let source = String::deserialize(deserializer)?;
        Expression::parse(&source).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests;
