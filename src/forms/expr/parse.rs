//! The lexer and recursive-descent parser for XLSForm expressions (XPath 1.0 as ODK uses it).

use super::ast::{BinOp, Expr};

/// Longest expression accepted, in characters; longer ones are refused before parsing.
pub const MAX_EXPRESSION_CHARS: usize = 4096;
/// Deepest nesting of parentheses, calls and operators accepted (bounds the parser's stack).
pub const MAX_DEPTH: usize = 64;

/// Why an expression could not be read, with the character offset where reading stopped.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message} (at character {offset})")]
pub struct ParseError {
    /// Character offset (0-based) where the problem was found.
    pub offset: usize,
    /// What is wrong, in English.
    pub message: String,
    /// What is wrong, in Chinese.
    pub message_zh: String,
}

#[derive(Clone, Debug, PartialEq)]
enum Token {
    Number(f64),
    Str(String),
    Ref(String),
    Name(String),
    Dot,
    DotDot,
    LParen,
    RParen,
    Comma,
    Op(&'static str),
}

fn is_name_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ':')
}

fn error(offset: usize, en: impl Into<String>, zh: impl Into<String>) -> ParseError {
    ParseError {
        offset,
        message: en.into(),
        message_zh: zh.into(),
    }
}

fn lex(src: &str) -> Result<Vec<(usize, Token)>, ParseError> {
    let chars: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        let token = match c {
            c if c.is_whitespace() => {
                i += 1;
                continue;
            }
            '(' => Token::LParen,
            ')' => Token::RParen,
            ',' => Token::Comma,
            '+' | '-' | '*' | '=' => Token::Op(match c {
                '+' => "+",
                '-' => "-",
                '*' => "*",
                _ => "=",
            }),
            '!' if chars.get(i + 1) == Some(&'=') => {
                i += 1;
                Token::Op("!=")
            }
            '<' | '>' => {
                let eq = chars.get(i + 1) == Some(&'=');
                if eq {
                    i += 1;
                }
                Token::Op(match (c, eq) {
                    ('<', false) => "<",
                    ('<', true) => "<=",
                    (_, false) => ">",
                    (_, true) => ">=",
                })
            }
            '\'' | '"' => {
                let close = chars[i + 1..].iter().position(|&d| d == c).ok_or_else(|| {
                    error(
                        start,
                        "the text in quotes is not closed",
                        "引号中的文字没有闭合",
                    )
                })?;
                let text: String = chars[i + 1..i + 1 + close].iter().collect();
                i += close + 1;
                Token::Str(text)
            }
            '$' => {
                if chars.get(i + 1) != Some(&'{') {
                    return Err(error(
                        start,
                        "`$` must start `${name}`",
                        "`$` 后应为 `${名称}`",
                    ));
                }
                let close = chars[i + 2..]
                    .iter()
                    .position(|&d| d == '}')
                    .ok_or_else(|| {
                        error(start, "`${` is not closed by `}`", "`${` 没有以 `}` 闭合")
                    })?;
                let name: String = chars[i + 2..i + 2 + close].iter().collect();
                let name = name.trim().to_owned();
                if name.is_empty() || !name.chars().all(is_name_char) {
                    return Err(error(
                        start,
                        format!("`${{{name}}}` is not a question name"),
                        format!("`${{{name}}}` 不是题目名称"),
                    ));
                }
                i += close + 2;
                Token::Ref(name)
            }
            '.' if chars.get(i + 1) == Some(&'.') => {
                i += 1;
                Token::DotDot
            }
            '.' if !chars.get(i + 1).is_some_and(char::is_ascii_digit) => Token::Dot,
            c if c.is_ascii_digit() || c == '.' => {
                let mut j = i;
                let mut seen_dot = false;
                while j < chars.len()
                    && (chars[j].is_ascii_digit() || (chars[j] == '.' && !seen_dot))
                {
                    seen_dot |= chars[j] == '.';
                    j += 1;
                }
                let text: String = chars[i..j].iter().collect();
                let n = text.parse::<f64>().map_err(|_| {
                    error(
                        start,
                        format!("`{text}` is not a number"),
                        format!("`{text}` 不是数字"),
                    )
                })?;
                i = j - 1;
                Token::Number(n)
            }
            c if is_name_start(c) => {
                let mut j = i;
                while j < chars.len() && is_name_char(chars[j]) {
                    j += 1;
                }
                // A trailing dot belongs to no XPath name here; leave it to the next token.
                while j > i + 1 && chars[j - 1] == '.' {
                    j -= 1;
                }
                let name: String = chars[i..j].iter().collect();
                i = j - 1;
                Token::Name(name)
            }
            '/' | '[' | ']' | '@' | '|' => {
                return Err(error(
                    start,
                    format!(
                        "`{c}`: XPath paths are not supported here; name questions as ${{name}}"
                    ),
                    format!("`{c}`：此处不支持 XPath 路径，请用 ${{名称}} 引用题目"),
                ));
            }
            other => {
                return Err(error(
                    start,
                    format!("unexpected character `{other}`"),
                    format!("无法识别的字符 `{other}`"),
                ));
            }
        };
        out.push((start, token));
        i += 1;
    }
    Ok(out)
}

struct Parser {
    tokens: Vec<(usize, Token)>,
    pos: usize,
    end: usize,
    depth: usize,
}

