//! Shared plumbing for dialects that describe one credential or provider rather than a list of statements
//! (Entra, Google Cloud WIF): the whole document is one Allow statement without principal or action, and each
//! check is a condition. The statement matches, and the token is allowed, exactly when every check passed.

use serde_json::Value;

use crate::policy::trace::{ConditionTrace, Decision, DecisionKind, Effect, Lint, LintCode, Severity, StatementTrace, Warning};

/// One check's result as a trace row.
#[allow(clippy::too_many_arguments)]
pub fn condition(
    operator: &'static str,
    key: impl Into<String>,
    claim: Option<&str>,
    policy_values: Vec<Value>,
    token_values: Option<Vec<Value>>,
    matched: bool,
    reason: String,
    path: impl Into<String>,
) -> ConditionTrace {
    condition_as(operator, operator, key, claim, policy_values, token_values, matched, reason, path)
}

/// [`condition`] for a dialect whose operator names (Vault's `bound_claims_glob`, octo-sts's `subject_pattern`) map
/// onto a shared base operator (`glob`, `pattern`, `exact`).
#[allow(clippy::too_many_arguments)]
pub fn condition_as(
    operator: &str,
    base_operator: &'static str,
    key: impl Into<String>,
    claim: Option<&str>,
    policy_values: Vec<Value>,
    token_values: Option<Vec<Value>>,
    matched: bool,
    reason: String,
    path: impl Into<String>,
) -> ConditionTrace {
    ConditionTrace {
        operator: operator.to_owned(),
        base_operator,
        set_operator: None,
        if_exists: false,
        key: key.into(),
        claim: claim.map(str::to_owned),
        policy_values,
        token_values,
        matched,
        reason,
        path: path.into(),
        unconfirmed: None,
    }
}

/// An UNCONFIRMED rule applied to the condition at `index`.
pub struct Applied {
    pub index: usize,
    pub rule: &'static str,
    pub message: &'static str,
}

/// What a dialect hands over to build its [`Decision`].
pub struct Outcome<'a> {
    pub dialect: &'static str,
    pub provider: Option<String>,
    /// Shown as the statement's `sid` (the credential's or provider's name).
    pub name: Option<String>,
    pub conditions: Vec<ConditionTrace>,
    pub static_lints: &'a [Lint],
    pub token_lints: Vec<Lint>,
    pub applied: Vec<Applied>,
    /// The service's own rejection text, followed by the first failing check's reason in the decision's reason.
    pub failure_text: String,
}

/// Builds the decision, marking each applied UNCONFIRMED rule as decisive when flipping its condition would
/// change the decision (with one all-AND statement: when every other condition matched).
pub fn finish(o: Outcome<'_>) -> Decision {
    let Outcome { dialect, provider, name, mut conditions, static_lints, token_lints, applied, failure_text } = o;
    let matched = conditions.iter().all(|c| c.matched);
    let decision = if matched { DecisionKind::Allow } else { DecisionKind::ImplicitDeny };
    let mut lints: Vec<Lint> = static_lints.to_vec();
    lints.extend(token_lints);
    let mut warnings: Vec<Warning> = Vec::new();
    for a in applied {
        let Some(c) = conditions.get_mut(a.index) else { continue };
        c.unconfirmed = Some(a.rule);
        let path = c.path.clone();
        let decisive = conditions.iter().enumerate().all(|(i, c)| i == a.index || c.matched);
        if decisive {
            lints.push(Lint::new(
                LintCode::UnconfirmedRule,
                Severity::Warning,
                path.clone(),
                format!("this decision depends on an UNCONFIRMED rule: {}", a.message),
            ));
        }
        if !warnings.iter().any(|w| w.rule == a.rule && w.path == path) {
            warnings.push(Warning { rule: a.rule, message: a.message.to_owned(), path, decisive });
        }
    }
    let reason = if matched {
        format!("allowed: all {} checks passed", conditions.len())
    } else {
        let failed: Vec<&ConditionTrace> = conditions.iter().filter(|c| !c.matched).collect();
        let first = failed.first().map(|c| c.reason.as_str()).unwrap_or("");
        let more = match failed.len() {
            0 | 1 => String::new(),
            n => format!(" (and {} more failed checks)", n - 1),
        };
        format!("{failure_text} {first}{more}")
    };
    Decision {
        decision,
        dialect,
        provider,
        statements: vec![StatementTrace {
            index: 0,
            sid: name,
            effect: Effect::Allow,
            principal_matched: true,
            action_matched: true,
            conditions_matched: matched,
            matched,
            principal: None,
            action: None,
            conditions,
            path: "$".to_owned(),
        }],
        lints,
        warnings,
        reason,
    }
}

/// The JSON type of a value for error messages.
pub fn type_name(v: &Value) -> &'static str {
    crate::json::type_name(v)
}

/// A token claim as the strings it holds: `aud` may be a string or an array of strings.
pub fn string_values(v: Option<&Value>) -> Option<Vec<&str>> {
    match v? {
        Value::String(s) => Some(vec![s.as_str()]),
        Value::Array(a) => a.iter().map(Value::as_str).collect(),
        _ => None,
    }
}

/// Shortens a value for a one-line reason.
pub fn quote(s: &str) -> String {
    const MAX: usize = 200;
    if s.len() <= MAX {
        return format!("{s:?}");
    }
    let mut end = MAX;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{:?}…", &s[..end])
}
