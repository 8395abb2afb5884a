//! Evaluates the CEL subset of [`super::cel`] with cel-spec's semantics where they matter for trust decisions:
//! - `&&`/`||` are commutative and absorb errors: `false && error` and `error && false` are `false`,
//!   `true || error` and `error || true` are `true`; otherwise an error on either side is the result;
//! - a missing map key (`assertion.nope`) is an error, not `null`; `has()` tests presence;
//! - `matches` is RE2 (`regex-lite`) and unanchored: a substring search unless the pattern says `^…$`;
//! - `==` between different types is `false` (heterogeneous equality); numbers compare across int/uint/double;
//! - arithmetic needs both sides of one type (`1 + 1.0` is an error), integer overflow is an error;
//! - JSON numbers from the token are doubles (as in `google.protobuf.Struct`).
//!
//! Evaluation has a step budget so that a hostile expression cannot run for long.

use std::rc::Rc;

use regex_lite::Regex;
use serde_json::{Map, Value};

use super::cel::{BinOp, CompKind, Expr, Func, Kind, Lit};

/// Maximum evaluation steps for one expression on one token.
pub const MAX_STEPS: usize = 200_000;
/// Longest string or list an evaluation may build.
pub const MAX_BUILT: usize = 1 << 20;

#[derive(Clone, Debug)]
pub enum Val {
    Null,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Double(f64),
    Str(Rc<str>),
    List(Rc<[Val]>),
    Map(Rc<[(Val, Val)]>),
}

impl Val {
    pub fn type_name(&self) -> &'static str {
        match self {
            Val::Null => "null_type",
            Val::Bool(_) => "bool",
            Val::Int(_) => "int",
            Val::Uint(_) => "uint",
            Val::Double(_) => "double",
            Val::Str(_) => "string",
            Val::List(_) => "list",
            Val::Map(_) => "map",
        }
    }

    pub fn str(s: &str) -> Val {
        Val::Str(Rc::from(s))
    }

    pub fn from_json(v: &Value) -> Val {
        match v {
            Value::Null => Val::Null,
            Value::Bool(b) => Val::Bool(*b),
            Value::Number(n) => Val::Double(n.as_f64().unwrap_or(f64::NAN)),
            Value::String(s) => Val::str(s),
            Value::Array(a) => Val::List(a.iter().map(Val::from_json).collect()),
            Value::Object(o) => Val::Map(o.iter().map(|(k, v)| (Val::str(k), Val::from_json(v))).collect()),
        }
    }

    pub fn from_claims(m: &Map<String, Value>) -> Val {
        Val::Map(m.iter().map(|(k, v)| (Val::str(k), Val::from_json(v))).collect())
    }

    pub fn to_json(&self) -> Value {
        match self {
            Val::Null => Value::Null,
            Val::Bool(b) => Value::Bool(*b),
            Val::Int(i) => Value::from(*i),
            Val::Uint(u) => Value::from(*u),
            Val::Double(d) => serde_json::Number::from_f64(*d).map_or_else(|| Value::String(d.to_string()), Value::Number),
            Val::Str(s) => Value::String(s.to_string()),
            Val::List(l) => Value::Array(l.iter().map(Val::to_json).collect()),
            Val::Map(m) => Value::Object(
                m.iter()
                    .map(|(k, v)| {
                        let key = match k {
                            Val::Str(s) => s.to_string(),
                            other => other.to_json().to_string(),
                        };
                        (key, v.to_json())
                    })
                    .collect(),
            ),
        }
    }

    /// The value as CEL would print it in a reason.
    pub fn show(&self) -> String {
        match self {
            Val::Str(s) => crate::policy::single::quote(s),
            other => other.to_json().to_string(),
        }
    }
}

/// An evaluation error at a byte offset of the expression.
#[derive(Clone, Debug, PartialEq)]
pub struct EvalError {
    pub position: usize,
    pub message: String,
}

type R = Result<Val, EvalError>;

fn fail(e: &Expr, message: impl Into<String>) -> R {
    Err(EvalError { position: e.start, message: message.into() })
}

