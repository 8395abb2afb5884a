//! Compiles an AWS trust policy document. Everything that does not depend on the token is done here once:
//! operator names, lowercased keys and their place in the key table, numbers, dates, CIDRs, globs, ARN
//! patterns, variable templates, and whether the Action element covers `sts:AssumeRoleWithWebIdentity`.
//!
//! Every rejection is `ERR_POLICY_INVALID` with the JSON path of the offending element.

use serde_json::{Map, Value};

use super::keys::{self, ExposedKey, ProviderClass};
use super::operators::{
    arn_parts, parse_bool_text, parse_date, parse_operator, Cidr, EpochMillis, Family, Num,
    Operator, StrMode,
};
use super::vars::{Piece, Template};
use crate::error::Error;
use crate::json::type_name;
use crate::policy::glob::{bytes_eq, Glob, GlobToken};
use crate::policy::path;
use crate::policy::trace::{Effect, Lint, LintCode, Severity};

/// The action a web-identity token asks for.
pub const WEB_IDENTITY_ACTION: &str = "sts:AssumeRoleWithWebIdentity";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Version {
    V2012_10_17,
    V2008_10_17,
    Unspecified,
}

/// A condition key, compiled.
#[derive(Clone, Debug, PartialEq)]
pub struct CompiledKey {
    pub written: String,
    pub scope: KeyScope,
}

#[derive(Clone, Debug, PartialEq)]
pub enum KeyScope {
    /// `<provider prefix>:<name>`: a token claim if the table exposes it for that provider.
    Provider {
        prefix_lower: String,
        name_lower: String,
        class: ProviderClass,
        exposed: Option<&'static ExposedKey>,
    },
    /// `aws:…`, `sts:…` and other service keys: request context, never from the token.
    Context,
    /// No `:` at all: not a key AWS can have.
    Malformed,
}

impl CompiledKey {
    pub fn new(written: &str) -> CompiledKey {
        let scope = match written.rsplit_once(':') {
            None => KeyScope::Malformed,
            Some((prefix, name)) if prefix.is_empty() || name.is_empty() => KeyScope::Malformed,
            // Provider prefixes are host names (with a path); service namespaces (`aws`, `sts`) have neither
            // a dot nor a slash.
            Some((prefix, _)) if !prefix.contains('.') && !prefix.contains('/') => {
                KeyScope::Context
            }
            Some((prefix, name)) => {
                let class = keys::classify(prefix);
                KeyScope::Provider {
                    prefix_lower: prefix.to_lowercase(),
                    name_lower: name.to_lowercase(),
                    class,
                    exposed: keys::lookup(class, name),
                }
            }
        };
        CompiledKey {
            written: written.to_owned(),
            scope,
        }
    }

    /// The claim name for traces, when the key maps to one.
    pub fn claim_name(&self) -> Option<&'static str> {
        match &self.scope {
            KeyScope::Provider {
                exposed: Some(k), ..
            } => Some(match k.source {
                keys::ClaimSource::Claim(c) => c,
                keys::ClaimSource::AzpElseAud => "aud",
                keys::ClaimSource::Nested(..) => "google.organization_number",
            }),
            _ => None,
        }
    }

    pub fn is_multi_valued(&self) -> bool {
        matches!(&self.scope, KeyScope::Provider { exposed: Some(k), .. } if k.kind == keys::ValueKind::MultiValued)
    }

    pub fn name_lower(&self) -> Option<&str> {
        match &self.scope {
            KeyScope::Provider { name_lower, .. } => Some(name_lower),
            _ => None,
        }
    }
}

/// A compiled `StringEquals`/`StringLike`/… operand.
#[derive(Clone, Debug, PartialEq)]
pub enum StrMatcher {
    Exact(String),
    /// Lowercased.
    Lower(String),
    Glob(Glob),
}

