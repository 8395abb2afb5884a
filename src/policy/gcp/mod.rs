//! Google Cloud Workload Identity Federation OIDC providers (policy-semantics.md §5): the provider's JSON as the
//! IAM API returns it (`name`, `oidc.issuerUri`, `oidc.allowedAudiences`, `attributeMapping`,
//! `attributeCondition`, …).
//!
//! The provider is one statement. Its conditions, in Google's order: `state` (only for a disabled provider),
//! `issuer`, `audiences`, one `attributeMapping` row per mapped attribute (showing the mapped value), and the
//! `attributeCondition` — split at its top-level `&&` into one row per conjunct, which gives the same result as
//! the whole condition because CEL's `&&` is true exactly when every conjunct is true.
//!
//! CEL: [`cel`] parses the subset Google's examples use, [`eval`] evaluates it.

pub mod cel;
pub mod eval;

use serde_json::{Map, Value};

use crate::error::Error;
use crate::policy::single::{self, quote, Applied, Outcome};
use crate::policy::trace::{ConditionTrace, Decision, DecisionKind, Lint, LintCode, Severity};
use crate::policy::{path, EvalContext};
use cel::{Expr, Kind, Program};
use eval::{EvalError, Evaluator, Scope, Val};

/// The dialect's stable name.
pub const DIALECT: &str = "gcp";

/// Google STS's answer when the attribute condition rejects a token.
pub const CONDITION_REJECTED: &str = "unauthorized_client: The given credential is rejected by the attribute condition.";

pub const MAX_AUDIENCES: usize = 10;
pub const MAX_AUDIENCE_CHARS: usize = 256;
pub const MAX_CONDITION_CHARS: usize = 4096;
pub const MAX_MAPPING_CHARS: usize = 2048;
pub const MAX_SUBJECT_BYTES: usize = 127;
pub const MAX_CUSTOM_ATTRIBUTES: usize = 50;
pub const MAX_ATTRIBUTE_NAME_CHARS: usize = 100;

/// UNCONFIRMED rules (ids are public; the README lists them with the choice made).
pub mod rules {
    /// A mapping other than `google.subject` that fails (missing key, wrong type) rejects the token.
    pub const MAPPING_ERROR_REJECTS: &str = "gcp-mapping-error-rejects";
    /// A token `aud` array matches when any element is an allowed audience.
    pub const AUD_ARRAY_ANY: &str = "gcp-aud-array-any";
    /// `iss` is compared with `issuerUri` byte for byte (a trailing slash matters).
    pub const ISSUER_EXACT: &str = "gcp-issuer-exact";
}

