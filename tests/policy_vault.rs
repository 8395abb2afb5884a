//! Vault JWT auth roles: the policy-semantics.md §2 examples, bound claims in string and glob mode, JSON-pointer
//! keys, leeways, audiences, user/groups claims, lints and malformed roles. Every evaluation goes through `eval`,
//! which checks that the trace recomputes to the decision and that the fast `decide` path agrees.
#![cfg(feature = "dialects")]

use oidc_trust::policy::{Decision, DecisionKind, DialectChoice, EvalContext, LintCode, Policy};
use oidc_trust::ErrorCode;
use serde_json::{json, Map, Value};

const NOW: f64 = 1_700_000_000.0;
const N: i64 = 1_700_000_000;

fn parse(doc: Value) -> Policy {
    match Policy::parse_value(&doc, DialectChoice::Vault) {
        Ok(p) => p,
        Err(e) => panic!("role should parse: {e} at {:?}\n{doc:#}", e.path),
    }
}

fn obj(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        other => panic!("claims must be an object, got {other}"),
    }
}

fn eval_ctx(p: &Policy, claims: Value, ctx: &EvalContext) -> Decision {
    let claims = obj(claims);
    let d = p.evaluate(&claims, ctx);
    assert_eq!(d.recompute(), Ok(d.decision), "trace does not recompute to the decision: {d:#?}");
    assert_eq!(p.decide(&claims, ctx), d.decision, "fast path disagrees");
    assert_eq!(d.dialect, "vault");
    let js = serde_json::to_value(&d).expect("decision serializes");
    assert!(js.get("statements").is_some());
    for c in &d.statements[0].conditions {
        assert!(!c.reason.is_empty(), "empty reason in {c:?}");
        assert!(c.path.starts_with('$'));
    }
    d
}

fn eval(p: &Policy, claims: Value) -> Decision {
    eval_ctx(p, claims, &EvalContext { now: Some(NOW), ..EvalContext::default() })
}

/// A GitHub-shaped token valid at NOW.
fn token(extra: Value) -> Value {
    let mut m = obj(json!({
        "iss": "https://token.actions.githubusercontent.com",
        "aud": "https://github.com/o",
        "sub": "repo:o/a:ref:refs/heads/main",
        "repository": "o/a",
        "ref": "refs/heads/main",
        "email_verified": true,
        "iat": N - 10,
        "nbf": N - 10,
        "exp": N + 300,
    }));
    for (k, v) in obj(extra) {
        if v.is_null() {
            m.remove(&k);
        } else {
            m.insert(k, v);
        }
    }
    Value::Object(m)
}

fn role(extra: Value) -> Value {
    let mut m = obj(json!({
        "role_type": "jwt",
        "user_claim": "sub",
        "bound_audiences": ["https://github.com/o"],
    }));
    for (k, v) in obj(extra) {
        if v.is_null() {
            m.remove(&k);
        } else {
            m.insert(k, v);
        }
    }
    Value::Object(m)
}

fn glob_role(claims: Value) -> Policy {
    parse(role(json!({"bound_claims_type": "glob", "bound_claims": claims})))
}

fn string_role(claims: Value) -> Policy {
    parse(role(json!({"bound_claims_type": "string", "bound_claims": claims})))
}

fn failing<'a>(d: &'a Decision) -> Vec<&'a str> {
    d.statements[0].conditions.iter().filter(|c| !c.matched).map(|c| c.operator.as_str()).collect()
}

fn assert_deny(d: &Decision, reason_part: &str) {
    assert_eq!(d.decision, DecisionKind::ImplicitDeny, "{d:#?}");
    assert!(d.reason.contains(reason_part), "reason {:?} lacks {reason_part:?}", d.reason);
}

fn assert_allow(d: &Decision) {
    assert_eq!(d.decision, DecisionKind::Allow, "{d:#?}");
}

fn has_lint(p: &Policy, code: LintCode) -> bool {
    p.lints().iter().any(|l| l.code == code)
}

// ---------------------------------------------------------------------------------------------------------------
// policy-semantics.md examples

#[test]
fn doc_example_glob_sub_allows() {
    let p = glob_role(json!({"sub": "repo:o/*"}));
    assert_allow(&eval(&p, token(json!({"sub": "repo:o/a:ref:refs/heads/x"}))));
}

