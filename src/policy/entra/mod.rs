//! Microsoft Entra federated identity credentials (policy-semantics.md §4): the JSON of one credential, as
//! Microsoft Graph returns it (`issuer`, `subject` or `claimsMatchingExpression`, `audiences`, …) or as Azure
//! Resource Manager returns a managed identity's credential (the same fields under `properties`).
//!
//! The credential is one statement; its checks are the conditions `issuer`, `subject` (classic) or one `eq` /
//! `matches` condition per term of the flexible expression ([`expr`]), and `audiences`. Every comparison is
//! byte-exact except `matches`.

pub mod expr;

use serde_json::{Map, Value};

use crate::error::Error;
use crate::policy::glob::Glob;
use crate::policy::single::{self, quote, Applied, Outcome};
use crate::policy::trace::{ConditionTrace, Decision, DecisionKind, Lint, LintCode, Severity};
use crate::policy::{path, EvalContext};
use expr::{Expression, Op};

/// The dialect's stable name.
pub const DIALECT: &str = "entra";

/// Entra's answer when no credential matches; the trace's reason appends ours.
pub const NO_MATCH: &str = "AADSTS70021: No matching federated identity record found for presented assertion.";

/// Entra's documented limit for `issuer`, `subject` and each audience.
pub const MAX_FIELD_CHARS: usize = 600;

/// UNCONFIRMED rules (ids are public; the README lists them with the choice made).
pub mod rules {
    /// `matches` compares the whole claim (anchored) and is case-sensitive.
    pub const MATCHES_ANCHORED_CASE: &str = "entra-matches-anchored-case-sensitive";
    /// A token whose `aud` is an array of several values matches when any of them is the credential's audience.
    pub const AUD_ARRAY_ANY: &str = "entra-aud-array-any";
}

fn rule_message(rule: &'static str) -> &'static str {
    match rule {
        rules::MATCHES_ANCHORED_CASE => {
            "Entra's `matches` is taken as anchored (whole claim) and case-sensitive; Microsoft does not document either"
        }
        rules::AUD_ARRAY_ANY => "a token `aud` array is taken to match when any element is the credential's audience",
        _ => "unconfirmed rule",
    }
}

/// The issuers Entra accepts flexible expressions for, each with the claims an expression may name. Keep this
/// table the one place that knows them.
pub const FLEXIBLE_ISSUERS: &[(&str, &str, &[&str])] = &[
    ("https://token.actions.githubusercontent.com", "GitHub Actions", &["sub", "job_workflow_ref"]),
    ("https://gitlab.com", "GitLab", &["sub"]),
    ("https://app.terraform.io", "Terraform Cloud", &["sub"]),
];

const GITHUB_ISSUER: &str = "https://token.actions.githubusercontent.com";

/// Fields of a Microsoft Graph `federatedIdentityCredential` (plus `@odata.*` annotations).
const GRAPH_FIELDS: &[&str] = &["id", "name", "description", "issuer", "subject", "audiences", "claimsMatchingExpression"];
/// Top-level fields of an Azure Resource Manager `federatedIdentityCredentials` resource.
const ARM_FIELDS: &[&str] = &["id", "name", "type", "systemData", "properties"];

/// The fields that carry the credential: the object itself, or its ARM `properties`.
fn body(map: &Map<String, Value>) -> (&Map<String, Value>, &'static str) {
    match map.get("properties") {
        Some(Value::Object(p)) if !map.contains_key("issuer") => (p, "$.properties"),
        _ => (map, "$"),
    }
}

/// Entra's shape: `issuer` + `audiences` + (`subject` | `claimsMatchingExpression`), possibly under ARM's
/// `properties`.
pub fn looks_like(map: &Map<String, Value>) -> bool {
    let (m, _) = body(map);
    m.contains_key("issuer")
        && m.contains_key("audiences")
        && (m.contains_key("subject") || m.contains_key("claimsMatchingExpression"))
}

#[derive(Clone, Debug)]
enum Matcher {
    Subject(String),
    Flexible(Expression, String),
}

/// A compiled federated identity credential.
#[derive(Clone, Debug)]
pub struct EntraPolicy {
    name: Option<String>,
    base: &'static str,
    issuer: String,
    audience: String,
    matcher: Matcher,
    lints: Vec<Lint>,
}

struct Allowed<'a> {
    issuer: &'a str,
}

