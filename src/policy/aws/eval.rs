//! Evaluates a compiled AWS trust policy on a token's claims.
//!
//! Two layers: `*_outcome` functions compute results without building strings (used by the fast
//! [`decide`](super::AwsPolicy::decide) path), and the trace layer turns an outcome into the reasons people read.

use std::borrow::Cow;
use std::fmt::Write as _;

use serde_json::{Map, Value};

use super::keys::{self, ClaimSource, ProviderClass, ValueKind};
use super::operators::{
    arn_parts, parse_bool_text, parse_date, seconds_to_millis, BaseOp, Family, Num, StrMode,
};
use super::parse::{
    glob_tokens_of, ArnPattern, ArnValue, BoolValue, Compiled, Condition, FedKind, KeyScope,
    Principal, StrMatcher, StrValue, Values, WEB_IDENTITY_ACTION,
};
use super::vars::{Piece, Template};
use crate::policy::trace::{
    decide as decide_effects, ConditionTrace, Decision, DecisionKind, Effect, ElementTrace, Lint,
    LintCode, SetOperator, Severity, StatementTrace, Warning,
};
use crate::policy::EvalContext;

/// UNCONFIRMED rules (ids are public; the README lists them with the choice made).
pub mod rules {
    /// A token `aud` (or other single-valued claim) that is an array of several values is a multi-valued key.
    pub const AUD_ARRAY: &str = "aud-array-multi-valued";
    /// A multi-valued key used without `ForAnyValue:`/`ForAllValues:` does not match (positive or negated).
    pub const MULTI_WITHOUT_SET: &str = "multi-valued-without-set-operator";
    /// A token value the operator cannot read (a non-number for Numeric, …) counts as not satisfying the
    /// operator, for negated operators too.
    pub const INCOMPARABLE: &str = "incomparable-value-no-match";
    /// A claim whose value is `null` or an object is treated as missing.
    pub const UNUSABLE_CLAIM: &str = "object-or-null-claim-missing";
    /// `accounts.google.com:google/organization_number` is read from the token's `google.organization_number`.
    pub const GOOGLE_ORG_NUMBER: &str = "google-organization-number-location";
    /// `{"Federated": "*"}` matches every provider.
    pub const FEDERATED_WILDCARD: &str = "federated-wildcard-matches-any";
    /// A variable naming a multi-valued key has no value.
    pub const VARIABLE_MULTI: &str = "variable-multi-valued-no-value";
    /// A variable's value is literal inside `StringLike`/`ArnLike` (its `*`/`?` are not wildcards).
    pub const VARIABLE_LITERAL: &str = "variable-value-literal-in-like";
    /// `BinaryEquals` compares the decoded policy value with the UTF-8 bytes of the token's string.
    pub const BINARY_UTF8: &str = "binary-equals-utf8-bytes";
}

/// The token's claims as evaluation reads them: the whole claims object, or only the claims the policy reads
/// ([`super::AwsPolicy::claims_read`]) as name–value pairs — what a binding builds without a map per call.
#[derive(Clone, Copy, Debug)]
pub enum Claims<'a> {
    Map(&'a Map<String, Value>),
    Pairs(&'a [(&'a str, Value)]),
}

impl<'a> Claims<'a> {
    pub fn get(&self, name: &str) -> Option<&'a Value> {
        match *self {
            Claims::Map(m) => m.get(name),
            Claims::Pairs(pairs) => pairs.iter().find(|(n, _)| *n == name).map(|(_, v)| v),
        }
    }
}

/// What evaluation needs from the token.
pub struct Env<'a> {
    pub claims: Claims<'a>,
    /// The provider prefix, exact (`iss` without `https://`, or the caller's override).
    pub provider: Option<&'a str>,
}

impl<'a> Env<'a> {
    pub fn new(claims: &'a Map<String, Value>, ctx: &'a EvalContext) -> Env<'a> {
        Env::with_claims(Claims::Map(claims), ctx)
    }

    /// The provider rule is [`crate::policy::provider_from_issuer`]'s, without allocating.
    pub fn with_claims(claims: Claims<'a>, ctx: &'a EvalContext) -> Env<'a> {
        let provider = ctx.provider.as_deref().or_else(|| {
            claims
                .get("iss")
                .and_then(Value::as_str)
                .map(|s| s.strip_prefix("https://").unwrap_or(s))
        });
        Env { claims, provider }
    }
}

/// Why a key has no value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Missing {
    NoProvider,
    OtherProvider,
    NotExposed,
    Context,
    Malformed,
    NotInToken,
    Empty,
    Unusable(&'static str),
}

#[derive(Clone, Copy, Debug)]
pub enum Resolved<'a> {
    Missing(Missing),
    One(&'a Value),
    Many(&'a [Value]),
}

#[derive(Clone, Copy, Debug)]
pub struct Lookup<'a> {
    pub resolved: Resolved<'a>,
    /// The claim the key read (Google's `:aud` reads `azp` when present).
    pub claim: Option<&'static str>,
    pub rule: Option<&'static str>,
}