#[test]
fn doc_example_exp_90s_ago_fails_with_defaults() {
    let p = glob_role(json!({"sub": "repo:o/*"}));
    let d = eval(&p, token(json!({"exp": N - 90})));
    assert_deny(&d, "invalid expiration time (exp) claim: token is expired");
    assert_eq!(failing(&d), ["expiration"]);
}

#[test]
fn doc_example_messages() {
    let p = glob_role(json!({"sub": "repo:o/*", "environment": "prod"}));
    let d = eval(&p, token(json!({})));
    assert_deny(&d, "claim \"environment\" is missing");
    let d = eval(&p, token(json!({"environment": "dev"})));
    assert_deny(&d, "claim \"environment\" does not match any associated bound claim values");
}

// ---------------------------------------------------------------------------------------------------------------
// bound_claims: glob mode

#[test]
fn glob_mismatch_denies() {
    let p = glob_role(json!({"sub": "repo:o/*"}));
    let d = eval(&p, token(json!({"sub": "repo:other/a:ref:refs/heads/main"})));
    assert_deny(&d, "claim \"sub\" does not match any associated bound claim values");
}

#[test]
fn glob_question_mark_is_literal() {
    let p = glob_role(json!({"ref": "refs/heads/rel-?"}));
    assert!(has_lint(&p, LintCode::GlobQuestionMarkLiteral));
    let d = eval(&p, token(json!({"ref": "refs/heads/rel-1"})));
    assert_deny(&d, "does not match any associated bound claim values");
    assert!(d.statements[0].conditions.last().unwrap().reason.contains("'?' is literal"));
    assert_allow(&eval(&p, token(json!({"ref": "refs/heads/rel-?"}))));
}

#[test]
fn glob_star_in_middle_and_anchoring() {
    let p = glob_role(json!({"sub": "repo:o/*:ref:refs/heads/main"}));
    assert_allow(&eval(&p, token(json!({}))));
    assert_deny(&eval(&p, token(json!({"sub": "repo:o/a:ref:refs/heads/main-x"}))), "does not match");
    assert_deny(&eval(&p, token(json!({"sub": "xrepo:o/a:ref:refs/heads/main"}))), "does not match");
}

#[test]
fn glob_is_case_sensitive() {
    let p = glob_role(json!({"repository": "O/*"}));
    assert_deny(&eval(&p, token(json!({}))), "does not match");
}

#[test]
fn glob_skips_non_string_token_values() {
    let p = glob_role(json!({"groups": "ma*"}));
    assert_allow(&eval(&p, token(json!({"groups": [1, true, "main"]}))));
    let p = glob_role(json!({"run_number": "*"}));
    assert!(has_lint(&p, LintCode::PatternMatchesAnything));
    let d = eval(&p, token(json!({"run_number": 5})));
    assert_deny(&d, "does not match any associated bound claim values");
    assert!(d.statements[0].conditions.last().unwrap().reason.contains("non-string token values are skipped"));
}

#[test]
fn glob_list_of_patterns_is_any_of() {
    let p = glob_role(json!({"ref": ["refs/heads/main", "refs/tags/v*"]}));
    assert_allow(&eval(&p, token(json!({"ref": "refs/tags/v1.2"}))));
    assert_deny(&eval(&p, token(json!({"ref": "refs/heads/dev"}))), "does not match");
}

// ---------------------------------------------------------------------------------------------------------------
// bound_claims: string mode

#[test]
fn string_mode_keeps_types() {
    let p = string_role(json!({"email_verified": "true"}));
    let d = eval(&p, token(json!({"email_verified": true})));
    assert_deny(&d, "does not match any associated bound claim values");
    assert!(d.statements[0].conditions.last().unwrap().reason.contains("\"true\" is not true"));
    assert_allow(&eval(&p, token(json!({"email_verified": "true"}))));
    let p = string_role(json!({"email_verified": true}));
    assert_allow(&eval(&p, token(json!({"email_verified": true}))));
    assert_deny(&eval(&p, token(json!({"email_verified": "true"}))), "does not match");
}

