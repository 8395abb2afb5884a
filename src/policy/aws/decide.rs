//! The decision alone, on a form of the policy compiled for it once at parse: what [`super::eval::evaluate`] finds out
//! per condition from strings — which provider a key names, which claim it reads, whether a statement can apply at
//! all — is settled here into indices, so that a decision compares only token values.
//!
//! - Claims are read by index into [`Plan::names`] (the policy's `claims_read`, sorted), never by name: a binding
//!   passes them as a slice in that order, a claims object is looked up once per claim read.
//! - The token's provider is compared once per call with each distinct provider text of the policy (principal
//!   prefixes exactly, key prefixes ignoring case), not once per condition.
//! - Statements whose Action does not cover `sts:AssumeRoleWithWebIdentity` and Federated SAML principals can
//!   never match a token and are dropped.
//! - Values are compared by [`super::eval::compare`], the function the traced evaluation uses; string claims are read
//!   where they lie, without building a `serde_json::Value`.
//!
//! The semantics are [`super::eval::condition_outcome`]'s; tests/policy_aws.rs checks the two agree on thousands of
//! random policies and claim sets.

use serde_json::Value;

use super::eval::{compare, missing_key_matches, Cmp, Notes, Tv, VarValue, Vars};
use super::keys::{ClaimSource, ValueKind};
use super::operators::BaseOp;
use super::parse::{eq_ignore_case, Compiled, CompiledKey, Condition, FedKind, KeyScope, Principal, Values};
use crate::policy::glob::bytes_eq;
use crate::policy::trace::{DecisionKind, Effect, SetOperator};

/// One claim's value as a caller passes it: a JSON value, or a string claim as it is.
#[derive(Clone, Copy, Debug)]
pub enum ClaimValue<'a> {
    Str(&'a str),
    Json(&'a Value),
}

impl<'a> ClaimValue<'a> {
    fn as_str(self) -> Option<&'a str> {
        match self {
            ClaimValue::Str(s) => Some(s),
            ClaimValue::Json(v) => v.as_str(),
        }
    }
}

/// Provider texts compared with the token's provider once per call: beyond this many, the rest are compared where
/// they are used.
const MASK_BITS: usize = 64;

#[derive(Clone, Debug)]
pub struct Plan {
    /// Every claim a decision can read, sorted, without repeats (`iss` always).
    names: Vec<&'static str>,
    iss: usize,
    atoms: Vec<Atom>,
    statements: Vec<PlanStatement>,
}

/// A provider text of the policy.
#[derive(Clone, Debug, PartialEq)]
struct Atom {
    text: String,
    /// Key prefixes compare ignoring case (`text` is lowercased); principal prefixes exactly.
    ignore_case: bool,
}

#[derive(Clone, Debug)]
struct PlanStatement {
    /// Index into [`Compiled::statements`].
    index: usize,
    effect: Effect,
    /// `None`: every provider (`"*"`, `{"AWS": "*"}`, `Federated: "*"`); otherwise the atoms of its OIDC
    /// providers (empty: none can match).
    principal: Option<Vec<usize>>,
    /// Parallel to the statement's conditions.
    keys: Vec<KeyRef>,
}

#[derive(Clone, Copy, Debug)]
enum KeyRef {
    /// A key no token has (malformed, request context, or not exposed for its provider).
    Absent,
    Provider {
        /// `None`: compare the prefix itself (variables, which are resolved where they are used).
        atom: Option<usize>,
        source: Source,
        multi: bool,
    },
}

#[derive(Clone, Copy, Debug)]
enum Source {
    Claim(Option<usize>),
    AzpElseAud(Option<usize>, Option<usize>),
    Nested(Option<usize>, &'static str),
}

fn claims_of(key: &CompiledKey, names: &mut Vec<&'static str>) {
    if let KeyScope::Provider { exposed: Some(k), .. } = &key.scope {
        match k.source {
            ClaimSource::Claim(c) => names.push(c),
            ClaimSource::AzpElseAud => names.extend(["azp", "aud"]),
            ClaimSource::Nested(outer, _) => names.push(outer),
        }
    }
}

impl Plan {
    pub fn new(c: &Compiled) -> Plan {
        let mut names = vec!["iss"];
        for statement in &c.statements {
            for cond in &statement.conditions {
                claims_of(&cond.key, &mut names);
                for template in cond.values.templates() {
                    for var in template.vars() {
                        claims_of(&var.key, &mut names);
                    }
                }
            }
        }
        names.sort_unstable();
        names.dedup();
        let iss = names.binary_search(&"iss").unwrap_or(0);
        let mut plan = Plan {
            names,
            iss,
            atoms: Vec::new(),
            statements: Vec::new(),
        };
        for (index, s) in c.statements.iter().enumerate() {
            if !s.action.matched() {
                continue;
            }
            let principal = match &s.principal {
                Principal::Everyone { .. } => None,
                Principal::Listed { federated, .. } if federated.iter().any(|f| f.kind == FedKind::Any) => None,
                Principal::Listed { federated, .. } => Some(
                    federated
                        .iter()
                        .filter_map(|f| match &f.kind {
                            FedKind::Provider(p) => Some(plan.atom(p, false)),
                            _ => None,
                        })
                        .collect(),
                ),
            };
            let keys = s.conditions.iter().map(|cond| plan.key_ref(&cond.key)).collect();
            plan.statements.push(PlanStatement {
                index,
                effect: s.effect,
                principal,
                keys,
            });
        }
        plan
    }

