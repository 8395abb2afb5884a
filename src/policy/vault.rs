//! HashiCorp Vault JWT auth roles (policy-semantics.md §2), read from the JSON `vault read auth/jwt/role/<name>`
//! prints (bare, or wrapped as `{"data": {…}}` by `-format=json`).
//!
//! The checks and their order follow vault-plugin-auth-jwt's login path with hashicorp/cap's validator:
//! claims-set types → `iss` = `bound_issuer` → `sub` = `bound_subject` → `aud` ∩ `bound_audiences` → `nbf`/`exp`/`iat`
//! with leeways → an `aud` array with no `bound_audiences` → `user_claim` → `claim_mappings` → `groups_claim` →
//! `bound_claims`. Every check is evaluated and traced; the decision's reason is Vault's message for the first
//! one that fails, which is what Vault would have answered.
//!
//! Choices (documented in docs/policy-dialects.md):
//! - `bound_issuer` lives on the auth method's config in Vault; it is accepted on the role document (lint
//!   `issuer-on-role`) so one document can describe the whole check.
//! - A missing `role_type` means `jwt` (Vault's own default is `oidc`, which JWT login refuses).
//! - Time checks need [`EvalContext::now`]; without it they are reported as not evaluated (and pass).

use serde_json::{json, Map, Value};

use crate::error::Error;
use crate::json::type_name;
use crate::policy::glob::Glob;
use crate::policy::path;
use crate::policy::single;
use crate::policy::trace::{decide, ConditionTrace, Decision, DecisionKind, Effect, Lint, LintCode, Severity, StatementTrace};
use crate::policy::EvalContext;

/// The dialect's stable name.
pub const DIALECT: &str = "vault";

/// cap's `DefaultLeewaySeconds`: the default `expiration_leeway` and `not_before_leeway`.
pub const DEFAULT_FILL_LEEWAY: i64 = 150;
/// go-jose's `jwt.DefaultLeeway`: the default `clock_skew_leeway`.
pub const DEFAULT_CLOCK_SKEW: i64 = 60;

/// Fields only a Vault JWT/OIDC role has; any of them makes `auto` consider the document a Vault role.
const SHAPE_FIELDS: &[&str] = &[
    "bound_audiences",
    "bound_claims",
    "bound_claims_type",
    "bound_subject",
    "user_claim",
    "user_claim_json_pointer",
    "role_type",
    "claim_mappings",
    "groups_claim",
    "clock_skew_leeway",
    "expiration_leeway",
    "not_before_leeway",
    "allowed_redirect_uris",
];

/// Metadata keys Vault reserves (a `claim_mappings` target may not be one).
const RESERVED_METADATA: &[&str] = &["role"];

/// Whether a document has the shape of a Vault role (for `auto` detection).
pub fn looks_like(map: &Map<String, Value>) -> bool {
    let has = |m: &Map<String, Value>| SHAPE_FIELDS.iter().any(|f| m.contains_key(*f));
    has(map) || matches!(map.get("data"), Some(Value::Object(inner)) if has(inner))
}

/// A compiled Vault role.
#[derive(Clone, Debug)]
pub struct VaultPolicy {
    role: Role,
    lints: Vec<Lint>,
}

#[derive(Clone, Debug)]
struct Role {
    /// `$` or `$.data`.
    base: String,
    oidc_role_type: bool,
    bound_issuer: Option<String>,
    bound_audiences: Vec<String>,
    bound_subject: String,
    glob: bool,
    bound_claims: Vec<BoundClaim>,
    user_claim: String,
    user_claim_json_pointer: bool,
    claim_mappings: Vec<(String, String)>,
    groups_claim: String,
    clock_skew_leeway: i64,
    expiration_leeway: i64,
    not_before_leeway: i64,
}

#[derive(Clone, Debug)]
struct BoundClaim {
    key: String,
    /// The bound values as a list (a single value is a one-element list).
    values: Vec<Value>,
    /// Compiled `glob` patterns, one per value (glob mode only).
    globs: Vec<Glob>,
    path: String,
}

impl VaultPolicy {
    pub fn parse(doc: &Value) -> Result<VaultPolicy, Error> {
        let role = compile(doc)?;
        let lints = static_lints(&role);
        Ok(VaultPolicy { role, lints })
    }

    pub fn lints(&self) -> &[Lint] {
        &self.lints
    }

    pub fn evaluate(&self, claims: &Map<String, Value>, ctx: &EvalContext) -> Decision {
        evaluate(&self.role, &self.lints, claims, ctx)
    }