impl expr::ClaimPolicy for Allowed<'_> {
    fn check(&self, claim: &str) -> Result<(), String> {
        match FLEXIBLE_ISSUERS.iter().find(|(iss, _, _)| *iss == self.issuer) {
            Some((_, _, claims)) if claims.contains(&claim) => Ok(()),
            Some((_, label, claims)) => Err(format!(
                "claim '{claim}' cannot be used in a flexible expression for {label} (allowed: {})",
                claims.join(", ")
            )),
            None => Err(format!("claim '{claim}' cannot be used: the issuer has no flexible-expression support")),
        }
    }
}

fn string_field<'a>(m: &'a Map<String, Value>, base: &str, name: &str, required: bool) -> Result<Option<&'a str>, Error> {
    let p = path::field(base, name);
    match m.get(name) {
        None | Some(Value::Null) if !required => Ok(None),
        None | Some(Value::Null) => Err(Error::policy(p, format!("`{name}` is required"))),
        Some(Value::String(s)) if s.is_empty() => Err(Error::policy(p, format!("`{name}` is empty"))),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(Error::policy(p, format!("`{name}` must be a string, found {}", single::type_name(other)))),
    }
}

fn check_len(s: &str, p: String, what: &str) -> Result<(), Error> {
    let n = s.chars().count();
    if n > MAX_FIELD_CHARS {
        return Err(Error::policy(p, format!("{what} is {n} characters; Entra allows at most {MAX_FIELD_CHARS}")));
    }
    Ok(())
}

impl EntraPolicy {
    pub fn parse(doc: &Value) -> Result<EntraPolicy, Error> {
        let Value::Object(outer) = doc else {
            return Err(Error::policy("$", format!(
                "a federated identity credential is a JSON object, found {}",
                single::type_name(doc)
            )));
        };
        let (m, base) = body(outer);
        if base != "$" {
            for k in outer.keys() {
                if !ARM_FIELDS.contains(&k.as_str()) {
                    return Err(Error::policy(path::field("$", k), format!("unknown field `{k}` in an ARM credential")));
                }
            }
        }
        for k in m.keys() {
            if !GRAPH_FIELDS.contains(&k.as_str()) && !k.starts_with("@odata.") {
                return Err(Error::policy(
                    path::field(base, k),
                    format!("unknown field `{k}` (a federated identity credential has {})", GRAPH_FIELDS.join(", ")),
                ));
            }
        }
        let name = match string_field(outer, "$", "name", false)? {
            Some(n) => Some(n.to_owned()),
            None => string_field(m, base, "name", false)?.map(str::to_owned),
        };
        if let Some(d) = m.get("description") {
            if !d.is_null() && !d.is_string() {
                return Err(Error::policy(path::field(base, "description"), "`description` must be a string"));
            }
        }
        let issuer = string_field(m, base, "issuer", true)?.unwrap_or_default().to_owned();
        check_len(&issuer, path::field(base, "issuer"), "`issuer`")?;
        let audience = parse_audiences(m, base)?;
        let subject = string_field(m, base, "subject", false)?;
        let cme = m.get("claimsMatchingExpression").filter(|v| !v.is_null());
        let mut lints = Vec::new();
        let matcher = match (subject, cme) {
            (Some(_), Some(_)) => {
                return Err(Error::policy(
                    path::field(base, "claimsMatchingExpression"),
                    "set either `subject` or `claimsMatchingExpression`, not both",
                ))
            }
            (None, None) => {
                return Err(Error::policy(base, "one of `subject` or `claimsMatchingExpression` is required"))
            }
            (Some(s), None) => {
                let p = path::field(base, "subject");
                check_len(s, p.clone(), "`subject`")?;
                if s.contains(['*', '?']) {
                    lints.push(Lint::new(
                        LintCode::StringEqualsWithWildcard,
                        Severity::Warning,
                        p,
                        "Entra compares `subject` byte for byte: `*` and `?` are literal here; use claimsMatchingExpression for wildcards",
                    ));
                }
                Matcher::Subject(s.to_owned())
            }
            (None, Some(v)) => {
                let (e, src) = parse_flexible(v, base, &issuer)?;
                flexible_lints(&e, &issuer, base, &mut lints);
                Matcher::Flexible(e, src)
            }
        };
        Ok(EntraPolicy { name, base, issuer, audience, matcher, lints })
    }