#[test]
fn string_mode_numbers() {
    let p = string_role(json!({"repository_id": 42}));
    assert_allow(&eval(&p, token(json!({"repository_id": 42}))));
    assert_allow(&eval(&p, token(json!({"repository_id": 42.0}))));
    assert_deny(&eval(&p, token(json!({"repository_id": "42"}))), "does not match");
    // Vault leaves numbers inside a token array as float64, which never equals a bound json.Number.
    let d = eval(&p, token(json!({"repository_id": [42]})));
    assert_deny(&d, "does not match");
    assert!(d.statements[0].conditions.last().unwrap().reason.contains("numbers inside a claim array"));
}

#[test]
fn string_mode_star_is_literal() {
    let p = string_role(json!({"sub": "repo:o/*"}));
    assert!(has_lint(&p, LintCode::StringEqualsWithWildcard));
    assert_deny(&eval(&p, token(json!({}))), "does not match");
    assert_allow(&eval(&p, token(json!({"sub": "repo:o/*"}))));
}

#[test]
fn string_mode_lists_on_both_sides() {
    let p = string_role(json!({"groups": ["admins", "ops"]}));
    assert_allow(&eval(&p, token(json!({"groups": ["dev", "ops"]}))));
    assert_allow(&eval(&p, token(json!({"groups": "admins"}))));
    assert_deny(&eval(&p, token(json!({"groups": ["dev"]}))), "does not match");
    assert_deny(&eval(&p, token(json!({"groups": []}))), "does not match");
}

#[test]
fn default_claims_type_is_string() {
    let p = parse(role(json!({"bound_claims": {"sub": "repo:o/*"}})));
    assert_deny(&eval(&p, token(json!({}))), "does not match");
    assert_eq!(eval(&p, token(json!({}))).statements[0].conditions.last().unwrap().operator, "bound_claims(string)");
}

#[test]
fn object_claim_is_not_comparable() {
    let p = string_role(json!({"ctx": "x"}));
    assert_deny(&eval(&p, token(json!({"ctx": {"a": 1}}))), "received claim is not a string, bool, int or list");
}

#[test]
fn null_claim_counts_as_missing() {
    let p = string_role(json!({"environment": "prod"}));
    let mut t = obj(token(json!({})));
    t.insert("environment".into(), Value::Null);
    assert_deny(&eval(&p, Value::Object(t)), "claim \"environment\" is missing");
}

#[test]
fn every_bound_claim_must_pass() {
    let p = glob_role(json!({"repository": "o/*", "ref": "refs/heads/main"}));
    assert_allow(&eval(&p, token(json!({}))));
    let d = eval(&p, token(json!({"ref": "refs/heads/dev"})));
    assert_eq!(failing(&d), ["bound_claims(glob)"]);
}

// ---------------------------------------------------------------------------------------------------------------
// JSON pointer keys

#[test]
fn json_pointer_keys() {
    let p = glob_role(json!({"/github/repository": "o/*", "/groups/0": "admins"}));
    let t = token(json!({"github": {"repository": "o/a"}, "groups": ["admins", "x"]}));
    assert_allow(&eval(&p, t));
    let d = eval(&p, token(json!({"github": {"repo": "o/a"}, "groups": ["admins"]})));
    assert_deny(&d, "claim \"/github/repository\" is missing");
    assert!(d.statements[0].conditions.iter().any(|c| c.reason.contains("JSON pointer did not resolve")));
}

#[test]
fn json_pointer_escapes() {
    let p = string_role(json!({"/a~1b/c~0d": "v"}));
    assert_allow(&eval(&p, token(json!({"a/b": {"c~d": "v"}}))));
}

#[test]
fn slash_inside_key_is_a_plain_claim_name() {
    let p = string_role(json!({"oidc.circleci.com/project-id": "p1"}));
    assert_allow(&eval(&p, token(json!({"oidc.circleci.com/project-id": "p1"}))));
    assert_deny(&eval(&p, token(json!({"oidc.circleci.com": {"project-id": "p1"}}))), "is missing");
}

// ---------------------------------------------------------------------------------------------------------------
// issuer, subject, audiences

