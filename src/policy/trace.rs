//! The result model every policy dialect shares: a [`Decision`] with a trace of every statement and condition,
//! the lints found on the policy, and the warnings raised when an UNCONFIRMED rule was applied.
//!
//! AWS fills every field; dialects without principals or actions (Vault, octo-sts, Entra, Google) describe a
//! role or credential as one statement whose `principal`/`action` are absent and whose checks are conditions.

use serde::Serialize;

/// The outcome of evaluating a policy on one token.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DecisionKind {
    Allow,
    /// An explicit Deny statement matched.
    Deny,
    /// Nothing allowed.
    ImplicitDeny,
}

impl DecisionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DecisionKind::Allow => "allow",
            DecisionKind::Deny => "deny",
            DecisionKind::ImplicitDeny => "implicit-deny",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Effect {
    Allow,
    Deny,
}

impl Effect {
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
        }
    }
}

/// AWS's set-operator prefixes (`ForAnyValue:` / `ForAllValues:`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum SetOperator {
    ForAnyValue,
    ForAllValues,
}

impl SetOperator {
    pub fn as_str(self) -> &'static str {
        match self {
            SetOperator::ForAnyValue => "ForAnyValue",
            SetOperator::ForAllValues => "ForAllValues",
        }
    }
}

/// Everything `evaluate` found out.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Decision {
    pub decision: DecisionKind,
    /// `"aws"`, `"vault"`, `"octo-sts"`, later `"entra"`, `"gcp"`.
    pub dialect: &'static str,
    /// The provider the token was evaluated as (AWS: `iss` without `https://`, or the caller's override).
    pub provider: Option<String>,
    pub statements: Vec<StatementTrace>,
    /// Parse-time lints followed by the ones this token revealed.
    pub lints: Vec<Lint>,
    /// UNCONFIRMED rules applied while evaluating this token.
    pub warnings: Vec<Warning>,
    /// One line for people: why this decision.
    pub reason: String,
}

impl Decision {
    /// True only for [`DecisionKind::Allow`].
    pub fn allowed(&self) -> bool {
        self.decision == DecisionKind::Allow
    }

    /// Recomputes the decision from the trace alone (statement effects and matched flags) after checking the
    /// trace is self-consistent. Tests and fuzzers compare the result with [`Decision::decision`].
    pub fn recompute(&self) -> Result<DecisionKind, String> {
        for s in &self.statements {
            let all_conditions = s.conditions.iter().all(|c| c.matched);
            if all_conditions != s.conditions_matched {
                return Err(format!(
                    "statement {}: conditionsMatched is {} but its conditions say {}",
                    s.index, s.conditions_matched, all_conditions
                ));
            }
            let expect = s.principal_matched && s.action_matched && s.conditions_matched;
            if expect != s.matched {
                return Err(format!(
                    "statement {}: matched is {} but its parts say {}",
                    s.index, s.matched, expect
                ));
            }
            if let Some(p) = &s.principal {
                if p.matched != s.principal_matched {
                    return Err(format!(
                        "statement {}: principal detail disagrees with principalMatched",
                        s.index
                    ));
                }
            }
            if let Some(a) = &s.action {
                if a.matched != s.action_matched {
                    return Err(format!(
                        "statement {}: action detail disagrees with actionMatched",
                        s.index
                    ));
                }
            }
        }
        Ok(decide(
            self.statements.iter().map(|s| (s.effect, s.matched)),
        ))
    }
}

