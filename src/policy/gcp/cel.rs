//! A parser for the subset of CEL (cel-spec's grammar) that Google Cloud WIF attribute mappings and conditions
//! use: literals, `assertion`/`google`/`attribute` and member/index access, `! - * / % + == != < <= > >= in &&
//! || ?:`, lists and maps, `has()`, `size()`, `startsWith`/`endsWith`/`contains`/`matches`, `exists`/`all`/
//! `exists_one`/`map`/`filter`, the conversions `string()`/`int()`/`double()`/`dyn()`, and Google's `extract()`.
//!
//! Why hand-written instead of the `cel` crate: see the README's size table (the crate adds about 330 KB of gzip
//! to the wasm module without its regex engine, about 670 KB with it; this subset plus `regex-lite` far less).
//! Unknown identifiers and functions are parse errors, as in Google's type check. Errors carry byte offsets.

use regex_lite::Regex;

/// Parser nesting limit (keeps recursion bounded on a 4096-character expression of brackets).
pub const MAX_DEPTH: usize = 100;

#[derive(Clone, Debug, PartialEq)]
pub enum Lit {
    Null,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Double(f64),
    Str(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    Add,
    Sub,
    Mul,
    Div,
    Rem,
}

impl BinOp {
    pub fn as_str(self) -> &'static str {
        match self {
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::In => "in",
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Rem => "%",
        }
    }
}

/// Functions that take plain arguments (the receiver, if any, first).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Func {
    StartsWith,
    EndsWith,
    Contains,
    Size,
    String,
    Int,
    Double,
    Dyn,
    Extract,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompKind {
    Exists,
    All,
    ExistsOne,
    Map,
    Filter,
}

#[derive(Clone, Debug)]
pub struct Expr {
    pub kind: Kind,
    /// Byte range in the source.
    pub start: usize,
    pub end: usize,
}