impl StrMatcher {
    pub fn from_pieces<'a>(
        mode: StrMode,
        pieces: impl Iterator<Item = (bool, &'a str)>,
    ) -> StrMatcher {
        match mode {
            StrMode::Exact => StrMatcher::Exact(pieces.map(|(_, s)| s).collect()),
            StrMode::IgnoreCase => {
                StrMatcher::Lower(pieces.map(|(_, s)| s).collect::<String>().to_lowercase())
            }
            StrMode::Like => StrMatcher::Glob(Glob::from_tokens(glob_tokens(pieces))),
        }
    }

    pub fn matches(&self, text: &str) -> bool {
        match self {
            StrMatcher::Exact(s) => bytes_eq(s.as_bytes(), text.as_bytes()),
            StrMatcher::Lower(s) => eq_ignore_case(s, text),
            StrMatcher::Glob(g) => g.matches(text),
        }
    }
}

/// `lower` (already lowercased) equals `text` lowercased, without allocating.
pub fn eq_ignore_case(lower: &str, text: &str) -> bool {
    if bytes_eq(lower.as_bytes(), text.as_bytes()) {
        return true;
    }
    if text.is_ascii() {
        return lower.len() == text.len()
            && lower
                .bytes()
                .zip(text.bytes())
                .all(|(l, t)| l == t.to_ascii_lowercase());
    }
    lower.chars().eq(text.chars().flat_map(char::to_lowercase))
}

/// Raw pieces (`true`) have wildcards; literal pieces do not.
fn glob_tokens<'a>(pieces: impl Iterator<Item = (bool, &'a str)>) -> Vec<GlobToken> {
    let mut out = Vec::new();
    for (raw, s) in pieces {
        for c in s.chars() {
            out.push(match c {
                '*' if raw => GlobToken::Star,
                '?' if raw => GlobToken::One,
                c => GlobToken::Lit(c),
            });
        }
    }
    out
}

#[derive(Clone, Debug, PartialEq)]
pub enum StrValue {
    Fixed(StrMatcher),
    Template(Template),
}

#[derive(Clone, Debug, PartialEq)]
pub enum BoolValue {
    Fixed(bool),
    Template(Template),
}

/// An ARN pattern: six parts, each matched with `*`/`?` wildcards.
#[derive(Clone, Debug, PartialEq)]
pub struct ArnPattern {
    pub parts: Vec<Glob>,
}

impl ArnPattern {
    pub fn from_tokens(tokens: Vec<GlobToken>) -> Option<ArnPattern> {
        let mut parts: Vec<Vec<GlobToken>> = vec![Vec::new()];
        for t in tokens {
            let split = parts.len() < 6 && t == GlobToken::Lit(':');
            if split {
                parts.push(Vec::new());
            } else if let Some(last) = parts.last_mut() {
                last.push(t);
            }
        }
        if parts.len() != 6 {
            return None;
        }
        Some(ArnPattern {
            parts: parts.into_iter().map(Glob::from_tokens).collect(),
        })
    }