#[test]
fn bound_issuer_on_role() {
    let p = parse(role(json!({"bound_issuer": "https://token.actions.githubusercontent.com", "bound_subject": "repo:o/a:ref:refs/heads/main"})));
    assert!(has_lint(&p, LintCode::IssuerOnRole));
    assert_allow(&eval(&p, token(json!({}))));
    let d = eval(&p, token(json!({"iss": "https://evil.example"})));
    assert_deny(&d, "invalid issuer (iss) claim");
    assert_eq!(failing(&d), ["bound_issuer"]);
}

#[test]
fn bound_subject_is_exact_never_glob() {
    let p = parse(role(json!({"bound_subject": "repo:o/*"})));
    assert!(has_lint(&p, LintCode::SubjectExactNotGlob));
    let d = eval(&p, token(json!({})));
    assert_deny(&d, "invalid subject (sub) claim");
    assert!(d.statements[0].conditions.iter().any(|c| c.reason.contains("its '*' is literal")));
    assert_allow(&eval(&p, token(json!({"sub": "repo:o/*"}))));
}

#[test]
fn bound_audiences_any_match() {
    let p = parse(role(json!({"bound_audiences": ["x", "https://github.com/o"], "bound_subject": "repo:o/a:ref:refs/heads/main"})));
    assert_allow(&eval(&p, token(json!({"aud": ["y", "https://github.com/o"]}))));
    let d = eval(&p, token(json!({"aud": ["y", "z"]})));
    assert_deny(&d, "audience claim does not match any expected audience");
    assert_deny(&eval(&p, token(json!({"aud": null}))), "audience claim does not match any expected audience");
}

#[test]
fn comma_separated_bound_audiences() {
    let p = parse(role(json!({"bound_audiences": "a, https://github.com/o", "bound_subject": "repo:o/a:ref:refs/heads/main"})));
    assert_allow(&eval(&p, token(json!({}))));
}

#[test]
fn aud_array_without_bound_audiences_denies() {
    let p = parse(role(json!({"bound_audiences": null, "bound_subject": "repo:o/a:ref:refs/heads/main"})));
    assert!(has_lint(&p, LintCode::MissingAudCondition));
    let d = eval(&p, token(json!({"aud": ["https://github.com/o"]})));
    assert_deny(&d, "audience claim found in JWT but no audiences bound to the role");
    // Vault only looks for an array: a single-string aud passes.
    assert_allow(&eval(&p, token(json!({"aud": "https://github.com/o"}))));
    assert_allow(&eval(&p, token(json!({"aud": []}))));
}

#[test]
fn missing_sub_constraint_lint() {
    let p = glob_role(json!({"repository": "o/*"}));
    assert!(has_lint(&p, LintCode::MissingSubCondition));
    let p = glob_role(json!({"sub": "repo:o/*"}));
    assert!(!has_lint(&p, LintCode::MissingSubCondition));
}

// ---------------------------------------------------------------------------------------------------------------
// Time and leeways

fn timed(leeways: Value) -> Policy {
    let mut r = obj(role(json!({"bound_subject": "repo:o/a:ref:refs/heads/main"})));
    for (k, v) in obj(leeways) {
        r.insert(k, v);
    }
    parse(Value::Object(r))
}

#[test]
fn clock_skew_default_is_60s() {
    let p = timed(json!({}));
    assert_allow(&eval(&p, token(json!({"exp": N - 59}))));
    assert_deny(&eval(&p, token(json!({"exp": N - 61}))), "token is expired");
    assert_allow(&eval(&p, token(json!({"nbf": N + 59}))));
    assert_deny(&eval(&p, token(json!({"nbf": N + 61}))), "token not yet valid");
    assert_deny(&eval(&p, token(json!({"iat": N + 100, "nbf": N - 10}))), "token issued in the future");
}

#[test]
fn clock_skew_zero_means_default_and_negative_means_off() {
    let p = timed(json!({"clock_skew_leeway": 0}));
    assert_allow(&eval(&p, token(json!({"exp": N - 30}))));
    let p = timed(json!({"clock_skew_leeway": -1}));
    assert_deny(&eval(&p, token(json!({"exp": N - 1}))), "token is expired");
    let p = timed(json!({"clock_skew_leeway": 120}));
    assert_allow(&eval(&p, token(json!({"exp": N - 90}))));
}