    pub fn decide(&self, claims: &Map<String, Value>, ctx: &EvalContext) -> DecisionKind {
        self.evaluate(claims, ctx).decision
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Parsing

fn compile(doc: &Value) -> Result<Role, Error> {
    let Value::Object(outer) = doc else {
        return Err(Error::policy("$", format!("a Vault role must be a JSON object, found {}", type_name(doc))));
    };
    let wrapped = !SHAPE_FIELDS.iter().any(|f| outer.contains_key(*f)) && outer.contains_key("data");
    let (map, base) = if wrapped {
        match outer.get("data") {
            Some(Value::Object(inner)) => (inner, "$.data".to_owned()),
            Some(other) => {
                return Err(Error::policy(
                    "$.data",
                    format!("`data` must be the role object, found {}", type_name(other)),
                ))
            }
            None => (outer, "$".to_owned()),
        }
    } else {
        (outer, "$".to_owned())
    };
    let at = |name: &str| path::field(&base, name);

    let role_type = opt_string(map, "role_type", &base)?.unwrap_or_default();
    let oidc_role_type = match role_type.as_str() {
        "" | "jwt" => false,
        "oidc" => true,
        other => return Err(Error::policy(at("role_type"), format!("invalid 'role_type': {other} (expected \"jwt\" or \"oidc\")"))),
    };

    let bound_issuer = opt_string(map, "bound_issuer", &base)?.filter(|s| !s.is_empty());
    let bound_audiences = match map.get("bound_audiences") {
        None | Some(Value::Null) => Vec::new(),
        // Vault's API takes a comma-separated string as well as a list.
        Some(Value::String(s)) => s.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect(),
        Some(Value::Array(items)) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                match item {
                    Value::String(s) => out.push(s.clone()),
                    other => {
                        return Err(Error::policy(
                            path::index(&at("bound_audiences"), i),
                            format!("bound_audiences entries must be strings, found {}", type_name(other)),
                        ))
                    }
                }
            }
            out
        }
        Some(other) => {
            return Err(Error::policy(
                at("bound_audiences"),
                format!("bound_audiences must be a list of strings, found {}", type_name(other)),
            ))
        }
    };
    let bound_subject = opt_string(map, "bound_subject", &base)?.unwrap_or_default();

    let claims_type = opt_string(map, "bound_claims_type", &base)?.unwrap_or_else(|| "string".to_owned());
    let glob = match claims_type.as_str() {
        "string" => false,
        "glob" => true,
        other => {
            return Err(Error::policy(
                at("bound_claims_type"),
                format!("invalid 'bound_claims_type': {other} (expected \"string\" or \"glob\")"),
            ))
        }
    };

    let mut bound_claims = Vec::new();
    match map.get("bound_claims") {
        None | Some(Value::Null) => {}
        Some(Value::Object(bc)) => {
            for (key, raw) in bc {
                let p = path::field(&at("bound_claims"), key);
                let values = match raw {
                    Value::Array(items) => items.clone(),
                    Value::String(_) | Value::Bool(_) | Value::Number(_) => vec![raw.clone()],
                    other => {
                        return Err(Error::policy(
                            p,
                            format!("bound claim is not a string, bool, number or list: found {}", type_name(other)),
                        ))
                    }
                };
                let mut globs = Vec::new();
                for (i, v) in values.iter().enumerate() {
                    match v {
                        Value::String(s) => {
                            if glob {
                                globs.push(Glob::star_only(s));
                            }
                        }
                        Value::Bool(_) | Value::Number(_) if !glob => {}
                        other if glob => {
                            return Err(Error::policy(
                                path::index(&p, i),
                                format!("claim is not a string: {other} (bound_claims_type \"glob\" takes strings only)"),
                            ))
                        }
                        other => {
                            return Err(Error::policy(
                                path::index(&p, i),
                                format!("bound claim values must be strings, booleans or numbers, found {}", type_name(other)),
                            ))
                        }
                    }
                }
                bound_claims.push(BoundClaim { key: key.clone(), values, globs, path: p });
            }
        }
        Some(other) => {
            return Err(Error::policy(
                at("bound_claims"),
                format!("bound_claims must be an object of claim → value(s), found {}", type_name(other)),
            ))
        }
    }

    let user_claim = opt_string(map, "user_claim", &base)?.unwrap_or_default();
    if user_claim.is_empty() {
        return Err(Error::policy(at("user_claim"), "a user claim must be defined on the role"));
    }
    let user_claim_json_pointer = match map.get("user_claim_json_pointer") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(other) => {
            return Err(Error::policy(
                at("user_claim_json_pointer"),
                format!("user_claim_json_pointer must be a boolean, found {}", type_name(other)),
            ))
        }
    };

    let mut claim_mappings = Vec::new();
    match map.get("claim_mappings") {
        None | Some(Value::Null) => {}
        Some(Value::Object(m)) => {
            for (source, target) in m {
                let p = path::field(&at("claim_mappings"), source);
                let Value::String(target) = target else {
                    return Err(Error::policy(p, format!("claim_mappings targets must be strings, found {}", type_name(target))));
                };
                if RESERVED_METADATA.contains(&target.as_str()) {
                    return Err(Error::policy(p, format!("metadata key {target:?} is reserved and may not be a mapping destination")));
                }
                if claim_mappings.iter().any(|(_, t): &(String, String)| t == target) {
                    return Err(Error::policy(p, format!("multiple keys are mapped to metadata key {target:?}")));
                }
                claim_mappings.push((source.clone(), target.clone()));
            }
        }
        Some(other) => {
            return Err(Error::policy(
                at("claim_mappings"),
                format!("claim_mappings must be an object of claim → metadata key, found {}", type_name(other)),
            ))
        }
    }
    let groups_claim = opt_string(map, "groups_claim", &base)?.unwrap_or_default();

    let clock_skew_leeway = leeway(map, "clock_skew_leeway", &base)?;
    let expiration_leeway = leeway(map, "expiration_leeway", &base)?;
    let not_before_leeway = leeway(map, "not_before_leeway", &base)?;

    let has_cidrs = ["token_bound_cidrs", "bound_cidrs"]
        .iter()
        .any(|f| matches!(map.get(*f), Some(Value::Array(a)) if !a.is_empty()) || matches!(map.get(*f), Some(Value::String(s)) if !s.is_empty()));
    if !oidc_role_type && bound_audiences.is_empty() && bound_subject.is_empty() && bound_claims.is_empty() && !has_cidrs {
        return Err(Error::policy(
            base.clone(),
            "must have at least one bound constraint when creating/updating a role (bound_audiences, bound_subject, bound_claims or token_bound_cidrs)",
        ));
    }

    Ok(Role {
        base,
        oidc_role_type,
        bound_issuer,
        bound_audiences,
        bound_subject,
        glob,
        bound_claims,
        user_claim,
        user_claim_json_pointer,
        claim_mappings,
        groups_claim,
        clock_skew_leeway,
        expiration_leeway,
        not_before_leeway,
    })
}