fn missing(m: Missing, claim: Option<&'static str>) -> Lookup<'static> {
    Lookup {
        resolved: Resolved::Missing(m),
        claim,
        rule: None,
    }
}

/// Resolves a condition key for this token.
pub fn resolve_key<'a>(key: &super::parse::CompiledKey, env: &Env<'a>) -> Lookup<'a> {
    let static_claim = key.claim_name();
    let (prefix_lower, exposed) = match &key.scope {
        KeyScope::Malformed => return missing(Missing::Malformed, None),
        KeyScope::Context => return missing(Missing::Context, None),
        KeyScope::Provider {
            prefix_lower,
            exposed,
            ..
        } => (prefix_lower, exposed),
    };
    let Some(provider) = env.provider else {
        return missing(Missing::NoProvider, static_claim);
    };
    if !super::parse::eq_ignore_case(prefix_lower, provider) {
        return missing(Missing::OtherProvider, static_claim);
    }
    let Some(k) = exposed else {
        return missing(Missing::NotExposed, None);
    };
    let mut rule = None;
    let (raw, claim) = match k.source {
        ClaimSource::Claim(c) => (env.claims.get(c), c),
        ClaimSource::AzpElseAud => match env.claims.get("azp") {
            Some(v) if !v.is_null() => (Some(v), "azp"),
            _ => (env.claims.get("aud"), "aud"),
        },
        ClaimSource::Nested(outer, inner) => {
            let v = env.claims.get(outer).and_then(|o| o.get(inner));
            if v.is_some() {
                rule = Some(rules::GOOGLE_ORG_NUMBER);
            }
            (v, "google.organization_number")
        }
    };
    let claim = Some(claim);
    let Some(v) = raw else {
        return missing(Missing::NotInToken, claim);
    };
    let resolved = match v {
        Value::Null => {
            return Lookup {
                resolved: Resolved::Missing(Missing::Unusable("null")),
                claim,
                rule: Some(rules::UNUSABLE_CLAIM),
            }
        }
        Value::Object(_) => {
            return Lookup {
                resolved: Resolved::Missing(Missing::Unusable("an object")),
                claim,
                rule: Some(rules::UNUSABLE_CLAIM),
            }
        }
        Value::Array(a) if a.is_empty() => Resolved::Missing(Missing::Empty),
        Value::Array(a) if k.kind == ValueKind::MultiValued => Resolved::Many(a),
        Value::Array(a) => match a.as_slice() {
            [one] => Resolved::One(one),
            _ => {
                rule = Some(rules::AUD_ARRAY);
                Resolved::Many(a)
            }
        },
        scalar if k.kind == ValueKind::MultiValued => Resolved::Many(std::slice::from_ref(scalar)),
        scalar => Resolved::One(scalar),
    };
    Lookup {
        resolved,
        claim,
        rule,
    }
}

/// A token scalar as text for string operators.
fn scalar_str(v: &Value) -> Option<Cow<'_, str>> {
    match v {
        Value::String(s) => Some(Cow::Borrowed(s)),
        Value::Number(n) => Some(Cow::Owned(n.to_string())),
        Value::Bool(b) => Some(Cow::Borrowed(if *b { "true" } else { "false" })),
        _ => None,
    }
}

/// One token value as the operators read it: a JSON value, or a string claim a binding passed as it is (the same
/// as `Value::String`, without building one).
#[derive(Clone, Copy, Debug)]
pub enum Tv<'a> {
    Str(&'a str),
    Json(&'a Value),
}

impl<'a> Tv<'a> {
    pub(super) fn as_str(self) -> Option<&'a str> {
        match self {
            Tv::Str(s) => Some(s),
            Tv::Json(v) => v.as_str(),
        }
    }

    pub(super) fn scalar_str(self) -> Option<Cow<'a, str>> {
        match self {
            Tv::Str(s) => Some(Cow::Borrowed(s)),
            Tv::Json(v) => scalar_str(v),
        }
    }
}

/// The value of a policy variable's key for this token.
pub enum VarValue {
    Text(String),
    /// The key is multi-valued: no value ([`rules::VARIABLE_MULTI`]).
    Multi,
    None,
}

/// Where policy variables get their values: the traced evaluation and the compiled decision resolve keys their
/// own way, and share everything after.
pub trait Vars {
    fn var(&self, key: &super::parse::CompiledKey) -> VarValue;
}

impl Vars for Env<'_> {
    fn var(&self, key: &super::parse::CompiledKey) -> VarValue {
        match resolve_key(key, self).resolved {
            Resolved::One(x) => scalar_str(x).map_or(VarValue::None, |c| VarValue::Text(c.into_owned())),
            Resolved::Many(_) => VarValue::Multi,
            Resolved::Missing(_) => VarValue::None,
        }
    }
}

/// Result of comparing one token value with a condition's policy values (the positive relation).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cmp {
    /// The policy value at this index satisfied the positive relation.
    Hit(usize),
    Miss,
    /// The token value is not of the operator's type.
    Incomparable,
}

/// Side notes collected while comparing (variables and UNCONFIRMED rules).
#[derive(Default, Debug)]
pub struct Notes {
    pub unresolved: Option<String>,
    pub rule: Option<&'static str>,
}

impl Notes {
    fn rule(&mut self, r: &'static str) {
        if self.rule.is_none() {
            self.rule = Some(r);
        }
    }
}

