//! Trust policies: parse a cloud's policy document once into a compiled [`Policy`], evaluate it on many tokens'
//! claims, and explain every decision with a trace ([`Decision`]) and lints.
//!
//! One sub-module per dialect: AWS IAM role trust policies; with the `dialects` feature also Vault JWT roles,
//! octo-sts trust policies, Microsoft Entra federated identity credentials and Google Cloud Workload Identity
//! Federation providers. The result model ([`trace`]) and the wildcard matcher ([`glob`]) are shared.

// `Error` is the crate-wide error type; its size is the error module's call, not each caller's.
#![allow(clippy::result_large_err)]

pub mod aws;
#[cfg(feature = "dialects")]
pub mod entra;
#[cfg(feature = "dialects")]
pub mod gcp;
pub mod glob;
#[cfg(feature = "dialects")]
pub mod octo_sts;
#[cfg(feature = "dialects")]
pub mod single;
pub mod trace;
#[cfg(feature = "dialects")]
pub mod vault;
#[cfg(feature = "dialects")]
pub mod yaml;

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
    Vault,
    OctoSts,
    Entra,
    Gcp,
}

impl DialectChoice {
    /// Parses the JS-facing name (`"auto"`, `"aws"`).
    pub fn from_name(name: &str) -> Result<DialectChoice, Error> {
        match name {
            "auto" => Ok(DialectChoice::Auto),
            "aws" => Ok(DialectChoice::Aws),
            "vault" => Ok(DialectChoice::Vault),
            "octo-sts" => Ok(DialectChoice::OctoSts),
            "entra" => Ok(DialectChoice::Entra),
            "gcp" => Ok(DialectChoice::Gcp),
            other => Err(Error::invalid_argument(format!(
                "unknown policy dialect {other:?} (expected \"auto\", \"aws\", \"vault\", \"octo-sts\", \"entra\" or \"gcp\")"
            ))),
        }
    }
}

/// Per-evaluation inputs that do not come from the token.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EvalContext {
    /// The provider prefix to evaluate the token as (e.g. `token.actions.githubusercontent.com`);
    /// `None` derives it from `claims.iss` with `https://` removed.
    pub provider: Option<String>,
    /// The current time in epoch seconds, for dialects that check `exp`/`nbf`/`iat` themselves (Vault).
    /// `None` skips those checks (the trace says so).
    pub now: Option<f64>,
    /// octo-sts: the service's own domain, the audience required when a policy sets neither `audience` nor
    /// `audience_pattern`. `None`: the policy's own (see [`OctoStsOptions`]), else `octo-sts.dev`, the public
    /// instance.
    pub octo_sts_domain: Option<String>,
    /// octo-sts: how patterns are anchored (see [`OctoStsAnchoring`]). `None`: the policy's own, else legacy.
    pub octo_sts_anchoring: Option<OctoStsAnchoring>,
}

/// What an octo-sts policy is evaluated with when the evaluation does not say ([`EvalContext`] overrides each):
/// given once at parse, so that every caller that only holds the compiled policy (`check`, a verifier, the
/// playground) evaluates it for the right deployment. Other dialects ignore it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OctoStsOptions {
    pub domain: Option<String>,
    pub anchoring: Option<OctoStsAnchoring>,
}

/// How octo-sts anchors a `*_pattern`. The two differ only for a top-level alternation (`a|b`) and for inline
/// flags such as `(?m)`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OctoStsAnchoring {
    /// `"^" + p + "$"`, as octo-sts compiled patterns until its fix for GHSA-mwqh-2vg8-rhj3: `a|b` becomes
    /// `^a|b$`, which accepts anything starting with `a` or ending with `b`.
    #[default]
    Legacy,
    /// `"^(?:" + p + ")$"`, as current octo-sts does: every alternative is anchored at both ends.
    Grouped,
}

/// A compiled trust policy of any dialect.
#[derive(Clone, Debug)]
pub enum Policy {
    Aws(aws::AwsPolicy),
    #[cfg(feature = "dialects")]
    Vault(vault::VaultPolicy),
    #[cfg(feature = "dialects")]
    OctoSts(octo_sts::OctoStsPolicy),
    #[cfg(feature = "dialects")]
    Entra(entra::EntraPolicy),
    #[cfg(feature = "dialects")]
    Gcp(gcp::GcpPolicy),
}

impl Policy {
    /// Sets the octo-sts defaults of this policy (a no-op for other dialects).
    pub fn with_octo_sts_options(self, options: OctoStsOptions) -> Policy {
        match self {
            #[cfg(feature = "dialects")]
            Policy::OctoSts(p) => Policy::OctoSts(p.with_options(options)),
            other => {
                let _ = options;
                other
            }
        }
    }

