//! Token-independent lints on a compiled AWS trust policy. (Lints that need a token — case-only mismatch,
//! GitHub environment, UNCONFIRMED rule decided — are raised in `eval`.)

use super::keys::{self, ValueKind};
use super::operators::{BaseOp, Family, StrMode};
use super::parse::{
    Compiled, Condition, FedKind, KeyScope, Principal, Statement, StrMatcher, StrValue, Values,
    WEB_IDENTITY_ACTION,
};
use crate::policy::trace::{Effect, Lint, LintCode, SetOperator, Severity};

pub fn static_lints(c: &Compiled) -> Vec<Lint> {
    let mut out = c.lints.clone();
    for s in &c.statements {
        statement_lints(s, &mut out);
        for cond in &s.conditions {
            condition_lints(s, cond, &mut out);
        }
    }
    out
}

/// The provider prefixes a statement trusts (OIDC/built-in only).
fn providers(s: &Statement) -> Vec<&str> {
    match &s.principal {
        Principal::Listed { federated, .. } => federated
            .iter()
            .filter_map(|f| {
                if let FedKind::Provider(p) = &f.kind {
                    Some(p.as_str())
                } else {
                    None
                }
            })
            .collect(),
        Principal::Everyone { .. } => Vec::new(),
    }
}

fn constrains(s: &Statement, provider: &str, claim: &str) -> bool {
    s.conditions.iter().any(|c| {
        !c.op.base.is_negated()
            && c.op.base != BaseOp::Null
            && !c.op.if_exists
            && c.op.set != Some(SetOperator::ForAllValues)
            && matches!(&c.key.scope, KeyScope::Provider { prefix_lower, name_lower, .. }
                if name_lower == claim && super::parse::eq_ignore_case(prefix_lower, provider))
    })
}

fn statement_lints(s: &Statement, out: &mut Vec<Lint>) {
    match &s.principal {
        Principal::Everyone { written } => out.push(Lint::new(
            LintCode::PrincipalWildcard,
            Severity::Error,
            s.principal_path.clone(),
            format!("Principal {written} trusts every caller; name the OIDC provider with {{\"Federated\": \"arn:aws:iam::<account>:oidc-provider/<provider>\"}}"),
        )),
        Principal::Listed { federated, .. } => {
            for f in federated {
                if f.kind == FedKind::Any {
                    out.push(Lint::new(
                        LintCode::PrincipalWildcard,
                        Severity::Error,
                        f.path.clone(),
                        "Federated \"*\" trusts every identity provider".to_owned(),
                    ));
                }
            }
            if !federated.iter().any(|f| f.kind != FedKind::Saml) {
                out.push(Lint::new(
                    LintCode::PrincipalNotFederated,
                    Severity::Info,
                    s.principal_path.clone(),
                    "the principal names no OIDC provider, so this statement never applies to a web-identity token".to_owned(),
                ));
            }
        }
    }
    if !s.action.matched() {
        out.push(Lint::new(
            LintCode::ActionNotWebIdentity,
            Severity::Info,
            s.action.path.clone(),
            format!("{} does not cover {WEB_IDENTITY_ACTION}, so this statement never applies to a web-identity token", s.action.field),
        ));
    }
    if s.effect != Effect::Allow || !s.action.matched() {
        return;
    }
    for p in providers(s) {
        if !constrains(s, p, "sub") {
            let (severity, why) = if keys::is_multi_tenant(p) {
                (Severity::Error, format!("{p} issues tokens to anyone on the platform, so any of them could assume this role"))
            } else {
                (
                    Severity::Warning,
                    "every token this provider issues could assume this role".to_owned(),
                )
            };
            out.push(Lint::new(
                LintCode::MissingSubCondition,
                severity,
                s.path.clone(),
                format!("no condition on {p}:sub: {why}"),
            ));
        }
        if !constrains(s, p, "aud") {
            out.push(Lint::new(
                LintCode::MissingAudCondition,
                Severity::Info,
                s.path.clone(),
                format!("no condition on {p}:aud: tokens minted for other audiences are accepted"),
            ));
        }
    }
}