fn rule_message(rule: &'static str) -> &'static str {
    match rule {
        rules::MAPPING_ERROR_REJECTS => {
            "an attribute mapping that fails to evaluate (e.g. a missing claim) is taken to reject the token"
        }
        rules::AUD_ARRAY_ANY => "a token `aud` array is taken to match when any element is an allowed audience",
        rules::ISSUER_EXACT => "`iss` is compared with `issuerUri` byte for byte, so a trailing slash matters",
        _ => "unconfirmed rule",
    }
}

const TOP_FIELDS: &[&str] = &[
    "name", "displayName", "description", "state", "disabled", "expireTime", "attributeMapping", "attributeCondition",
    "oidc",
];
const OIDC_FIELDS: &[&str] = &["issuerUri", "allowedAudiences", "jwksJson"];
const OTHER_PROTOCOLS: &[&str] = &["aws", "saml", "x509"];
const MULTI_TENANT: &[&str] = &[
    "https://token.actions.githubusercontent.com",
    "https://gitlab.com",
    "https://app.terraform.io",
    "https://oidc.circleci.com",
    "https://accounts.google.com",
];

/// Google's shape: an `oidc` object with `issuerUri`, or `attributeMapping` / `attributeCondition`.
pub fn looks_like(map: &Map<String, Value>) -> bool {
    let oidc = map.get("oidc").and_then(Value::as_object).is_some_and(|o| o.contains_key("issuerUri"));
    oidc || map.contains_key("attributeMapping") || map.contains_key("attributeCondition")
}

#[derive(Clone, Debug)]
struct Mapping {
    key: String,
    source: String,
    program: Program,
    path: String,
}

#[derive(Clone, Debug)]
struct Conjunct {
    expr: Expr,
    text: String,
    claims: Vec<String>,
}

/// A compiled WIF OIDC provider.
#[derive(Clone, Debug)]
pub struct GcpPolicy {
    name: Option<String>,
    disabled: Option<String>,
    issuer: String,
    audiences: Vec<String>,
    mappings: Vec<Mapping>,
    condition: Vec<Conjunct>,
    lints: Vec<Lint>,
}

fn cel_error(p: String, what: &str, e: cel::SyntaxError) -> Error {
    Error::policy(p, format!("{what}: {} (at offset {})", e.message, e.position)).with_position(e.position)
}

/// `projects/<n>/locations/<loc>/workloadIdentityPools/<pool>/providers/<id>`.
fn valid_name(s: &str) -> bool {
    let parts: Vec<&str> = s.split('/').collect();
    parts.len() == 8
        && parts[0] == "projects"
        && parts[2] == "locations"
        && parts[4] == "workloadIdentityPools"
        && parts[6] == "providers"
        && [1, 3, 5, 7].iter().all(|&i| !parts[i].is_empty())
}

impl GcpPolicy {
    pub fn parse(doc: &Value) -> Result<GcpPolicy, Error> {
        let Value::Object(m) = doc else {
            return Err(Error::policy("$", format!(
                "a workload identity pool provider is a JSON object, found {}",
                single::type_name(doc)
            )));
        };
        for k in m.keys() {
            if OTHER_PROTOCOLS.contains(&k.as_str()) {
                return Err(Error::policy(path::field("$", k), format!("only OIDC providers are supported, this is a `{k}` provider")));
            }
            if !TOP_FIELDS.contains(&k.as_str()) {
                return Err(Error::policy(path::field("$", k), format!("unknown field `{k}` (a provider has {})", TOP_FIELDS.join(", "))));
            }
        }
        let mut lints = Vec::new();
        let name = match m.get("name") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) if valid_name(s) => Some(s.clone()),
            Some(Value::String(s)) => {
                return Err(Error::policy("$.name", format!(
                    "`name` must be projects/<number>/locations/<location>/workloadIdentityPools/<pool>/providers/<id>, found {s:?}"
                )))
            }
            Some(other) => return Err(Error::policy("$.name", format!("`name` must be a string, found {}", single::type_name(other)))),
        };
        for f in ["displayName", "description", "state", "expireTime"] {
            if let Some(v) = m.get(f) {
                if !v.is_string() && !v.is_null() {
                    return Err(Error::policy(path::field("$", f), format!("`{f}` must be a string, found {}", single::type_name(v))));
                }
            }
        }
        let disabled = match m.get("disabled") {
            None | Some(Value::Null) | Some(Value::Bool(false)) => None,
            Some(Value::Bool(true)) => Some("$.disabled".to_owned()),
            Some(other) => return Err(Error::policy("$.disabled", format!("`disabled` must be a boolean, found {}", single::type_name(other)))),
        }
        .or_else(|| match m.get("state").and_then(Value::as_str) {
            Some("DELETED") => Some("$.state".to_owned()),
            _ => None,
        });

        let (issuer, audiences) = parse_oidc(m)?;
        if audiences.is_empty() && name.is_none() {
            lints.push(Lint::new(
                LintCode::DefaultAudienceUnknown,
                Severity::Warning,
                "$.oidc",
                "no allowedAudiences: Google then requires aud to be the provider's resource name \
                 (//iam.googleapis.com/projects/…/providers/<id>), but this document has no `name`, so every token is rejected here; \
                 add `name` or allowedAudiences",
            ));
        }
        let mappings = parse_mappings(m)?;
        let condition = parse_condition(m, &mappings, &issuer, &mut lints)?;
        for mp in &mappings {
            regex_lints(&mp.program, &mp.path, &mut lints);
        }
        Ok(GcpPolicy { name, disabled, issuer, audiences, mappings, condition, lints })
    }

    pub fn lints(&self) -> &[Lint] {
        &self.lints
    }

    /// The audiences a token may carry: the allowed list, or the provider's resource name in both spellings.
    pub fn effective_audiences(&self) -> Vec<String> {
        if !self.audiences.is_empty() {
            return self.audiences.clone();
        }
        match &self.name {
            Some(n) => vec![format!("//iam.googleapis.com/{n}"), format!("https://iam.googleapis.com/{n}")],
            None => Vec::new(),
        }
    }

    pub fn evaluate(&self, claims: &Map<String, Value>, _ctx: &EvalContext) -> Decision {
        let mut conditions: Vec<ConditionTrace> = Vec::new();
        let mut applied: Vec<Applied> = Vec::new();
        let apply = |applied: &mut Vec<Applied>, index: usize, rule: &'static str| {
            applied.push(Applied { index, rule, message: rule_message(rule) });
        };

        if let Some(p) = &self.disabled {
            conditions.push(single::condition(
                "state",
                "state",
                None,
                vec![],
                None,
                false,
                "the provider is disabled (or deleted): Google rejects every token".to_owned(),
                p.clone(),
            ));
        }

        // issuer
        let iss = claims.get("iss");
        let ip = "$.oidc.issuerUri";
        let pv = vec![Value::String(self.issuer.clone())];
        let c = match iss {
            None => single::condition("issuer", "issuerUri", Some("iss"), pv, None, false, "the token has no `iss` claim".into(), ip),
            Some(v) => match v.as_str() {
                None => single::condition("issuer", "issuerUri", Some("iss"), pv, Some(vec![v.clone()]), false, format!("`iss` is {}, not a string", single::type_name(v)), ip),
                Some(s) => {
                    let matched = s == self.issuer;
                    if !matched && s.trim_end_matches('/') == self.issuer.trim_end_matches('/') {
                        apply(&mut applied, conditions.len(), rules::ISSUER_EXACT);
                    }
                    let reason = if matched {
                        format!("iss {} equals the provider's issuerUri", quote(s))
                    } else {
                        format!("iss {} is not the provider's issuerUri {} (compared byte for byte)", quote(s), quote(&self.issuer))
                    };
                    single::condition("issuer", "issuerUri", Some("iss"), pv, Some(vec![v.clone()]), matched, reason, ip)
                }
            },
        };
        conditions.push(c);

        // audiences
        let (c, array_rule) = self.audience_condition(claims.get("aud"));
        if array_rule {
            apply(&mut applied, conditions.len(), rules::AUD_ARRAY_ANY);
        }
        conditions.push(c);

        // attribute mappings
        let assertion = Val::from_claims(claims);
        let roots = [("assertion", assertion.clone())];
        let mut google: Vec<(Val, Val)> = Vec::new();
        let mut attribute: Vec<(Val, Val)> = Vec::new();
        for mp in &self.mappings {
            let mut ev = Evaluator::new(Scope { roots: &roots });
            let r = ev.eval(&mp.program.root);
            let claim = single_claim(&mp.program.refs.assertion);
            let pv = vec![Value::String(mp.source.clone())];
            let subject = mp.key == "google.subject";
            let (matched, tv, reason) = match r {
                Err(e) => (false, None, format!("{} = {}: error: {} (at offset {})", mp.key, mp.source, e.message, e.position)),
                Ok(v) => {
                    let shown = v.show();
                    let problem = mapped_value_problem(&mp.key, &v);
                    if problem.is_none() {
                        let (bucket, short) = match mp.key.strip_prefix("google.") {
                            Some(s) => (&mut google, s),
                            None => (&mut attribute, mp.key.strip_prefix("attribute.").unwrap_or(&mp.key)),
                        };
                        bucket.push((Val::str(short), v.clone()));
                    }
                    match problem {
                        None => (true, Some(vec![v.to_json()]), format!("{} = {shown} (from {})", mp.key, mp.source)),
                        Some(p) => (false, Some(vec![v.to_json()]), format!("{} = {shown}: {p}", mp.key)),
                    }
                }
            };
            if !matched && !subject {
                apply(&mut applied, conditions.len(), rules::MAPPING_ERROR_REJECTS);
            }
            conditions.push(single::condition("attributeMapping", mp.key.clone(), claim, pv, tv, matched, reason, mp.path.clone()));
        }

        // attribute condition
        let condition_start = conditions.len();
        if !self.condition.is_empty() {
            let roots = [
                ("assertion", assertion),
                ("google", Val::Map(google.into())),
                ("attribute", Val::Map(attribute.into())),
            ];
            let results: Vec<(Result<Val, EvalError>, Vec<EvalError>)> = self
                .condition
                .iter()
                .map(|cj| {
                    let mut ev = Evaluator::new(Scope { roots: &roots });
                    let r = ev.eval(&cj.expr);
                    (r, ev.absorbed)
                })
                .collect();
            let false_at = results.iter().position(|(r, _)| matches!(r, Ok(Val::Bool(false))));
            let total = self.condition.len();
            for (i, (cj, (r, absorbed))) in self.condition.iter().zip(results).enumerate() {
                let label = if total > 1 { format!("conjunct {} of {total}: ", i + 1) } else { String::new() };
                let pv = vec![Value::String(cj.text.clone())];
                let absorbed_note = match absorbed.first() {
                    Some(e) => format!("; an error on the side that did not decide was absorbed ({} at offset {})", e.message, e.position),
                    None => String::new(),
                };
                let (matched, tv, reason) = match r {
                    Ok(Val::Bool(true)) => (true, Some(vec![Value::Bool(true)]), format!("{label}{} is true{absorbed_note}", cj.text)),
                    Ok(Val::Bool(false)) => (false, Some(vec![Value::Bool(false)]), format!("{label}{} is false{absorbed_note}", cj.text)),
                    Ok(other) => (false, Some(vec![other.to_json()]), format!("{label}{} is {}, not a bool: the condition must be a bool", cj.text, other.type_name())),
                    Err(e) => {
                        let note = match false_at {
                            Some(j) if j != i => format!(" (the whole condition is false anyway: conjunct {} is false)", j + 1),
                            _ => " — an error rejects the token".to_owned(),
                        };
                        (false, None, format!("{label}{} failed: {} (at offset {}){note}", cj.text, e.message, e.position))
                    }
                };
                let claim = single_claim(&cj.claims);
                conditions.push(single::condition("attributeCondition", cj.text.clone(), claim, pv, tv, matched, reason, "$.attributeCondition"));
            }
        }

        let first_failed = conditions.iter().position(|c| !c.matched);
        let failure_text = match first_failed {
            Some(i) if i >= condition_start && !self.condition.is_empty() => CONDITION_REJECTED.to_owned(),
            _ => "Google STS rejects the token exchange:".to_owned(),
        };
        single::finish(Outcome {
            dialect: DIALECT,
            provider: iss.and_then(Value::as_str).map(str::to_owned),
            name: self.name.clone(),
            conditions,
            static_lints: &self.lints,
            token_lints: Vec::new(),
            applied,
            failure_text,
        })
    }

    pub fn decide(&self, claims: &Map<String, Value>, ctx: &EvalContext) -> DecisionKind {
        self.evaluate(claims, ctx).decision
    }

    fn audience_condition(&self, aud: Option<&Value>) -> (ConditionTrace, bool) {
        let allowed = self.effective_audiences();
        let p = if self.audiences.is_empty() { "$.name" } else { "$.oidc.allowedAudiences" };
        let pv: Vec<Value> = allowed.iter().map(|s| Value::String(s.clone())).collect();
        let cond = |tv, matched, reason| single::condition("audiences", "allowedAudiences", Some("aud"), pv.clone(), tv, matched, reason, p);
        let Some(v) = aud else {
            return (cond(None, false, "the token has no `aud` claim".to_owned()), false);
        };
        let tv = Some(match v {
            Value::Array(a) => a.clone(),
            other => vec![other.clone()],
        });
        let Some(list) = single::string_values(Some(v)) else {
            return (cond(tv, false, format!("`aud` is {}, not a string or an array of strings", single::type_name(v))), false);
        };
        if allowed.is_empty() {
            let reason = "no allowedAudiences, so aud must be the provider's resource name \
                          (//iam.googleapis.com/projects/<number>/locations/global/workloadIdentityPools/<pool>/providers/<id>, \
                          with or without https:), but the document has no `name` to tell it"
                .to_owned();
            return (cond(tv, false, reason), false);
        }
        let matched = list.iter().any(|a| allowed.iter().any(|w| w == a));
        let shown: Vec<String> = list.iter().map(|s| quote(s)).collect();
        let reason = match (matched, self.audiences.is_empty()) {
            (true, true) => format!("aud [{}] is the provider's resource name (the default audience)", shown.join(", ")),
            (true, false) => format!("aud [{}] contains an allowed audience", shown.join(", ")),
            (false, true) => format!(
                "aud [{}] is not the provider's resource name {} (with or without https:; there are no allowedAudiences)",
                shown.join(", "),
                quote(&allowed[0])
            ),
            (false, false) => format!("aud [{}] contains none of the allowedAudiences", shown.join(", ")),
        };
        (cond(tv, matched, reason), matched && list.len() > 1)
    }
}