#[derive(Clone, Debug)]
pub enum Kind {
    Lit(Lit),
    Ident(String),
    Select(Box<Expr>, String),
    Index(Box<Expr>, Box<Expr>),
    Has(Box<Expr>, String),
    Call(Func, Vec<Expr>),
    /// `text.matches(pattern)`; the regex is compiled once when the pattern is a literal.
    Matches(Box<Expr>, Box<Expr>, Option<Regex>),
    Not(Box<Expr>),
    Neg(Box<Expr>),
    Bin(BinOp, Box<Expr>, Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Cond(Box<Expr>, Box<Expr>, Box<Expr>),
    List(Vec<Expr>),
    Map(Vec<(Expr, Expr)>),
    Comp { kind: CompKind, var: String, range: Box<Expr>, body: Box<Expr> },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub position: usize,
    pub message: String,
}

/// What a parse found besides the tree, for lints and the trace.
#[derive(Clone, Debug, Default)]
pub struct Refs {
    /// Top-level token claims read as `assertion.x` / `assertion['x']`, in order of first use.
    pub assertion: Vec<String>,
    /// Custom attributes read as `attribute.x` / `attribute['x']`.
    pub attribute: Vec<String>,
    /// Literal `matches` patterns with their offsets.
    pub patterns: Vec<(String, usize)>,
}

#[derive(Clone, Debug)]
pub struct Program {
    pub root: Expr,
    pub refs: Refs,
}

/// Parses `src` with the given top-level variables in scope.
pub fn parse(src: &str, roots: &[&str]) -> Result<Program, SyntaxError> {
    let tokens = lex(src)?;
    let mut p = Parser { toks: tokens, at: 0, depth: 0, roots, scope: Vec::new(), refs: Refs::default(), src_len: src.len() };
    let root = p.expr()?;
    let t = p.peek();
    if t.tok != Tok::Eof {
        return Err(SyntaxError { position: t.start, message: format!("unexpected {} after the end of the expression", t.tok.describe()) });
    }
    Ok(Program { root, refs: p.refs })
}

// ---------------------------------------------------------------------------------------------------------------
// Lexer

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Ident(String),
    Lit(Lit),
    Punct(&'static str),
    /// 9223372036854775808: valid only right after a unary minus.
    MinIntMagnitude,
    Eof,
}

impl Tok {
    fn describe(&self) -> String {
        match self {
            Tok::Ident(s) => format!("identifier `{s}`"),
            Tok::Lit(Lit::Str(_)) => "string literal".to_owned(),
            Tok::Lit(_) => "literal".to_owned(),
            Tok::Punct(p) => format!("`{p}`"),
            Tok::MinIntMagnitude => "integer literal".to_owned(),
            Tok::Eof => "end of expression".to_owned(),
        }
    }
}

#[derive(Clone, Debug)]
struct Token {
    tok: Tok,
    start: usize,
    end: usize,
}

const PUNCT: &[&str] = &[
    "==", "!=", "<=", ">=", "&&", "||", "<", ">", "!", "+", "-", "*", "/", "%", "?", ":", ".", ",", "[", "]", "(", ")",
    "{", "}", "=",
];

const RESERVED: &[&str] = &[
    "as", "break", "const", "continue", "else", "for", "function", "if", "import", "let", "loop", "package",
    "namespace", "return", "var", "void", "while",
];

fn lex(src: &str) -> Result<Vec<Token>, SyntaxError> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0usize;
    let err = |position: usize, message: String| Err(SyntaxError { position, message });
    while i < b.len() {
        let c = b[i];
        if c == b' ' || c == b'\t' || c == b'\n' || c == b'\r' || c == 0x0c {
            i += 1;
            continue;
        }
        if c == b'/' && b.get(i + 1) == Some(&b'/') {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
            continue;
        }
        let start = i;
        // String literals, with optional raw (r) prefix; bytes (b) are not supported.
        let (raw, qi) = match (c, b.get(i + 1)) {
            (b'r' | b'R', Some(b'\'' | b'"')) => (true, i + 1),
            (b'b' | b'B', Some(b'\'' | b'"')) => return err(i, "bytes literals are not supported".into()),
            (b'\'' | b'"', _) => (false, i),
            _ => (false, usize::MAX),
        };
        if qi != usize::MAX {
            let (s, end) = lex_string(src, qi, raw)?;
            out.push(Token { tok: Tok::Lit(Lit::Str(s)), start, end });
            i = end;
            continue;
        }
        if c.is_ascii_alphabetic() || c == b'_' {
            let mut j = i;
            while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_') {
                j += 1;
            }
            let word = &src[i..j];
            let tok = match word {
                "true" => Tok::Lit(Lit::Bool(true)),
                "false" => Tok::Lit(Lit::Bool(false)),
                "null" => Tok::Lit(Lit::Null),
                "in" => Tok::Punct("in"),
                w if RESERVED.contains(&w) => return err(i, format!("`{w}` is a reserved word in CEL")),
                w => Tok::Ident(w.to_owned()),
            };
            out.push(Token { tok, start, end: j });
            i = j;
            continue;
        }
        if c.is_ascii_digit() || (c == b'.' && b.get(i + 1).is_some_and(u8::is_ascii_digit)) {
            let (tok, end) = match lex_number(src, i) {
                Ok((lit, end)) => (Tok::Lit(lit), end),
                Err(e) if src[i..].starts_with("9223372036854775808")
                    && !src[i + 19..].starts_with(|c: char| c.is_ascii_alphanumeric() || c == '.') =>
                {
                    let _ = e;
                    (Tok::MinIntMagnitude, i + 19)
                }
                Err(e) => return Err(e),
            };
            out.push(Token { tok, start, end });
            i = end;
            continue;
        }
        if let Some(p) = PUNCT.iter().find(|p| src[i..].starts_with(**p)) {
            if *p == "=" {
                return err(i, "`=` is not an operator; use `==` to compare".into());
            }
            out.push(Token { tok: Tok::Punct(p), start, end: i + p.len() });
            i += p.len();
            continue;
        }
        let ch = src[i..].chars().next().unwrap_or('?');
        return err(i, format!("unexpected character {ch:?}"));
    }
    out.push(Token { tok: Tok::Eof, start: src.len(), end: src.len() });
    Ok(out)
}