#[test]
fn missing_exp_is_filled_from_iat_plus_expiration_leeway() {
    let p = timed(json!({}));
    // exp = iat + 150 = N + 50
    assert_allow(&eval(&p, token(json!({"exp": null, "nbf": null, "iat": N - 100}))));
    // exp = iat + 150 = N - 150: more than 60 s ago
    let d = eval(&p, token(json!({"exp": null, "nbf": null, "iat": N - 300})));
    assert_deny(&d, "token is expired");
    assert!(d.statements[0].conditions.iter().any(|c| c.reason.contains("filled in as max(iat, nbf) + expiration_leeway 150")));
    let p = timed(json!({"expiration_leeway": 600}));
    assert_allow(&eval(&p, token(json!({"exp": null, "nbf": null, "iat": N - 300}))));
    // -1: no fill-in leeway, exp = iat
    let p = timed(json!({"expiration_leeway": -1}));
    assert_allow(&eval(&p, token(json!({"exp": null, "nbf": null, "iat": N - 30}))));
    assert_deny(&eval(&p, token(json!({"exp": null, "nbf": null, "iat": N - 90}))), "token is expired");
}

#[test]
fn expiration_leeway_does_not_extend_a_present_exp() {
    let p = timed(json!({"expiration_leeway": 3600}));
    assert_deny(&eval(&p, token(json!({"exp": N - 90}))), "token is expired");
}

#[test]
fn missing_nbf_and_iat_filled_from_exp_minus_not_before_leeway() {
    let p = timed(json!({}));
    // nbf = exp - 150 = N + 50: within 60 s skew
    assert_allow(&eval(&p, token(json!({"iat": null, "nbf": null, "exp": N + 200}))));
    // nbf = exp - 150 = N + 150: not yet valid
    assert_deny(&eval(&p, token(json!({"iat": null, "nbf": null, "exp": N + 300}))), "token not yet valid");
    let p = timed(json!({"not_before_leeway": 1000}));
    assert_allow(&eval(&p, token(json!({"iat": null, "nbf": null, "exp": N + 300}))));
    let p = timed(json!({"not_before_leeway": -1}));
    assert_deny(&eval(&p, token(json!({"iat": null, "nbf": null, "exp": N + 100}))), "token not yet valid");
}

#[test]
fn missing_nbf_taken_from_iat() {
    let p = timed(json!({}));
    assert_deny(&eval(&p, token(json!({"nbf": null, "iat": N + 120}))), "not yet valid");
}

#[test]
fn no_time_claims_denies_and_zero_counts_as_absent() {
    let p = timed(json!({}));
    let msg = "no issued at (iat), not before (nbf), or expiration time (exp) claims in token";
    assert_deny(&eval(&p, token(json!({"iat": null, "nbf": null, "exp": null}))), msg);
    assert_deny(&eval(&p, token(json!({"iat": 0, "nbf": 0, "exp": 0}))), msg);
}

#[test]
fn non_numeric_time_claim_is_a_claims_set_error() {
    let p = timed(json!({}));
    let d = eval(&p, token(json!({"exp": "1700000300"})));
    assert_deny(&d, "expected number for numeric date");
    let d = eval(&p, token(json!({"aud": 5})));
    assert_deny(&d, "expected string or array value to unmarshal to Audience");
    let d = eval(&p, token(json!({"iss": 5})));
    assert_deny(&d, "cannot unmarshal number into Go struct field Claims.iss of type string");
}

#[test]
fn fractional_times_truncate() {
    let p = timed(json!({"clock_skew_leeway": -1}));
    assert_deny(&eval(&p, token(json!({"exp": (N - 1) as f64 + 0.9}))), "token is expired");
}

#[test]
fn without_now_time_checks_are_reported_not_evaluated() {
    let p = timed(json!({}));
    let d = eval_ctx(&p, token(json!({"exp": 1})), &EvalContext::default());
    assert_allow(&d);
    assert!(d.statements[0].conditions.iter().any(|c| c.reason.starts_with("not evaluated: no current time")));
}

// ---------------------------------------------------------------------------------------------------------------
// user_claim, claim_mappings, groups_claim, role_type