/// Explicit deny wins, then any allow, else implicit deny.
pub fn decide(statements: impl IntoIterator<Item = (Effect, bool)>) -> DecisionKind {
    let mut allowed = false;
    for (effect, matched) in statements {
        if matched {
            match effect {
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

/// One statement of the policy and how it fared.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StatementTrace {
    pub index: usize,
    pub sid: Option<String>,
    pub effect: Effect,
    pub principal_matched: bool,
    pub action_matched: bool,
    pub conditions_matched: bool,
    pub matched: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub principal: Option<ElementTrace>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<ElementTrace>,
    pub conditions: Vec<ConditionTrace>,
    /// JSON path of the statement in the document.
    pub path: String,
}

/// A non-condition element (AWS `Principal`, `Action`/`NotAction`).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ElementTrace {
    /// The field as written: `Principal`, `Action`, `NotAction`.
    pub field: &'static str,
    pub policy_values: Vec<String>,
    /// What the token was compared as (provider prefix, or the action being requested).
    pub token_value: Option<String>,
    pub matched: bool,
    pub reason: String,
    pub path: String,
}

/// One (operator, key) pair of a condition block.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConditionTrace {
    /// As written, e.g. `ForAnyValue:StringLikeIfExists`.
    pub operator: String,
    /// The operator without prefix or `IfExists`, e.g. `StringLike`.
    pub base_operator: &'static str,
    pub set_operator: Option<SetOperator>,
    pub if_exists: bool,
    /// As written in the policy.
    pub key: String,
    /// The token claim the key maps to; `None` when the key does not map to a claim.
    pub claim: Option<String>,
    pub policy_values: Vec<serde_json::Value>,
    /// The token's value(s); `None` when the key is missing.
    pub token_values: Option<Vec<serde_json::Value>>,
    pub matched: bool,
    pub reason: String,
    pub path: String,
    /// The UNCONFIRMED rule this result depends on, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unconfirmed: Option<&'static str>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

/// Stable lint codes (the kebab-case string is the public API).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LintCode {
    /// An Allow statement trusts an OIDC provider but never constrains `sub`.
    MissingSubCondition,
    /// An Allow statement trusts an OIDC provider but never constrains `aud`.
    MissingAudCondition,
    ForAllValuesSingleValued,
    ForAnyValueSingleValued,
    /// `ForAllValues` is true when the key is missing: a typo'd or unexposed key allows.
    ForAllValuesMissingKeyAllows,
    /// A multi-valued key (`amr`) used without `ForAnyValue:`/`ForAllValues:` never matches.
    MultiValuedKeyWithoutSetOperator,
    StringLikeWithoutWildcard,
    StringEqualsWithWildcard,
    /// The token's value matches the policy only when case is ignored.
    CaseOnlyMismatch,
    /// A GitHub token with `environment` has `sub` `repo:O/R:environment:NAME`, not `…:ref:…`.
    GithubEnvironmentChangesSub,
    /// AWS does not expose this claim as a condition key; it is always missing.
    KeyNotExposed,
    /// The key's provider prefix is not one of the statement's Federated principals.
    KeyProviderMismatch,
    /// A request-context key (`aws:…`, `sts:…`) that no token supplies; evaluated as missing.
    KeyNotFromToken,
    /// `${…}` in a policy without `Version: "2012-10-17"` is literal text.
    VariablesNotEnabled,
    /// A policy variable names a key that has no value for tokens.
    UnknownVariable,
    /// `Principal: "*"` (or `{"AWS": "*"}`, `{"Federated": "*"}`) trusts every caller.
    PrincipalWildcard,
    /// The statement has no Federated principal, so it never applies to a web-identity token.
    PrincipalNotFederated,
    /// The statement's Action/NotAction does not cover `sts:AssumeRoleWithWebIdentity`.
    ActionNotWebIdentity,
    /// A result depended on a rule no primary source confirmed.
    UnconfirmedRule,
    /// Vault: `bound_subject` is compared exactly; its `*` is literal.
    SubjectExactNotGlob,
    /// Vault `glob` bound claims: `?` is a literal question mark, not a wildcard.
    GlobQuestionMarkLiteral,
    /// Vault: `bound_issuer` belongs to the auth method's config; the role document's copy was used.
    IssuerOnRole,
    /// Vault: `user_claim` starts with `/` but `user_claim_json_pointer` is off, so it names a top-level claim.
    UserClaimPointerDisabled,
    /// octo-sts: a top-level `a|b` compiled as `^a|b$` anchors each alternative at one end only.
    UnanchoredAlternation,
    /// A pattern matches arbitrary values, so it constrains nothing.
    PatternMatchesAnything,
    /// Google WIF: no `attributeCondition`, so every token of the issuer is accepted (for GitHub: any repository).
    MissingAttributeCondition,
    /// Google WIF: no `allowedAudiences` and no `name`, so the default audience (the provider's resource name)
    /// is unknown and every token is rejected here.
    DefaultAudienceUnknown,
    /// A regex used by a substring search (CEL `matches`) without `^`/`$`: `'mainline'.matches('main')` is true.
    UnanchoredRegex,
}

impl LintCode {
    pub fn as_str(self) -> &'static str {
        match self {
            LintCode::MissingSubCondition => "missing-sub-condition",
            LintCode::MissingAudCondition => "missing-aud-condition",
            LintCode::ForAllValuesSingleValued => "for-all-values-single-valued",
            LintCode::ForAnyValueSingleValued => "for-any-value-single-valued",
            LintCode::ForAllValuesMissingKeyAllows => "for-all-values-missing-key-allows",
            LintCode::MultiValuedKeyWithoutSetOperator => "multi-valued-key-without-set-operator",
            LintCode::StringLikeWithoutWildcard => "string-like-without-wildcard",
            LintCode::StringEqualsWithWildcard => "string-equals-with-wildcard",
            LintCode::CaseOnlyMismatch => "case-only-mismatch",
            LintCode::GithubEnvironmentChangesSub => "github-environment-changes-sub",
            LintCode::KeyNotExposed => "key-not-exposed",
            LintCode::KeyProviderMismatch => "key-provider-mismatch",
            LintCode::KeyNotFromToken => "key-not-from-token",
            LintCode::VariablesNotEnabled => "variables-not-enabled",
            LintCode::UnknownVariable => "unknown-variable",
            LintCode::PrincipalWildcard => "principal-wildcard",
            LintCode::PrincipalNotFederated => "principal-not-federated",
            LintCode::ActionNotWebIdentity => "action-not-web-identity",
            LintCode::UnconfirmedRule => "unconfirmed-rule",
            LintCode::SubjectExactNotGlob => "subject-exact-not-glob",
            LintCode::GlobQuestionMarkLiteral => "glob-question-mark-literal",
            LintCode::IssuerOnRole => "issuer-on-role",
            LintCode::UserClaimPointerDisabled => "user-claim-pointer-disabled",
            LintCode::UnanchoredAlternation => "unanchored-alternation",
            LintCode::PatternMatchesAnything => "pattern-matches-anything",
            LintCode::MissingAttributeCondition => "missing-attribute-condition",
            LintCode::DefaultAudienceUnknown => "default-audience-unknown",
            LintCode::UnanchoredRegex => "unanchored-regex",
        }
    }
}

/// A warning about a risky or suspicious policy, separate from the decision.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Lint {
    pub code: LintCode,
    pub severity: Severity,
    pub message: String,
    /// JSON path of the element the lint is about.
    pub path: String,
}

impl Lint {
    pub fn new(
        code: LintCode,
        severity: Severity,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Lint {
            code,
            severity,
            message: message.into(),
            path: path.into(),
        }
    }
}

/// An UNCONFIRMED rule that was applied during an evaluation.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Warning {
    /// Stable id of the rule (listed in the README), e.g. `aud-array-multi-valued`.
    pub rule: &'static str,
    pub message: String,
    pub path: String,
    /// True when flipping the affected condition would change the decision.
    pub decisive: bool,
}