fn single_claim(claims: &[String]) -> Option<&str> {
    match claims {
        [one] => Some(one),
        _ => None,
    }
}

/// Why a mapped value cannot be used, if it cannot.
fn mapped_value_problem(key: &str, v: &Val) -> Option<String> {
    match (key, v) {
        ("google.subject", Val::Str(s)) if s.len() > MAX_SUBJECT_BYTES => Some(format!(
            "the mapped google.subject is {} bytes; Google allows at most {MAX_SUBJECT_BYTES} (\"The size of mapped attribute google.subject exceeds the {MAX_SUBJECT_BYTES} bytes limit\")",
            s.len()
        )),
        ("google.subject", Val::Str(_)) => None,
        ("google.subject", other) => Some(format!("google.subject must map to a string, found {}", other.type_name())),
        (_, Val::Str(_)) => None,
        (_, Val::List(l)) if l.iter().all(|x| matches!(x, Val::Str(_))) => None,
        (_, other) => Some(format!("an attribute must map to a string or a list of strings, found {}", other.type_name())),
    }
}

fn parse_oidc(m: &Map<String, Value>) -> Result<(String, Vec<String>), Error> {
    let oidc = match m.get("oidc") {
        Some(Value::Object(o)) => o,
        None | Some(Value::Null) => return Err(Error::policy("$.oidc", "`oidc` (with issuerUri) is required")),
        Some(other) => return Err(Error::policy("$.oidc", format!("`oidc` must be an object, found {}", single::type_name(other)))),
    };
    for k in oidc.keys() {
        if !OIDC_FIELDS.contains(&k.as_str()) {
            return Err(Error::policy(path::field("$.oidc", k), format!("unknown field `{k}` (oidc has {})", OIDC_FIELDS.join(", "))));
        }
    }
    let issuer = match oidc.get("issuerUri") {
        Some(Value::String(s)) if s.starts_with("https://") && s.len() > "https://".len() => s.clone(),
        Some(Value::String(s)) => {
            return Err(Error::policy("$.oidc.issuerUri", format!("`issuerUri` must be an https:// URL, found {s:?}")))
        }
        None | Some(Value::Null) => return Err(Error::policy("$.oidc.issuerUri", "`issuerUri` is required")),
        Some(other) => {
            return Err(Error::policy("$.oidc.issuerUri", format!("`issuerUri` must be a string, found {}", single::type_name(other))))
        }
    };
    if let Some(v) = oidc.get("jwksJson") {
        if !v.is_string() && !v.is_null() {
            return Err(Error::policy("$.oidc.jwksJson", "`jwksJson` must be a string"));
        }
    }
    let ap = "$.oidc.allowedAudiences";
    let audiences = match oidc.get("allowedAudiences") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => {
            if a.len() > MAX_AUDIENCES {
                return Err(Error::policy(ap, format!("at most {MAX_AUDIENCES} allowedAudiences, found {}", a.len())));
            }
            let mut out = Vec::with_capacity(a.len());
            for (i, v) in a.iter().enumerate() {
                let p = path::index(ap, i);
                match v {
                    Value::String(s) if s.is_empty() => return Err(Error::policy(p, "an audience is empty")),
                    Value::String(s) if s.chars().count() > MAX_AUDIENCE_CHARS => {
                        return Err(Error::policy(p, format!("an audience may be at most {MAX_AUDIENCE_CHARS} characters")))
                    }
                    Value::String(s) => out.push(s.clone()),
                    other => return Err(Error::policy(p, format!("an audience must be a string, found {}", single::type_name(other)))),
                }
            }
            out
        }
        Some(other) => {
            return Err(Error::policy(ap, format!("`allowedAudiences` must be an array of strings, found {}", single::type_name(other))))
        }
    };
    Ok((issuer, audiences))
}

