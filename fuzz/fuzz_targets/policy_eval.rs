#![no_main]
mod common;
use libfuzzer_sys::fuzz_target;
use oidc_trust::policy::{EvalContext, Policy};
use std::sync::OnceLock;

static POLICIES: OnceLock<Vec<Policy>> = OnceLock::new();

// Input: first byte picks the policy and whether the caller names the provider; the rest is a claims object.
fuzz_target!(|data: &[u8]| {
    let policies = POLICIES.get_or_init(common::policies);
    let Some((&sel, rest)) = data.split_first() else { return };
    let Ok(serde_json::Value::Object(claims)) = serde_json::from_slice::<serde_json::Value>(rest) else { return };
    let policy = &policies[usize::from(sel) % policies.len()];
    let ctx = EvalContext {
        provider: (sel & 0x80 != 0).then(|| "token.actions.githubusercontent.com".to_owned()),
        now: Some(common::NOW),
        ..EvalContext::default()
    };
    let a = policy.evaluate(&claims, &ctx);
    let b = policy.evaluate(&claims, &ctx);
    // Deterministic.
    assert_eq!(serde_json::to_string(&a).ok(), serde_json::to_string(&b).ok());
    // The trace-free fast path (a plan compiled at parse) decides exactly as the traced evaluation, on the whole
    // claims object and on only the claims the policy says it reads (what the wasm layer passes).
    assert_eq!(policy.decide(&claims, &ctx), a.decision, "decide vs evaluate");
    if let Some(names) = policy.claims_read() {
        let pairs: Vec<(&str, serde_json::Value)> =
            names.iter().filter_map(|&n| claims.get(n).map(|v| (n, v.clone()))).collect();
        assert_eq!(policy.decide_pairs(&pairs, &ctx), Some(a.decision), "decide_pairs vs evaluate");
    }
});