/// Resolves a template's pieces as (is-raw, text); `Err` names the variable without a value.
fn resolve_template<'t>(
    t: &'t Template,
    env: &dyn Vars,
    notes: &mut Notes,
) -> Option<Vec<(bool, Cow<'t, str>)>> {
    let mut out = Vec::with_capacity(t.pieces.len());
    for p in &t.pieces {
        match p {
            Piece::Raw(s) => out.push((true, Cow::Borrowed(s.as_str()))),
            Piece::Literal(s) => out.push((false, Cow::Borrowed(s.as_str()))),
            Piece::Var(v) => {
                let value = match env.var(&v.key) {
                    VarValue::Text(x) => Some(Cow::Owned(x)),
                    VarValue::Multi => {
                        notes.rule(rules::VARIABLE_MULTI);
                        None
                    }
                    VarValue::None => None,
                };
                match value.or_else(|| v.default.as_deref().map(Cow::Borrowed)) {
                    Some(text) => out.push((false, text)),
                    None => {
                        if notes.unresolved.is_none() {
                            notes.unresolved = Some(v.written.clone());
                        }
                        return None;
                    }
                }
            }
        }
    }
    Some(out)
}

fn template_text(pieces: &[(bool, Cow<'_, str>)]) -> String {
    pieces.iter().map(|(_, s)| s.as_ref()).collect()
}

/// Compares one token value with the policy values under the operator's positive relation.
pub fn compare(cond: &Condition, tv: Tv<'_>, env: &dyn Vars, notes: &mut Notes) -> Cmp {
    let base = cond.op.base;
    match &cond.values {
        Values::Str(vals) => {
            let Some(text) = tv.scalar_str() else {
                return Cmp::Incomparable;
            };
            let mode = base.str_mode();
            for (i, sv) in vals.iter().enumerate() {
                let hit = match sv {
                    StrValue::Fixed(m) => m.matches(&text),
                    StrValue::Template(t) => match resolve_template(t, env, notes) {
                        Some(pieces) => {
                            if mode == StrMode::Like
                                && pieces
                                    .iter()
                                    .any(|(raw, s)| !raw && (s.contains('*') || s.contains('?')))
                                && t.has_vars()
                            {
                                notes.rule(rules::VARIABLE_LITERAL);
                            }
                            StrMatcher::from_pieces(
                                mode,
                                pieces.iter().map(|(r, s)| (*r, s.as_ref())),
                            )
                            .matches(&text)
                        }
                        None => false,
                    },
                };
                if hit {
                    return Cmp::Hit(i);
                }
            }
            Cmp::Miss
        }
        Values::Num(vals) => {
            let n = match tv {
                Tv::Json(Value::Number(n)) => Num::from_json(n),
                _ => tv.as_str().and_then(Num::parse),
            };
            let Some(n) = n else { return Cmp::Incomparable };
            let rel = base.rel();
            position(
                vals.iter()
                    .map(|p| n.compare(*p).is_some_and(|o| rel.holds(o))),
            )
        }
        Values::Date(vals) => {
            let d = match tv {
                Tv::Json(Value::Number(n)) => Num::from_json(n).map(seconds_to_millis),
                _ => tv.as_str().and_then(parse_date),
            };
            let Some(d) = d else { return Cmp::Incomparable };
            let rel = base.rel();
            position(vals.iter().map(|p| rel.holds(d.cmp(p))))
        }
        Values::Bool(vals) => {
            let b = match tv {
                Tv::Json(Value::Bool(b)) => Some(*b),
                _ => tv.as_str().and_then(parse_bool_text),
            };
            let Some(b) = b else { return Cmp::Incomparable };
            for (i, bv) in vals.iter().enumerate() {
                let want = match bv {
                    BoolValue::Fixed(x) => Some(*x),
                    BoolValue::Template(t) => resolve_template(t, env, notes)
                        .and_then(|p| parse_bool_text(&template_text(&p))),
                };
                if want == Some(b) {
                    return Cmp::Hit(i);
                }
            }
            Cmp::Miss
        }
        Values::Binary(vals) => {
            let Some(s) = tv.as_str() else {
                return Cmp::Incomparable;
            };
            notes.rule(rules::BINARY_UTF8);
            position(vals.iter().map(|p| p.as_slice() == s.as_bytes()))
        }
        Values::Ip(vals) => {
            let Some(ip) = tv.as_str().and_then(|s| s.parse::<std::net::IpAddr>().ok()) else {
                return Cmp::Incomparable;
            };
            position(vals.iter().map(|c| c.contains(ip)))
        }
        Values::Arn(vals) => {
            let Some(s) = tv.as_str().filter(|s| arn_parts(s).is_some()) else {
                return Cmp::Incomparable;
            };
            for (i, av) in vals.iter().enumerate() {
                let hit = match av {
                    ArnValue::Fixed(p) => p.matches(s),
                    ArnValue::Template(t) => resolve_template(t, env, notes)
                        .and_then(|pieces| {
                            ArnPattern::from_tokens(glob_tokens_of(
                                pieces.iter().map(|(r, x)| (*r, x.as_ref())),
                            ))
                        })
                        .is_some_and(|p| p.matches(s)),
                };
                if hit {
                    return Cmp::Hit(i);
                }
            }
            Cmp::Miss
        }
        // Null never compares values.
        Values::Null(_) => Cmp::Miss,
    }
}

fn position(mut it: impl Iterator<Item = bool>) -> Cmp {
    match it.position(|b| b) {
        Some(i) => Cmp::Hit(i),
        None => Cmp::Miss,
    }
}

/// Whether one token value satisfies the (possibly negated) base operator.
fn satisfies(base: BaseOp, c: Cmp) -> bool {
    match c {
        Cmp::Incomparable => false,
        Cmp::Hit(_) => !base.is_negated(),
        Cmp::Miss => base.is_negated(),
    }
}

/// How a condition came to its result.
#[derive(Clone, Debug)]
pub enum Detail<'a> {
    Missing(Missing),
    /// `Null` on a present key.
    NullPresent,
    /// A multi-valued key without a set operator.
    MultiWithoutSet(&'a [Value]),
    Single {
        value: &'a Value,
        cmp: Cmp,
    },
    /// `ForAnyValue`: the first value that satisfied (or none).
    AnySet {
        values: &'a [Value],
        witness: Option<(usize, Cmp)>,
    },
    /// `ForAllValues`: the first value that failed (or none).
    AllSet {
        values: &'a [Value],
        counter: Option<(usize, Cmp)>,
    },
}

pub struct Outcome<'a> {
    pub matched: bool,
    pub lookup: Lookup<'a>,
    pub detail: Detail<'a>,
    pub notes: Notes,
}

/// Whether a condition matches when its key is missing from the request (the claim is absent): `Null: true`
/// matches, `…IfExists` matches, `ForAllValues:` matches (vacuously), `ForAnyValue:` does not, and a plain operator
/// matches only when it is a negated one (`StringNotEquals`, …). Shared by the traced evaluation and the compiled
/// decision plan (`decide.rs`), so the rule has one home.
pub(super) fn missing_key_matches(cond: &Condition) -> bool {
    let op = cond.op;
    if let Values::Null(vals) = &cond.values {
        vals.contains(&true)
    } else if op.if_exists {
        true
    } else {
        match op.set {
            Some(SetOperator::ForAllValues) => true,
            Some(SetOperator::ForAnyValue) => false,
            None => op.base.is_negated(),
        }
    }
}

pub fn condition_outcome<'a>(cond: &Condition, env: &Env<'a>) -> Outcome<'a> {
    let lookup = resolve_key(&cond.key, env);
    let mut notes = Notes::default();
    if let Some(r) = lookup.rule {
        notes.rule(r);
    }
    let op = cond.op;
    let (matched, detail) = match lookup.resolved {
        Resolved::Missing(m) => (missing_key_matches(cond), Detail::Missing(m)),
        _ if op.base == BaseOp::Null => {
            let matched = matches!(&cond.values, Values::Null(vals) if vals.contains(&false));
            (matched, Detail::NullPresent)
        }
        Resolved::One(v) if op.set.is_none() => {
            let cmp = compare(cond, Tv::Json(v), env, &mut notes);
            if cmp == Cmp::Incomparable {
                notes.rule(rules::INCOMPARABLE);
            }
            (satisfies(op.base, cmp), Detail::Single { value: v, cmp })
        }
        Resolved::Many(vals) if op.set.is_none() => {
            notes.rule(rules::MULTI_WITHOUT_SET);
            (false, Detail::MultiWithoutSet(vals))
        }
        Resolved::One(_) | Resolved::Many(_) => {
            let values: &'a [Value] = match lookup.resolved {
                Resolved::One(v) => std::slice::from_ref(v),
                Resolved::Many(vs) => vs,
                Resolved::Missing(_) => &[],
            };
            let mut first_sat = None;
            let mut first_unsat = None;
            for (i, v) in values.iter().enumerate() {
                let cmp = compare(cond, Tv::Json(v), env, &mut notes);
                if cmp == Cmp::Incomparable {
                    notes.rule(rules::INCOMPARABLE);
                }
                if satisfies(op.base, cmp) {
                    first_sat.get_or_insert((i, cmp));
                    if op.set == Some(SetOperator::ForAnyValue) {
                        break;
                    }
                } else {
                    first_unsat.get_or_insert((i, cmp));
                    if op.set == Some(SetOperator::ForAllValues) {
                        break;
                    }
                }
            }
            if op.set == Some(SetOperator::ForAnyValue) {
                (
                    first_sat.is_some(),
                    Detail::AnySet {
                        values,
                        witness: first_sat,
                    },
                )
            } else {
                (
                    first_unsat.is_none(),
                    Detail::AllSet {
                        values,
                        counter: first_unsat,
                    },
                )
            }
        }
    };
    Outcome {
        matched,
        lookup,
        detail,
        notes,
    }
}