    pub fn lints(&self) -> &[Lint] {
        &self.lints
    }

    pub fn evaluate(&self, claims: &Map<String, Value>, _ctx: &EvalContext) -> Decision {
        let mut conditions: Vec<ConditionTrace> = Vec::new();
        let mut applied = Vec::new();
        let mut token_lints = Vec::new();
        let b = self.base;

        let iss = claims.get("iss");
        conditions.push(exact("issuer", "iss", &self.issuer, iss, path::field(b, "issuer"), &mut token_lints));

        match &self.matcher {
            Matcher::Subject(s) => {
                let c = exact("subject", "sub", s, claims.get("sub"), path::field(b, "subject"), &mut token_lints);
                environment_lint(&c, claims, &mut token_lints);
                conditions.push(c);
            }
            Matcher::Flexible(e, src) => {
                let p = path::field(&path::field(b, "claimsMatchingExpression"), "value");
                for t in &e.terms {
                    let (c, depends) = term_condition(t, src, claims, &p, &mut token_lints);
                    if depends {
                        applied.push(Applied {
                            index: conditions.len(),
                            rule: rules::MATCHES_ANCHORED_CASE,
                            message: rule_message(rules::MATCHES_ANCHORED_CASE),
                        });
                    }
                    if t.claim == "sub" {
                        environment_lint(&c, claims, &mut token_lints);
                    }
                    conditions.push(c);
                }
            }
        }

        let (c, array_rule) = audience_condition(&self.audience, claims.get("aud"), path::index(&path::field(b, "audiences"), 0));
        if array_rule {
            applied.push(Applied { index: conditions.len(), rule: rules::AUD_ARRAY_ANY, message: rule_message(rules::AUD_ARRAY_ANY) });
        }
        conditions.push(c);

        single::finish(Outcome {
            dialect: DIALECT,
            provider: iss.and_then(Value::as_str).map(str::to_owned),
            name: self.name.clone(),
            conditions,
            static_lints: &self.lints,
            token_lints,
            applied,
            failure_text: NO_MATCH.to_owned(),
        })
    }

    pub fn decide(&self, claims: &Map<String, Value>, ctx: &EvalContext) -> DecisionKind {
        self.evaluate(claims, ctx).decision
    }

    /// The issuer the credential trusts.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// True for a credential with a `claimsMatchingExpression`.
    pub fn is_flexible(&self) -> bool {
        matches!(self.matcher, Matcher::Flexible(..))
    }
}

fn parse_audiences(m: &Map<String, Value>, base: &str) -> Result<String, Error> {
    let p = path::field(base, "audiences");
    let list = match m.get("audiences") {
        None | Some(Value::Null) => return Err(Error::policy(p, "`audiences` is required (normally [\"api://AzureADTokenExchange\"])")),
        Some(Value::Array(a)) => a,
        Some(other) => {
            return Err(Error::policy(p, format!("`audiences` must be an array with one string, found {}", single::type_name(other))))
        }
    };
    if list.len() != 1 {
        return Err(Error::policy(p, format!("`audiences` must hold exactly one value, found {}", list.len())));
    }
    let ep = path::index(&p, 0);
    match &list[0] {
        Value::String(s) if s.is_empty() => Err(Error::policy(ep, "the audience is empty")),
        Value::String(s) => {
            check_len(s, ep, "the audience")?;
            Ok(s.clone())
        }
        other => Err(Error::policy(ep, format!("the audience must be a string, found {}", single::type_name(other)))),
    }
}

