//! The syntax tree of an XLSForm expression, and its printer (the inverse of the parser).

use std::fmt;

/// A binary operator, in XPath 1.0's precedence classes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    /// `or`
    Or,
    /// `and`
    And,
    /// `=`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `div`
    Div,
    /// `mod`
    Mod,
}

impl BinOp {
    /// Binding strength: higher binds tighter.
    pub fn precedence(self) -> u8 {
        match self {
            BinOp::Or => 1,
            BinOp::And => 2,
            BinOp::Eq | BinOp::Ne => 3,
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => 4,
            BinOp::Add | BinOp::Sub => 5,
            BinOp::Mul | BinOp::Div | BinOp::Mod => 6,
        }
    }

    /// The operator as XPath writes it.
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Or => "or",
            BinOp::And => "and",
            BinOp::Eq => "=",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "div",
            BinOp::Mod => "mod",
        }
    }
}

/// One node of an expression.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    /// A number literal (never negative: `-1` is `Neg(1)`).
    Number(f64),
    /// A string literal.
    Str(String),
    /// `${name}`: another question's answer.
    Ref(String),
    /// `.`: the answer being checked.
    Current,
    /// `..`: the enclosing repeat row (only meaningful in `position(..)`).
    Parent,
    /// A bare name: a column of the choice row being filtered (`choice_filter`).
    Column(String),
    /// Unary minus.
    Neg(Box<Expr>),
    /// A binary operation.
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// A function call, the name as written (`jr:choice-name`).
    Call(String, Vec<Expr>),
}

/// Precedence of unary minus, above every binary operator.
const NEG_PRECEDENCE: u8 = 7;

impl Expr {
    fn precedence(&self) -> u8 {
        match self {
            Expr::Binary(op, _, _) => op.precedence(),
            Expr::Neg(_) => NEG_PRECEDENCE,
            _ => u8::MAX,
        }
    }

    /// Every `${name}` this expression reads, in order of appearance (with repeats).
    pub fn references(&self) -> Vec<&str> {
        let mut out = Vec::new();
        self.visit(&mut |e| {
            if let Expr::Ref(name) = e {
                out.push(name.as_str());
            }
        });
        out
    }

    /// Calls `f` on this node and every node below it.
    pub fn visit<'a>(&'a self, f: &mut dyn FnMut(&'a Expr)) {
        f(self);
        match self {
            Expr::Neg(inner) => inner.visit(f),
            Expr::Binary(_, l, r) => {
                l.visit(f);
                r.visit(f);
            }
            Expr::Call(_, args) => args.iter().for_each(|a| a.visit(f)),
            _ => {}
        }
    }
}

fn write_number(f: &mut fmt::Formatter<'_>, n: f64) -> fmt::Result {
    // Rust prints the shortest text that reads back as the same f64, without exponent.
    if n.is_finite() {
        write!(f, "{n}")
    } else {
        // No literal spells these; a division produces them and reads back the same way.
        write!(f, "({} div 0)", if n.is_nan() { "0" } else { "1" })
    }
}

fn write_string(f: &mut fmt::Formatter<'_>, s: &str) -> fmt::Result {
    if !s.contains('\'') {
        write!(f, "'{s}'")
    } else if !s.contains('"') {
        write!(f, "\"{s}\"")
    } else {
        // XPath 1.0 literals cannot hold both quotes; concat() of pieces can.
        let pieces: Vec<String> = s.split('\'').map(|p| format!("'{p}'")).collect::<Vec<_>>();
        write!(f, "concat({})", pieces.join(", \"'\", "))
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Number(n) => write_number(f, *n),
            Expr::Str(s) => write_string(f, s),
            Expr::Ref(name) => write!(f, "${{{name}}}"),
            Expr::Current => write!(f, "."),
            Expr::Parent => write!(f, ".."),
            Expr::Column(name) => write!(f, "{name}"),
            Expr::Neg(inner) => {
                if inner.precedence() < NEG_PRECEDENCE || matches!(**inner, Expr::Neg(_)) {
                    write!(f, "-({inner})")
                } else {
                    write!(f, "-{inner}")
                }
            }
            Expr::Binary(op, l, r) => {
                let p = op.precedence();
                if l.precedence() < p {
                    write!(f, "({l})")?;
                } else {
                    write!(f, "{l}")?;
                }
                write!(f, " {} ", op.symbol())?;
                // Left-associative: an equal-precedence right operand needs parentheses.
                if r.precedence() <= p {
                    write!(f, "({r})")
                } else {
                    write!(f, "{r}")
                }
            }
            Expr::Call(name, args) => {
                write!(f, "{name}(")?;
                for (i, a) in args.iter().enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{a}")?;
                }
                write!(f, ")")
            }
        }
    }
}