fn opt_string(map: &Map<String, Value>, name: &str, base: &str) -> Result<Option<String>, Error> {
    match map.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(Error::policy(path::field(base, name), format!("{name} must be a string, found {}", type_name(other)))),
    }
}

/// A leeway in whole seconds, as `vault read` prints it (0 = default, negative = off).
fn leeway(map: &Map<String, Value>, name: &str, base: &str) -> Result<i64, Error> {
    match map.get(name) {
        None | Some(Value::Null) => Ok(0),
        Some(Value::Number(n)) => n.as_i64().ok_or_else(|| {
            Error::policy(path::field(base, name), format!("{name} must be a whole number of seconds, found {n}"))
        }),
        Some(other) => Err(Error::policy(
            path::field(base, name),
            format!("{name} must be a number of seconds, found {}", type_name(other)),
        )),
    }
}

fn static_lints(role: &Role) -> Vec<Lint> {
    let at = |name: &str| path::field(&role.base, name);
    let mut lints = Vec::new();
    if role.bound_issuer.is_some() {
        lints.push(Lint::new(
            LintCode::IssuerOnRole,
            Severity::Info,
            at("bound_issuer"),
            "Vault reads bound_issuer from the auth method's config (auth/jwt/config), not from the role; it is checked here as if it were configured there",
        ));
    }
    if role.bound_subject.contains('*') {
        lints.push(Lint::new(
            LintCode::SubjectExactNotGlob,
            Severity::Warning,
            at("bound_subject"),
            format!(
                "bound_subject {:?} is compared exactly: its '*' is a literal asterisk; use bound_claims with bound_claims_type \"glob\" for a pattern",
                role.bound_subject
            ),
        ));
    }
    let constrains_sub = !role.bound_subject.is_empty() || role.bound_claims.iter().any(|c| c.key == "sub" || c.key == "/sub");
    if !constrains_sub {
        lints.push(Lint::new(
            LintCode::MissingSubCondition,
            Severity::Warning,
            role.base.clone(),
            "the role constrains neither bound_subject nor a \"sub\" bound claim: any subject of a trusted issuer matches",
        ));
    }
    if role.bound_audiences.is_empty() {
        lints.push(Lint::new(
            LintCode::MissingAudCondition,
            Severity::Warning,
            at("bound_audiences"),
            "no bound_audiences: Vault rejects a token whose aud is a non-empty array, but accepts any single-string aud",
        ));
    }
    if role.user_claim.starts_with('/') && !role.user_claim_json_pointer {
        lints.push(Lint::new(
            LintCode::UserClaimPointerDisabled,
            Severity::Warning,
            at("user_claim"),
            format!(
                "user_claim {:?} looks like a JSON pointer but user_claim_json_pointer is false: Vault looks for a top-level claim literally named {:?}",
                role.user_claim, role.user_claim
            ),
        ));
    }
    for c in &role.bound_claims {
        for (i, v) in c.values.iter().enumerate() {
            let Value::String(s) = v else { continue };
            let p = if matches!(c.values.len(), 1) { c.path.clone() } else { path::index(&c.path, i) };
            if role.glob && s.contains('?') {
                lints.push(Lint::new(
                    LintCode::GlobQuestionMarkLiteral,
                    Severity::Warning,
                    p.clone(),
                    format!("in Vault's glob bound claims only '*' is a wildcard: the '?' in {s:?} matches a literal question mark"),
                ));
            }
            if role.glob && !s.is_empty() && s.chars().all(|ch| ch == '*') {
                lints.push(Lint::new(
                    LintCode::PatternMatchesAnything,
                    Severity::Warning,
                    p.clone(),
                    format!("glob {s:?} matches every string value of claim {:?}", c.key),
                ));
            }
            if !role.glob && s.contains('*') {
                lints.push(Lint::new(
                    LintCode::StringEqualsWithWildcard,
                    Severity::Warning,
                    p,
                    format!("bound_claims_type is \"string\": the '*' in {s:?} is compared literally (set bound_claims_type to \"glob\" for a pattern)"),
                ));
            }
        }
    }
    lints
}