#[test]
fn user_claim_must_exist_and_be_a_string() {
    let p = parse(role(json!({"user_claim": "actor", "bound_subject": "repo:o/a:ref:refs/heads/main"})));
    assert_deny(&eval(&p, token(json!({}))), "claim \"actor\" not found in token");
    assert_deny(&eval(&p, token(json!({"actor": 7}))), "claim \"actor\" could not be converted to string");
    assert_allow(&eval(&p, token(json!({"actor": "octocat"}))));
}

#[test]
fn user_claim_json_pointer() {
    let p = parse(role(json!({"user_claim": "/nomad/job", "user_claim_json_pointer": true, "bound_subject": "repo:o/a:ref:refs/heads/main"})));
    assert_allow(&eval(&p, token(json!({"nomad": {"job": "web"}}))));
    let p = parse(role(json!({"user_claim": "/nomad/job", "bound_subject": "repo:o/a:ref:refs/heads/main"})));
    assert!(has_lint(&p, LintCode::UserClaimPointerDisabled));
    assert_deny(&eval(&p, token(json!({"nomad": {"job": "web"}}))), "not found in token");
}

#[test]
fn claim_mappings_type_checks() {
    let p = parse(role(json!({"claim_mappings": {"repository": "repo", "run_id": "run"}, "bound_subject": "repo:o/a:ref:refs/heads/main"})));
    assert_allow(&eval(&p, token(json!({}))));
    assert_deny(&eval(&p, token(json!({"run_id": 12345}))), "error converting claim 'run_id' to string");
}

#[test]
fn groups_claim_checks() {
    let p = parse(role(json!({"groups_claim": "groups", "bound_subject": "repo:o/a:ref:refs/heads/main"})));
    assert_allow(&eval(&p, token(json!({"groups": ["a", "b"]}))));
    assert_allow(&eval(&p, token(json!({"groups": "a"}))));
    assert_deny(&eval(&p, token(json!({}))), "\"groups\" claim not found in token");
    assert_deny(&eval(&p, token(json!({"groups": ["a", 1]}))), "value 1 in groups claim could not be parsed as string");
    assert_deny(&eval(&p, token(json!({"groups": {"a": 1}}))), "could not be converted to string list");
}

#[test]
fn oidc_role_type_is_refused() {
    let p = parse(role(json!({"role_type": "oidc", "bound_subject": "repo:o/a:ref:refs/heads/main"})));
    assert_deny(&eval(&p, token(json!({}))), "role with oidc role_type is not allowed");
}

#[test]
fn reason_is_the_first_failure_in_vault_order() {
    let p = parse(role(json!({"bound_issuer": "https://x", "bound_claims": {"repository": "nope"}})));
    let d = eval(&p, token(json!({"iss": "https://y"})));
    assert_eq!(failing(&d), ["bound_issuer", "bound_claims(string)"]);
    assert_deny(&d, "invalid issuer (iss) claim");
    // user_claim is checked before bound_claims
    let p = parse(role(json!({"user_claim": "actor", "bound_claims": {"repository": "nope"}})));
    assert_deny(&eval(&p, token(json!({}))), "claim \"actor\" not found in token");
}

// ---------------------------------------------------------------------------------------------------------------
// Document shapes, detection

#[test]
fn vault_read_wrapper_is_accepted() {
    let doc = json!({"request_id": "x", "lease_id": "", "data": role(json!({"bound_claims_type": "glob", "bound_claims": {"sub": "repo:o/*"}})), "warnings": null});
    let p = Policy::parse_value(&doc, DialectChoice::Auto).unwrap();
    assert_eq!(p.dialect(), "vault");
    let d = eval(&p, token(json!({})));
    assert_allow(&d);
    assert!(d.statements[0].conditions.iter().all(|c| c.path.starts_with("$.data")), "{d:#?}");
}

#[test]
fn auto_detects_vault_and_reports_ambiguity() {
    let p = Policy::parse_str(&role(json!({"bound_subject": "s"})).to_string(), DialectChoice::Auto).unwrap();
    assert_eq!(p.dialect(), "vault");
    let e = Policy::parse_value(&json!({"Statement": [], "bound_claims": {}}), DialectChoice::Auto).unwrap_err();
    assert_eq!(e.code, ErrorCode::PolicyInvalid);
    assert!(e.message.contains("ambiguous") && e.message.contains("aws") && e.message.contains("vault"), "{e}");
}

