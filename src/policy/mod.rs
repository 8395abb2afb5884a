//! Trust policies: parse a cloud's policy document once into a compiled [`Policy`], evaluate it on many tokens'
//! claims, and explain every decision with a trace ([`Decision`]) and lints.
//!
//! One sub-module per dialect (AWS IAM role trust policies now); the result model ([`trace`]) and the wildcard
//! matcher ([`glob`]) are shared.

// `Error` is the crate-wide error type; its size is the error module's call, not each caller's.
#![allow(clippy::result_large_err)]

pub mod aws;
pub mod glob;
pub mod trace;

use serde_json::{Map, Value};

use crate::error::Error;
pub use trace::{
    ConditionTrace, Decision, DecisionKind, Effect, ElementTrace, Lint, LintCode, SetOperator,
    Severity, StatementTrace, Warning,
};

/// Nesting limit for policy documents given as text.
pub const MAX_POLICY_DEPTH: usize = 32;

/// Which dialect to parse a document as.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum DialectChoice {
    /// Recognise the dialect by the document's shape.
    #[default]
    Auto,
    Aws,
}

impl DialectChoice {
    /// Parses the JS-facing name (`"auto"`, `"aws"`).
    pub fn from_name(name: &str) -> Result<DialectChoice, Error> {
        match name {
            "auto" => Ok(DialectChoice::Auto),
            "aws" => Ok(DialectChoice::Aws),
            other => Err(Error::invalid_argument(format!(
                "unknown policy dialect {other:?} (expected \"auto\" or \"aws\")"
            ))),
        }
    }
}

/// Per-evaluation inputs that do not come from the token.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EvalContext {
    /// The provider prefix to evaluate the token as (e.g. `token.actions.githubusercontent.com`);
    /// `None` derives it from `claims.iss` with `https://` removed.
    pub provider: Option<String>,
}

/// A compiled trust policy of any dialect.
#[derive(Clone, Debug)]
pub enum Policy {
    Aws(aws::AwsPolicy),
}

impl Policy {
    /// Parses a JSON text (duplicate member names are rejected).
    pub fn parse_str(doc: &str, dialect: DialectChoice) -> Result<Policy, Error> {
        let value = crate::json::parse_strict(doc, MAX_POLICY_DEPTH).map_err(|e| {
            let mut err = Error::policy("$", format!("policy is not valid JSON: {}", e.message));
            if e.line > 0 {
                if let Some(pos) = byte_offset(doc, e.line, e.column) {
                    err = err.with_position(pos);
                }
            }
            err
        })?;
        Policy::parse_value(&value, dialect)
    }

    /// Parses an already-built JSON value (e.g. converted from a JS object).
    pub fn parse_value(doc: &Value, dialect: DialectChoice) -> Result<Policy, Error> {
        if !crate::json::check_depth(doc, MAX_POLICY_DEPTH) {
            return Err(Error::policy(
                "$",
                format!("policy nests deeper than {MAX_POLICY_DEPTH} levels"),
            ));
        }
        let dialect = match dialect {
            DialectChoice::Aws => DialectChoice::Aws,
            DialectChoice::Auto => detect(doc)?,
        };
        match dialect {
            DialectChoice::Aws | DialectChoice::Auto => aws::AwsPolicy::parse(doc).map(Policy::Aws),
        }
    }

    /// The dialect's stable name.
    pub fn dialect(&self) -> &'static str {
        match self {
            Policy::Aws(_) => aws::DIALECT,
        }
    }

    /// Lints found at parse time (token-independent).
    pub fn lints(&self) -> &[Lint] {
        match self {
            Policy::Aws(p) => p.lints(),
        }
    }

    /// Evaluates the policy on a token's claims. Never panics and never fails: a token the policy rejects is a
    /// normal [`Decision`].
    pub fn evaluate(&self, claims: &Map<String, Value>, ctx: &EvalContext) -> Decision {
        match self {
            Policy::Aws(p) => p.evaluate(claims, ctx),
        }
    }

    /// The decision alone, without building a trace (the fast path for `check`-style callers).
    pub fn decide(&self, claims: &Map<String, Value>, ctx: &EvalContext) -> DecisionKind {
        match self {
            Policy::Aws(p) => p.decide(claims, ctx),
        }
    }
}

/// The provider prefix AWS derives from an issuer: `iss` with `https://` removed, kept exactly.
pub fn provider_from_issuer(iss: &str) -> String {
    iss.strip_prefix("https://").unwrap_or(iss).to_owned()
}

/// Recognises a dialect by shape: an object with `Statement` is AWS.
fn detect(doc: &Value) -> Result<DialectChoice, Error> {
    let Value::Object(map) = doc else {
        return Err(Error::policy(
            "$",
            format!(
                "cannot recognise the policy dialect: expected a JSON object, found {}",
                crate::json::type_name(doc)
            ),
        ));
    };
    if map.contains_key("Statement") {
        return Ok(DialectChoice::Aws);
    }
    Err(Error::policy(
        "$",
        "cannot recognise the policy dialect (candidates: aws, which needs a \"Statement\" field); pass the dialect explicitly",
    ))
}

/// Byte offset of a 1-based (line, column) position, for error positions.
fn byte_offset(text: &str, line: usize, column: usize) -> Option<usize> {
    let mut offset = 0usize;
    for (n, l) in text.split_inclusive('\n').enumerate() {
        if n + 1 == line {
            return Some(offset + column.saturating_sub(1).min(l.len()));
        }
        offset += l.len();
    }
    None
}

/// JSON-path helpers: `$.Statement[0].Condition['ForAnyValue:StringLike']`.
pub(crate) mod path {
    pub fn field(base: &str, name: &str) -> String {
        let simple = !name.is_empty()
            && name
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
        if simple {
            format!("{base}.{name}")
        } else {
            let escaped = name.replace('\\', "\\\\").replace('\'', "\\'");
            format!("{base}['{escaped}']")
        }
    }

    pub fn index(base: &str, i: usize) -> String {
        format!("{base}[{i}]")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        assert_eq!(path::field("$", "Statement"), "$.Statement");
        assert_eq!(
            path::field("$.C", "ForAnyValue:StringLike"),
            "$.C['ForAnyValue:StringLike']"
        );
        assert_eq!(path::field("$.C", "a'b"), "$.C['a\\'b']");
        assert_eq!(path::index("$.S", 2), "$.S[2]");
    }

    #[test]
    fn auto_detection() {
        let e = Policy::parse_str("[]", DialectChoice::Auto).unwrap_err();
        assert_eq!(e.path.as_deref(), Some("$"));
        let e = Policy::parse_str("{\"x\":1}", DialectChoice::Auto).unwrap_err();
        assert!(e.message.contains("candidates"));
        let e = Policy::parse_str("{\"x\":", DialectChoice::Auto).unwrap_err();
        assert_eq!(e.code, crate::ErrorCode::PolicyInvalid);
        assert!(DialectChoice::from_name("vault").is_err());
    }
}