/// Parses one expression; the whole text must be consumed.
pub fn parse(src: &str) -> Result<Expr, ParseError> {
    let length = src.chars().count();
    if length > MAX_EXPRESSION_CHARS {
        return Err(error(
            MAX_EXPRESSION_CHARS,
            format!("the expression is longer than {MAX_EXPRESSION_CHARS} characters"),
            format!("表达式超过 {MAX_EXPRESSION_CHARS} 个字符"),
        ));
    }
    let tokens = lex(src)?;
    if tokens.is_empty() {
        return Err(error(0, "the expression is empty", "表达式为空"));
    }
    let mut p = Parser {
        tokens,
        pos: 0,
        end: length,
        depth: 0,
    };
    let e = p.binary(1)?;
    if let Some((offset, t)) = p.tokens.get(p.pos) {
        return Err(error(
            *offset,
            format!("unexpected {} after a complete expression", describe(t)),
            format!("完整表达式之后多出 {}", describe(t)),
        ));
    }
    Ok(e)
}

fn describe(t: &Token) -> String {
    match t {
        Token::Number(n) => format!("`{n}`"),
        Token::Str(s) => format!("'{s}'"),
        Token::Ref(r) => format!("`${{{r}}}`"),
        Token::Name(n) => format!("`{n}`"),
        Token::Dot => "`.`".into(),
        Token::DotDot => "`..`".into(),
        Token::LParen => "`(`".into(),
        Token::RParen => "`)`".into(),
        Token::Comma => "`,`".into(),
        Token::Op(o) => format!("`{o}`"),
    }
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos).map(|(_, t)| t)
    }

    fn offset(&self) -> usize {
        self.tokens.get(self.pos).map_or(self.end, |(o, _)| *o)
    }

    fn enter(&mut self) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(error(
                self.offset(),
                format!("the expression nests deeper than {MAX_DEPTH} levels"),
                format!("表达式嵌套超过 {MAX_DEPTH} 层"),
            ));
        }
        Ok(())
    }

    fn operator(&self) -> Option<BinOp> {
        Some(match self.peek()? {
            Token::Op("=") => BinOp::Eq,
            Token::Op("!=") => BinOp::Ne,
            Token::Op("<") => BinOp::Lt,
            Token::Op("<=") => BinOp::Le,
            Token::Op(">") => BinOp::Gt,
            Token::Op(">=") => BinOp::Ge,
            Token::Op("+") => BinOp::Add,
            Token::Op("-") => BinOp::Sub,
            Token::Op("*") => BinOp::Mul,
            Token::Name(n) => match n.as_str() {
                "or" => BinOp::Or,
                "and" => BinOp::And,
                "div" => BinOp::Div,
                "mod" => BinOp::Mod,
                _ => return None,
            },
            _ => return None,
        })
    }

    /// Precedence climbing over the left-associative binary operators.
    fn binary(&mut self, min: u8) -> Result<Expr, ParseError> {
        self.enter()?;
        let mut left = self.unary()?;
        while let Some(op) = self.operator().filter(|op| op.precedence() >= min) {
            self.pos += 1;
            let right = self.binary(op.precedence() + 1)?;
            left = Expr::Binary(op, Box::new(left), Box::new(right));
        }
        self.depth -= 1;
        Ok(left)
    }

    fn unary(&mut self) -> Result<Expr, ParseError> {
        if self.peek() == Some(&Token::Op("-")) {
            self.pos += 1;
            self.enter()?;
            let inner = self.unary()?;
            self.depth -= 1;
            return Ok(Expr::Neg(Box::new(inner)));
        }
        self.primary()
    }

    fn expect_close(&mut self) -> Result<(), ParseError> {
        if self.peek() == Some(&Token::RParen) {
            self.pos += 1;
            Ok(())
        } else {
            Err(error(self.offset(), "`)` expected", "缺少 `)`"))
        }
    }

    fn primary(&mut self) -> Result<Expr, ParseError> {
        let offset = self.offset();
        let Some(token) = self.peek().cloned() else {
            return Err(error(
                offset,
                "the expression ends too early",
                "表达式不完整",
            ));
        };
        self.pos += 1;
        match token {
            Token::Number(n) => Ok(Expr::Number(n)),
            Token::Str(s) => Ok(Expr::Str(s)),
            Token::Ref(r) => Ok(Expr::Ref(r)),
            Token::Dot => Ok(Expr::Current),
            Token::DotDot => Ok(Expr::Parent),
            Token::LParen => {
                let inner = self.binary(1)?;
                self.expect_close()?;
                Ok(inner)
            }
            Token::Name(name) => {
                if self.peek() != Some(&Token::LParen) {
                    return Ok(Expr::Column(name));
                }
                self.pos += 1;
                let mut args = Vec::new();
                if self.peek() == Some(&Token::RParen) {
                    self.pos += 1;
                    return Ok(Expr::Call(name, args));
                }
                loop {
                    args.push(self.binary(1)?);
                    match self.peek() {
                        Some(Token::Comma) => self.pos += 1,
                        Some(Token::RParen) => {
                            self.pos += 1;
                            return Ok(Expr::Call(name, args));
                        }
                        _ => {
                            return Err(error(
                                self.offset(),
                                format!("`,` or `)` expected in the call of {name}()"),
                                format!("{name}() 的参数后应为 `,` 或 `)`"),
                            ));
                        }
                    }
                }
            }
            other => Err(error(
                offset,
                format!("unexpected {}", describe(&other)),
                format!("此处不应出现 {}", describe(&other)),
            )),
        }
    }
}