// ---------------------------------------------------------------------------------------------------------------
// Evaluation

/// One check, with the full message Vault would answer when it is the first to fail.
struct Check {
    trace: ConditionTrace,
    vault_error: String,
}

#[allow(clippy::too_many_arguments)]
fn check(
    operator: &str,
    base_operator: &'static str,
    key: &str,
    claim: Option<&str>,
    policy_values: Vec<Value>,
    token_values: Option<Vec<Value>>,
    matched: bool,
    reason: String,
    path: String,
    vault_error: String,
) -> Check {
    Check {
        trace: single::condition_as(
            operator,
            base_operator,
            key,
            claim,
            policy_values,
            token_values,
            matched,
            reason,
            path,
        ),
        vault_error,
    }
}

fn tv(v: Option<&Value>) -> Option<Vec<Value>> {
    v.map(|v| vec![v.clone()])
}

/// The registered claims as go-jose's `jwt.Claims` reads them; an error is what `json.Unmarshal` would say.
struct Registered {
    iss: String,
    sub: String,
    aud: Vec<String>,
    exp: i64,
    nbf: i64,
    iat: i64,
    errors: Vec<String>,
}

fn registered(claims: &Map<String, Value>) -> Registered {
    let mut errors = Vec::new();
    let mut string = |name: &str| match claims.get(name) {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => {
            errors.push(format!(
                "json: cannot unmarshal {} into Go struct field Claims.{name} of type string",
                go_json_type(other)
            ));
            String::new()
        }
    };
    let iss = string("iss");
    let sub = string("sub");
    let _jti = string("jti");
    let aud = match claims.get("aud") {
        None => Vec::new(),
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(items)) if items.iter().all(Value::is_string) => {
            items.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect()
        }
        Some(_) => {
            errors.push("go-jose/go-jose/jwt: expected string or array value to unmarshal to Audience".to_owned());
            Vec::new()
        }
    };
    let mut date = |name: &str| match claims.get(name) {
        None | Some(Value::Null) => 0,
        Some(Value::Number(n)) => numeric_date(n),
        Some(_) => {
            errors.push("go-jose/go-jose/jwt: expected number for numeric date".to_owned());
            0
        }
    };
    let exp = date("exp");
    let nbf = date("nbf");
    let iat = date("iat");
    Registered { iss, sub, aud, exp, nbf, iat, errors }
}

/// go-jose's `NumericDate`: the JSON number converted to int64 (truncated toward zero).
fn numeric_date(n: &serde_json::Number) -> i64 {
    if let Some(i) = n.as_i64() {
        return i;
    }
    match n.as_f64() {
        // `as` saturates at the i64 bounds, a defined stand-in for Go's implementation-defined overflow.
        Some(f) if f.is_finite() => f.trunc() as i64,
        _ => 0,
    }
}

fn go_json_type(v: &Value) -> &'static str {
    match v {
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
        Value::Null => "null",
    }
}