fn lex_number(src: &str, i: usize) -> Result<(Lit, usize), SyntaxError> {
    let b = src.as_bytes();
    let bad = |m: &str| SyntaxError { position: i, message: m.to_owned() };
    if b[i] == b'0' && matches!(b.get(i + 1), Some(b'x' | b'X')) {
        let mut j = i + 2;
        while j < b.len() && b[j].is_ascii_hexdigit() {
            j += 1;
        }
        let digits = &src[i + 2..j];
        if matches!(b.get(j), Some(b'u' | b'U')) {
            let v = u64::from_str_radix(digits, 16).map_err(|_| bad("invalid hexadecimal unsigned integer"))?;
            return Ok((Lit::Uint(v), j + 1));
        }
        let v = i64::from_str_radix(digits, 16).map_err(|_| bad("hexadecimal integer out of range"))?;
        return Ok((Lit::Int(v), j));
    }
    let mut j = i;
    while j < b.len() && b[j].is_ascii_digit() {
        j += 1;
    }
    let mut is_double = false;
    if b.get(j) == Some(&b'.') && b.get(j + 1).is_some_and(u8::is_ascii_digit) {
        is_double = true;
        j += 1;
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
        }
    }
    if matches!(b.get(j), Some(b'e' | b'E')) {
        let mut k = j + 1;
        if matches!(b.get(k), Some(b'+' | b'-')) {
            k += 1;
        }
        if b.get(k).is_some_and(u8::is_ascii_digit) {
            is_double = true;
            j = k;
            while j < b.len() && b[j].is_ascii_digit() {
                j += 1;
            }
        }
    }
    let text = &src[i..j];
    if is_double {
        let v: f64 = text.parse().map_err(|_| bad("invalid number"))?;
        return Ok((Lit::Double(v), j));
    }
    if matches!(b.get(j), Some(b'u' | b'U')) {
        let v: u64 = text.parse().map_err(|_| bad("unsigned integer out of range"))?;
        return Ok((Lit::Uint(v), j + 1));
    }
    let v: i64 = text.parse().map_err(|_| bad("integer out of range"))?;
    Ok((Lit::Int(v), j))
}

/// Lexes a quoted string starting at the quote `q`; returns the value and the offset after it.
fn lex_string(src: &str, q: usize, raw: bool) -> Result<(String, usize), SyntaxError> {
    let b = src.as_bytes();
    let quote = b[q];
    let triple = b.get(q + 1) == Some(&quote) && b.get(q + 2) == Some(&quote);
    let open = if triple { 3 } else { 1 };
    let mut out = String::new();
    let mut i = q + open;
    let err = |position: usize, m: String| Err(SyntaxError { position, message: m });
    loop {
        let Some(ch) = src[i..].chars().next() else {
            return err(q, "unterminated string literal".into());
        };
        if ch as u32 == quote as u32 {
            if !triple {
                return Ok((out, i + 1));
            }
            if b.get(i + 1) == Some(&quote) && b.get(i + 2) == Some(&quote) {
                return Ok((out, i + 3));
            }
        }
        if !triple && (ch == '\n' || ch == '\r') {
            return err(i, "line break inside a single-quoted string literal".into());
        }
        if ch == '\\' && !raw {
            let Some(e) = src[i + 1..].chars().next() else {
                return err(i, "unterminated escape sequence".into());
            };
            let simple = match e {
                '\\' => Some('\\'),
                '\'' => Some('\''),
                '"' => Some('"'),
                '`' => Some('`'),
                '?' => Some('?'),
                'a' => Some('\u{7}'),
                'b' => Some('\u{8}'),
                'f' => Some('\u{c}'),
                'n' => Some('\n'),
                'r' => Some('\r'),
                't' => Some('\t'),
                'v' => Some('\u{b}'),
                _ => None,
            };
            if let Some(c) = simple {
                out.push(c);
                i += 2;
                continue;
            }
            let (len, radix) = match e {
                'x' | 'X' => (2, 16),
                'u' => (4, 16),
                'U' => (8, 16),
                '0'..='3' => (3, 8),
                _ => return err(i, format!("invalid escape sequence \\{e}")),
            };
            let digits_at = if radix == 8 { i + 1 } else { i + 2 };
            let digits = src.get(digits_at..digits_at + len).unwrap_or("");
            let code = if digits.len() == len { u32::from_str_radix(digits, radix).ok() } else { None };
            match code.and_then(char::from_u32) {
                Some(c) => out.push(c),
                None => return err(i, "invalid escape sequence".into()),
            }
            i = digits_at + len;
            continue;
        }
        out.push(ch);
        i += ch.len_utf8();
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Parser: precedence climbing over cel-spec's grammar.

struct Parser<'r> {
    toks: Vec<Token>,
    at: usize,
    depth: usize,
    roots: &'r [&'r str],
    scope: Vec<String>,
    refs: Refs,
    src_len: usize,
}