    pub fn matches(&self, arn: &str) -> bool {
        match arn_parts(arn) {
            Some(p) => self.parts.iter().zip(p.iter()).all(|(g, s)| g.matches(s)),
            None => false,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum ArnValue {
    Fixed(ArnPattern),
    Template(Template),
}

/// Compiled policy values of one condition, by operator family.
#[derive(Clone, Debug, PartialEq)]
pub enum Values {
    Str(Vec<StrValue>),
    Num(Vec<Num>),
    Date(Vec<EpochMillis>),
    Bool(Vec<BoolValue>),
    Binary(Vec<Vec<u8>>),
    Ip(Vec<Cidr>),
    Arn(Vec<ArnValue>),
    Null(Vec<bool>),
}

impl Values {
    pub fn templates(&self) -> Vec<&Template> {
        match self {
            Values::Str(v) => v
                .iter()
                .filter_map(|x| {
                    if let StrValue::Template(t) = x {
                        Some(t)
                    } else {
                        None
                    }
                })
                .collect(),
            Values::Bool(v) => v
                .iter()
                .filter_map(|x| {
                    if let BoolValue::Template(t) = x {
                        Some(t)
                    } else {
                        None
                    }
                })
                .collect(),
            Values::Arn(v) => v
                .iter()
                .filter_map(|x| {
                    if let ArnValue::Template(t) = x {
                        Some(t)
                    } else {
                        None
                    }
                })
                .collect(),
            _ => Vec::new(),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Condition {
    pub operator_written: String,
    pub op: Operator,
    pub key: CompiledKey,
    pub values: Values,
    /// The policy values as written (a single value becomes a one-element list).
    pub json_values: Vec<Value>,
    /// Whether the values were written as a list (for value paths).
    pub value_is_list: bool,
    pub path: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct FedPrincipal {
    pub written: String,
    pub path: String,
    pub kind: FedKind,
}

#[derive(Clone, Debug, PartialEq)]
pub enum FedKind {
    /// An OIDC provider ARN or a built-in provider: matches when the prefix equals the token's provider.
    Provider(String),
    /// A SAML provider ARN: never matches a web-identity token.
    Saml,
    /// `"*"`.
    Any,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Principal {
    /// `"Principal": "*"` or `{"AWS": "*"}`.
    Everyone { written: String },
    Listed {
        federated: Vec<FedPrincipal>,
        other_types: Vec<String>,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub struct ActionSpec {
    /// `Action` or `NotAction`.
    pub field: &'static str,
    pub values: Vec<String>,
    pub path: String,
    /// Index of the first value matching `sts:AssumeRoleWithWebIdentity`.
    pub hit: Option<usize>,
}

impl ActionSpec {
    pub fn matched(&self) -> bool {
        if self.field == "NotAction" {
            self.hit.is_none()
        } else {
            self.hit.is_some()
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Statement {
    pub index: usize,
    pub path: String,
    pub sid: Option<String>,
    pub effect: Effect,
    pub principal: Principal,
    pub principal_path: String,
    pub action: ActionSpec,
    pub conditions: Vec<Condition>,
}

/// The compiled document.
#[derive(Clone, Debug, PartialEq)]
pub struct Compiled {
    pub version: Version,
    pub statements: Vec<Statement>,
    /// Lints found while parsing (the rest come from `lint::static_lints`).
    pub lints: Vec<Lint>,
}

const TOP_FIELDS: &[&str] = &["Version", "Id", "Statement"];
const STATEMENT_FIELDS: &[&str] = &[
    "Sid",
    "Effect",
    "Principal",
    "Action",
    "NotAction",
    "Condition",
];
const PROHIBITED: &[&str] = &["Resource", "NotResource", "NotPrincipal"];
const PRINCIPAL_TYPES: &[&str] = &["AWS", "Federated", "Service", "CanonicalUser"];
const BUILT_IN_PROVIDERS: &[&str] = &[
    "accounts.google.com",
    "cognito-identity.amazonaws.com",
    "graph.facebook.com",
    "www.amazon.com",
];

fn unknown_field(p: &str, name: &str, known: &[&str], what: &str) -> Error {
    let hint = known
        .iter()
        .find(|k| k.eq_ignore_ascii_case(name))
        .map(|k| format!("; field names are case-sensitive (did you mean {k:?}?)"))
        .unwrap_or_default();
    Error::policy(
        p,
        format!(
            "unknown {what} field {name:?} (expected one of {}){hint}",
            known.join(", ")
        ),
    )
}

pub fn compile(doc: &Value) -> Result<Compiled, Error> {
    let Value::Object(root) = doc else {
        return Err(Error::policy(
            "$",
            format!(
                "policy document must be a JSON object, found {}",
                type_name(doc)
            ),
        ));
    };
    for name in root.keys() {
        if !TOP_FIELDS.contains(&name.as_str()) {
            return Err(unknown_field(
                &path::field("$", name),
                name,
                TOP_FIELDS,
                "top-level",
            ));
        }
    }
    let version = match root.get("Version") {
        None => Version::Unspecified,
        Some(Value::String(v)) if v == "2012-10-17" => Version::V2012_10_17,
        Some(Value::String(v)) if v == "2008-10-17" => Version::V2008_10_17,
        Some(other) => {
            return Err(Error::policy(
                "$.Version",
                format!(
                    "Version must be \"2012-10-17\" or \"2008-10-17\", found {}",
                    show(other)
                ),
            ))
        }
    };
    if let Some(id) = root.get("Id") {
        if !id.is_string() {
            return Err(Error::policy(
                "$.Id",
                format!("Id must be a string, found {}", type_name(id)),
            ));
        }
    }
    let Some(st) = root.get("Statement") else {
        return Err(Error::policy("$", "missing required field Statement"));
    };
    let items: Vec<(&Value, String)> = match st {
        Value::Array(list) if list.is_empty() => {
            return Err(Error::policy("$.Statement", "Statement must not be empty"));
        }
        Value::Array(list) => list
            .iter()
            .enumerate()
            .map(|(i, s)| (s, path::index("$.Statement", i)))
            .collect(),
        Value::Object(_) => vec![(st, "$.Statement".to_owned())],
        other => {
            return Err(Error::policy(
                "$.Statement",
                format!(
                    "Statement must be an object or a list of objects, found {}",
                    type_name(other)
                ),
            ))
        }
    };
    let mut lints = Vec::new();
    let mut statements = Vec::with_capacity(items.len());
    let mut sids: Vec<(String, String)> = Vec::new();
    for (index, (v, p)) in items.into_iter().enumerate() {
        let s = compile_statement(index, v, p, version, &mut lints)?;
        if let Some(sid) = &s.sid {
            if let Some((_, first)) = sids.iter().find(|(x, _)| x == sid) {
                return Err(Error::policy(
                    path::field(&s.path, "Sid"),
                    format!(
                        "duplicate Sid {sid:?} (also at {first}); statement IDs must be unique"
                    ),
                ));
            }
            sids.push((sid.clone(), s.path.clone()));
        }
        statements.push(s);
    }
    Ok(Compiled {
        version,
        statements,
        lints,
    })
}

fn show(v: &Value) -> String {
    match v {
        Value::String(s) => format!("{s:?}"),
        other => type_name(other).to_owned(),
    }
}

fn compile_statement(
    index: usize,
    v: &Value,
    p: String,
    version: Version,
    lints: &mut Vec<Lint>,
) -> Result<Statement, Error> {
    let Value::Object(m) = v else {
        return Err(Error::policy(
            p,
            format!("a statement must be an object, found {}", type_name(v)),
        ));
    };
    for name in m.keys() {
        if PROHIBITED.contains(&name.as_str()) {
            return Err(Error::policy(
                path::field(&p, name),
                format!("Has prohibited field {name} (a role trust policy has no {name})"),
            ));
        }
        if !STATEMENT_FIELDS.contains(&name.as_str()) {
            return Err(unknown_field(
                &path::field(&p, name),
                name,
                STATEMENT_FIELDS,
                "statement",
            ));
        }
    }
    let sid = match m.get("Sid") {
        None => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(other) => {
            return Err(Error::policy(
                path::field(&p, "Sid"),
                format!("Sid must be a string, found {}", type_name(other)),
            ))
        }
    };
    let effect = match m.get("Effect") {
        None => return Err(Error::policy(p, "missing required field Effect")),
        Some(Value::String(e)) if e == "Allow" => Effect::Allow,
        Some(Value::String(e)) if e == "Deny" => Effect::Deny,
        Some(other) => {
            return Err(Error::policy(
                path::field(&p, "Effect"),
                format!(
                    "Effect must be \"Allow\" or \"Deny\" (case-sensitive), found {}",
                    show(other)
                ),
            ))
        }
    };
    let principal_path = path::field(&p, "Principal");
    let principal =
        match m.get("Principal") {
            None => return Err(Error::policy(
                p,
                "missing required field Principal (a trust policy names who may assume the role)",
            )),
            Some(pv) => compile_principal(pv, &principal_path)?,
        };
    let action = match (m.get("Action"), m.get("NotAction")) {
        (Some(_), Some(_)) => {
            return Err(Error::policy(
                p,
                "a statement cannot have both Action and NotAction",
            ))
        }
        (None, None) => {
            return Err(Error::policy(
                p,
                "missing required field Action (or NotAction)",
            ))
        }
        (Some(a), None) => compile_action("Action", a, path::field(&p, "Action"))?,
        (None, Some(a)) => compile_action("NotAction", a, path::field(&p, "NotAction"))?,
    };
    let conditions = match m.get("Condition") {
        None => Vec::new(),
        Some(c) => compile_conditions(c, &path::field(&p, "Condition"), version, lints)?,
    };
    Ok(Statement {
        index,
        path: p,
        sid,
        effect,
        principal,
        principal_path,
        action,
        conditions,
    })
}

/// A string or a non-empty list of strings.
fn string_list<'a>(v: &'a Value, p: &str, what: &str) -> Result<Vec<(&'a str, String)>, Error> {
    match v {
        Value::String(s) => Ok(vec![(s.as_str(), p.to_owned())]),
        Value::Array(items) if items.is_empty() => Err(Error::policy(
            p,
            format!("{what} must not be an empty list"),
        )),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, x)| {
                let ip = path::index(p, i);
                match x {
                    Value::String(s) => Ok((s.as_str(), ip)),
                    other => Err(Error::policy(
                        ip,
                        format!("{what} values must be strings, found {}", type_name(other)),
                    )),
                }
            })
            .collect(),
        other => Err(Error::policy(
            p,
            format!(
                "{what} must be a string or a list of strings, found {}",
                type_name(other)
            ),
        )),
    }
}

fn compile_principal(v: &Value, p: &str) -> Result<Principal, Error> {
    let m: &Map<String, Value> = match v {
        Value::String(s) if s == "*" => {
            return Ok(Principal::Everyone {
                written: "*".into(),
            })
        }
        Value::String(s) => {
            return Err(Error::policy(
                p,
                format!(
                "Principal must be \"*\" or an object such as {{\"Federated\": …}}, found {s:?}"
            ),
            ))
        }
        Value::Object(m) if m.is_empty() => {
            return Err(Error::policy(p, "Principal must not be empty"))
        }
        Value::Object(m) => m,
        other => {
            return Err(Error::policy(
                p,
                format!(
                    "Principal must be \"*\" or an object, found {}",
                    type_name(other)
                ),
            ))
        }
    };
    let mut federated = Vec::new();
    let mut other_types = Vec::new();
    for (ty, val) in m {
        let tp = path::field(p, ty);
        if !PRINCIPAL_TYPES.contains(&ty.as_str()) {
            return Err(unknown_field(&tp, ty, PRINCIPAL_TYPES, "principal type"));
        }
        let values = string_list(val, &tp, &format!("Principal {ty}"))?;
        if ty == "Federated" {
            for (s, vp) in values {
                federated.push(FedPrincipal {
                    written: s.to_owned(),
                    kind: federated_kind(s, &vp)?,
                    path: vp,
                });
            }
        } else if ty == "AWS" && values.iter().any(|(s, _)| *s == "*") {
            return Ok(Principal::Everyone {
                written: "{\"AWS\": \"*\"}".into(),
            });
        } else {
            for (s, vp) in values {
                if s.is_empty() {
                    return Err(Error::policy(
                        vp,
                        format!("Principal {ty} values must not be empty"),
                    ));
                }
                other_types.push(format!("{ty}: {s}"));
            }
        }
    }
    Ok(Principal::Listed {
        federated,
        other_types,
    })
}

fn federated_kind(s: &str, p: &str) -> Result<FedKind, Error> {
    if s == "*" {
        return Ok(FedKind::Any);
    }
    if s.contains('*') || s.contains('?') {
        return Err(Error::policy(
            p,
            format!("wildcards are not allowed inside a Federated principal ({s:?})"),
        ));
    }
    if let Some(b) = BUILT_IN_PROVIDERS.iter().find(|b| **b == s) {
        return Ok(FedKind::Provider((*b).to_owned()));
    }
    if let Some(parts) = arn_parts(s) {
        let [arn, partition, service, region, account, resource] = parts;
        let shaped = arn == "arn"
            && partition.starts_with("aws")
            && service == "iam"
            && region.is_empty()
            && account.len() == 12
            && account.bytes().all(|b| b.is_ascii_digit());
        if shaped {
            if let Some(prefix) = resource
                .strip_prefix("oidc-provider/")
                .filter(|x| !x.is_empty())
            {
                return Ok(FedKind::Provider(prefix.to_owned()));
            }
            if resource
                .strip_prefix("saml-provider/")
                .is_some_and(|x| !x.is_empty())
            {
                return Ok(FedKind::Saml);
            }
        }
    }
    Err(Error::policy(
        p,
        format!(
            "invalid Federated principal {s:?}: expected arn:aws:iam::<12-digit account>:oidc-provider/<provider>, \
             a saml-provider ARN, or one of {}",
            BUILT_IN_PROVIDERS.join(", ")
        ),
    ))
}

fn compile_action(field: &'static str, v: &Value, p: String) -> Result<ActionSpec, Error> {
    let list = string_list(v, &p, field)?;
    let target = WEB_IDENTITY_ACTION.to_ascii_lowercase();
    let mut hit = None;
    let mut values = Vec::with_capacity(list.len());
    for (i, (s, vp)) in list.into_iter().enumerate() {
        if s.is_empty() {
            return Err(Error::policy(
                vp,
                format!("{field} values must not be empty"),
            ));
        }
        if s != "*" && !s.contains(':') {
            return Err(Error::policy(vp, format!("{field} {s:?} is not an action (expected service:Action, e.g. {WEB_IDENTITY_ACTION})")));
        }
        if hit.is_none() && Glob::new(&s.to_lowercase()).matches(&target) {
            hit = Some(i);
        }
        values.push(s.to_owned());
    }
    Ok(ActionSpec {
        field,
        values,
        path: p,
        hit,
    })
}

fn compile_conditions(
    v: &Value,
    p: &str,
    version: Version,
    lints: &mut Vec<Lint>,
) -> Result<Vec<Condition>, Error> {
    let Value::Object(ops) = v else {
        return Err(Error::policy(
            p,
            format!("Condition must be an object, found {}", type_name(v)),
        ));
    };
    let mut out = Vec::new();
    for (op_name, block) in ops {
        let op_path = path::field(p, op_name);
        let op = parse_operator(op_name).map_err(|msg| Error::policy(op_path.clone(), msg))?;
        let Value::Object(keys) = block else {
            return Err(Error::policy(
                op_path,
                format!(
                    "the {op_name} block must be an object of condition keys, found {}",
                    type_name(block)
                ),
            ));
        };
        if keys.is_empty() {
            return Err(Error::policy(
                op_path,
                format!("the {op_name} block has no condition keys"),
            ));
        }
        for (key, val) in keys {
            let key_path = path::field(&op_path, key);
            if key.is_empty() {
                return Err(Error::policy(
                    key_path,
                    "condition key names must not be empty",
                ));
            }
            let (values, json_values) =
                compile_values(op, op_name, val, &key_path, version, lints)?;
            out.push(Condition {
                operator_written: op_name.clone(),
                op,
                key: CompiledKey::new(key),
                values,
                json_values,
                value_is_list: val.is_array(),
                path: key_path,
            });
        }
    }
    Ok(out)
}

fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn compile_values(
    op: Operator,
    op_name: &str,
    v: &Value,
    p: &str,
    version: Version,
    lints: &mut Vec<Lint>,
) -> Result<(Values, Vec<Value>), Error> {
    let items: Vec<(&Value, String)> = match v {
        Value::Array(list) if list.is_empty() => {
            return Err(Error::policy(p, "a condition needs at least one value (an empty list would match nothing or everything)"));
        }
        Value::Array(list) => list
            .iter()
            .enumerate()
            .map(|(i, x)| (x, path::index(p, i)))
            .collect(),
        other => vec![(other, p.to_owned())],
    };
    let base = op.base;
    let family = base.family();
    let mut texts: Vec<(String, String)> = Vec::with_capacity(items.len());
    for (item, ip) in &items {
        let Some(text) = scalar_text(item) else {
            return Err(Error::policy(
                ip.clone(),
                format!("condition values must be strings, numbers or booleans (or a list of them), found {}", type_name(item)),
            ));
        };
        if text.contains("${") {
            if version == Version::V2012_10_17 {
                if !base.allows_variables() {
                    return Err(Error::policy(
                        ip.clone(),
                        format!(
                            "policy variables are not allowed in {} operators ({op_name})",
                            family_name(family)
                        ),
                    ));
                }
            } else {
                lints.push(Lint::new(
                    LintCode::VariablesNotEnabled,
                    Severity::Warning,
                    ip.clone(),
                    format!(
                        "{text:?} contains \"${{\" but policy variables need \"Version\": \"2012-10-17\"; here it is literal text"
                    ),
                ));
            }
        }
        texts.push((text, ip.clone()));
    }
    let json_values = items.iter().map(|(x, _)| (*x).clone()).collect();
    let with_vars = version == Version::V2012_10_17;
    let template = |text: &str, ip: &str| -> Result<Template, Error> {
        if with_vars {
            Template::parse(text).map_err(|m| Error::policy(ip, m))
        } else {
            Ok(Template::raw(text))
        }
    };
    let values = match family {
        Family::String => {
            let mode = base.str_mode();
            let mut out = Vec::new();
            for (text, ip) in &texts {
                let t = template(text, ip)?;
                out.push(if t.has_vars() {
                    StrValue::Template(t)
                } else {
                    StrValue::Fixed(StrMatcher::from_pieces(mode, fixed_pieces(&t)))
                });
            }
            Values::Str(out)
        }
        Family::Numeric => Values::Num(
            items
                .iter()
                .map(|(x, ip)| {
                    let n = match x {
                        Value::Number(n) => Num::from_json(n),
                        Value::String(s) => Num::parse(s),
                        _ => None,
                    };
                    n.ok_or_else(|| {
                        Error::policy(
                            ip.clone(),
                            format!("{op_name} needs a number, found {}", show(x)),
                        )
                    })
                })
                .collect::<Result<_, _>>()?,
        ),
        Family::Date => Values::Date(
            items
                .iter()
                .map(|(x, ip)| {
                    let d = match x {
                        Value::Number(n) => {
                            Num::from_json(n).map(super::operators::seconds_to_millis)
                        }
                        Value::String(s) => parse_date(s),
                        _ => None,
                    };
                    d.ok_or_else(|| {
                        Error::policy(
                            ip.clone(),
                            format!(
                                "{op_name} needs an ISO 8601 date or epoch seconds, found {}",
                                show(x)
                            ),
                        )
                    })
                })
                .collect::<Result<_, _>>()?,
        ),
        Family::Bool => {
            let mut out = Vec::new();
            for ((x, ip), (text, _)) in items.iter().zip(&texts) {
                let fixed = match x {
                    Value::Bool(b) => Some(*b),
                    Value::String(s) => parse_bool_text(s),
                    _ => None,
                };
                match fixed {
                    Some(b) => out.push(BoolValue::Fixed(b)),
                    None => {
                        let t = template(text, ip)?;
                        if !t.has_vars() {
                            return Err(Error::policy(
                                ip.clone(),
                                format!("{op_name} needs true or false, found {}", show(x)),
                            ));
                        }
                        out.push(BoolValue::Template(t));
                    }
                }
            }
            Values::Bool(out)
        }
        Family::Binary => Values::Binary(
            items
                .iter()
                .map(|(x, ip)| {
                    let bytes = match x {
                        Value::String(s) => decode_base64(s),
                        _ => None,
                    };
                    bytes.ok_or_else(|| {
                        Error::policy(
                            ip.clone(),
                            format!("{op_name} needs a base64 string, found {}", show(x)),
                        )
                    })
                })
                .collect::<Result<_, _>>()?,
        ),
        Family::Ip => Values::Ip(
            items
                .iter()
                .map(|(x, ip)| {
                    let c = match x {
                        Value::String(s) => Cidr::parse(s),
                        _ => None,
                    };
                    c.ok_or_else(|| {
                        Error::policy(
                            ip.clone(),
                            format!(
                                "{op_name} needs an IP address or CIDR range, found {}",
                                show(x)
                            ),
                        )
                    })
                })
                .collect::<Result<_, _>>()?,
        ),
        Family::Arn => {
            let mut out = Vec::new();
            for ((x, ip), (text, _)) in items.iter().zip(&texts) {
                if !x.is_string() {
                    return Err(Error::policy(
                        ip.clone(),
                        format!("{op_name} needs an ARN string, found {}", show(x)),
                    ));
                }
                let t = template(text, ip)?;
                if t.has_vars() {
                    out.push(ArnValue::Template(t));
                } else {
                    let pat = ArnPattern::from_tokens(glob_tokens(fixed_pieces(&t))).ok_or_else(|| {
                        Error::policy(
                            ip.clone(),
                            format!("{op_name} needs an ARN (arn:partition:service:region:account:resource), found {text:?}"),
                        )
                    })?;
                    out.push(ArnValue::Fixed(pat));
                }
            }
            Values::Arn(out)
        }
        Family::Null => Values::Null(
            items
                .iter()
                .map(|(x, ip)| {
                    let b = match x {
                        Value::Bool(b) => Some(*b),
                        Value::String(s) => parse_bool_text(s),
                        _ => None,
                    };
                    b.ok_or_else(|| {
                        Error::policy(
                            ip.clone(),
                            format!("Null needs true or false, found {}", show(x)),
                        )
                    })
                })
                .collect::<Result<_, _>>()?,
        ),
    };
    Ok((values, json_values))
}

/// Pieces of a template without variables, as (is-raw, text).
fn fixed_pieces(t: &Template) -> impl Iterator<Item = (bool, &str)> {
    t.pieces.iter().filter_map(|p| match p {
        Piece::Raw(s) => Some((true, s.as_str())),
        Piece::Literal(s) => Some((false, s.as_str())),
        Piece::Var(_) => None,
    })
}

pub fn glob_tokens_of<'a>(pieces: impl Iterator<Item = (bool, &'a str)>) -> Vec<GlobToken> {
    glob_tokens(pieces)
}

fn family_name(f: Family) -> &'static str {
    match f {
        Family::String => "String",
        Family::Numeric => "Numeric",
        Family::Date => "Date",
        Family::Bool => "Bool",
        Family::Binary => "Binary",
        Family::Ip => "IP address",
        Family::Arn => "ARN",
        Family::Null => "Null",
    }
}

/// Standard base64 (padding optional).
fn decode_base64(s: &str) -> Option<Vec<u8>> {
    use base64ct::Encoding;
    if let Ok(b) = base64ct::Base64::decode_vec(s) {
        return Some(b);
    }
    base64ct::Base64Unpadded::decode_vec(s).ok()
}