#[test]
fn full_vault_read_output_parses() {
    let doc = json!({
        "allowed_redirect_uris": [], "bound_audiences": ["https://github.com/o"], "bound_claims": {"repository": "o/a"},
        "bound_claims_type": "string", "bound_subject": "", "claim_mappings": null, "clock_skew_leeway": 0,
        "expiration_leeway": 0, "groups_claim": "", "max_age": 0, "not_before_leeway": 0, "oidc_scopes": null,
        "role_type": "jwt", "token_bound_cidrs": [], "token_explicit_max_ttl": 0, "token_max_ttl": 0,
        "token_no_default_policy": false, "token_num_uses": 0, "token_period": 0, "token_policies": ["ci"],
        "token_ttl": 3600, "token_type": "default", "user_claim": "actor", "user_claim_json_pointer": false,
        "verbose_oidc_logging": false
    });
    let p = parse(doc);
    assert_allow(&eval(&p, token(json!({"actor": "octocat"}))));
}

// ---------------------------------------------------------------------------------------------------------------
// Malformed roles

fn invalid(doc: Value, path: &str, message_part: &str) {
    let e = match Policy::parse_value(&doc, DialectChoice::Vault) {
        Ok(_) => panic!("should be rejected: {doc}"),
        Err(e) => e,
    };
    assert_eq!(e.code, ErrorCode::PolicyInvalid, "{e}");
    assert_eq!(e.path.as_deref(), Some(path), "{e}");
    assert!(e.message.contains(message_part), "message {:?} lacks {message_part:?}", e.message);
}

#[test]
fn malformed_roles() {
    let base = |extra: Value| role(extra);
    invalid(json!([]), "$", "must be a JSON object");
    invalid(json!("role"), "$", "must be a JSON object");
    invalid(json!({"data": 5}), "$.data", "must be the role object");
    invalid(base(json!({"role_type": "kubernetes"})), "$.role_type", "invalid 'role_type'");
    invalid(base(json!({"role_type": 5})), "$.role_type", "must be a string");
    invalid(base(json!({"bound_audiences": 5})), "$.bound_audiences", "list of strings");
    invalid(base(json!({"bound_audiences": ["a", 1]})), "$.bound_audiences[1]", "must be strings");
    invalid(base(json!({"bound_subject": true})), "$.bound_subject", "must be a string");
    invalid(base(json!({"bound_issuer": 1})), "$.bound_issuer", "must be a string");
    invalid(base(json!({"bound_claims_type": "regex"})), "$.bound_claims_type", "invalid 'bound_claims_type': regex");
    invalid(base(json!({"bound_claims_type": true})), "$.bound_claims_type", "must be a string");
    invalid(base(json!({"bound_claims": ["sub"]})), "$.bound_claims", "must be an object");
    invalid(base(json!({"bound_claims": {"a": {"x": 1}}})), "$.bound_claims.a", "not a string, bool, number or list");
    invalid(base(json!({"bound_claims": {"a": null}})), "$.bound_claims.a", "not a string, bool, number or list");
    invalid(base(json!({"bound_claims": {"a": ["x", null]}})), "$.bound_claims.a[1]", "strings, booleans or numbers");
    invalid(base(json!({"bound_claims": {"a": [["x"]]}})), "$.bound_claims.a[0]", "strings, booleans or numbers");
    invalid(base(json!({"bound_claims_type": "glob", "bound_claims": {"a": true}})), "$.bound_claims.a[0]", "claim is not a string");
    invalid(base(json!({"bound_claims_type": "glob", "bound_claims": {"/x/y": ["a*", 3]}})), "$.bound_claims['/x/y'][1]", "claim is not a string");
    invalid(base(json!({"user_claim": null})), "$.user_claim", "a user claim must be defined on the role");
    invalid(base(json!({"user_claim": ""})), "$.user_claim", "a user claim must be defined on the role");
    invalid(base(json!({"user_claim": ["sub"]})), "$.user_claim", "must be a string");
    invalid(base(json!({"user_claim_json_pointer": "yes"})), "$.user_claim_json_pointer", "must be a boolean");
    invalid(base(json!({"claim_mappings": ["a"]})), "$.claim_mappings", "must be an object");
    invalid(base(json!({"claim_mappings": {"a": 1}})), "$.claim_mappings.a", "targets must be strings");
    invalid(base(json!({"claim_mappings": {"a": "role"}})), "$.claim_mappings.a", "is reserved");
    invalid(base(json!({"claim_mappings": {"a": "x", "b": "x"}})), "$.claim_mappings.b", "multiple keys are mapped to metadata key");
    invalid(base(json!({"groups_claim": 1})), "$.groups_claim", "must be a string");
    invalid(base(json!({"clock_skew_leeway": "60"})), "$.clock_skew_leeway", "must be a number of seconds");
    invalid(base(json!({"expiration_leeway": 1.5})), "$.expiration_leeway", "whole number of seconds");
    invalid(base(json!({"not_before_leeway": []})), "$.not_before_leeway", "must be a number of seconds");
    invalid(base(json!({"bound_audiences": null})), "$", "must have at least one bound constraint");
    invalid(json!({"data": base(json!({"role_type": "x"}))}), "$.data.role_type", "invalid 'role_type'");
}