type PResult = Result<Expr, SyntaxError>;

fn boxed(e: Expr) -> Box<Expr> {
    Box::new(e)
}

impl Parser<'_> {
    fn peek(&self) -> &Token {
        // The token list always ends with Eof, and `at` never passes it.
        &self.toks[self.at.min(self.toks.len() - 1)]
    }

    fn bump(&mut self) -> Token {
        let t = self.peek().clone();
        if t.tok != Tok::Eof {
            self.at += 1;
        }
        t
    }

    fn is(&self, p: &str) -> bool {
        matches!(&self.peek().tok, Tok::Punct(q) if *q == p)
    }

    fn eat(&mut self, p: &str) -> bool {
        if self.is(p) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, p: &str, what: &str) -> Result<Token, SyntaxError> {
        if self.is(p) {
            return Ok(self.bump());
        }
        let t = self.peek();
        Err(SyntaxError { position: t.start, message: format!("expected `{p}` {what}, found {}", t.tok.describe()) })
    }

    fn enter(&mut self) -> Result<(), SyntaxError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(SyntaxError {
                position: self.peek().start,
                message: format!("the expression nests deeper than {MAX_DEPTH} levels"),
            });
        }
        Ok(())
    }

    fn expr(&mut self) -> PResult {
        self.enter()?;
        let cond = self.or()?;
        let out = if self.eat("?") {
            let a = self.or()?;
            self.expect(":", "in a conditional `c ? a : b`")?;
            let b = self.expr()?;
            let (start, end) = (cond.start, b.end);
            Expr { kind: Kind::Cond(boxed(cond), boxed(a), boxed(b)), start, end }
        } else {
            cond
        };
        self.depth -= 1;
        Ok(out)
    }

    fn or(&mut self) -> PResult {
        let mut l = self.and()?;
        while self.eat("||") {
            let r = self.and()?;
            let (start, end) = (l.start, r.end);
            l = Expr { kind: Kind::Or(boxed(l), boxed(r)), start, end };
        }
        Ok(l)
    }

    fn and(&mut self) -> PResult {
        let mut l = self.relation()?;
        while self.eat("&&") {
            let r = self.relation()?;
            let (start, end) = (l.start, r.end);
            l = Expr { kind: Kind::And(boxed(l), boxed(r)), start, end };
        }
        Ok(l)
    }

    fn relation(&mut self) -> PResult {
        let mut l = self.addition()?;
        loop {
            let op = match &self.peek().tok {
                Tok::Punct("==") => BinOp::Eq,
                Tok::Punct("!=") => BinOp::Ne,
                Tok::Punct("<") => BinOp::Lt,
                Tok::Punct("<=") => BinOp::Le,
                Tok::Punct(">") => BinOp::Gt,
                Tok::Punct(">=") => BinOp::Ge,
                Tok::Punct("in") => BinOp::In,
                _ => return Ok(l),
            };
            self.at += 1;
            let r = self.addition()?;
            let (start, end) = (l.start, r.end);
            l = Expr { kind: Kind::Bin(op, boxed(l), boxed(r)), start, end };
        }
    }

    fn addition(&mut self) -> PResult {
        let mut l = self.multiplication()?;
        loop {
            let op = match &self.peek().tok {
                Tok::Punct("+") => BinOp::Add,
                Tok::Punct("-") => BinOp::Sub,
                _ => return Ok(l),
            };
            self.at += 1;
            let r = self.multiplication()?;
            let (start, end) = (l.start, r.end);
            l = Expr { kind: Kind::Bin(op, boxed(l), boxed(r)), start, end };
        }
    }

    fn multiplication(&mut self) -> PResult {
        let mut l = self.unary()?;
        loop {
            let op = match &self.peek().tok {
                Tok::Punct("*") => BinOp::Mul,
                Tok::Punct("/") => BinOp::Div,
                Tok::Punct("%") => BinOp::Rem,
                _ => return Ok(l),
            };
            self.at += 1;
            let r = self.unary()?;
            let (start, end) = (l.start, r.end);
            l = Expr { kind: Kind::Bin(op, boxed(l), boxed(r)), start, end };
        }
    }

    fn unary(&mut self) -> PResult {
        let start = self.peek().start;
        if self.eat("!") {
            self.enter()?;
            let e = self.unary()?;
            self.depth -= 1;
            let end = e.end;
            return Ok(Expr { kind: Kind::Not(boxed(e)), start, end });
        }
        if self.eat("-") {
            self.enter()?;
            // A negative literal is folded so that -9223372036854775808 is representable.
            if let Tok::Lit(Lit::Int(_) | Lit::Double(_)) | Tok::MinIntMagnitude = &self.peek().tok {
                let t = self.peek().clone();
                let folded = match &t.tok {
                    Tok::MinIntMagnitude => Some(Lit::Int(i64::MIN)),
                    Tok::Lit(Lit::Int(v)) => Some(Lit::Int(-v)),
                    Tok::Lit(Lit::Double(v)) => Some(Lit::Double(-v)),
                    _ => None,
                };
                if let Some(l) = folded {
                    self.at += 1;
                    let lit = Expr { kind: Kind::Lit(l), start, end: t.end };
                    let e = self.member_suffix(lit)?;
                    self.depth -= 1;
                    return Ok(e);
                }
            }
            let e = self.unary()?;
            self.depth -= 1;
            let end = e.end;
            return Ok(Expr { kind: Kind::Neg(boxed(e)), start, end });
        }
        let p = self.primary()?;
        self.member_suffix(p)
    }

    fn member_suffix(&mut self, mut e: Expr) -> PResult {
        loop {
            if self.eat(".") {
                let t = self.bump();
                let Tok::Ident(name) = t.tok else {
                    return Err(SyntaxError { position: t.start, message: format!("expected a field or method name after `.`, found {}", t.tok.describe()) });
                };
                if self.is("(") {
                    self.at += 1;
                    let macro_var = if MACROS.contains(&name.as_str()) { self.comprehension_var() } else { None };
                    if let Some(v) = &macro_var {
                        self.scope.push(v.clone());
                    }
                    let args = self.args(")");
                    if macro_var.is_some() {
                        self.scope.pop();
                    }
                    let args = args?;
                    let end = self.toks.get(self.at.saturating_sub(1)).map_or(self.src_len, |t| t.end);
                    e = self.method(e, &name, args, t.start, end)?;
                } else {
                    let (start, end) = (e.start, t.end);
                    self.note_field(&e, &name);
                    e = Expr { kind: Kind::Select(boxed(e), name), start, end };
                }
            } else if self.eat("[") {
                self.enter()?;
                let idx = self.expr()?;
                self.depth -= 1;
                let close = self.expect("]", "to close the index")?;
                if let Kind::Lit(Lit::Str(name)) = &idx.kind {
                    let name = name.clone();
                    self.note_field(&e, &name);
                }
                let start = e.start;
                e = Expr { kind: Kind::Index(boxed(e), boxed(idx)), start, end: close.end };
            } else {
                return Ok(e);
            }
        }
    }

    fn note_field(&mut self, target: &Expr, name: &str) {
        if let Kind::Ident(root) = &target.kind {
            let list = match root.as_str() {
                "assertion" if !self.scope.iter().any(|s| s == "assertion") => &mut self.refs.assertion,
                "attribute" if !self.scope.iter().any(|s| s == "attribute") => &mut self.refs.attribute,
                _ => return,
            };
            if !list.iter().any(|n| n == name) {
                list.push(name.to_owned());
            }
        }
    }

    /// Comma-separated expressions up to `close` (already past the opening bracket); a trailing comma is fine.
    fn args(&mut self, close: &str) -> Result<Vec<Expr>, SyntaxError> {
        self.enter()?;
        let mut out = Vec::new();
        if !self.eat(close) {
            loop {
                out.push(self.expr()?);
                if self.eat(close) {
                    break;
                }
                self.expect(",", "between arguments")?;
                if self.eat(close) {
                    break;
                }
            }
        }
        self.depth -= 1;
        Ok(out)
    }

    fn arity(&self, name: &str, args: &[Expr], n: usize, pos: usize) -> Result<(), SyntaxError> {
        if args.len() != n {
            return Err(SyntaxError { position: pos, message: format!("`{name}` takes {n} argument(s), found {}", args.len()) });
        }
        Ok(())
    }

    fn method(&mut self, target: Expr, name: &str, mut args: Vec<Expr>, pos: usize, end: usize) -> PResult {
        let start = target.start;
        let call = |f: Func, mut a: Vec<Expr>, target: Expr| {
            a.insert(0, target);
            Expr { kind: Kind::Call(f, a), start, end }
        };
        let func = match name {
            "startsWith" => Func::StartsWith,
            "endsWith" => Func::EndsWith,
            "contains" => Func::Contains,
            "extract" => Func::Extract,
            "size" => {
                self.arity(name, &args, 0, pos)?;
                return Ok(call(Func::Size, args, target));
            }
            "matches" => {
                self.arity(name, &args, 1, pos)?;
                let pat = args.remove(0);
                let re = self.literal_regex(&pat)?;
                return Ok(Expr { kind: Kind::Matches(boxed(target), boxed(pat), re), start, end });
            }
            "exists" | "all" | "exists_one" | "existsOne" | "map" | "filter" => {
                let kind = match name {
                    "exists" => CompKind::Exists,
                    "all" => CompKind::All,
                    "map" => CompKind::Map,
                    "filter" => CompKind::Filter,
                    _ => CompKind::ExistsOne,
                };
                // The body was parsed with the variable in scope (see `primary`'s lookahead); here it is checked.
                self.arity(name, &args, 2, pos)?;
                let body = args.remove(1);
                let var = args.remove(0);
                let Kind::Ident(v) = var.kind else {
                    return Err(SyntaxError { position: var.start, message: format!("the first argument of `{name}` must be a variable name") });
                };
                return Ok(Expr { kind: Kind::Comp { kind, var: v, range: boxed(target), body: boxed(body) }, start, end });
            }
            other => {
                return Err(SyntaxError { position: pos, message: format!("unsupported method `{other}` (supported: {})", SUPPORTED) })
            }
        };
        self.arity(name, &args, 1, pos)?;
        Ok(call(func, args, target))
    }

    fn literal_regex(&mut self, pat: &Expr) -> Result<Option<Regex>, SyntaxError> {
        let Kind::Lit(Lit::Str(p)) = &pat.kind else { return Ok(None) };
        match Regex::new(p) {
            Ok(re) => {
                self.refs.patterns.push((p.clone(), pat.start));
                Ok(Some(re))
            }
            Err(e) => Err(SyntaxError { position: pat.start, message: format!("invalid regular expression: {}", first_line(&e.to_string())) }),
        }
    }

    fn primary(&mut self) -> PResult {
        self.enter()?;
        let t = self.bump();
        let (start, end) = (t.start, t.end);
        let out = match t.tok {
            Tok::Lit(l) => Expr { kind: Kind::Lit(l), start, end },
            Tok::Punct("(") => {
                let e = self.expr()?;
                let close = self.expect(")", "to close the parenthesis")?;
                Expr { kind: e.kind, start, end: close.end }
            }
            Tok::Punct("[") => {
                let items = self.args("]")?;
                let end = self.toks.get(self.at.saturating_sub(1)).map_or(self.src_len, |t| t.end);
                Expr { kind: Kind::List(items), start, end }
            }
            Tok::Punct("{") => {
                let mut entries = Vec::new();
                if !self.eat("}") {
                    loop {
                        let k = self.expr()?;
                        self.expect(":", "between a map key and its value")?;
                        let v = self.expr()?;
                        entries.push((k, v));
                        if self.eat("}") {
                            break;
                        }
                        self.expect(",", "between map entries")?;
                        if self.eat("}") {
                            break;
                        }
                    }
                }
                let end = self.toks.get(self.at.saturating_sub(1)).map_or(self.src_len, |t| t.end);
                Expr { kind: Kind::Map(entries), start, end }
            }
            Tok::Punct(".") => {
                return Err(SyntaxError { position: start, message: "leading `.` (qualified names) is not supported".into() })
            }
            Tok::MinIntMagnitude => return Err(SyntaxError { position: start, message: "integer out of range".into() }),
            Tok::Ident(name) if self.is("(") => {
                self.at += 1;
                self.global_call(&name, start)?
            }
            Tok::Ident(name) => {
                if !self.roots.contains(&name.as_str()) && !self.scope.contains(&name) {
                    return Err(SyntaxError {
                        position: start,
                        message: format!("undeclared reference `{name}` (in scope: {})", self.in_scope()),
                    });
                }
                Expr { kind: Kind::Ident(name), start, end }
            }
            other => {
                return Err(SyntaxError { position: start, message: format!("expected an expression, found {}", other.describe()) })
            }
        };
        self.depth -= 1;
        Ok(out)
    }

    fn in_scope(&self) -> String {
        let mut v: Vec<&str> = self.roots.to_vec();
        v.extend(self.scope.iter().map(String::as_str));
        v.join(", ")
    }

    fn global_call(&mut self, name: &str, start: usize) -> PResult {
        if name == "has" {
            let arg = self.expr()?;
            let close = self.expect(")", "to close has(")?;
            return match arg.kind {
                Kind::Select(target, field) => Ok(Expr { kind: Kind::Has(target, field), start, end: close.end }),
                _ => Err(SyntaxError { position: arg.start, message: "has() takes a field selection such as has(assertion.email)".into() }),
            };
        }
        let args = self.args(")")?;
        let end = self.toks.get(self.at.saturating_sub(1)).map_or(self.src_len, |t| t.end);
        let func = match name {
            "size" => Func::Size,
            "string" => Func::String,
            "int" => Func::Int,
            "double" => Func::Double,
            "dyn" => Func::Dyn,
            "matches" => {
                self.arity(name, &args, 2, start)?;
                let mut args = args;
                let pat = args.remove(1);
                let text = args.remove(0);
                let re = self.literal_regex(&pat)?;
                return Ok(Expr { kind: Kind::Matches(boxed(text), boxed(pat), re), start, end });
            }
            other => {
                return Err(SyntaxError { position: start, message: format!("unsupported function `{other}` (supported: {})", SUPPORTED) })
            }
        };
        self.arity(name, &args, 1, start)?;
        Ok(Expr { kind: Kind::Call(func, args), start, end })
    }
}

const MACROS: &[&str] = &["exists", "all", "exists_one", "existsOne", "map", "filter"];

const SUPPORTED: &str = "has, size, matches, startsWith, endsWith, contains, exists, all, exists_one, map, filter, string, int, double, dyn, extract";

fn first_line(s: &str) -> &str {
    s.lines().find(|l| !l.trim().is_empty()).unwrap_or(s)
}

impl Parser<'_> {
    /// Is the token at `at` an identifier followed by `,`? Brings a comprehension variable into scope before its
    /// body is parsed.
    fn comprehension_var(&self) -> Option<String> {
        let t = self.toks.get(self.at)?;
        let comma = self.toks.get(self.at + 1)?;
        match (&t.tok, &comma.tok) {
            (Tok::Ident(name), Tok::Punct(",")) => Some(name.clone()),
            _ => None,
        }
    }
}