    /// Parses a JSON text (duplicate member names are rejected). With the `dialects` feature, a text that is not
    /// JSON is read as YAML when the dialect is `octo-sts` or `auto` (octo-sts policies are YAML files).
    pub fn parse_str(doc: &str, dialect: DialectChoice) -> Result<Policy, Error> {
        let json = crate::json::parse_strict(doc, MAX_POLICY_DEPTH);
        // A text that starts like JSON is JSON: its syntax error is reported as JSON's (with line and column), even
        // when YAML's flow syntax would accept it (`{"a": 1,}`, `{'a': 1}`) — a broken JSON policy must not parse.
        #[cfg(feature = "dialects")]
        if json.is_err() && !looks_like_json(doc) && matches!(dialect, DialectChoice::OctoSts | DialectChoice::Auto) {
            let value = yaml::parse(doc, MAX_POLICY_DEPTH)?;
            let dialect = match dialect {
                DialectChoice::Auto => detect(&value)?,
                other => other,
            };
            return match dialect {
                DialectChoice::OctoSts => octo_sts::OctoStsPolicy::parse_yaml_value(&value).map(Policy::OctoSts),
                other => Policy::parse_value(&value, other),
            };
        }
        let value = json.map_err(|e| json_error(doc, Some(e)))?;
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
            DialectChoice::Auto => detect(doc)?,
            other => other,
        };
        match dialect {
            DialectChoice::Aws | DialectChoice::Auto => aws::AwsPolicy::parse(doc).map(Policy::Aws),
            #[cfg(feature = "dialects")]
            DialectChoice::Vault => vault::VaultPolicy::parse(doc).map(Policy::Vault),
            #[cfg(feature = "dialects")]
            DialectChoice::OctoSts => octo_sts::OctoStsPolicy::parse(doc).map(Policy::OctoSts),
            #[cfg(feature = "dialects")]
            DialectChoice::Entra => entra::EntraPolicy::parse(doc).map(Policy::Entra),
            #[cfg(feature = "dialects")]
            DialectChoice::Gcp => gcp::GcpPolicy::parse(doc).map(Policy::Gcp),
            #[cfg(not(feature = "dialects"))]
            DialectChoice::Vault | DialectChoice::OctoSts | DialectChoice::Entra | DialectChoice::Gcp => Err(Error::new(
                crate::ErrorCode::NotSupported,
                "this build has no policy dialects besides aws: the npm package's vault, octo-sts, entra and gcp \
                 dialects are in \"oidc-trust/full\" (Rust: the `dialects` feature)",
            )),
        }
    }

    /// The dialect's stable name.
    pub fn dialect(&self) -> &'static str {
        match self {
            Policy::Aws(_) => aws::DIALECT,
            #[cfg(feature = "dialects")]
            Policy::Vault(_) => vault::DIALECT,
            #[cfg(feature = "dialects")]
            Policy::OctoSts(_) => octo_sts::DIALECT,
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
            Policy::Vault(p) => p.lints(),
            #[cfg(feature = "dialects")]
            Policy::OctoSts(p) => p.lints(),
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
            Policy::Vault(p) => p.evaluate(claims, ctx),
            #[cfg(feature = "dialects")]
            Policy::OctoSts(p) => p.evaluate(claims, ctx),
            #[cfg(feature = "dialects")]
            Policy::Entra(p) => p.evaluate(claims, ctx),
            #[cfg(feature = "dialects")]
            Policy::Gcp(p) => p.evaluate(claims, ctx),
        }
    }

    /// The claims [`Policy::decide`] can read, when the dialect can tell (AWS): deciding on a claims object that
    /// holds only these gives the same decision. `None`: any claim may matter (pass them all).
    pub fn claims_read(&self) -> Option<Vec<&'static str>> {
        match self {
            Policy::Aws(p) => Some(p.claims_read()),
            #[cfg(feature = "dialects")]
            _ => None,
        }
    }

    /// [`Policy::decide`] on only the claims [`Policy::claims_read`] names, given as name–value pairs; `None` for
    /// a dialect that does not name them.
    pub fn decide_pairs(&self, claims: &[(&str, Value)], ctx: &EvalContext) -> Option<DecisionKind> {
        match self {
            Policy::Aws(p) => Some(p.decide_pairs(claims, ctx)),
            #[cfg(feature = "dialects")]
            _ => None,
        }
    }

    /// The decision alone, without building a trace (the fast path for `check`-style callers); always equal to
    /// `evaluate(claims, ctx).decision`.
    pub fn decide(&self, claims: &Map<String, Value>, ctx: &EvalContext) -> DecisionKind {
        match self {
            Policy::Aws(p) => p.decide(claims, ctx),
            #[cfg(feature = "dialects")]
            Policy::Vault(p) => p.decide(claims, ctx),
            #[cfg(feature = "dialects")]
            Policy::OctoSts(p) => p.decide(claims, ctx),
            #[cfg(feature = "dialects")]
            Policy::Entra(p) => p.decide(claims, ctx),
            #[cfg(feature = "dialects")]
            Policy::Gcp(p) => p.decide(claims, ctx),
        }
    }
}