fn parse_mappings(m: &Map<String, Value>) -> Result<Vec<Mapping>, Error> {
    let mp = "$.attributeMapping";
    let obj = match m.get("attributeMapping") {
        Some(Value::Object(o)) => o,
        None | Some(Value::Null) => {
            return Err(Error::policy(mp, "`attributeMapping` is required for OIDC providers and must map google.subject"))
        }
        Some(other) => {
            return Err(Error::policy(mp, format!("`attributeMapping` must be an object, found {}", single::type_name(other))))
        }
    };
    if !obj.contains_key("google.subject") {
        return Err(Error::policy(mp, "`attributeMapping` must map google.subject (e.g. \"google.subject\": \"assertion.sub\")"));
    }
    let mut custom = 0usize;
    let mut out = Vec::with_capacity(obj.len());
    for (k, v) in obj {
        let p = path::field(mp, k);
        match k.as_str() {
            "google.subject" | "google.groups" => {}
            _ => match k.strip_prefix("attribute.") {
                Some(n)
                    if !n.is_empty()
                        && n.len() <= MAX_ATTRIBUTE_NAME_CHARS
                        && n.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_') =>
                {
                    custom += 1;
                    if custom > MAX_CUSTOM_ATTRIBUTES {
                        return Err(Error::policy(p, format!("at most {MAX_CUSTOM_ATTRIBUTES} custom attributes")));
                    }
                }
                Some(_) => {
                    return Err(Error::policy(p, format!(
                        "custom attribute names are 1–{MAX_ATTRIBUTE_NAME_CHARS} characters of [a-z0-9_], found {k:?}"
                    )))
                }
                None => {
                    return Err(Error::policy(p, format!(
                        "unsupported attribute {k:?} (workload identity pools map google.subject, google.groups and attribute.<name>)"
                    )))
                }
            },
        }
        let src = match v {
            Value::String(s) if s.trim().is_empty() => return Err(Error::policy(p, "the mapping expression is empty")),
            Value::String(s) => s,
            other => return Err(Error::policy(p, format!("a mapping is a CEL expression string, found {}", single::type_name(other)))),
        };
        if src.chars().count() > MAX_MAPPING_CHARS {
            return Err(Error::policy(p, format!("a mapping expression may be at most {MAX_MAPPING_CHARS} characters")));
        }
        let program = cel::parse(src, &["assertion"]).map_err(|e| cel_error(p.clone(), &format!("attributeMapping {k:?}"), e))?;
        out.push(Mapping { key: k.clone(), source: src.clone(), program, path: p });
    }
    // google.subject first, then google.groups, then custom attributes in document order.
    out.sort_by_key(|m| match m.key.as_str() {
        "google.subject" => 0,
        "google.groups" => 1,
        _ => 2,
    });
    Ok(out)
}

