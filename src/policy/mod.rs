//! Trust policies: parse a cloud's policy document once into a compiled [`Policy`], evaluate it on many tokens'
//! claims, and explain every decision with a trace ([`Decision`]) and lints.
//!
//! One sub-module per dialect (AWS IAM role trust policies; with the `dialects` feature also Microsoft Entra
//! federated identity credentials and Google Cloud Workload Identity Federation providers); the result model
//! ([`trace`]) and the wildcard matcher ([`glob`]) are shared.

pub mod aws;
#[cfg(feature = "dialects")]
pub mod entra;
#[cfg(feature = "dialects")]
pub mod gcp;
pub mod glob;
#[cfg(feature = "dialects")]
pub mod single;
pub mod trace;

use serde_json::{Map, Value};

use crate::error::Error;
pub use trace::{
    ConditionTrace, Decision, DecisionKind, Effect, ElementTrace, Lint, LintCode, SetOperator, Severity,
    StatementTrace, Warning,
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
    Entra,
    Gcp,
}

impl DialectChoice {
    /// Parses the JS-facing name (`"auto"`, `"aws"`).
    pub fn from_name(name: &str) -> Result<DialectChoice, Error> {
        match name {
            "auto" => Ok(DialectChoice::Auto),
            "aws" => Ok(DialectChoice::Aws),
            "entra" => Ok(DialectChoice::Entra),
            "gcp" => Ok(DialectChoice::Gcp),
            other => Err(Error::invalid_argument(format!(
                "unknown policy dialect {other:?} (expected \"auto\", \"aws\", \"entra\" or \"gcp\")"
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
    #[cfg(feature = "dialects")]
    Entra(entra::EntraPolicy),
    #[cfg(feature = "dialects")]
    Gcp(gcp::GcpPolicy),
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
            return Err(Error::policy("$", format!("policy nests deeper than {MAX_POLICY_DEPTH} levels")));
        }
        let dialect = match dialect {
            DialectChoice::Auto => detect(doc)?,
            other => other,
        };
        match dialect {
            DialectChoice::Aws | DialectChoice::Auto => aws::AwsPolicy::parse(doc).map(Policy::Aws),
            #[cfg(feature = "dialects")]
            DialectChoice::Entra => entra::EntraPolicy::parse(doc).map(Policy::Entra),
            #[cfg(feature = "dialects")]
            DialectChoice::Gcp => gcp::GcpPolicy::parse(doc).map(Policy::Gcp),
            #[cfg(not(feature = "dialects"))]
            DialectChoice::Entra | DialectChoice::Gcp => Err(Error::invalid_argument(
                "this build has no policy dialects besides aws (built without the `dialects` feature)",
            )),
        }
    }

    /// The dialect's stable name.
    pub fn dialect(&self) -> &'static str {
        match self {
            Policy::Aws(_) => aws::DIALECT,
            #[cfg(feature = "dialects")]
            Policy::Entra(_) => entra::DIALECT,
            #[cfg(feature = "dialects")]
            Policy::Gcp(_) => gcp::DIALECT,
        }
    }

    /// Lints found at parse time (token-independent).
    pub fn lints(&self) -> &[Lint] {
        match self {
            Policy::Aws(p) => p.lints(),
            #[cfg(feature = "dialects")]
            Policy::Entra(p) => p.lints(),
            #[cfg(feature = "dialects")]
            Policy::Gcp(p) => p.lints(),
        }
    }

    /// Evaluates the policy on a token's claims. Never panics and never fails: a token the policy rejects is a
    /// normal [`Decision`].
    pub fn evaluate(&self, claims: &Map<String, Value>, ctx: &EvalContext) -> Decision {
        match self {
            Policy::Aws(p) => p.evaluate(claims, ctx),
            #[cfg(feature = "dialects")]
            Policy::Entra(p) => p.evaluate(claims, ctx),
            #[cfg(feature = "dialects")]
            Policy::Gcp(p) => p.evaluate(claims, ctx),
        }
    }

    /// The decision alone, without building a trace (the fast path for `check`-style callers).
    pub fn decide(&self, claims: &Map<String, Value>, ctx: &EvalContext) -> DecisionKind {
        match self {
            Policy::Aws(p) => p.decide(claims, ctx),
            #[cfg(feature = "dialects")]
            Policy::Entra(p) => p.decide(claims, ctx),
            #[cfg(feature = "dialects")]
            Policy::Gcp(p) => p.decide(claims, ctx),
        }
    }
}

/// Recognises a dialect by shape: every dialect whose signature fields appear is a candidate; exactly one must
/// remain. AWS: `Statement`. Entra: `issuer` + `audiences` + (`subject` | `claimsMatchingExpression`). Google
/// Cloud WIF: an `oidc` object with `issuerUri`, or `attributeMapping`/`attributeCondition`.
fn detect(doc: &Value) -> Result<DialectChoice, Error> {
    let Value::Object(map) = doc else {
        return Err(Error::policy("$", format!(
            "cannot recognise the policy dialect: expected a JSON object, found {}",
            crate::json::type_name(doc)
        )));
    };
    let mut candidates: Vec<(DialectChoice, &'static str)> = Vec::new();
    if map.contains_key("Statement") {
        candidates.push((DialectChoice::Aws, "aws"));
    }
    #[cfg(feature = "dialects")]
    {
        if entra::looks_like(map) {
            candidates.push((DialectChoice::Entra, entra::DIALECT));
        }
        if gcp::looks_like(map) {
            candidates.push((DialectChoice::Gcp, gcp::DIALECT));
        }
    }
    match candidates.as_slice() {
        [(one, _)] => Ok(*one),
        [] => Err(Error::policy(
            "$",
            format!("cannot recognise the policy dialect (candidates: {SHAPES}); pass the dialect explicitly"),
        )),
        many => Err(Error::policy(
            "$",
            format!(
                "ambiguous policy document: it has the shape of several dialects (candidates: {}); pass the dialect explicitly",
                many.iter().map(|(_, n)| *n).collect::<Vec<_>>().join(", ")
            ),
        )),
    }
}

#[cfg(not(feature = "dialects"))]
const SHAPES: &str = "aws, which needs a \"Statement\" field";
#[cfg(feature = "dialects")]
const SHAPES: &str = "aws, which needs a \"Statement\" field; entra, which needs \"issuer\", \"audiences\" and \"subject\" or \"claimsMatchingExpression\"; gcp, which needs an \"oidc\" object with \"issuerUri\", or \"attributeMapping\"/\"attributeCondition\"";

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
            && name.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
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
        assert_eq!(path::field("$.C", "ForAnyValue:StringLike"), "$.C['ForAnyValue:StringLike']");
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
        assert!(DialectChoice::from_name("gcp-nope").is_err());
        assert_eq!(DialectChoice::from_name("entra").ok(), Some(DialectChoice::Entra));
        assert_eq!(DialectChoice::from_name("gcp").ok(), Some(DialectChoice::Gcp));
    }
}