/// Whether the statement's principal admits this token; the index of the matching Federated value.
pub fn principal_outcome(p: &Principal, env: &Env<'_>) -> (bool, Option<usize>) {
    match p {
        Principal::Everyone { .. } => (true, None),
        Principal::Listed { federated, .. } => {
            let hit = federated.iter().position(|f| match &f.kind {
                FedKind::Any => true,
                FedKind::Provider(prefix) => env.provider == Some(prefix.as_str()),
                FedKind::Saml => false,
            });
            (hit.is_some(), hit)
        }
    }
}

// -----------------------------------------------------------------------------------------------------------
// Trace

fn show(v: &Value) -> String {
    match v {
        Value::String(s) => serde_json::to_string(s).unwrap_or_else(|_| s.clone()),
        other => other.to_string(),
    }
}

fn show_list(vals: &[Value]) -> String {
    let mut out = String::from("[");
    for (i, v) in vals.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(&show(v));
    }
    out.push(']');
    out
}

/// `"x"` for one policy value, `any of ["a", "b"]` for several.
fn show_policy(vals: &[Value]) -> String {
    match vals {
        [one] => show(one),
        many => format!("any of {}", show_list(many)),
    }
}

/// (positive verb, negative verb) for one token value against policy values.
fn verbs(base: BaseOp) -> (String, String) {
    match base.family() {
        Family::String => match base.str_mode() {
            StrMode::Exact => ("equals".into(), "does not equal".into()),
            StrMode::IgnoreCase => (
                "equals (ignoring case)".into(),
                "does not equal (ignoring case)".into(),
            ),
            StrMode::Like => ("matches".into(), "does not match".into()),
        },
        Family::Numeric | Family::Date => {
            let r = base.rel().phrase();
            (format!("is {r}"), format!("is not {r}"))
        }
        Family::Bool => ("is".into(), "is not".into()),
        Family::Binary => (
            "equals (as bytes)".into(),
            "does not equal (as bytes)".into(),
        ),
        Family::Ip => ("is in".into(), "is not in".into()),
        Family::Arn => ("matches".into(), "does not match".into()),
        Family::Null => ("is".into(), "is not".into()),
    }
}

