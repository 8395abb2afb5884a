//! AWS IAM role trust policies (`sts:AssumeRoleWithWebIdentity`), as described in policy-semantics.md §1.
//!
//! - [`parse`] compiles a document (every rejection carries a JSON path),
//! - [`keys`] is the one table of condition keys AWS exposes per provider,
//! - [`operators`] names the condition operators and parses their typed values,
//! - [`vars`] handles policy variables, [`eval`] evaluates and traces, [`lint`] finds risky policies.
//!
#![doc = include_str!("SEMANTICS.md")]

pub mod decide;
pub mod eval;
pub mod keys;
pub mod lint;
pub mod operators;
pub mod parse;
pub mod vars;

use serde_json::{Map, Value};

use crate::error::Error;
use crate::policy::trace::{Decision, DecisionKind, ElementTrace, Lint};
use crate::policy::EvalContext;
pub use decide::ClaimValue;

/// The dialect's stable name.
pub const DIALECT: &str = "aws";

/// A compiled AWS trust policy.
#[derive(Clone, Debug)]
pub struct AwsPolicy {
    compiled: parse::Compiled,
    /// The same policy compiled for [`AwsPolicy::decide`].
    plan: decide::Plan,
    lints: Vec<Lint>,
    action_traces: Vec<ElementTrace>,
}

impl AwsPolicy {
    pub fn parse(doc: &Value) -> Result<AwsPolicy, Error> {
        let compiled = parse::compile(doc)?;
        let lints = lint::static_lints(&compiled);
        let action_traces = compiled.statements.iter().map(eval::action_trace).collect();
        let plan = decide::Plan::new(&compiled);
        Ok(AwsPolicy {
            compiled,
            plan,
            lints,
            action_traces,
        })
    }

    pub fn lints(&self) -> &[Lint] {
        &self.lints
    }

    pub fn version(&self) -> parse::Version {
        self.compiled.version
    }

    pub fn statement_count(&self) -> usize {
        self.compiled.statements.len()
    }

    pub fn evaluate(&self, claims: &Map<String, Value>, ctx: &EvalContext) -> Decision {
        eval::evaluate(
            &self.compiled,
            &self.lints,
            &self.action_traces,
            claims,
            ctx,
        )
    }

    /// The decision alone: the same as `evaluate(…).decision`, without a trace and without allocating.
    pub fn decide(&self, claims: &Map<String, Value>, ctx: &EvalContext) -> DecisionKind {
        let names = self.plan.names();
        self.decide_with(
            |i| names.get(i).and_then(|n| claims.get(*n)).map(ClaimValue::Json),
            ctx,
        )
    }

    /// [`AwsPolicy::decide`] on only the claims [`AwsPolicy::claims_read`] names, as name–value pairs (a claim
    /// not among them is missing): the same decision as on the whole claims object.
    pub fn decide_pairs(&self, claims: &[(&str, Value)], ctx: &EvalContext) -> DecisionKind {
        let names = self.plan.names();
        self.decide_with(
            |i| {
                let name = names.get(i)?;
                claims.iter().find(|(n, _)| n == name).map(|(_, v)| ClaimValue::Json(v))
            },
            ctx,
        )
    }

    /// [`AwsPolicy::decide`] on the claims [`AwsPolicy::claims_read`] names, in that order (`None`: missing;
    /// `claims` may be shorter): what a binding builds without a map or a `Value` per string claim.
    pub fn decide_claims(&self, claims: &[Option<ClaimValue<'_>>], ctx: &EvalContext) -> DecisionKind {
        self.decide_with(|i| claims.get(i).copied().flatten(), ctx)
    }

    fn decide_with<'a>(&self, get: impl Fn(usize) -> Option<ClaimValue<'a>>, ctx: &EvalContext) -> DecisionKind {
        self.plan.decide(&self.compiled, get, ctx.provider.as_deref())
    }

    /// Every claim [`AwsPolicy::decide`] can read, sorted and without repeats: `iss` (the provider, unless the
    /// caller names it) and the claims behind each condition key and policy variable, as the key table maps
    /// them (Google's `:aud` reads `azp` and `aud`; `google/organization_number` reads `google`). `decide` on
    /// these claims alone gives the same decision as on the whole token (tests/policy_aws.rs checks it on random
    /// claim sets): a binding may pass only these across.
    pub fn claims_read(&self) -> Vec<&'static str> {
        self.plan.names().to_vec()
    }
}