fn parse_flexible(v: &Value, base: &str, issuer: &str) -> Result<(Expression, String), Error> {
    let p = path::field(base, "claimsMatchingExpression");
    let Value::Object(o) = v else {
        return Err(Error::policy(p, format!(
            "`claimsMatchingExpression` must be an object {{value, languageVersion}}, found {}",
            single::type_name(v)
        )));
    };
    for k in o.keys() {
        if k != "value" && k != "languageVersion" && !k.starts_with("@odata.") {
            return Err(Error::policy(path::field(&p, k), format!("unknown field `{k}` (expected value and languageVersion)")));
        }
    }
    let lp = path::field(&p, "languageVersion");
    match o.get("languageVersion") {
        Some(Value::Number(n)) if n.as_u64() == Some(1) => {}
        Some(other) => return Err(Error::policy(lp, format!("`languageVersion` must be 1, found {other}"))),
        None => return Err(Error::policy(lp, "`languageVersion` is required (1)")),
    }
    let vp = path::field(&p, "value");
    let src = match o.get("value") {
        Some(Value::String(s)) => s.clone(),
        Some(other) => return Err(Error::policy(vp, format!("`value` must be a string, found {}", single::type_name(other)))),
        None => return Err(Error::policy(vp, "`value` (the expression) is required")),
    };
    if !FLEXIBLE_ISSUERS.iter().any(|(iss, _, _)| *iss == issuer) {
        let known: Vec<&str> = FLEXIBLE_ISSUERS.iter().map(|(i, _, _)| *i).collect();
        return Err(Error::policy(
            path::field(base, "issuer"),
            format!(
                "flexible federated identity credentials are supported only for the issuers {} (exactly), not {issuer:?}",
                known.join(", ")
            ),
        ));
    }
    let e = expr::parse(&src, &Allowed { issuer }).map_err(|e| {
        Error::policy(vp.clone(), format!("claimsMatchingExpression: {} (at offset {})", e.message, e.position))
            .with_position(e.position)
    })?;
    Ok((e, src))
}

fn flexible_lints(e: &Expression, issuer: &str, base: &str, lints: &mut Vec<Lint>) {
    let p = path::field(&path::field(base, "claimsMatchingExpression"), "value");
    if !e.terms.iter().any(|t| t.claim == "sub") {
        lints.push(Lint::new(
            LintCode::MissingSubCondition,
            if issuer == GITHUB_ISSUER { Severity::Warning } else { Severity::Info },
            p.clone(),
            "the expression never constrains `sub`: any repository or project whose token passes the other terms is trusted",
        ));
    }
    for t in &e.terms {
        let wild = t.value.contains(['*', '?']);
        match t.op {
            Op::Eq if wild => lints.push(Lint::new(
                LintCode::StringEqualsWithWildcard,
                Severity::Warning,
                p.clone(),
                format!("`eq '{}'` compares byte for byte: `*` and `?` are literal; use `matches` for wildcards", t.value),
            )),
            Op::Matches if !wild => lints.push(Lint::new(
                LintCode::StringLikeWithoutWildcard,
                Severity::Info,
                p.clone(),
                format!("`matches '{}'` has no wildcard; `eq` says the same more plainly", t.value),
            )),
            _ => {}
        }
    }
}

/// A byte-exact comparison of one string claim with the credential's value.
fn exact(field: &'static str, claim: &str, want: &str, got: Option<&Value>, p: String, lints: &mut Vec<Lint>) -> ConditionTrace {
    let pv = vec![Value::String(want.to_owned())];
    let Some(v) = got else {
        let reason = format!("the token has no `{claim}` claim; the credential's {field} is {}", quote(want));
        return single::condition(field, field, Some(claim), pv, None, false, reason, p);
    };
    let tv = Some(vec![v.clone()]);
    let Some(s) = v.as_str() else {
        let reason = format!("`{claim}` is {}, not a string", single::type_name(v));
        return single::condition(field, field, Some(claim), pv, tv, false, reason, p);
    };
    let matched = s == want;
    let reason = if matched {
        format!("{claim} {} equals the credential's {field}", quote(s))
    } else {
        if s.to_lowercase() == want.to_lowercase() {
            lints.push(Lint::new(
                LintCode::CaseOnlyMismatch,
                Severity::Warning,
                p.clone(),
                format!("{claim} {} differs from {} only in case; Entra compares byte for byte", quote(s), quote(want)),
            ));
        }
        format!("{claim} {} does not equal the credential's {field} {} (byte-exact, no wildcards)", quote(s), quote(want))
    };
    single::condition(field, field, Some(claim), pv, tv, matched, reason, p)
}