fn type_word(f: Family) -> &'static str {
    match f {
        Family::String => "a string",
        Family::Numeric => "a number",
        Family::Date => "a date",
        Family::Bool => "a boolean",
        Family::Binary => "a string",
        Family::Ip => "an IP address",
        Family::Arn => "an ARN",
        Family::Null => "a value",
    }
}

fn failure_hint(cond: &Condition) -> Option<String> {
    let base = cond.op.base;
    match base.family() {
        Family::String => match base.str_mode() {
            StrMode::Like => Some(format!(
                "{} is case-sensitive; compared whole string",
                base.name()
            )),
            StrMode::Exact => Some(format!(
                "{} is case-sensitive; * and ? are literal",
                base.name()
            )),
            StrMode::IgnoreCase => None,
        },
        Family::Arn => Some(format!(
            "{} compares each colon-separated part, case-sensitively",
            base.name()
        )),
        _ => None,
    }
}

fn missing_why(m: Missing, cond: &Condition, env: &Env<'_>, name: &str) -> String {
    match m {
        Missing::NoProvider => {
            "the token has no iss claim and no provider was given, so no provider keys exist".into()
        }
        Missing::OtherProvider => format!(
            "the key belongs to another provider than the token's ({})",
            env.provider.map(|p| format!("{p:?}")).unwrap_or_default()
        ),
        Missing::NotExposed => {
            let claim = cond.key.name_lower().unwrap_or(&cond.key.written);
            format!("AWS does not expose {claim} as a condition key")
        }
        Missing::Context => {
            "it is request context, not a token claim (oidc-trust evaluates it as missing)".into()
        }
        Missing::Malformed => {
            "it has no provider prefix (keys look like <provider>:<claim>)".into()
        }
        Missing::NotInToken => format!("the token has no {name} claim"),
        Missing::Empty => format!("the token's {name} is an empty list"),
        Missing::Unusable(t) => {
            format!("the token's {name} is {t}, which is not a condition value")
        }
    }
}

fn condition_reason(cond: &Condition, o: &Outcome<'_>, env: &Env<'_>) -> String {
    let op = cond.op;
    let base = op.base;
    let name: &str = o.lookup.claim.unwrap_or(&cond.key.written);
    let pv = show_policy(&cond.json_values);
    let (yes, no) = verbs(base);
    let mut r = match &o.detail {
        Detail::Missing(m) => {
            let why = missing_why(*m, cond, env, name);
            let consequence = if let Values::Null(vals) = &cond.values {
                if vals.contains(&true) {
                    "Null: true matches a missing key".to_owned()
                } else {
                    "Null: false requires the key to be present".to_owned()
                }
            } else if op.if_exists {
                format!("{} is true when the key is missing", cond.operator_written)
            } else {
                match op.set {
                    Some(SetOperator::ForAllValues) => {
                        "ForAllValues is true when the key is missing (a typo'd key allows)".to_owned()
                    }
                    Some(SetOperator::ForAnyValue) => "ForAnyValue is false when the key is missing".to_owned(),
                    None if base.is_negated() => format!("{} is true when the key is missing", base.name()),
                    None => format!("{} is false when the key is missing", base.name()),
                }
            };
            format!("{} is missing: {why}; {consequence}", cond.key.written)
        }
        Detail::NullPresent => {
            let wants_missing = matches!(&cond.values, Values::Null(v) if !v.contains(&false));
            if wants_missing {
                format!("{name} is present, but Null: true requires it to be missing")
            } else {
                format!("{name} is present, as Null: false requires")
            }
        }
        Detail::MultiWithoutSet(vals) => format!(
            "{name} has several values {}; a multi-valued key used without ForAnyValue:/ForAllValues: does not match",
            show_list(vals)
        ),
        Detail::Single { value, cmp } => single_reason(cond, name, value, *cmp, &pv, &yes, &no),
        Detail::AnySet { values, witness } => match witness {
            Some((i, cmp)) => {
                let v = values.get(*i).map(show).unwrap_or_default();
                format!(
                    "value {v} of {name} satisfies {} {} (ForAnyValue: one value is enough)",
                    base.name(),
                    hit_or_list(cond, *cmp, &pv)
                )
            }
            None => format!(
                "no value of {name} {} satisfies {} {pv} (ForAnyValue needs at least one)",
                show_list(values),
                base.name()
            ),
        },
        Detail::AllSet { values, counter } => match counter {
            None => format!(
                "every value of {name} {} satisfies {} {pv} (ForAllValues)",
                show_list(values),
                base.name()
            ),
            Some((i, cmp)) => {
                let v = values.get(*i).map(show).unwrap_or_default();
                let why = if *cmp == Cmp::Incomparable {
                    format!(" ({v} is not {})", type_word(base.family()))
                } else {
                    String::new()
                };
                format!(
                    "value {v} of {name} does not satisfy {} {pv}{why} (ForAllValues needs every value to)",
                    base.name()
                )
            }
        },
    };
    if let Some(var) = &o.notes.unresolved {
        let _ = write!(
            r,
            "; policy variable {var} has no value, so that policy value matches nothing"
        );
    }
    r
}