    /// The claims a decision can read, sorted (see [`super::AwsPolicy::claims_read`]).
    pub fn names(&self) -> &[&'static str] {
        &self.names
    }

    fn atom(&mut self, text: &str, ignore_case: bool) -> usize {
        let atom = Atom {
            text: text.to_owned(),
            ignore_case,
        };
        match self.atoms.iter().position(|a| *a == atom) {
            Some(i) => i,
            None => {
                self.atoms.push(atom);
                self.atoms.len() - 1
            }
        }
    }

    fn slot(&self, name: &str) -> Option<usize> {
        self.names.binary_search(&name).ok()
    }

    fn key_ref(&mut self, key: &CompiledKey) -> KeyRef {
        match (key_ref_by_name(self, key), &key.scope) {
            (KeyRef::Provider { source, multi, .. }, KeyScope::Provider { prefix_lower, .. }) => KeyRef::Provider {
                atom: Some(self.atom(prefix_lower, true)),
                source,
                multi,
            },
            _ => KeyRef::Absent,
        }
    }

    /// The decision on the claims `get` returns by index into [`Plan::names`] (`None`: missing). `provider`
    /// overrides the one derived from `iss`.
    pub fn decide<'a>(
        &self,
        c: &Compiled,
        get: impl Fn(usize) -> Option<ClaimValue<'a>>,
        provider: Option<&str>,
    ) -> DecisionKind {
        let provider = match provider {
            Some(p) => Some(p),
            None => get(self.iss)
                .and_then(ClaimValue::as_str)
                .map(|s| s.strip_prefix("https://").unwrap_or(s)),
        };
        let mut mask = 0u64;
        if let Some(p) = provider {
            for (i, a) in self.atoms.iter().take(MASK_BITS).enumerate() {
                if a.matches(p) {
                    mask |= 1 << i;
                }
            }
        }
        let call = Call {
            plan: self,
            get,
            provider,
            mask,
        };
        let mut allowed = false;
        for ps in &self.statements {
            let Some(s) = c.statements.get(ps.index) else { continue };
            // A statement that cannot change the decision is not evaluated.
            if ps.effect == Effect::Allow && allowed {
                continue;
            }
            let principal = match &ps.principal {
                None => true,
                Some(atoms) => atoms.iter().any(|&a| call.atom_ok(a)),
            };
            if !principal {
                continue;
            }
            let matched = s
                .conditions
                .iter()
                .zip(&ps.keys)
                .all(|(cond, key)| call.condition(cond, *key));
            if matched {
                match ps.effect {
                    Effect::Deny => return DecisionKind::Deny,
                    Effect::Allow => allowed = true,
                }
            }
        }
        if allowed {
            DecisionKind::Allow
        } else {
            DecisionKind::ImplicitDeny
        }
    }
}

impl Atom {
    fn matches(&self, provider: &str) -> bool {
        if self.ignore_case {
            eq_ignore_case(&self.text, provider)
        } else {
            bytes_eq(self.text.as_bytes(), provider.as_bytes())
        }
    }
}

/// One decision's view of the token.
struct Call<'p, F> {
    plan: &'p Plan,
    get: F,
    provider: Option<&'p str>,
    /// Bit `i`: atom `i` matches the provider.
    mask: u64,
}