/// The variables an expression sees.
pub struct Scope<'a> {
    pub roots: &'a [(&'static str, Val)],
}

pub struct Evaluator<'a> {
    roots: &'a [(&'static str, Val)],
    locals: Vec<(String, Val)>,
    steps: usize,
    /// Errors that `&&`/`||` absorbed, for the trace.
    pub absorbed: Vec<EvalError>,
}

impl<'a> Evaluator<'a> {
    pub fn new(scope: Scope<'a>) -> Evaluator<'a> {
        Evaluator { roots: scope.roots, locals: Vec::new(), steps: 0, absorbed: Vec::new() }
    }

    pub fn eval(&mut self, e: &Expr) -> R {
        self.steps += 1;
        if self.steps > MAX_STEPS {
            return fail(e, format!("evaluation exceeded {MAX_STEPS} steps"));
        }
        match &e.kind {
            Kind::Lit(l) => Ok(match l {
                Lit::Null => Val::Null,
                Lit::Bool(b) => Val::Bool(*b),
                Lit::Int(i) => Val::Int(*i),
                Lit::Uint(u) => Val::Uint(*u),
                Lit::Double(d) => Val::Double(*d),
                Lit::Str(s) => Val::str(s),
            }),
            Kind::Ident(name) => {
                if let Some((_, v)) = self.locals.iter().rev().find(|(n, _)| n == name) {
                    return Ok(v.clone());
                }
                match self.roots.iter().find(|(n, _)| n == name) {
                    Some((_, v)) => Ok(v.clone()),
                    None => fail(e, format!("undeclared reference `{name}`")),
                }
            }
            Kind::Select(target, field) => {
                let t = self.eval(target)?;
                select(&t, field, e)
            }
            Kind::Index(target, idx) => {
                let t = self.eval(target)?;
                let i = self.eval(idx)?;
                index(&t, &i, e)
            }
            Kind::Has(target, field) => match self.eval(target)? {
                Val::Map(m) => Ok(Val::Bool(m.iter().any(|(k, _)| matches!(k, Val::Str(s) if **s == **field)))),
                other => fail(e, format!("has() needs a map, found {}", other.type_name())),
            },
            Kind::Call(f, args) => self.call(*f, args, e),
            Kind::Matches(text, pat, re) => {
                let t = self.eval(text)?;
                let Val::Str(t) = t else {
                    return fail(text, format!("matches() needs a string, found {}", t.type_name()));
                };
                let found = match re {
                    Some(re) => re.is_match(&t),
                    None => match self.eval(pat)? {
                        Val::Str(p) => match Regex::new(&p) {
                            Ok(re) => re.is_match(&t),
                            Err(_) => return fail(pat, format!("invalid regular expression {}", crate::policy::single::quote(&p))),
                        },
                        other => return fail(pat, format!("matches() needs a string pattern, found {}", other.type_name())),
                    },
                };
                Ok(Val::Bool(found))
            }
            Kind::Not(x) => match self.eval(x)? {
                Val::Bool(b) => Ok(Val::Bool(!b)),
                other => fail(e, format!("no such overload: !{}", other.type_name())),
            },
            Kind::Neg(x) => match self.eval(x)? {
                Val::Int(i) => i.checked_neg().map(Val::Int).ok_or(()).or_else(|_| fail(e, "integer overflow")),
                Val::Double(d) => Ok(Val::Double(-d)),
                other => fail(e, format!("no such overload: -{}", other.type_name())),
            },
            Kind::And(l, r) => self.logic(l, r, false),
            Kind::Or(l, r) => self.logic(l, r, true),
            Kind::Cond(c, a, b) => match self.eval(c)? {
                Val::Bool(true) => self.eval(a),
                Val::Bool(false) => self.eval(b),
                other => fail(c, format!("the condition of `?:` must be bool, found {}", other.type_name())),
            },
            Kind::Bin(op, l, r) => {
                let a = self.eval(l)?;
                let b = self.eval(r)?;
                binary(*op, &a, &b, e)
            }
            Kind::List(items) => {
                let mut out = Vec::with_capacity(items.len());
                for i in items {
                    out.push(self.eval(i)?);
                }
                Ok(Val::List(out.into()))
            }
            Kind::Map(entries) => {
                let mut out: Vec<(Val, Val)> = Vec::with_capacity(entries.len());
                for (k, v) in entries {
                    let kv = self.eval(k)?;
                    if !matches!(kv, Val::Str(_) | Val::Int(_) | Val::Uint(_) | Val::Bool(_)) {
                        return fail(k, format!("a map key must be string, int, uint or bool, found {}", kv.type_name()));
                    }
                    if out.iter().any(|(o, _)| equals(o, &kv)) {
                        return fail(k, "duplicate map key");
                    }
                    let vv = self.eval(v)?;
                    out.push((kv, vv));
                }
                Ok(Val::Map(out.into()))
            }
            Kind::Comp { kind, var, range, body } => self.comprehension(*kind, var, range, body, e),
        }
    }

    /// `&&` (`or == false`) and `||` with error absorption: the side that decides wins over an error on the other.
    fn logic(&mut self, l: &Expr, r: &Expr, or: bool) -> R {
        let decisive = or;
        let a = self.eval(l);
        if let Ok(Val::Bool(b)) = a {
            if b == decisive {
                return Ok(Val::Bool(decisive));
            }
        }
        let b = self.eval(r);
        if let Ok(Val::Bool(v)) = b {
            if v == decisive {
                if let Err(err) = a {
                    self.absorbed.push(err);
                } else if let Ok(other) = &a {
                    if !matches!(other, Val::Bool(_)) {
                        self.absorbed.push(EvalError { position: l.start, message: format!("no such overload: {} {} bool", other.type_name(), if or { "||" } else { "&&" }) });
                    }
                }
                return Ok(Val::Bool(decisive));
            }
        }
        let op = if or { "||" } else { "&&" };
        match (a, b) {
            (Err(e), _) => Err(e),
            (_, Err(e)) => Err(e),
            (Ok(Val::Bool(_)), Ok(Val::Bool(_))) => Ok(Val::Bool(!decisive)),
            (Ok(Val::Bool(_)), Ok(o)) => fail(r, format!("no such overload: bool {op} {}", o.type_name())),
            (Ok(o), _) => fail(l, format!("no such overload: {} {op} …", o.type_name())),
        }
    }

    fn call(&mut self, f: Func, args: &[Expr], e: &Expr) -> R {
        let mut vals = Vec::with_capacity(args.len());
        for a in args {
            vals.push(self.eval(a)?);
        }
        let str_pair = |vals: &[Val]| match vals {
            [Val::Str(a), Val::Str(b)] => Some((a.clone(), b.clone())),
            _ => None,
        };
        let overload = |name: &str, vals: &[Val]| {
            let types: Vec<&str> = vals.iter().map(Val::type_name).collect();
            fail(e, format!("no such overload: {name}({})", types.join(", ")))
        };
        match f {
            Func::StartsWith | Func::EndsWith | Func::Contains | Func::Extract => {
                let name = match f {
                    Func::StartsWith => "startsWith",
                    Func::EndsWith => "endsWith",
                    Func::Contains => "contains",
                    _ => "extract",
                };
                let Some((a, b)) = str_pair(&vals) else { return overload(name, &vals) };
                Ok(match f {
                    Func::StartsWith => Val::Bool(a.starts_with(&*b)),
                    Func::EndsWith => Val::Bool(a.ends_with(&*b)),
                    Func::Contains => Val::Bool(a.contains(&*b)),
                    _ => match extract(&a, &b) {
                        Ok(s) => Val::str(&s),
                        Err(m) => return fail(e, m),
                    },
                })
            }
            Func::Size => match vals.as_slice() {
                [Val::Str(s)] => Ok(Val::Int(s.chars().count() as i64)),
                [Val::List(l)] => Ok(Val::Int(l.len() as i64)),
                [Val::Map(m)] => Ok(Val::Int(m.len() as i64)),
                _ => overload("size", &vals),
            },
            Func::Dyn => Ok(vals.into_iter().next().unwrap_or(Val::Null)),
            Func::String => match vals.as_slice() {
                [Val::Str(s)] => Ok(Val::Str(s.clone())),
                [Val::Int(i)] => Ok(Val::str(&i.to_string())),
                [Val::Uint(u)] => Ok(Val::str(&u.to_string())),
                [Val::Double(d)] => Ok(Val::str(&d.to_string())),
                [Val::Bool(b)] => Ok(Val::str(if *b { "true" } else { "false" })),
                _ => overload("string", &vals),
            },
            Func::Int => match vals.as_slice() {
                [Val::Int(i)] => Ok(Val::Int(*i)),
                [Val::Uint(u)] => i64::try_from(*u).map(Val::Int).or_else(|_| fail(e, "int() range error")),
                [Val::Double(d)] if d.is_finite() && *d > -9.223_372_036_854_776e18 && *d < 9.223_372_036_854_776e18 => {
                    Ok(Val::Int(d.trunc() as i64))
                }
                [Val::Double(_)] => fail(e, "int() range error"),
                [Val::Str(s)] => s.parse::<i64>().map(Val::Int).or_else(|_| fail(e, format!("int() cannot convert {}", crate::policy::single::quote(s)))),
                _ => overload("int", &vals),
            },
            Func::Double => match vals.as_slice() {
                [Val::Double(d)] => Ok(Val::Double(*d)),
                [Val::Int(i)] => Ok(Val::Double(*i as f64)),
                [Val::Uint(u)] => Ok(Val::Double(*u as f64)),
                [Val::Str(s)] => s.parse::<f64>().map(Val::Double).or_else(|_| fail(e, format!("double() cannot convert {}", crate::policy::single::quote(s)))),
                _ => overload("double", &vals),
            },
        }
    }

    fn comprehension(&mut self, kind: CompKind, var: &str, range: &Expr, body: &Expr, e: &Expr) -> R {
        let items: Vec<Val> = match self.eval(range)? {
            Val::List(l) => l.to_vec(),
            Val::Map(m) => m.iter().map(|(k, _)| k.clone()).collect(),
            other => return fail(range, format!("cannot iterate over {}", other.type_name())),
        };
        let mut first_error: Option<EvalError> = None;
        let mut count = 0usize;
        let mut mapped = Vec::new();
        for item in items {
            self.locals.push((var.to_owned(), item.clone()));
            let r = self.eval(body);
            self.locals.pop();
            match kind {
                CompKind::Exists | CompKind::All => {
                    let decisive = kind == CompKind::Exists;
                    match r {
                        Ok(Val::Bool(b)) if b == decisive => {
                            if let Some(err) = first_error.take() {
                                self.absorbed.push(err);
                            }
                            return Ok(Val::Bool(decisive));
                        }
                        Ok(Val::Bool(_)) => {}
                        Ok(other) => {
                            first_error.get_or_insert(EvalError { position: body.start, message: format!("the predicate must be bool, found {}", other.type_name()) });
                        }
                        Err(err) => {
                            first_error.get_or_insert(err);
                        }
                    }
                }
                CompKind::ExistsOne => match r? {
                    Val::Bool(true) => count += 1,
                    Val::Bool(false) => {}
                    other => return fail(body, format!("the predicate must be bool, found {}", other.type_name())),
                },
                CompKind::Map => {
                    mapped.push(r?);
                }
                CompKind::Filter => match r? {
                    Val::Bool(true) => mapped.push(item),
                    Val::Bool(false) => {}
                    other => return fail(body, format!("the predicate must be bool, found {}", other.type_name())),
                },
            }
        }
        match kind {
            CompKind::Exists | CompKind::All => match first_error {
                Some(err) => Err(err),
                None => Ok(Val::Bool(kind == CompKind::All)),
            },
            CompKind::ExistsOne => Ok(Val::Bool(count == 1)),
            CompKind::Map | CompKind::Filter => {
                if mapped.len() > MAX_BUILT {
                    return fail(e, "list too large");
                }
                Ok(Val::List(mapped.into()))
            }
        }
    }
}

fn select(t: &Val, field: &str, e: &Expr) -> R {
    match t {
        Val::Map(m) => match m.iter().find(|(k, _)| matches!(k, Val::Str(s) if **s == *field)) {
            Some((_, v)) => Ok(v.clone()),
            None => fail(e, format!("no such key: '{field}'")),
        },
        other => fail(e, format!("cannot select field '{field}' from {}", other.type_name())),
    }
}

fn index(t: &Val, i: &Val, e: &Expr) -> R {
    match (t, i) {
        (Val::Map(m), key) => match m.iter().find(|(k, _)| equals(k, key)) {
            Some((_, v)) => Ok(v.clone()),
            None => fail(e, format!("no such key: {}", key.show())),
        },
        (Val::List(l), idx) => {
            let n = match idx {
                Val::Int(n) => Some(*n),
                Val::Uint(u) => i64::try_from(*u).ok(),
                Val::Double(d) if d.fract() == 0.0 && d.is_finite() => Some(*d as i64),
                _ => return fail(e, format!("a list index must be a number, found {}", idx.type_name())),
            };
            match n.and_then(|n| usize::try_from(n).ok()).and_then(|n| l.get(n)) {
                Some(v) => Ok(v.clone()),
                None => fail(e, format!("index out of range: {} (list size {})", idx.show(), l.len())),
            }
        }
        (other, _) => fail(e, format!("cannot index into {}", other.type_name())),
    }
}

fn num(v: &Val) -> Option<f64> {
    match v {
        Val::Int(i) => Some(*i as f64),
        Val::Uint(u) => Some(*u as f64),
        Val::Double(d) => Some(*d),
        _ => None,
    }
}

/// CEL equality: heterogeneous values are unequal, numbers compare by value across types.
pub fn equals(a: &Val, b: &Val) -> bool {
    match (a, b) {
        (Val::Null, Val::Null) => true,
        (Val::Bool(x), Val::Bool(y)) => x == y,
        (Val::Str(x), Val::Str(y)) => x == y,
        (Val::Int(x), Val::Int(y)) => x == y,
        (Val::Uint(x), Val::Uint(y)) => x == y,
        (Val::Int(x), Val::Uint(y)) | (Val::Uint(y), Val::Int(x)) => u64::try_from(*x).is_ok_and(|x| x == *y),
        (Val::List(x), Val::List(y)) => x.len() == y.len() && x.iter().zip(y.iter()).all(|(a, b)| equals(a, b)),
        (Val::Map(x), Val::Map(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.iter().any(|(k2, v2)| equals(k, k2) && equals(v, v2)))
        }
        _ => match (num(a), num(b)) {
            (Some(x), Some(y)) => x == y,
            _ => false,
        },
    }
}

fn compare(a: &Val, b: &Val) -> Option<std::cmp::Ordering> {
    match (a, b) {
        (Val::Str(x), Val::Str(y)) => Some(x.cmp(y)),
        (Val::Bool(x), Val::Bool(y)) => Some(x.cmp(y)),
        (Val::Int(x), Val::Int(y)) => Some(x.cmp(y)),
        (Val::Uint(x), Val::Uint(y)) => Some(x.cmp(y)),
        _ => num(a)?.partial_cmp(&num(b)?),
    }
}

fn binary(op: BinOp, a: &Val, b: &Val, e: &Expr) -> R {
    use std::cmp::Ordering::*;
    let overload = || fail(e, format!("no such overload: {} {} {}", a.type_name(), op.as_str(), b.type_name()));
    let overflow = || fail(e, "integer overflow");
    match op {
        BinOp::Eq => Ok(Val::Bool(equals(a, b))),
        BinOp::Ne => Ok(Val::Bool(!equals(a, b))),
        BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
            let comparable = matches!((a, b), (Val::Str(_), Val::Str(_)) | (Val::Bool(_), Val::Bool(_)))
                || (num(a).is_some() && num(b).is_some());
            if !comparable {
                return overload();
            }
            // NaN compares false with everything.
            let Some(o) = compare(a, b) else { return Ok(Val::Bool(false)) };
            Ok(Val::Bool(match op {
                BinOp::Lt => o == Less,
                BinOp::Le => o != Greater,
                BinOp::Gt => o == Greater,
                _ => o != Less,
            }))
        }
        BinOp::In => match b {
            Val::List(l) => Ok(Val::Bool(l.iter().any(|x| equals(a, x)))),
            Val::Map(m) => Ok(Val::Bool(m.iter().any(|(k, _)| equals(a, k)))),
            _ => overload(),
        },
        BinOp::Add => match (a, b) {
            (Val::Int(x), Val::Int(y)) => x.checked_add(*y).map(Val::Int).map_or_else(overflow, Ok),
            (Val::Uint(x), Val::Uint(y)) => x.checked_add(*y).map(Val::Uint).map_or_else(overflow, Ok),
            (Val::Double(x), Val::Double(y)) => Ok(Val::Double(x + y)),
            (Val::Str(x), Val::Str(y)) => {
                if x.len() + y.len() > MAX_BUILT {
                    return fail(e, "string too large");
                }
                Ok(Val::Str(Rc::from(format!("{x}{y}"))))
            }
            (Val::List(x), Val::List(y)) => {
                if x.len() + y.len() > MAX_BUILT {
                    return fail(e, "list too large");
                }
                Ok(Val::List(x.iter().chain(y.iter()).cloned().collect()))
            }
            _ => overload(),
        },
        BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Rem => match (a, b) {
            (Val::Int(x), Val::Int(y)) => {
                let r = match op {
                    BinOp::Sub => x.checked_sub(*y),
                    BinOp::Mul => x.checked_mul(*y),
                    BinOp::Div if *y == 0 => return fail(e, "division by zero"),
                    BinOp::Div => x.checked_div(*y),
                    _ if *y == 0 => return fail(e, "modulus by zero"),
                    _ => x.checked_rem(*y),
                };
                r.map(Val::Int).map_or_else(overflow, Ok)
            }
            (Val::Uint(x), Val::Uint(y)) => {
                let r = match op {
                    BinOp::Sub => x.checked_sub(*y),
                    BinOp::Mul => x.checked_mul(*y),
                    BinOp::Div if *y == 0 => return fail(e, "division by zero"),
                    BinOp::Div => x.checked_div(*y),
                    _ if *y == 0 => return fail(e, "modulus by zero"),
                    _ => x.checked_rem(*y),
                };
                r.map(Val::Uint).map_or_else(overflow, Ok)
            }
            (Val::Double(x), Val::Double(y)) => match op {
                BinOp::Sub => Ok(Val::Double(x - y)),
                BinOp::Mul => Ok(Val::Double(x * y)),
                BinOp::Div => Ok(Val::Double(x / y)),
                _ => overload(),
            },
            _ => overload(),
        },
    }
}

/// Google's `extract(template)`: the text between the template's prefix and suffix around its one `{name}`
/// placeholder, or `""` when the prefix or suffix does not occur.
fn extract(text: &str, template: &str) -> Result<String, String> {
    let (Some(open), Some(close)) = (template.find('{'), template.find('}')) else {
        return Err(format!("extract() template {template:?} needs one {{placeholder}}"));
    };
    if close < open || template[close + 1..].contains(['{', '}']) || template[..open].contains('}') {
        return Err(format!("extract() template {template:?} needs exactly one {{placeholder}}"));
    }
    let (prefix, suffix) = (&template[..open], &template[close + 1..]);
    let Some(p) = text.find(prefix) else { return Ok(String::new()) };
    let rest = &text[p + prefix.len()..];
    if suffix.is_empty() {
        return Ok(rest.to_owned());
    }
    Ok(rest.find(suffix).map(|s| rest[..s].to_owned()).unwrap_or_default())
}