fn hit_or_list(cond: &Condition, cmp: Cmp, pv: &str) -> String {
    match cmp {
        Cmp::Hit(i) if !cond.op.base.is_negated() => cond
            .json_values
            .get(i)
            .map(show)
            .unwrap_or_else(|| pv.to_owned()),
        _ => pv.to_owned(),
    }
}

fn single_reason(
    cond: &Condition,
    name: &str,
    value: &Value,
    cmp: Cmp,
    pv: &str,
    yes: &str,
    no: &str,
) -> String {
    let base = cond.op.base;
    let tv = show(value);
    match cmp {
        Cmp::Incomparable => format!(
            "{name} {tv} is not {}, so {} cannot compare it (counts as not matching)",
            type_word(base.family()),
            base.name()
        ),
        Cmp::Hit(i) => {
            let hit = cond.json_values.get(i).map(show).unwrap_or_default();
            if base.is_negated() {
                format!("{name} {tv} {yes} {hit}, so {} is false", base.name())
            } else {
                format!("{name} {tv} {yes} {hit}")
            }
        }
        Cmp::Miss => {
            if base.is_negated() {
                format!("{name} {tv} {no} {pv}, so {} is true", base.name())
            } else {
                let hint = failure_hint(cond)
                    .map(|h| format!(" ({h})"))
                    .unwrap_or_default();
                format!("{name} {tv} {no} {pv}{hint}")
            }
        }
    }
}

pub fn condition_trace(cond: &Condition, o: &Outcome<'_>, env: &Env<'_>) -> ConditionTrace {
    let token_values = match o.lookup.resolved {
        Resolved::Missing(_) => None,
        Resolved::One(v) => Some(vec![v.clone()]),
        Resolved::Many(vs) => Some(vs.to_vec()),
    };
    let claim = match o.lookup.resolved {
        Resolved::Missing(Missing::NotExposed | Missing::Context | Missing::Malformed) => None,
        _ => o.lookup.claim.map(str::to_owned),
    };
    ConditionTrace {
        operator: cond.operator_written.clone(),
        base_operator: cond.op.base.name(),
        set_operator: cond.op.set,
        if_exists: cond.op.if_exists,
        key: cond.key.written.clone(),
        claim,
        policy_values: cond.json_values.clone(),
        token_values,
        matched: o.matched,
        reason: condition_reason(cond, o, env),
        path: cond.path.clone(),
        unconfirmed: o.notes.rule,
    }
}

fn principal_trace(
    s: &super::parse::Statement,
    env: &Env<'_>,
    matched: bool,
    hit: Option<usize>,
) -> ElementTrace {
    let token_value = env.provider.map(str::to_owned);
    let (policy_values, reason) = match &s.principal {
        Principal::Everyone { written } => (
            vec!["*".to_owned()],
            format!("Principal {written} admits every caller, including any web-identity token"),
        ),
        Principal::Listed {
            federated,
            other_types,
        } => {
            let values: Vec<String> = federated.iter().map(|f| f.written.clone()).collect();
            let reason = match (env.provider, hit.and_then(|i| federated.get(i))) {
                (_, Some(f)) if f.kind == FedKind::Any => "Federated \"*\" admits every provider".to_owned(),
                (Some(p), Some(f)) => format!("provider {p:?} matches Federated {:?}", f.written),
                (None, _) => "the token has no iss claim (and no provider was given), so no Federated principal can match".to_owned(),
                (Some(p), None) if federated.is_empty() => format!(
                    "the principal lists no Federated provider ({}); a web-identity token from {p:?} only matches a Federated principal",
                    other_types.join(", ")
                ),
                (Some(p), None) => {
                    let close = federated.iter().find_map(|f| match &f.kind {
                        FedKind::Provider(x) if x.eq_ignore_ascii_case(p) || x.trim_end_matches('/') == p.trim_end_matches('/') => Some(x),
                        _ => None,
                    });
                    let hint = close
                        .map(|x| format!(" (the principal names {x:?}; the prefix must equal iss without https:// exactly)"))
                        .unwrap_or_default();
                    format!("provider {p:?} is not among the Federated principals {values:?}{hint}")
                }
            };
            (values, reason)
        }
    };
    ElementTrace {
        field: "Principal",
        policy_values,
        token_value,
        matched,
        reason,
        path: s.principal_path.clone(),
    }
}

/// Token-independent: computed once per policy.
pub fn action_trace(s: &super::parse::Statement) -> ElementTrace {
    let a = &s.action;
    let reason = match (a.field, a.hit.and_then(|i| a.values.get(i))) {
        ("NotAction", Some(v)) => format!(
            "NotAction {v:?} covers {WEB_IDENTITY_ACTION}, so the statement does not apply to it"
        ),
        ("NotAction", None) => {
            format!("NotAction does not list {WEB_IDENTITY_ACTION}, so the statement applies to it")
        }
        (_, Some(v)) => format!(
            "Action {v:?} covers {WEB_IDENTITY_ACTION} (actions compare case-insensitively)"
        ),
        (_, None) => format!("Action {:?} does not cover {WEB_IDENTITY_ACTION}", a.values),
    };
    ElementTrace {
        field: a.field,
        policy_values: a.values.clone(),
        token_value: Some(WEB_IDENTITY_ACTION.to_owned()),
        matched: a.matched(),
        reason,
        path: a.path.clone(),
    }
}