#[test]
fn malformed_json_text_has_a_position() {
    let e = Policy::parse_str("{\"user_claim\": \"sub\",, }", DialectChoice::Vault).unwrap_err();
    assert_eq!(e.code, ErrorCode::PolicyInvalid);
    assert_eq!(e.path.as_deref(), Some("$"));
    assert!(e.position.is_some());
}

// ---------------------------------------------------------------------------------------------------------------
// Robustness: arbitrary documents and claims never panic, and every decision recomputes.

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next() % items.len() as u64) as usize]
    }
    fn value(&mut self, depth: u32) -> Value {
        match self.next() % if depth > 2 { 5 } else { 7 } {
            0 => Value::Null,
            1 => json!(self.next() % 2 == 0),
            2 => json!(*self.pick(&[0i64, -1, 1, 42, N, N - 90, N + 90, i64::MAX])),
            3 => json!(*self.pick(&["", "*", "?", "a*", "repo:o/*", "/a/b", "sub", "glob", "string", "jwt", "oidc"])),
            4 => json!(1.5),
            5 => Value::Array((0..self.next() % 3).map(|_| self.value(depth + 1)).collect()),
            _ => {
                let keys = ["sub", "aud", "a", "/a/b", "groups", "exp"];
                Value::Object((0..self.next() % 3).map(|_| (self.pick(&keys).to_string(), self.value(depth + 1))).collect())
            }
        }
    }
}

#[test]
fn random_roles_and_tokens_never_panic() {
    let fields = [
        "role_type", "bound_issuer", "bound_audiences", "bound_subject", "bound_claims", "bound_claims_type", "user_claim",
        "user_claim_json_pointer", "claim_mappings", "groups_claim", "clock_skew_leeway", "expiration_leeway",
        "not_before_leeway", "data",
    ];
    let claim_keys = ["iss", "sub", "aud", "exp", "nbf", "iat", "a", "groups", "jti"];
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut parsed = 0;
    for _ in 0..4000 {
        let mut doc = Map::new();
        doc.insert("user_claim".into(), json!("sub"));
        doc.insert("bound_subject".into(), json!("s"));
        for _ in 0..rng.next() % 5 {
            let k = rng.pick(&fields).to_string();
            let v = rng.value(0);
            doc.insert(k, v);
        }
        let Ok(p) = Policy::parse_value(&Value::Object(doc), DialectChoice::Vault) else { continue };
        parsed += 1;
        for _ in 0..4 {
            let claims: Map<String, Value> =
                (0..rng.next() % 7).map(|_| (rng.pick(&claim_keys).to_string(), rng.value(0))).collect();
            let now = *rng.pick(&[None, Some(NOW), Some(f64::NAN), Some(-1e300)]);
            let ctx = EvalContext { now, ..EvalContext::default() };
            let d = p.evaluate(&claims, &ctx);
            assert_eq!(d.recompute(), Ok(d.decision));
            assert_eq!(p.decide(&claims, &ctx), d.decision);
        }
    }
    assert!(parsed > 500, "only {parsed} random roles parsed");
}