fn parse_condition(m: &Map<String, Value>, mappings: &[Mapping], issuer: &str, lints: &mut Vec<Lint>) -> Result<Vec<Conjunct>, Error> {
    let p = "$.attributeCondition";
    let src = match m.get("attributeCondition") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.trim().is_empty() => None,
        Some(Value::String(s)) => Some(s),
        Some(other) => {
            return Err(Error::policy(p, format!("`attributeCondition` must be a CEL expression string, found {}", single::type_name(other))))
        }
    };
    let Some(src) = src else {
        let multi = MULTI_TENANT.iter().any(|i| issuer.trim_end_matches('/') == *i);
        lints.push(Lint::new(
            LintCode::MissingAttributeCondition,
            if multi { Severity::Warning } else { Severity::Info },
            p,
            if multi {
                "no attributeCondition: every token this multi-tenant issuer signs (any repository or project) is accepted"
            } else {
                "no attributeCondition: every valid token of the issuer is accepted"
            },
        ));
        return Ok(Vec::new());
    };
    let n = src.chars().count();
    if n > MAX_CONDITION_CHARS {
        return Err(Error::policy(p, format!("`attributeCondition` is {n} characters; Google allows at most {MAX_CONDITION_CHARS}")));
    }
    let program = cel::parse(src, &["assertion", "google", "attribute"]).map_err(|e| cel_error(p.to_owned(), "attributeCondition", e))?;
    regex_lints(&program, p, lints);
    for a in &program.refs.attribute {
        if !mappings.iter().any(|m| m.key.strip_prefix("attribute.") == Some(a.as_str())) {
            lints.push(Lint::new(
                LintCode::KeyNotExposed,
                Severity::Warning,
                p,
                format!("the condition reads attribute.{a}, which attributeMapping never maps: reading it is an error, so the token is rejected"),
            ));
        }
    }
    let mut parts = Vec::new();
    flatten_and(program.root, &mut parts);
    Ok(parts
        .into_iter()
        .map(|e| {
            let text = src.get(e.start..e.end).unwrap_or(src).to_owned();
            let claims = cel::parse(&text, &["assertion", "google", "attribute"]).map(|p| p.refs.assertion).unwrap_or_default();
            Conjunct { expr: e, text, claims }
        })
        .collect())
}

fn flatten_and(e: Expr, out: &mut Vec<Expr>) {
    match e.kind {
        Kind::And(l, r) => {
            flatten_and(*l, out);
            flatten_and(*r, out);
        }
        _ => out.push(e),
    }
}

fn regex_lints(program: &Program, p: &str, lints: &mut Vec<Lint>) {
    for (pat, at) in &program.refs.patterns {
        if !pat.starts_with('^') || !pat.ends_with('$') {
            lints.push(Lint::new(
                LintCode::UnanchoredRegex,
                Severity::Warning,
                p,
                format!(
                    "matches({pat:?}) at offset {at} is a substring search (CEL's matches is unanchored): write ^…$ to compare the whole value"
                ),
            ));
        }
    }
}