fn rule_message(rule: &'static str) -> &'static str {
    match rule {
        rules::AUD_ARRAY => "the token's claim is an array of several values; oidc-trust treats it as a multi-valued key (how STS fills it is UNCONFIRMED)",
        rules::MULTI_WITHOUT_SET => "a multi-valued key used without ForAnyValue:/ForAllValues: is treated as not matching (UNCONFIRMED in AWS docs)",
        rules::INCOMPARABLE => "a token value the operator cannot read is treated as not matching, for negated operators too (UNCONFIRMED)",
        rules::UNUSABLE_CLAIM => "a claim that is null or an object is treated as missing (UNCONFIRMED)",
        rules::GOOGLE_ORG_NUMBER => "google/organization_number is read from the token's google.organization_number (UNCONFIRMED)",
        rules::FEDERATED_WILDCARD => "Federated \"*\" is treated as admitting every provider (UNCONFIRMED)",
        rules::VARIABLE_MULTI => "a policy variable naming a multi-valued key is treated as having no value (UNCONFIRMED)",
        rules::VARIABLE_LITERAL => "a substituted variable value is literal inside StringLike/ArnLike; its * and ? are not wildcards (UNCONFIRMED)",
        rules::BINARY_UTF8 => "BinaryEquals compares the base64-decoded policy value with the UTF-8 bytes of the token's string (UNCONFIRMED)",
        _ => "an UNCONFIRMED rule was applied",
    }
}

/// Full evaluation with trace, token-dependent lints and warnings.
pub fn evaluate(
    c: &Compiled,
    static_lints: &[Lint],
    action_traces: &[ElementTrace],
    claims: &Map<String, Value>,
    ctx: &EvalContext,
) -> Decision {
    let env = Env::new(claims, ctx);
    let mut statements = Vec::with_capacity(c.statements.len());
    let mut lints: Vec<Lint> = static_lints.to_vec();
    // (statement index, condition index or None for the principal, rule, path)
    let mut applied: Vec<(usize, Option<usize>, &'static str, String)> = Vec::new();
    let is_github = env
        .provider
        .is_some_and(|p| keys::classify(p) == ProviderClass::GitHub);

    for s in &c.statements {
        let (principal_matched, hit) = principal_outcome(&s.principal, &env);
        if let (Principal::Listed { federated, .. }, Some(i)) = (&s.principal, hit) {
            if federated.get(i).is_some_and(|f| f.kind == FedKind::Any) {
                applied.push((
                    s.index,
                    None,
                    rules::FEDERATED_WILDCARD,
                    s.principal_path.clone(),
                ));
            }
        }
        let action_matched = s.action.matched();
        let mut conditions = Vec::with_capacity(s.conditions.len());
        for (ci, cond) in s.conditions.iter().enumerate() {
            let o = condition_outcome(cond, &env);
            if let Some(rule) = o.notes.rule {
                applied.push((s.index, Some(ci), rule, cond.path.clone()));
            }
            token_lints(cond, &o, &env, is_github, &mut lints);
            conditions.push(condition_trace(cond, &o, &env));
        }
        let conditions_matched = conditions.iter().all(|t| t.matched);
        statements.push(StatementTrace {
            index: s.index,
            sid: s.sid.clone(),
            effect: s.effect,
            principal_matched,
            action_matched,
            conditions_matched,
            matched: principal_matched && action_matched && conditions_matched,
            principal: Some(principal_trace(s, &env, principal_matched, hit)),
            action: Some(
                action_traces
                    .get(s.index)
                    .cloned()
                    .unwrap_or_else(|| action_trace(s)),
            ),
            conditions,
            path: s.path.clone(),
        });
    }
    let decision = decide_effects(statements.iter().map(|s| (s.effect, s.matched)));

    let mut warnings = Vec::new();
    for (si, ci, rule, path) in applied {
        let decisive = flips_decision(&statements, si, ci, decision);
        if decisive {
            lints.push(Lint::new(
                LintCode::UnconfirmedRule,
                Severity::Warning,
                path.clone(),
                format!(
                    "this decision depends on an UNCONFIRMED rule: {}",
                    rule_message(rule)
                ),
            ));
        }
        if !warnings
            .iter()
            .any(|w: &Warning| w.rule == rule && w.path == path)
        {
            warnings.push(Warning {
                rule,
                message: rule_message(rule).to_owned(),
                path,
                decisive,
            });
        }
    }
    let reason = decision_reason(decision, &statements);
    Decision {
        decision,
        dialect: super::DIALECT,
        provider: env.provider.map(str::to_owned),
        statements,
        lints,
        warnings,
        reason,
    }
}

/// Would the decision change if this condition (or the principal, for `None`) had come out the other way?
fn flips_decision(
    statements: &[StatementTrace],
    si: usize,
    ci: Option<usize>,
    decision: DecisionKind,
) -> bool {
    let flipped = decide_effects(statements.iter().map(|s| {
        if s.index != si {
            return (s.effect, s.matched);
        }
        let principal = if ci.is_none() {
            !s.principal_matched
        } else {
            s.principal_matched
        };
        let conds =
            s.conditions
                .iter()
                .enumerate()
                .all(|(i, c)| if Some(i) == ci { !c.matched } else { c.matched });
        (s.effect, principal && s.action_matched && conds)
    }));
    flipped != decision
}

fn token_lints(
    cond: &Condition,
    o: &Outcome<'_>,
    env: &Env<'_>,
    is_github: bool,
    lints: &mut Vec<Lint>,
) {
    let base = cond.op.base;
    // ForAllValues that passed only because the key is missing.
    if cond.op.set == Some(SetOperator::ForAllValues) && o.matched {
        if let Detail::Missing(_) = o.detail {
            lints.push(Lint::new(
                LintCode::ForAllValuesMissingKeyAllows,
                Severity::Warning,
                cond.path.clone(),
                format!(
                    "{} passed only because {} is missing from this token; ForAllValues is true on a missing key",
                    cond.operator_written, cond.key.written
                ),
            ));
        }
    }
    // Case-only mismatches: a positive operator that failed, or a negated one that passed, where ignoring case
    // would flip it.
    if base.family() == Family::String
        && base.str_mode() != StrMode::IgnoreCase
        && o.matched == base.is_negated()
    {
        let values: &[Value] = match &o.detail {
            Detail::Single { value, .. } => std::slice::from_ref(*value),
            Detail::AnySet { values, .. } | Detail::AllSet { values, .. } => values,
            _ => &[],
        };
        if let Values::Str(pvs) = &cond.values {
            'outer: for tv in values {
                let Some(text) = scalar_str(tv) else { continue };
                let lower = text.to_lowercase();
                for (i, pv) in pvs.iter().enumerate() {
                    let ci_hit = match pv {
                        StrValue::Fixed(StrMatcher::Exact(s)) => {
                            s.to_lowercase() == lower && *s != *text
                        }
                        StrValue::Fixed(StrMatcher::Glob(g)) => {
                            !g.matches(&text) && g.to_lowercase().matches(&lower)
                        }
                        _ => false,
                    };
                    if ci_hit {
                        let written = cond.json_values.get(i).map(show).unwrap_or_default();
                        lints.push(Lint::new(
                            LintCode::CaseOnlyMismatch,
                            Severity::Warning,
                            cond.path.clone(),
                            format!(
                                "{} {} {written} only when case is ignored; {} is case-sensitive",
                                o.lookup.claim.unwrap_or(&cond.key.written),
                                show(tv),
                                base.name()
                            ),
                        ));
                        break 'outer;
                    }
                }
            }
        }
    }
    // GitHub: with an environment, sub is repo:O/R:environment:NAME.
    if is_github && !o.matched && !base.is_negated() && cond.key.name_lower() == Some("sub") {
        let env_name = env.claims.get("environment").and_then(Value::as_str);
        let expects_ref = cond
            .json_values
            .iter()
            .any(|v| v.as_str().is_some_and(|s| s.contains(":ref:")));
        if let (Some(environment), true) = (env_name, expects_ref) {
            let sub = env
                .claims
                .get("sub")
                .map(show)
                .unwrap_or_else(|| "(missing)".into());
            lints.push(Lint::new(
                LintCode::GithubEnvironmentChangesSub,
                Severity::Warning,
                cond.path.clone(),
                format!(
                    "the token's job uses environment {environment:?}, so GitHub sets sub to {sub} instead of \
                     repo:ORG/REPO:ref:…; match that sub (…:environment:{environment}) or the environment key"
                ),
            ));
        }
    }
}

fn first_failure(s: &StatementTrace) -> String {
    if !s.principal_matched {
        if let Some(p) = &s.principal {
            return p.reason.clone();
        }
    }
    if !s.action_matched {
        if let Some(a) = &s.action {
            return a.reason.clone();
        }
    }
    s.conditions
        .iter()
        .find(|c| !c.matched)
        .map(|c| c.reason.clone())
        .unwrap_or_default()
}

fn label(s: &StatementTrace) -> String {
    match &s.sid {
        Some(sid) if !sid.is_empty() => format!("statement {} ({sid:?})", s.index),
        _ => format!("statement {}", s.index),
    }
}

fn decision_reason(decision: DecisionKind, statements: &[StatementTrace]) -> String {
    match decision {
        DecisionKind::Deny => {
            let s = statements
                .iter()
                .find(|s| s.matched && s.effect == Effect::Deny);
            match s {
                Some(s) => format!(
                    "explicitly denied by {}: principal, action and all {} condition(s) matched; an explicit Deny overrides any Allow",
                    label(s),
                    s.conditions.len()
                ),
                None => "explicitly denied".into(),
            }
        }
        DecisionKind::Allow => {
            let s = statements
                .iter()
                .find(|s| s.matched && s.effect == Effect::Allow);
            match s {
                Some(s) => format!(
                    "allowed by {}: principal, action and all {} condition(s) matched",
                    label(s),
                    s.conditions.len()
                ),
                None => "allowed".into(),
            }
        }
        DecisionKind::ImplicitDeny => {
            let allows: Vec<&StatementTrace> = statements
                .iter()
                .filter(|s| s.effect == Effect::Allow)
                .collect();
            if allows.is_empty() {
                return "implicit deny: the policy has no Allow statement".into();
            }
            let parts: Vec<String> = allows
                .iter()
                .map(|s| format!("{}: {}", label(s), first_failure(s)))
                .collect();
            format!(
                "implicit deny: no Allow statement matched — {}",
                parts.join("; ")
            )
        }
    }
}