fn condition_lints(s: &Statement, cond: &Condition, out: &mut Vec<Lint>) {
    let key = &cond.key;
    let op = cond.op;
    let base = op.base;
    let path = &cond.path;
    let trusted = providers(s);
    let can_be_present = match &key.scope {
        KeyScope::Malformed => {
            out.push(Lint::new(
                LintCode::KeyNotExposed,
                Severity::Error,
                path.clone(),
                format!("{:?} is not a condition key (keys look like <provider>:<claim>, e.g. token.actions.githubusercontent.com:sub); it is always missing", key.written),
            ));
            false
        }
        KeyScope::Context => {
            out.push(Lint::new(
                LintCode::KeyNotFromToken,
                Severity::Info,
                path.clone(),
                format!(
                    "{} is request context, not a token claim; oidc-trust evaluates it as missing",
                    key.written
                ),
            ));
            false
        }
        KeyScope::Provider {
            prefix_lower,
            name_lower,
            class,
            exposed,
        } => {
            let matches_principal = trusted
                .iter()
                .any(|p| super::parse::eq_ignore_case(prefix_lower, p));
            if !trusted.is_empty() && !matches_principal {
                out.push(Lint::new(
                    LintCode::KeyProviderMismatch,
                    Severity::Warning,
                    path.clone(),
                    format!(
                        "{} is a key of provider {prefix_lower:?}, which this statement does not trust ({}); for trusted tokens it is always missing",
                        key.written,
                        trusted.join(", ")
                    ),
                ));
            }
            if exposed.is_none() {
                out.push(Lint::new(
                    LintCode::KeyNotExposed,
                    Severity::Warning,
                    path.clone(),
                    format!(
                        "AWS does not expose {name_lower} as a condition key for {prefix_lower}; it is always missing (exposed: {})",
                        keys::exposed_names(*class).join(", ")
                    ),
                ));
            }
            exposed.is_some() && (trusted.is_empty() || matches_principal)
        }
    };
    if op.set == Some(SetOperator::ForAllValues) && !can_be_present {
        out.push(Lint::new(
            LintCode::ForAllValuesMissingKeyAllows,
            Severity::Error,
            path.clone(),
            format!("{} on {}, which is never present: ForAllValues is true on a missing key, so this condition always passes", cond.operator_written, key.written),
        ));
    }
    let exposed_kind = match &key.scope {
        KeyScope::Provider {
            exposed: Some(k), ..
        } => Some(k.kind),
        _ => None,
    };
    match (op.set, exposed_kind) {
        (Some(SetOperator::ForAllValues), Some(ValueKind::String | ValueKind::Numeric)) => out.push(Lint::new(
            LintCode::ForAllValuesSingleValued,
            Severity::Warning,
            path.clone(),
            format!("{} is single-valued; ForAllValues also passes when it is missing — use {} without the prefix", key.written, base.name()),
        )),
        (Some(SetOperator::ForAnyValue), Some(ValueKind::String | ValueKind::Numeric)) => out.push(Lint::new(
            LintCode::ForAnyValueSingleValued,
            Severity::Info,
            path.clone(),
            format!("{} is single-valued; ForAnyValue is unnecessary", key.written),
        )),
        (None, Some(ValueKind::MultiValued)) if base != BaseOp::Null => out.push(Lint::new(
            LintCode::MultiValuedKeyWithoutSetOperator,
            Severity::Warning,
            path.clone(),
            format!("{} is multi-valued; without ForAnyValue:/ForAllValues: the condition does not match (use ForAnyValue:{})", key.written, cond.operator_written),
        )),
        _ => {}
    }
    if base.family() == Family::String {
        if let Values::Str(vals) = &cond.values {
            for (i, v) in vals.iter().enumerate() {
                let written = cond
                    .json_values
                    .get(i)
                    .and_then(|v| v.as_str())
                    .unwrap_or("");
                match (base.str_mode(), v) {
                    (StrMode::Like, StrValue::Fixed(StrMatcher::Glob(g))) if !g.has_wildcards() => out.push(Lint::new(
                        LintCode::StringLikeWithoutWildcard,
                        Severity::Info,
                        value_path(cond, i),
                        format!("{} value {written:?} has no wildcard; {} would say the same more plainly", base.name(), if base.is_negated() { "StringNotEquals" } else { "StringEquals" }),
                    )),
                    (StrMode::Exact, StrValue::Fixed(StrMatcher::Exact(s))) if s.contains('*') || s.contains('?') => out.push(Lint::new(
                        LintCode::StringEqualsWithWildcard,
                        Severity::Warning,
                        value_path(cond, i),
                        format!("{} treats * and ? in {written:?} literally; use {} for wildcards", base.name(), if base.is_negated() { "StringNotLike" } else { "StringLike" }),
                    )),
                    _ => {}
                }
            }
        }
    }
    for t in cond.values.templates() {
        for v in t.vars() {
            let ok = match &v.key.scope {
                KeyScope::Provider {
                    prefix_lower,
                    exposed: Some(_),
                    ..
                } => {
                    trusted.is_empty()
                        || trusted
                            .iter()
                            .any(|p| super::parse::eq_ignore_case(prefix_lower, p))
                }
                _ => false,
            };
            if !ok && v.default.is_none() {
                out.push(Lint::new(
                    LintCode::UnknownVariable,
                    Severity::Warning,
                    path.clone(),
                    format!("policy variable {} has no value for web-identity tokens of this statement; the value it sits in matches nothing", v.written),
                ));
            }
        }
    }
}

fn value_path(cond: &Condition, i: usize) -> String {
    if cond.value_is_list {
        crate::policy::path::index(&cond.path, i)
    } else {
        cond.path.clone()
    }
}