/// The provider prefix AWS derives from an issuer: `iss` with `https://` removed, kept exactly.
pub fn provider_from_issuer(iss: &str) -> String {
    iss.strip_prefix("https://").unwrap_or(iss).to_owned()
}

/// Recognises a dialect by shape: every dialect whose signature fields appear is a candidate; exactly one must
/// remain. AWS: `Statement`. Vault: a role field (`bound_audiences`, `bound_claims`, `user_claim`, …), possibly
/// inside `vault read`'s `{"data": {…}}`. octo-sts: `issuer`/`issuer_pattern`/`subject`/`subject_pattern`/….
/// Entra: `issuer` + `audiences` + (`subject` | `claimsMatchingExpression`). Google Cloud WIF: an `oidc` object
/// with `issuerUri`, or `attributeMapping`/`attributeCondition`.
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
    let mut candidates: Vec<(DialectChoice, &'static str)> = Vec::new();
    if map.contains_key("Statement") {
        candidates.push((DialectChoice::Aws, "aws"));
    }
    #[cfg(feature = "dialects")]
    {
        if vault::looks_like(map) {
            candidates.push((DialectChoice::Vault, vault::DIALECT));
        }
        if octo_sts::looks_like(map) {
            candidates.push((DialectChoice::OctoSts, octo_sts::DIALECT));
        }
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
            format!("cannot recognise the policy dialect (candidates: {}); pass the dialect explicitly", SHAPES),
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
const SHAPES: &str = "aws, which needs a \"Statement\" field; the vault, octo-sts, entra and gcp dialects are not in \
                      this build (npm: import \"oidc-trust/full\"; Rust: the `dialects` feature)";
#[cfg(feature = "dialects")]
const SHAPES: &str = "aws, which needs a \"Statement\" field; vault, which needs a role field such as \"bound_claims\", \"bound_audiences\" or \"user_claim\"; octo-sts, which needs \"issuer\"/\"issuer_pattern\" and \"subject\"/\"subject_pattern\"; entra, which needs \"issuer\", \"audiences\" and \"subject\" or \"claimsMatchingExpression\"; gcp, which needs an \"oidc\" object with \"issuerUri\", or \"attributeMapping\"/\"attributeCondition\"";

/// A text that starts like JSON gets JSON's error message, not YAML's.
#[cfg(feature = "dialects")]
fn looks_like_json(doc: &str) -> bool {
    matches!(doc.trim_start().chars().next(), Some('{') | Some('['))
}

fn json_error(doc: &str, e: Option<crate::json::JsonError>) -> Error {
    let Some(e) = e else { return Error::policy("$", "policy is not valid JSON") };
    let mut err = Error::policy("$", format!("policy is not valid JSON: {}", e.message)).with_json_location(&e);
    if e.line > 0 {
        if let Some(pos) = byte_offset(doc, e.line, e.column) {
            err = err.with_position(pos);
        }
    }
    err
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
        // Broken JSON that YAML's flow syntax accepts is still a JSON error, with its line and column.
        for text in ["{\"Statement\": [],\n}", "{'Statement': []}", "{\"issuer\": \"a\",\n \"subject\": \"b\",}"] {
            for dialect in [DialectChoice::Auto, DialectChoice::OctoSts, DialectChoice::Aws] {
                let e = Policy::parse_str(text, dialect).unwrap_err();
                assert!(e.message.contains("not valid JSON"), "{text}: {}", e.message);
                assert!(e.line.is_some() && e.column.is_some(), "{text}: no line/column");
            }
        }
        assert!(DialectChoice::from_name("gcp-nope").is_err());
        assert_eq!(DialectChoice::from_name("vault").ok(), Some(DialectChoice::Vault));
        assert_eq!(DialectChoice::from_name("octo-sts").ok(), Some(DialectChoice::OctoSts));
        assert_eq!(DialectChoice::from_name("entra").ok(), Some(DialectChoice::Entra));
        assert_eq!(DialectChoice::from_name("gcp").ok(), Some(DialectChoice::Gcp));
    }
}