/// One flexible-expression term; the flag says whether the result depended on the UNCONFIRMED reading of
/// `matches`.
fn term_condition(
    t: &expr::Term,
    src: &str,
    claims: &Map<String, Value>,
    p: &str,
    lints: &mut Vec<Lint>,
) -> (ConditionTrace, bool) {
    let key = t.text(src).to_owned();
    let op = t.op.as_str();
    let pv = vec![Value::String(t.value.clone())];
    let at = format!("term at offset {}", t.start);
    let Some(v) = claims.get(&t.claim) else {
        let reason = format!("the token has no `{}` claim ({at})", t.claim);
        return (single::condition(op, key, Some(&t.claim), pv, None, false, reason, p), false);
    };
    let tv = Some(vec![v.clone()]);
    let Some(s) = v.as_str() else {
        let reason = format!("`{}` is {}, not a string ({at})", t.claim, single::type_name(v));
        return (single::condition(op, key, Some(&t.claim), pv, tv, false, reason, p), false);
    };
    let (matched, depends, reason) = match (&t.op, &t.glob) {
        (Op::Matches, Some(g)) => {
            let matched = g.matches(s);
            let depends = t.alternatives.iter().zip([true, true, false]).any(|(alt, lower): (&Glob, bool)| {
                let text = if lower { s.to_lowercase() } else { s.to_owned() };
                alt.matches(&text) != matched
            });
            let verb = if matched { "matches" } else { "does not match" };
            let note = "whole claim, case-sensitive; `*` any run, `?` one character";
            (matched, depends, format!("{} {} {verb} '{}' ({note}; {at})", t.claim, quote(s), t.value))
        }
        _ => {
            let matched = s == t.value;
            if !matched && s.to_lowercase() == t.value.to_lowercase() {
                lints.push(Lint::new(
                    LintCode::CaseOnlyMismatch,
                    Severity::Warning,
                    p.to_owned(),
                    format!("{} {} differs from '{}' only in case; `eq` is byte-exact", t.claim, quote(s), t.value),
                ));
            }
            let verb = if matched { "equals" } else { "does not equal" };
            (matched, false, format!("{} {} {verb} '{}' (byte-exact; {at})", t.claim, quote(s), t.value))
        }
    };
    (single::condition(op, key, Some(&t.claim), pv, tv, matched, reason, p), depends)
}

fn audience_condition(want: &str, aud: Option<&Value>, p: String) -> (ConditionTrace, bool) {
    let pv = vec![Value::String(want.to_owned())];
    let Some(v) = aud else {
        let reason = format!("the token has no `aud` claim; the credential's audience is {}", quote(want));
        return (single::condition("audiences", "audiences", Some("aud"), pv, None, false, reason, p), false);
    };
    let tv = Some(match v {
        Value::Array(a) => a.clone(),
        other => vec![other.clone()],
    });
    let Some(list) = single::string_values(Some(v)) else {
        let reason = format!("`aud` is {}, not a string or an array of strings", single::type_name(v));
        return (single::condition("audiences", "audiences", Some("aud"), pv, tv, false, reason, p), false);
    };
    let matched = list.contains(&want);
    let array_rule = matched && list.len() > 1;
    let reason = if matched {
        format!("aud contains the credential's audience {}", quote(want))
    } else {
        let shown: Vec<String> = list.iter().map(|s| quote(s)).collect();
        format!("aud [{}] does not contain the credential's audience {} (byte-exact)", shown.join(", "), quote(want))
    };
    (single::condition("audiences", "audiences", Some("aud"), pv, tv, matched, reason, p), array_rule)
}

/// A GitHub token with `environment` has `sub` `repo:O/R:environment:NAME`, so a `…:ref:…` subject fails.
fn environment_lint(c: &ConditionTrace, claims: &Map<String, Value>, lints: &mut Vec<Lint>) {
    let Some(env) = claims.get("environment").and_then(Value::as_str) else { return };
    let github = claims.get("iss").and_then(Value::as_str) == Some(GITHUB_ISSUER);
    let expects_ref = c.policy_values.iter().any(|v| v.as_str().is_some_and(|s| s.contains(":ref:")));
    if github && !c.matched && expects_ref {
        lints.push(Lint::new(
            LintCode::GithubEnvironmentChangesSub,
            Severity::Warning,
            c.path.clone(),
            format!(
                "the token carries environment {env:?}, so GitHub's sub is `repo:ORG/REPO:environment:{env}`, never `…:ref:…`"
            ),
        ));
    }
}