/// Vault's `getClaim`: a key starting with `/` is a JSON pointer, any other key a top-level claim. `None` when
/// missing, null, or the pointer does not resolve.
fn get_claim<'a>(claims: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    let v = if let Some(pointer) = key.strip_prefix('/') {
        let mut parts = pointer.split('/').map(|p| p.replace("~1", "/").replace("~0", "~"));
        let first = parts.next()?;
        let mut cur = claims.get(&first)?;
        for part in parts {
            cur = match cur {
                Value::Object(m) => m.get(&part)?,
                Value::Array(items) => items.get(part.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        cur
    } else {
        claims.get(key)?
    };
    (!v.is_null()).then_some(v)
}

/// How a token number reads after Vault's `getClaim` (integral floats print as integers, others without exponent).
fn go_number_text(n: &serde_json::Number) -> String {
    if n.is_i64() || n.is_u64() {
        return n.to_string();
    }
    match n.as_f64() {
        Some(f) if f.fract() == 0.0 && f.abs() < 9.2e18 => format!("{}", f as i64),
        Some(f) => format!("{f}"),
        None => n.to_string(),
    }
}

/// `bound_claims_type: string` comparison of one bound value with one token value. `top_level` is true when the
/// token value is the claim itself (Vault turns it into a `json.Number`); numbers inside a token array stay
/// `float64` in Vault and never equal a bound number.
fn string_mode_equal(bound: &Value, actual: &Value, top_level: bool) -> bool {
    match (bound, actual) {
        (Value::String(a), Value::String(b)) => a == b,
        (Value::Bool(a), Value::Bool(b)) => a == b,
        (Value::Number(a), Value::Number(b)) => top_level && a.to_string() == go_number_text(b),
        _ => false,
    }
}

fn display_value(v: &Value) -> String {
    match v {
        Value::String(s) => format!("{s:?}"),
        other => other.to_string(),
    }
}

fn evaluate(role: &Role, lints: &[Lint], claims: &Map<String, Value>, ctx: &EvalContext) -> Decision {
    let at = |name: &str| path::field(&role.base, name);
    let reg = registered(claims);
    let mut checks: Vec<Check> = Vec::new();

    if role.oidc_role_type {
        checks.push(check(
            "role_type",
            "role_type",
            "role_type",
            None,
            vec![json!("oidc")],
            None,
            false,
            "role_type is \"oidc\": the JWT login path refuses OIDC roles".into(),
            at("role_type"),
            "role with oidc role_type is not allowed".into(),
        ));
    }

    if !reg.errors.is_empty() {
        let msg = reg.errors.join("; ");
        checks.push(check(
            "claims_set",
            "claims_set",
            "iss, sub, aud, exp, nbf, iat",
            None,
            Vec::new(),
            Some(["iss", "sub", "aud", "exp", "nbf", "iat"].iter().filter_map(|k| claims.get(*k).cloned()).collect()),
            false,
            format!("the token's registered claims have the wrong types for Vault's JWT library: {msg}"),
            role.base.clone(),
            format!("error validating token: {msg}"),
        ));
    }

    if let Some(want) = &role.bound_issuer {
        let ok = *want == reg.iss;
        let reason = if ok {
            format!("iss {:?} equals bound_issuer", reg.iss)
        } else if claims.get("iss").is_none() {
            format!("iss is missing; bound_issuer is {want:?} (invalid issuer (iss) claim)")
        } else {
            format!("iss {:?} is not bound_issuer {want:?} (exact, case-sensitive): invalid issuer (iss) claim", reg.iss)
        };
        checks.push(check(
            "bound_issuer",
            "bound_issuer",
            "bound_issuer",
            Some("iss"),
            vec![json!(want)],
            tv(claims.get("iss")),
            ok,
            reason,
            at("bound_issuer"),
            "error validating token: invalid issuer (iss) claim".into(),
        ));
    }

    if !role.bound_subject.is_empty() {
        let want = &role.bound_subject;
        let ok = *want == reg.sub;
        let reason = if ok {
            format!("sub {:?} equals bound_subject", reg.sub)
        } else if claims.get("sub").is_none() {
            format!("sub is missing; bound_subject is {want:?} (invalid subject (sub) claim)")
        } else {
            let glob_hint = if want.contains('*') { "; bound_subject is never a glob, its '*' is literal" } else { "" };
            format!(
                "sub {:?} is not bound_subject {want:?} (exact, case-sensitive{glob_hint}): invalid subject (sub) claim",
                reg.sub
            )
        };
        checks.push(check(
            "bound_subject",
            "bound_subject",
            "bound_subject",
            Some("sub"),
            vec![json!(want)],
            tv(claims.get("sub")),
            ok,
            reason,
            at("bound_subject"),
            "error validating token: invalid subject (sub) claim".into(),
        ));
    }

    if !role.bound_audiences.is_empty() {
        let hit = role.bound_audiences.iter().find(|a| reg.aud.contains(a));
        let reason = match hit {
            Some(a) => format!("aud contains bound audience {a:?}"),
            None if reg.aud.is_empty() => "aud is missing: audience claim does not match any expected audience".into(),
            None => format!(
                "aud {:?} contains none of bound_audiences {:?}: audience claim does not match any expected audience",
                reg.aud, role.bound_audiences
            ),
        };
        checks.push(check(
            "bound_audiences",
            "bound_audiences",
            "bound_audiences",
            Some("aud"),
            role.bound_audiences.iter().map(|a| json!(a)).collect(),
            tv(claims.get("aud")),
            hit.is_some(),
            reason,
            at("bound_audiences"),
            "error validating token: invalid audience (aud) claim: audience claim does not match any expected audience".into(),
        ));
    }

    time_checks(role, &reg, claims, ctx, &mut checks);

    if role.bound_audiences.is_empty() {
        let aud = claims.get("aud");
        let (ok, reason) = match aud {
            Some(Value::Array(items)) if !items.is_empty() => (
                false,
                "aud is a non-empty array but the role has no bound_audiences: audience claim found in JWT but no audiences bound to the role".to_owned(),
            ),
            Some(Value::String(_)) => (
                true,
                "no bound_audiences: Vault only rejects an aud array, and this token's aud is a single string".to_owned(),
            ),
            _ => (true, "no bound_audiences and no aud array in the token".to_owned()),
        };
        checks.push(check(
            "bound_audiences(unset)",
            "bound_audiences",
            "bound_audiences",
            Some("aud"),
            Vec::new(),
            tv(aud),
            ok,
            reason,
            at("bound_audiences"),
            "audience claim found in JWT but no audiences bound to the role".into(),
        ));
    }

    user_claim_check(role, claims, &mut checks);

    for (source, target) in &role.claim_mappings {
        let v = get_claim(claims, source);
        let (ok, reason) = match v {
            None => (true, format!("claim {source:?} is absent: metadata {target:?} is not set")),
            Some(Value::String(s)) => (true, format!("claim {source:?} = {s:?} becomes metadata {target:?}")),
            Some(other) => (
                false,
                format!("claim {source:?} is {} ({other}), not a string: error converting claim '{source}' to string", type_name(other)),
            ),
        };
        checks.push(check(
            "claim_mappings",
            "claim_mappings",
            source,
            Some(source),
            vec![json!(target)],
            tv(v),
            ok,
            reason,
            path::field(&at("claim_mappings"), source),
            format!("error converting claim '{source}' to string"),
        ));
    }

    if !role.groups_claim.is_empty() {
        let g = &role.groups_claim;
        let v = get_claim(claims, g);
        let (ok, reason, err) = match v {
            None => (false, format!("claim {g:?} is missing"), format!("failed to fetch groups: {g:?} claim not found in token")),
            Some(Value::Array(items)) => match items.iter().find(|i| !i.is_string()) {
                Some(bad) => (
                    false,
                    format!("value {bad} in groups claim could not be parsed as string"),
                    format!("value {bad} in groups claim could not be parsed as string"),
                ),
                None => (true, format!("groups claim {g:?} is a list of {} string(s)", items.len()), String::new()),
            },
            Some(Value::String(_)) => (true, format!("groups claim {g:?} is a single string (one group)"), String::new()),
            Some(other @ (Value::Bool(_) | Value::Number(_))) => (
                false,
                format!("value {other} in groups claim could not be parsed as string"),
                format!("value {other} in groups claim could not be parsed as string"),
            ),
            Some(_) => (
                false,
                format!("{g:?} claim could not be converted to string list"),
                format!("{g:?} claim could not be converted to string list"),
            ),
        };
        checks.push(check("groups_claim", "groups_claim", g, Some(g), vec![json!(g)], tv(v), ok, reason, at("groups_claim"), err));
    }

    for bc in &role.bound_claims {
        checks.push(bound_claim_check(role, bc, claims));
    }

    let conditions_matched = checks.iter().all(|c| c.trace.matched);
    let first_failure = checks.iter().find(|c| !c.trace.matched).map(|c| c.vault_error.clone());
    let reason = match &first_failure {
        None => format!("allow: all {} check(s) of the Vault role pass", checks.len()),
        Some(e) => format!("implicit-deny: Vault would answer \"{e}\""),
    };
    let statement = StatementTrace {
        index: 0,
        sid: None,
        effect: Effect::Allow,
        principal_matched: true,
        action_matched: true,
        conditions_matched,
        matched: conditions_matched,
        principal: None,
        action: None,
        conditions: checks.into_iter().map(|c| c.trace).collect(),
        path: role.base.clone(),
    };
    Decision {
        decision: decide([(statement.effect, statement.matched)]),
        dialect: DIALECT,
        provider: None,
        statements: vec![statement],
        lints: lints.to_vec(),
        warnings: Vec::new(),
        reason,
    }
}

fn effective(leeway: i64, default: i64) -> i64 {
    match leeway {
        l if l < 0 => 0,
        0 => default,
        l => l,
    }
}

fn time_checks(role: &Role, reg: &Registered, claims: &Map<String, Value>, ctx: &EvalContext, checks: &mut Vec<Check>) {
    let at = |name: &str| path::field(&role.base, name);
    let cks = effective(role.clock_skew_leeway, DEFAULT_CLOCK_SKEW);
    let exp_fill = effective(role.expiration_leeway, DEFAULT_FILL_LEEWAY);
    let nbf_fill = effective(role.not_before_leeway, DEFAULT_FILL_LEEWAY);
    let leeways = json!({
        "clock_skew_leeway": cks,
        "expiration_leeway": exp_fill,
        "not_before_leeway": nbf_fill,
    });
    if reg.iat == 0 && reg.exp == 0 && reg.nbf == 0 {
        checks.push(check(
            "time_claims",
            "time_claims",
            "iat, nbf, exp",
            None,
            vec![leeways],
            None,
            false,
            "the token has none of iat, nbf, exp (a value of 0 counts as absent)".into(),
            role.base.clone(),
            "error validating token: no issued at (iat), not before (nbf), or expiration time (exp) claims in token".into(),
        ));
        return;
    }
    let exp = if reg.exp != 0 { reg.exp } else { reg.iat.max(reg.nbf).saturating_add(exp_fill) };
    let nbf = if reg.nbf != 0 {
        reg.nbf
    } else if reg.iat != 0 {
        reg.iat
    } else {
        exp.saturating_sub(nbf_fill)
    };
    let exp_src = if reg.exp != 0 {
        format!("exp {exp}")
    } else {
        format!("exp is missing, filled in as max(iat, nbf) + expiration_leeway {exp_fill} = {exp}")
    };
    let nbf_src = if reg.nbf != 0 {
        format!("nbf {nbf}")
    } else if reg.iat != 0 {
        format!("nbf is missing, taken from iat = {nbf}")
    } else {
        format!("nbf and iat are missing, nbf filled in as exp - not_before_leeway {nbf_fill} = {nbf}")
    };
    let Some(now) = ctx.now.filter(|n| n.is_finite()) else {
        for (op, key, src) in [("expiration", "exp", &exp_src), ("not_before", "nbf", &nbf_src)] {
            checks.push(check(
                op,
                "time",
                key,
                Some(key),
                vec![leeways.clone()],
                tv(claims.get(key)),
                true,
                format!("not evaluated: no current time was given (EvalContext.now); {src}"),
                at("clock_skew_leeway"),
                String::new(),
            ));
        }
        return;
    };
    let fmt_secs = |d: f64| {
        let r = (d * 1000.0).round() / 1000.0;
        format!("{r}")
    };
    // nbf: fails when now + leeway is before nbf.
    let nbf_ok = now + (cks as f64) >= nbf as f64;
    checks.push(check(
        "not_before",
        "time",
        "nbf",
        Some("nbf"),
        vec![leeways.clone()],
        tv(claims.get("nbf")),
        nbf_ok,
        if nbf_ok {
            format!("{nbf_src}: valid from {} s ago (clock_skew_leeway {cks} s)", fmt_secs(now - nbf as f64))
        } else {
            format!(
                "{nbf_src} is {} s in the future, more than clock_skew_leeway {cks} s: token not yet valid",
                fmt_secs(nbf as f64 - now)
            )
        },
        at("not_before_leeway"),
        "error validating token: invalid not before (nbf) claim: token not yet valid".into(),
    ));
    let exp_ok = now - (cks as f64) <= exp as f64;
    checks.push(check(
        "expiration",
        "time",
        "exp",
        Some("exp"),
        vec![leeways.clone()],
        tv(claims.get("exp")),
        exp_ok,
        if exp_ok {
            format!("{exp_src}: {} s left (clock_skew_leeway {cks} s)", fmt_secs(exp as f64 - now))
        } else {
            format!(
                "{exp_src} passed {} s ago, more than clock_skew_leeway {cks} s: token is expired",
                fmt_secs(now - exp as f64)
            )
        },
        at("expiration_leeway"),
        "error validating token: invalid expiration time (exp) claim: token is expired".into(),
    ));
    if reg.iat != 0 {
        let iat_ok = now + (cks as f64) >= reg.iat as f64;
        checks.push(check(
            "issued_at",
            "time",
            "iat",
            Some("iat"),
            vec![leeways],
            tv(claims.get("iat")),
            iat_ok,
            if iat_ok {
                format!("iat {} is not in the future (clock_skew_leeway {cks} s)", reg.iat)
            } else {
                format!(
                    "iat {} is {} s in the future, more than clock_skew_leeway {cks} s: token issued in the future",
                    reg.iat,
                    fmt_secs(reg.iat as f64 - now)
                )
            },
            at("clock_skew_leeway"),
            "error validating token: invalid issued at (iat) claim: token issued in the future".into(),
        ));
    }
}

fn user_claim_check(role: &Role, claims: &Map<String, Value>, checks: &mut Vec<Check>) {
    let u = &role.user_claim;
    let v = if role.user_claim_json_pointer { get_claim(claims, u) } else { claims.get(u) };
    let (ok, reason, err) = match v {
        None => (false, format!("claim {u:?} is missing"), format!("claim {u:?} not found in token")),
        Some(Value::String(s)) => (true, format!("claim {u:?} is the string {s:?} (the entity alias name)"), String::new()),
        Some(other) => (
            false,
            format!("claim {u:?} is {}, not a string", type_name(other)),
            format!("claim {u:?} could not be converted to string"),
        ),
    };
    checks.push(check(
        "user_claim",
        "user_claim",
        u,
        Some(u),
        vec![json!(u)],
        tv(v),
        ok,
        reason,
        path::field(&role.base, "user_claim"),
        err,
    ));
}

fn bound_claim_check(role: &Role, bc: &BoundClaim, claims: &Map<String, Value>) -> Check {
    let key = &bc.key;
    let operator = if role.glob { "bound_claims(glob)" } else { "bound_claims(string)" };
    let actual = get_claim(claims, key);
    let fail = |reason: String, err: String, tokens: Option<Vec<Value>>| {
        check(operator, "bound_claims", key, Some(key), bc.values.clone(), tokens, false, reason, bc.path.clone(), format!("error validating claims: {err}"))
    };
    let Some(actual) = actual else {
        let pointer_note = if key.starts_with('/') { " (JSON pointer did not resolve)" } else { "" };
        return fail(format!("claim {key:?} is missing{pointer_note}"), format!("claim {key:?} is missing"), None);
    };
    let (actual_list, top_level): (Vec<&Value>, bool) = match actual {
        Value::Array(items) => (items.iter().collect(), false),
        Value::String(_) | Value::Bool(_) | Value::Number(_) => (vec![actual], true),
        other => {
            let msg = format!("received claim is not a string, bool, int or list: {other}");
            return fail(msg.clone(), msg, Some(vec![other.clone()]));
        }
    };
    let mut hit: Option<(&Value, &Value)> = None;
    'outer: for (i, want) in bc.values.iter().enumerate() {
        for got in &actual_list {
            let ok = if role.glob {
                match (bc.globs.get(i), got) {
                    (Some(g), Value::String(s)) => g.matches(s),
                    _ => false,
                }
            } else {
                string_mode_equal(want, got, top_level)
            };
            if ok {
                hit = Some((want, got));
                break 'outer;
            }
        }
    }
    let tokens = Some(match actual {
        Value::Array(items) => items.clone(),
        other => vec![other.clone()],
    });
    match hit {
        Some((want, got)) => {
            let how = if role.glob { "matches glob" } else { "equals" };
            check(
                operator,
                "bound_claims",
                key,
                Some(key),
                bc.values.clone(),
                tokens,
                true,
                format!("claim {key:?} value {} {how} {}", display_value(got), display_value(want)),
                bc.path.clone(),
                String::new(),
            )
        }
        None => {
            let mut notes = Vec::new();
            if role.glob {
                if actual_list.iter().any(|v| !v.is_string()) {
                    notes.push("non-string token values are skipped in glob mode".to_owned());
                }
                if bc.values.iter().any(|v| v.as_str().is_some_and(|s| s.contains('?'))) {
                    notes.push("'?' is literal in Vault globs".to_owned());
                }
            } else {
                let types_differ = bc.values.iter().any(|w| {
                    actual_list.iter().any(|g| {
                        std::mem::discriminant(w) != std::mem::discriminant(*g) && display_plain(w) == display_plain(g)
                    })
                });
                if types_differ {
                    notes.push("string mode compares types too: \"true\" is not true and \"1\" is not 1".to_owned());
                }
                if !top_level && actual_list.iter().any(|g| g.is_number()) && bc.values.iter().any(Value::is_number) {
                    notes.push("Vault never matches numbers inside a claim array".to_owned());
                }
                if bc.values.iter().any(|v| v.as_str().is_some_and(|s| s.contains('*'))) {
                    notes.push("'*' is literal in string mode".to_owned());
                }
            }
            let notes = if notes.is_empty() { String::new() } else { format!(" ({})", notes.join("; ")) };
            let shown: Vec<String> = actual_list.iter().map(|v| display_value(v)).collect();
            let wanted: Vec<String> = bc.values.iter().map(display_value).collect();
            fail(
                format!(
                    "claim {key:?} value(s) [{}] match none of [{}]{notes}",
                    shown.join(", "),
                    wanted.join(", ")
                ),
                format!("claim {key:?} does not match any associated bound claim values"),
                tokens,
            )
        }
    }
}