enum Resolved<'a> {
    Missing,
    One(Tv<'a>),
    Many(Many<'a>),
}

#[derive(Clone, Copy)]
enum Many<'a> {
    Slice(&'a [Value]),
    One(Tv<'a>),
}

impl<'p, 'a, F: Fn(usize) -> Option<ClaimValue<'a>>> Call<'p, F> {
    fn atom_ok(&self, i: usize) -> bool {
        if i < MASK_BITS {
            self.mask >> i & 1 == 1
        } else {
            match (self.plan.atoms.get(i), self.provider) {
                (Some(a), Some(p)) => a.matches(p),
                _ => false,
            }
        }
    }

    fn claim(&self, slot: Option<usize>) -> Option<ClaimValue<'a>> {
        slot.and_then(|i| (self.get)(i))
    }

    /// [`super::eval::resolve_key`]'s rules, on indices.
    fn resolve(&self, key: KeyRef, key_prefix: Option<&str>) -> Resolved<'a> {
        let KeyRef::Provider {
            atom, source, multi, ..
        } = key
        else {
            return Resolved::Missing;
        };
        let Some(provider) = self.provider else {
            return Resolved::Missing;
        };
        let provider_ok = match (atom, key_prefix) {
            (Some(a), _) => self.atom_ok(a),
            (None, Some(prefix_lower)) => eq_ignore_case(prefix_lower, provider),
            (None, None) => false,
        };
        if !provider_ok {
            return Resolved::Missing;
        }
        let raw = match source {
            Source::Claim(slot) => self.claim(slot),
            Source::AzpElseAud(azp, aud) => match self.claim(azp) {
                Some(ClaimValue::Json(Value::Null)) | None => self.claim(aud),
                azp => azp,
            },
            Source::Nested(slot, inner) => match self.claim(slot) {
                Some(ClaimValue::Json(outer)) => outer.get(inner).map(ClaimValue::Json),
                _ => None,
            },
        };
        match raw {
            None => Resolved::Missing,
            Some(ClaimValue::Str(s)) if multi => Resolved::Many(Many::One(Tv::Str(s))),
            Some(ClaimValue::Str(s)) => Resolved::One(Tv::Str(s)),
            Some(ClaimValue::Json(v)) => match v {
                Value::Null | Value::Object(_) => Resolved::Missing,
                Value::Array(a) if a.is_empty() => Resolved::Missing,
                Value::Array(a) if multi => Resolved::Many(Many::Slice(a)),
                Value::Array(a) => match a.as_slice() {
                    [one] => Resolved::One(Tv::Json(one)),
                    _ => Resolved::Many(Many::Slice(a)),
                },
                scalar if multi => Resolved::Many(Many::One(Tv::Json(scalar))),
                scalar => Resolved::One(Tv::Json(scalar)),
            },
        }
    }

    fn satisfied(&self, cond: &Condition, tv: Tv<'_>) -> bool {
        let cmp = compare(cond, tv, self, &mut Notes::default());
        match cmp {
            Cmp::Incomparable => false,
            Cmp::Hit(_) => !cond.op.base.is_negated(),
            Cmp::Miss => cond.op.base.is_negated(),
        }
    }

    /// [`super::eval::condition_outcome`]'s `matched`.
    fn condition(&self, cond: &Condition, key: KeyRef) -> bool {
        let op = cond.op;
        match self.resolve(key, None) {
            Resolved::Missing => missing_key_matches(cond),
            _ if op.base == BaseOp::Null => matches!(&cond.values, Values::Null(vals) if vals.contains(&false)),
            Resolved::One(v) if op.set.is_none() => self.satisfied(cond, v),
            // A multi-valued key without a set operator matches nothing (rules::MULTI_WITHOUT_SET).
            Resolved::Many(_) if op.set.is_none() => false,
            // A set operator on one value: a one-element set, for ForAnyValue and ForAllValues alike.
            Resolved::One(v) | Resolved::Many(Many::One(v)) => self.satisfied(cond, v),
            Resolved::Many(Many::Slice(values)) => {
                if op.set == Some(SetOperator::ForAnyValue) {
                    values.iter().any(|v| self.satisfied(cond, Tv::Json(v)))
                } else {
                    values.iter().all(|v| self.satisfied(cond, Tv::Json(v)))
                }
            }
        }
    }
}

impl<'p, 'a, F: Fn(usize) -> Option<ClaimValue<'a>>> Vars for Call<'p, F> {
    /// Variables are rare: their keys are resolved here, by name, rather than compiled.
    fn var(&self, key: &CompiledKey) -> VarValue {
        let KeyScope::Provider { prefix_lower, .. } = &key.scope else {
            return VarValue::None;
        };
        let key_ref = key_ref_by_name(self.plan, key);
        match self.resolve(key_ref, Some(prefix_lower)) {
            Resolved::One(v) => v.scalar_str().map_or(VarValue::None, |t| VarValue::Text(t.into_owned())),
            Resolved::Many(_) => VarValue::Multi,
            Resolved::Missing => VarValue::None,
        }
    }
}

/// A key's claims by index; its provider (`atom: None`) is compared where it is used.
fn key_ref_by_name(plan: &Plan, key: &CompiledKey) -> KeyRef {
    let KeyScope::Provider { exposed: Some(k), .. } = &key.scope else {
        return KeyRef::Absent;
    };
    let source = match k.source {
        ClaimSource::Claim(c) => Source::Claim(plan.slot(c)),
        ClaimSource::AzpElseAud => Source::AzpElseAud(plan.slot("azp"), plan.slot("aud")),
        ClaimSource::Nested(outer, inner) => Source::Nested(plan.slot(outer), inner),
    };
    KeyRef::Provider {
        atom: None,
        source,
        multi: k.kind == ValueKind::MultiValued,
    }
}