fn display_plain(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// ryanuber/go-glob, which Vault uses for `glob` bound claims, ported literally as a reference.
    fn go_glob(pattern: &str, subj: &str) -> bool {
        if pattern.is_empty() {
            return subj == pattern;
        }
        if pattern == "*" {
            return true;
        }
        let parts: Vec<&str> = pattern.split('*').collect();
        if parts.len() == 1 {
            return subj == pattern;
        }
        let leading = pattern.starts_with('*');
        let trailing = pattern.ends_with('*');
        let end = parts.len() - 1;
        let mut subj = subj;
        for (i, part) in parts.iter().enumerate().take(end) {
            let idx = subj.find(part);
            match (i, idx) {
                (0, Some(0)) => {}
                (0, _) if !leading => return false,
                (_, None) => return false,
                _ => {}
            }
            let idx = idx.unwrap_or(0);
            subj = &subj[idx + part.len()..];
        }
        trailing || subj.ends_with(parts[end])
    }

    #[test]
    fn star_only_glob_agrees_with_go_glob() {
        let alpha = ['a', 'b', '*', '?', ':'];
        let mut x: u64 = 0x1234_5678_9abc_def1;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for _ in 0..20_000 {
            let p: String = (0..next() % 7).map(|_| alpha[(next() % 5) as usize]).collect();
            let t: String = (0..next() % 8).map(|_| alpha[(next() % 5) as usize]).collect();
            assert_eq!(Glob::star_only(&p).matches(&t), go_glob(&p, &t), "pattern {p:?} text {t:?}");
        }
    }

    #[test]
    fn json_pointer_lookup() {
        let claims = serde_json::from_value::<Map<String, Value>>(json!({
            "a": {"b/c": {"d~e": 1}}, "list": ["x", "y"], "n": null
        }))
        .unwrap();
        assert_eq!(get_claim(&claims, "/a/b~1c/d~0e"), Some(&json!(1)));
        assert_eq!(get_claim(&claims, "/list/1"), Some(&json!("y")));
        assert_eq!(get_claim(&claims, "/list/9"), None);
        assert_eq!(get_claim(&claims, "/list/x"), None);
        assert_eq!(get_claim(&claims, "/n"), None);
        assert_eq!(get_claim(&claims, "n"), None);
        assert_eq!(get_claim(&claims, "/a/b~1c/d~0e/deeper"), None);
    }

    #[test]
    fn number_text_like_vault() {
        assert_eq!(go_number_text(&serde_json::Number::from(42)), "42");
        assert_eq!(go_number_text(&serde_json::Number::from_f64(42.0).unwrap()), "42");
        assert_eq!(go_number_text(&serde_json::Number::from_f64(1.5).unwrap()), "1.5");
    }
}
