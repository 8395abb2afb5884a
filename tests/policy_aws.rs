//! AWS trust-policy engine: operator matrix, the policy-semantics.md examples, scenario cases, lints, and
//! malformed documents. Every evaluation goes through `eval`, which checks that the trace recomputes to the
//! decision and that the fast `decide` path agrees.

use oidc_trust::policy::{
    ConditionTrace, Decision, DecisionKind, DialectChoice, EvalContext, LintCode, Policy, Severity,
};
use oidc_trust::ErrorCode;
use serde_json::{json, Map, Value};

const FED: &str = "arn:aws:iam::123456789012:oidc-provider/oidc.example.com";
const GH: &str = "token.actions.githubusercontent.com";
const GH_FED: &str = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com";

fn parse(doc: Value) -> Policy {
    match Policy::parse_value(&doc, DialectChoice::Aws) {
        Ok(p) => p,
        Err(e) => panic!("policy should parse: {e} at {:?}\n{doc:#}", e.path),
    }
}

fn obj(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        other => panic!("claims must be an object, got {other}"),
    }
}

/// Evaluates and checks the trace contract.
fn eval_ctx(p: &Policy, claims: &Map<String, Value>, ctx: &EvalContext) -> Decision {
    let d = p.evaluate(claims, ctx);
    assert_eq!(
        d.recompute(),
        Ok(d.decision),
        "trace does not recompute to the decision: {d:#?}"
    );
    assert_eq!(p.decide(claims, ctx), d.decision, "fast path disagrees");
    let js = serde_json::to_value(&d).expect("decision serializes");
    assert!(js.get("decision").is_some() && js.get("statements").is_some());
    assert!(!d.reason.is_empty());
    for s in &d.statements {
        for c in &s.conditions {
            assert!(!c.reason.is_empty());
            assert!(c.path.starts_with("$.Statement"));
        }
    }
    d
}

fn eval(p: &Policy, claims: Value) -> Decision {
    eval_ctx(p, &obj(claims), &EvalContext::default())
}

fn stmt(conditions: Value) -> Value {
    json!({"Effect": "Allow", "Principal": {"Federated": FED}, "Action": "sts:AssumeRoleWithWebIdentity", "Condition": conditions})
}

fn doc(conditions: Value) -> Value {
    json!({"Version": "2012-10-17", "Statement": [stmt(conditions)]})
}

fn with_iss(claims: Value, iss: &str) -> Value {
    let mut m = obj(claims);
    m.entry("iss").or_insert_with(|| json!(iss));
    Value::Object(m)
}

/// One condition `{op: {oidc.example.com:<key>: val}}` on claims (iss added): the condition's result.
fn check_cond(op: &str, key: &str, val: Value, claims: Value, want: bool) -> ConditionTrace {
    let mut block = Map::new();
    block.insert(format!("oidc.example.com:{key}"), val);
    let mut cond = Map::new();
    cond.insert(op.to_owned(), Value::Object(block));
    let p = parse(doc(Value::Object(cond)));
    let d = eval(&p, with_iss(claims, "https://oidc.example.com"));
    let c = d.statements[0].conditions[0].clone();
    assert_eq!(c.matched, want, "{op} {key}: {}", c.reason);
    assert_eq!(d.decision == DecisionKind::Allow, want);
    c
}

macro_rules! cond_cases {
    ($($name:ident: $op:literal, $key:literal, $val:tt, $claims:tt => $want:expr;)*) => {
        $( #[test] fn $name() { check_cond($op, $key, json!($val), json!($claims), $want); } )*
    };
}

fn err(doc: Value) -> oidc_trust::Error {
    match Policy::parse_value(&doc, DialectChoice::Aws) {
        Ok(_) => panic!("policy should be rejected: {doc:#}"),
        Err(e) => {
            assert_eq!(e.code, ErrorCode::PolicyInvalid);
            e
        }
    }
}

fn err_at(doc: Value, path: &str, needle: &str) {
    let e = err(doc);
    assert_eq!(e.path.as_deref(), Some(path), "message: {}", e.message);
    assert!(
        e.message.contains(needle),
        "message {:?} lacks {needle:?}",
        e.message
    );
}

fn has_lint(d: &[oidc_trust::policy::Lint], code: LintCode) -> bool {
    d.iter().any(|l| l.code == code)
}

const SUB: &str = "repo:o/r:ref:refs/heads/main";

// ---------------------------------------------------------------------------------------------------------
// Operator matrix: operator × (present, missing, multi-valued) × (positive, negated, IfExists, set operators)

cond_cases! {
    // String, single-valued `sub`
    s_eq_hit: "StringEquals", "sub", "repo:o/r:ref:refs/heads/main", {"sub": SUB} => true;
    s_eq_miss: "StringEquals", "sub", "repo:o/r", {"sub": SUB} => false;
    s_eq_star_is_literal: "StringEquals", "sub", "repo:o/r:*", {"sub": SUB} => false;
    s_eq_star_literal_hit: "StringEquals", "sub", "repo:o/r:*", {"sub": "repo:o/r:*"} => true;
    s_eq_list_is_or: "StringEquals", "sub", ["x", "repo:o/r:ref:refs/heads/main"], {"sub": SUB} => true;
    s_eq_case_sensitive: "StringEquals", "sub", "REPO:o/r:ref:refs/heads/main", {"sub": SUB} => false;
    s_eq_missing: "StringEquals", "sub", "x", {} => false;
    s_eq_ifexists_missing: "StringEqualsIfExists", "sub", "x", {} => true;
    s_eq_ifexists_present_miss: "StringEqualsIfExists", "sub", "x", {"sub": SUB} => false;
    s_eq_ifexists_present_hit: "StringEqualsIfExists", "sub", "repo:o/r:ref:refs/heads/main", {"sub": SUB} => true;
    s_eq_number_claim_stringified: "StringEquals", "sub", "42", {"sub": 42} => true;
    s_eq_number_policy_value: "StringEquals", "sub", 42, {"sub": "42"} => true;
    s_eq_bool_claim: "StringEquals", "sub", "true", {"sub": true} => true;
    s_eq_object_claim_missing: "StringEquals", "sub", "x", {"sub": {"a": 1}} => false;
    s_eq_null_claim_missing: "StringNotEquals", "sub", "x", {"sub": null} => true;
    s_neq_miss_is_true: "StringNotEquals", "sub", "x", {"sub": SUB} => true;
    s_neq_hit_is_false: "StringNotEquals", "sub", "repo:o/r:ref:refs/heads/main", {"sub": SUB} => false;
    s_neq_list_none: "StringNotEquals", "sub", ["a", "b"], {"sub": SUB} => true;
    s_neq_list_one_hit: "StringNotEquals", "sub", ["a", "repo:o/r:ref:refs/heads/main"], {"sub": SUB} => false;
    s_neq_missing: "StringNotEquals", "sub", "x", {} => true;
    s_neq_ifexists_missing: "StringNotEqualsIfExists", "sub", "x", {} => true;
    s_eqic_hit: "StringEqualsIgnoreCase", "sub", "REPO:O/R:REF:REFS/HEADS/MAIN", {"sub": SUB} => true;
    s_eqic_miss: "StringEqualsIgnoreCase", "sub", "repo:o/x", {"sub": SUB} => false;
    s_eqic_missing: "StringEqualsIgnoreCase", "sub", "x", {} => false;
    s_neqic_hit: "StringNotEqualsIgnoreCase", "sub", "Repo:O/R:Ref:Refs/Heads/Main", {"sub": SUB} => false;
    s_neqic_miss: "StringNotEqualsIgnoreCase", "sub", "other", {"sub": SUB} => true;
    s_neqic_missing: "StringNotEqualsIgnoreCase", "sub", "other", {} => true;
    s_like_star: "StringLike", "sub", "repo:o/r:*", {"sub": SUB} => true;
    s_like_star_crosses_slash_and_colon: "StringLike", "sub", "repo:*main", {"sub": SUB} => true;
    s_like_question: "StringLike", "sub", "repo:o/?:ref:refs/heads/main", {"sub": SUB} => true;
    s_like_question_needs_one: "StringLike", "sub", "repo:o/r?:ref:refs/heads/main", {"sub": SUB} => false;
    s_like_whole_string: "StringLike", "sub", "repo:o/r", {"sub": SUB} => false;
    s_like_case_sensitive: "StringLike", "sub", "REPO:*", {"sub": SUB} => false;
    s_like_missing: "StringLike", "sub", "*", {} => false;
    s_like_star_matches_empty: "StringLike", "sub", "repo:o/r:ref:refs/heads/main*", {"sub": SUB} => true;
    s_like_ifexists_missing: "StringLikeIfExists", "sub", "x*", {} => true;
    s_notlike_hit_false: "StringNotLike", "sub", "repo:o/*", {"sub": SUB} => false;
    s_notlike_miss_true: "StringNotLike", "sub", "repo:x/*", {"sub": SUB} => true;
    s_notlike_list: "StringNotLike", "sub", ["repo:x/*", "*/main"], {"sub": SUB} => false;
    s_notlike_missing: "StringNotLike", "sub", "repo:x/*", {} => true;
    // String on a multi-valued key (`amr`)
    m_eq_without_set_op: "StringEquals", "amr", "mfa", {"amr": ["mfa", "pwd"]} => false;
    m_eq_single_element_still_multi: "StringEquals", "amr", "mfa", {"amr": ["mfa"]} => false;
    m_neq_without_set_op: "StringNotEquals", "amr", "otp", {"amr": ["mfa", "pwd"]} => false;
    m_like_without_set_op: "StringLike", "amr", "*", {"amr": ["mfa", "pwd"]} => false;
    m_any_eq_hit: "ForAnyValue:StringEquals", "amr", "mfa", {"amr": ["mfa", "pwd"]} => true;
    m_any_eq_miss: "ForAnyValue:StringEquals", "amr", "otp", {"amr": ["mfa", "pwd"]} => false;
    m_any_eq_scalar_amr: "ForAnyValue:StringEquals", "amr", "mfa", {"amr": "mfa"} => true;
    m_any_like: "ForAnyValue:StringLike", "amr", "authenticated*", {"amr": ["x", "authenticated"]} => true;
    m_any_neq: "ForAnyValue:StringNotEquals", "amr", "mfa", {"amr": ["mfa", "pwd"]} => true;
    m_any_neq_all_listed: "ForAnyValue:StringNotEquals", "amr", ["mfa", "pwd"], {"amr": ["mfa", "pwd"]} => false;
    m_any_missing: "ForAnyValue:StringEquals", "amr", "mfa", {} => false;
    m_any_empty_list: "ForAnyValue:StringEquals", "amr", "mfa", {"amr": []} => false;
    m_any_ifexists_missing: "ForAnyValue:StringEqualsIfExists", "amr", "mfa", {} => true;
    m_all_subset: "ForAllValues:StringEquals", "amr", ["mfa", "pwd", "otp"], {"amr": ["mfa", "pwd"]} => true;
    m_all_not_subset: "ForAllValues:StringEquals", "amr", ["mfa"], {"amr": ["mfa", "pwd"]} => false;
    m_all_missing: "ForAllValues:StringEquals", "amr", ["mfa"], {} => true;
    m_all_empty: "ForAllValues:StringEquals", "amr", ["mfa"], {"amr": []} => true;
    m_all_neq: "ForAllValues:StringNotEquals", "amr", "otp", {"amr": ["mfa", "pwd"]} => true;
    m_all_neq_one_listed: "ForAllValues:StringNotEquals", "amr", "mfa", {"amr": ["mfa", "pwd"]} => false;
    m_all_like: "ForAllValues:StringLike", "amr", ["m*", "p*"], {"amr": ["mfa", "pwd"]} => true;
    m_null_present: "Null", "amr", "false", {"amr": ["mfa"]} => true;
    // Set operators on a single-valued key treat it as a one-element set
    s_any_on_single: "ForAnyValue:StringLike", "sub", "repo:o/*", {"sub": SUB} => true;
    s_all_on_single: "ForAllValues:StringLike", "sub", "repo:x/*", {"sub": SUB} => false;
    s_all_on_single_missing: "ForAllValues:StringLike", "sub", "repo:x/*", {} => true;
    // aud arrays (UNCONFIRMED): one element is single-valued, several are multi-valued
    a_single_element_array: "StringEquals", "aud", "sts.amazonaws.com", {"aud": ["sts.amazonaws.com"]} => true;
    a_several_no_set_op: "StringEquals", "aud", "sts.amazonaws.com", {"aud": ["sts.amazonaws.com", "x"]} => false;
    a_several_any: "ForAnyValue:StringEquals", "aud", "sts.amazonaws.com", {"aud": ["x", "sts.amazonaws.com"]} => true;
    a_several_all: "ForAllValues:StringEquals", "aud", "sts.amazonaws.com", {"aud": ["x", "sts.amazonaws.com"]} => false;
    // Numeric
    n_eq: "NumericEquals", "sub", 42, {"sub": "42"} => true;
    n_eq_number_claim: "NumericEquals", "sub", "42", {"sub": 42} => true;
    n_eq_float: "NumericEquals", "sub", 42, {"sub": "42.0"} => true;
    n_neq_hit: "NumericNotEquals", "sub", 42, {"sub": "42"} => false;
    n_neq_miss: "NumericNotEquals", "sub", [41, 43], {"sub": "42"} => true;
    n_lt: "NumericLessThan", "sub", 50, {"sub": "42"} => true;
    n_lt_equal: "NumericLessThan", "sub", 42, {"sub": "42"} => false;
    n_le: "NumericLessThanEquals", "sub", 42, {"sub": "42"} => true;
    n_gt: "NumericGreaterThan", "sub", 50, {"sub": "42"} => false;
    n_ge: "NumericGreaterThanEquals", "sub", "42", {"sub": 42} => true;
    n_lt_float: "NumericLessThan", "sub", 2, {"sub": 1.5} => true;
    n_not_a_number: "NumericEquals", "sub", 42, {"sub": "forty-two"} => false;
    n_not_a_number_negated: "NumericNotEquals", "sub", 42, {"sub": "forty-two"} => false;
    n_missing: "NumericLessThan", "sub", 42, {} => false;
    n_missing_negated: "NumericNotEquals", "sub", 42, {} => true;
    n_ifexists_missing: "NumericLessThanIfExists", "sub", 42, {} => true;
    n_ifexists_present: "NumericLessThanIfExists", "sub", 42, {"sub": "43"} => false;
    n_multi_without_set: "NumericGreaterThan", "amr", 0, {"amr": [1, 5]} => false;
    n_any: "ForAnyValue:NumericGreaterThan", "amr", 3, {"amr": [1, 5]} => true;
    n_all: "ForAllValues:NumericGreaterThan", "amr", 3, {"amr": [1, 5]} => false;
    n_all_ok: "ForAllValues:NumericGreaterThan", "amr", 0, {"amr": [1, 5]} => true;
    n_big_integers_exact: "NumericLessThan", "sub", "123456789012345678902", {"sub": "123456789012345678901"} => true;
    // Date
    d_lt_iso: "DateLessThan", "sub", "2025-01-01T00:00:00Z", {"sub": "2024-01-01T00:00:00Z"} => true;
    d_gt_epoch: "DateGreaterThan", "sub", 1700000000, {"sub": "2024-01-01T00:00:00Z"} => true;
    d_eq_offset: "DateEquals", "sub", "2024-01-01T01:00:00+01:00", {"sub": "2024-01-01T00:00:00Z"} => true;
    d_eq_epoch_claim: "DateEquals", "sub", "2023-11-14T22:13:20Z", {"sub": 1700000000} => true;
    d_eq_epoch_string_claim: "DateEquals", "sub", "2023-11-14T22:13:20Z", {"sub": "1700000000"} => true;
    d_neq_hit: "DateNotEquals", "sub", "2024-01-01", {"sub": "2024-01-01T00:00:00Z"} => false;
    d_neq_miss: "DateNotEquals", "sub", "2024-01-02", {"sub": "2024-01-01T00:00:00Z"} => true;
    d_le: "DateLessThanEquals", "sub", "2024-01-01", {"sub": "2024-01-01T00:00:00Z"} => true;
    d_ge: "DateGreaterThanEquals", "sub", "2024-01-01T00:00:01Z", {"sub": "2024-01-01T00:00:00Z"} => false;
    d_not_a_date: "DateLessThan", "sub", "2025-01-01", {"sub": "tomorrow"} => false;
    d_missing: "DateLessThan", "sub", "2025-01-01", {} => false;
    d_missing_negated: "DateNotEquals", "sub", "2025-01-01", {} => true;
    d_ifexists_missing: "DateGreaterThanIfExists", "sub", "2025-01-01", {} => true;
    d_any: "ForAnyValue:DateLessThan", "amr", "2025-01-01", {"amr": ["2030-01-01", "2020-01-01"]} => true;
    d_all: "ForAllValues:DateLessThan", "amr", "2025-01-01", {"amr": ["2030-01-01", "2020-01-01"]} => false;
    // Bool
    b_true: "Bool", "sub", "true", {"sub": "true"} => true;
    b_bool_claim: "Bool", "sub", true, {"sub": true} => true;
    b_case_insensitive: "Bool", "sub", "TRUE", {"sub": "True"} => true;
    b_false_vs_true: "Bool", "sub", "false", {"sub": true} => false;
    b_not_bool: "Bool", "sub", "true", {"sub": "yes"} => false;
    b_missing: "Bool", "sub", "true", {} => false;
    b_ifexists_missing: "BoolIfExists", "sub", "true", {} => true;
    b_any: "ForAnyValue:Bool", "amr", "true", {"amr": [false, true]} => true;
    // Binary (UNCONFIRMED: policy value base64-decoded vs UTF-8 bytes of the token string)
    x_eq: "BinaryEquals", "sub", "aGVsbG8=", {"sub": "hello"} => true;
    x_neq: "BinaryEquals", "sub", "aGVsbG9v", {"sub": "hello"} => false;
    x_missing: "BinaryEquals", "sub", "aGVsbG8=", {} => false;
    x_ifexists_missing: "BinaryEqualsIfExists", "sub", "aGVsbG8=", {} => true;
    // IP
    i_in: "IpAddress", "sub", "203.0.113.0/24", {"sub": "203.0.113.9"} => true;
    i_out: "IpAddress", "sub", "203.0.113.0/24", {"sub": "198.51.100.1"} => false;
    i_bare_address: "IpAddress", "sub", "203.0.113.9", {"sub": "203.0.113.9"} => true;
    i_v6: "IpAddress", "sub", "2001:db8::/32", {"sub": "2001:db8::5"} => true;
    i_not_in_false: "NotIpAddress", "sub", "203.0.113.0/24", {"sub": "203.0.113.9"} => false;
    i_not_in_true: "NotIpAddress", "sub", ["203.0.113.0/24", "10.0.0.0/8"], {"sub": "198.51.100.1"} => true;
    i_not_an_ip: "IpAddress", "sub", "0.0.0.0/0", {"sub": "localhost"} => false;
    i_not_an_ip_negated: "NotIpAddress", "sub", "10.0.0.0/8", {"sub": "localhost"} => false;
    i_missing: "IpAddress", "sub", "0.0.0.0/0", {} => false;
    i_missing_negated: "NotIpAddress", "sub", "0.0.0.0/0", {} => true;
    i_ifexists_missing: "IpAddressIfExists", "sub", "0.0.0.0/0", {} => true;
    // ARN
    r_like: "ArnLike", "sub", "arn:aws:iam::*:role/*", {"sub": "arn:aws:iam::123456789012:role/x"} => true;
    r_equals_with_wildcards: "ArnEquals", "sub", "arn:aws:iam::*:role/*", {"sub": "arn:aws:iam::123456789012:role/x"} => true;
    r_like_wrong_type: "ArnLike", "sub", "arn:aws:iam::*:user/*", {"sub": "arn:aws:iam::123456789012:role/x"} => false;
    r_part_by_part: "ArnLike", "sub", "arn:aws:s3:us-east-1:*:*", {"sub": "arn:aws:s3:::bucket"} => false;
    r_resource_with_colons: "ArnEquals", "sub", "arn:aws:logs:*:*:log-group:x:*", {"sub": "arn:aws:logs:eu-west-1:1:log-group:x:stream"} => true;
    r_case_sensitive: "ArnLike", "sub", "arn:aws:iam::*:ROLE/*", {"sub": "arn:aws:iam::1:role/x"} => false;
    r_not_like_false: "ArnNotLike", "sub", "arn:aws:iam::*:role/*", {"sub": "arn:aws:iam::1:role/x"} => false;
    r_not_equals_true: "ArnNotEquals", "sub", "arn:aws:iam::*:user/*", {"sub": "arn:aws:iam::1:role/x"} => true;
    r_not_an_arn: "ArnLike", "sub", "arn:*:*:*:*:*", {"sub": "not-an-arn"} => false;
    r_missing: "ArnLike", "sub", "arn:*:*:*:*:*", {} => false;
    r_missing_negated: "ArnNotLike", "sub", "arn:*:*:*:*:*", {} => true;
    r_ifexists_missing: "ArnLikeIfExists", "sub", "arn:*:*:*:*:*", {} => true;
    // Null
    null_true_missing: "Null", "sub", "true", {} => true;
    null_false_missing: "Null", "sub", "false", {} => false;
    null_false_present: "Null", "sub", false, {"sub": "x"} => true;
    null_true_present: "Null", "sub", true, {"sub": "x"} => false;
    null_not_exposed_key_is_missing: "Null", "email", "true", {"email": "a@b.c"} => true;
}

// ---------------------------------------------------------------------------------------------------------
// The examples in policy-semantics.md

fn fly_policy() -> Policy {
    parse(json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/oidc.fly.io/acme"},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {
                "StringEquals": {"oidc.fly.io/acme:aud": "sts.amazonaws.com"},
                "StringLike": {"oidc.fly.io/acme:sub": "acme:web:*"}
            }
        }]
    }))
}

#[test]
fn example_fly_allow() {
    let d = eval(
        &fly_policy(),
        json!({"iss": "https://oidc.fly.io/acme", "aud": "sts.amazonaws.com", "sub": "acme:web:148e21ea7e46e8"}),
    );
    assert_eq!(d.decision, DecisionKind::Allow);
    assert_eq!(d.provider.as_deref(), Some("oidc.fly.io/acme"));
}

#[test]
fn example_fly_sub_implicit_deny() {
    let d = eval(
        &fly_policy(),
        json!({"iss": "https://oidc.fly.io/acme", "aud": "sts.amazonaws.com", "sub": "acme:web-2:148e"}),
    );
    assert_eq!(d.decision, DecisionKind::ImplicitDeny);
    let failed: Vec<_> = d.statements[0]
        .conditions
        .iter()
        .filter(|c| !c.matched)
        .collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].claim.as_deref(), Some("sub"));
    assert!(d.reason.contains("acme:web-2:148e"), "{}", d.reason);
}

fn gh_doc(conditions: Value) -> Value {
    json!({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Federated": GH_FED}, "Action": "sts:AssumeRoleWithWebIdentity", "Condition": conditions
    }]})
}

fn gh_claims(extra: Value) -> Value {
    let mut m = obj(json!({
        "iss": "https://token.actions.githubusercontent.com",
        "aud": "sts.amazonaws.com",
        "sub": "repo:o/r:ref:refs/heads/main",
        "ref": "refs/heads/main",
        "repository": "o/r",
        "repository_owner": "o",
        "repository_id": "123",
        "actor": "octocat",
        "workflow": "deploy",
        "job_workflow_ref": "o/r/.github/workflows/deploy.yml@refs/heads/main",
        "iat": 1700000000, "exp": 1700000300
    }));
    for (k, v) in obj(extra) {
        m.insert(k, v);
    }
    Value::Object(m)
}

#[test]
fn example_github_environment_changes_sub() {
    let p = parse(gh_doc(
        json!({"StringEquals": {"token.actions.githubusercontent.com:sub": "repo:o/r:ref:refs/heads/main"}}),
    ));
    let d = eval(
        &p,
        gh_claims(json!({"environment": "prod", "sub": "repo:o/r:environment:prod"})),
    );
    assert_eq!(d.decision, DecisionKind::ImplicitDeny);
    let lint = d
        .lints
        .iter()
        .find(|l| l.code == LintCode::GithubEnvironmentChangesSub)
        .expect("environment lint");
    assert_eq!(
        lint.path,
        "$.Statement[0].Condition.StringEquals['token.actions.githubusercontent.com:sub']"
    );
    assert!(lint.message.contains("repo:o/r:environment:prod"));
}

#[test]
fn example_explicit_deny_wins() {
    let p = parse(json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Federated": GH_FED}, "Action": "sts:AssumeRoleWithWebIdentity",
         "Condition": {"StringLike": {"token.actions.githubusercontent.com:sub": "repo:o/*"}}},
        {"Effect": "Deny", "Principal": {"Federated": GH_FED}, "Action": "sts:AssumeRoleWithWebIdentity",
         "Condition": {"StringEquals": {"token.actions.githubusercontent.com:sub": "repo:o/x:ref:refs/heads/main"}}}
    ]}));
    let d = eval(
        &p,
        gh_claims(json!({"sub": "repo:o/x:ref:refs/heads/main"})),
    );
    assert_eq!(d.decision, DecisionKind::Deny);
    assert!(d.statements[0].matched && d.statements[1].matched);
    assert!(
        d.reason.contains("explicitly denied by statement 1"),
        "{}",
        d.reason
    );
    // Another repository of the same owner is allowed.
    assert_eq!(
        eval(
            &p,
            gh_claims(json!({"sub": "repo:o/y:ref:refs/heads/main"}))
        )
        .decision,
        DecisionKind::Allow
    );
}

#[test]
fn example_question_mark_is_exactly_one() {
    let p = parse(gh_doc(
        json!({"StringLike": {"token.actions.githubusercontent.com:sub": "repo:o/r:ref:refs/heads/rel-??"}}),
    ));
    assert_eq!(
        eval(
            &p,
            gh_claims(json!({"sub": "repo:o/r:ref:refs/heads/rel-1"}))
        )
        .decision,
        DecisionKind::ImplicitDeny
    );
    assert_eq!(
        eval(
            &p,
            gh_claims(json!({"sub": "repo:o/r:ref:refs/heads/rel-10"}))
        )
        .decision,
        DecisionKind::Allow
    );
}

#[test]
fn example_shared_glob_rows_for_later_dialects() {
    use oidc_trust::policy::glob::Glob;
    // Vault glob: only `*` is special.
    assert!(Glob::star_only("repo:o/*").matches("repo:o/a:ref:refs/heads/x"));
    assert!(!Glob::star_only("repo:o/?").matches("repo:o/a"));
    // Entra flexible `matches`: anchored, case-sensitive (UNCONFIRMED choice).
    assert!(Glob::new("repo:c/r-*:ref:refs/heads/????").matches("repo:c/r-api:ref:refs/heads/main"));
}

#[test]
fn example_reason_line_matches_issue() {
    let p = parse(gh_doc(
        json!({"StringLike": {"token.actions.githubusercontent.com:sub": "repo:o/r:ref:refs/heads/*"}}),
    ));
    let d = eval(
        &p,
        gh_claims(json!({"sub": "repo:o/r:environment:prod", "environment": "prod"})),
    );
    assert_eq!(
        d.statements[0].conditions[0].reason,
        "sub \"repo:o/r:environment:prod\" does not match \"repo:o/r:ref:refs/heads/*\" (StringLike is case-sensitive; compared whole string)"
    );
}

// ---------------------------------------------------------------------------------------------------------
// GitHub

fn gh_typical() -> Policy {
    parse(gh_doc(json!({
        "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
        "StringLike": {"token.actions.githubusercontent.com:sub": "repo:o/r:ref:refs/heads/main"}
    })))
}

#[test]
fn gh_typical_allows_main() {
    let d = eval(&gh_typical(), gh_claims(json!({})));
    assert_eq!(d.decision, DecisionKind::Allow);
    assert!(d.reason.starts_with("allowed by statement 0"));
    assert!(d.warnings.is_empty());
}

#[test]
fn gh_pull_request_sub_denied() {
    let d = eval(
        &gh_typical(),
        gh_claims(json!({"sub": "repo:o/r:pull_request"})),
    );
    assert_eq!(d.decision, DecisionKind::ImplicitDeny);
    assert!(!has_lint(&d.lints, LintCode::GithubEnvironmentChangesSub));
}

#[test]
fn gh_wrong_audience() {
    let d = eval(
        &gh_typical(),
        gh_claims(json!({"aud": "https://github.com/o"})),
    );
    assert_eq!(d.decision, DecisionKind::ImplicitDeny);
    assert!(d.reason.contains("aud"), "{}", d.reason);
}

#[test]
fn gh_environment_sub_allowed_when_policy_expects_it() {
    let p = parse(gh_doc(
        json!({"StringEquals": {"token.actions.githubusercontent.com:sub": "repo:o/r:environment:prod"}}),
    ));
    let d = eval(
        &p,
        gh_claims(json!({"environment": "prod", "sub": "repo:o/r:environment:prod"})),
    );
    assert_eq!(d.decision, DecisionKind::Allow);
    assert!(!has_lint(&d.lints, LintCode::GithubEnvironmentChangesSub));
}

#[test]
fn gh_exposed_keys_environment_ref_repository_workflow() {
    let p = parse(gh_doc(json!({
        "StringEquals": {
            "token.actions.githubusercontent.com:environment": "prod",
            "token.actions.githubusercontent.com:ref": "refs/heads/main",
            "token.actions.githubusercontent.com:repository": "o/r",
            "token.actions.githubusercontent.com:repository_id": "123",
            "token.actions.githubusercontent.com:actor": "octocat",
            "token.actions.githubusercontent.com:workflow": "deploy",
            "token.actions.githubusercontent.com:sub": "repo:o/r:environment:prod"
        },
        "StringLike": {"token.actions.githubusercontent.com:job_workflow_ref": "o/r/.github/workflows/*@refs/heads/main"}
    })));
    let d = eval(
        &p,
        gh_claims(json!({"environment": "prod", "sub": "repo:o/r:environment:prod"})),
    );
    assert_eq!(d.decision, DecisionKind::Allow, "{}", d.reason);
    assert!(d.statements[0].conditions.iter().all(|c| c.claim.is_some()));
}

#[test]
fn gh_repository_owner_is_not_exposed() {
    let p = parse(gh_doc(json!({
        "StringEquals": {"token.actions.githubusercontent.com:repository_owner": "o"},
        "StringLike": {"token.actions.githubusercontent.com:sub": "repo:o/*"}
    })));
    let lint = p
        .lints()
        .iter()
        .find(|l| l.code == LintCode::KeyNotExposed)
        .expect("lint");
    assert!(lint.message.contains("repository_owner"));
    let d = eval(&p, gh_claims(json!({})));
    assert_eq!(d.decision, DecisionKind::ImplicitDeny);
    let c = d.statements[0]
        .conditions
        .iter()
        .find(|c| c.key.ends_with("repository_owner"))
        .unwrap();
    assert_eq!(c.token_values, None);
    assert_eq!(c.claim, None);
    assert!(
        c.reason.contains("AWS does not expose repository_owner"),
        "{}",
        c.reason
    );
}

#[test]
fn gh_numeric_on_iat_is_missing() {
    let p = parse(gh_doc(json!({
        "StringLike": {"token.actions.githubusercontent.com:sub": "repo:o/*"},
        "NumericLessThan": {"token.actions.githubusercontent.com:iat": 2000000000}
    })));
    assert!(has_lint(p.lints(), LintCode::KeyNotExposed));
    let d = eval(&p, gh_claims(json!({})));
    assert_eq!(d.decision, DecisionKind::ImplicitDeny);
    let c = d.statements[0]
        .conditions
        .iter()
        .find(|c| c.key.ends_with(":iat"))
        .unwrap();
    assert!(!c.matched);
    assert!(c.token_values.is_none());
}

#[test]
fn gh_numeric_ifexists_on_iat_passes_because_missing() {
    let p = parse(gh_doc(json!({
        "StringLike": {"token.actions.githubusercontent.com:sub": "repo:o/*"},
        "NumericLessThanIfExists": {"token.actions.githubusercontent.com:iat": 1}
    })));
    assert_eq!(eval(&p, gh_claims(json!({}))).decision, DecisionKind::Allow);
}

#[test]
fn gh_date_on_exp_is_missing() {
    let p = parse(gh_doc(json!({
        "StringLike": {"token.actions.githubusercontent.com:sub": "repo:o/*"},
        "DateGreaterThan": {"token.actions.githubusercontent.com:exp": "2020-01-01T00:00:00Z"}
    })));
    let d = eval(&p, gh_claims(json!({})));
    assert_eq!(d.decision, DecisionKind::ImplicitDeny);
    // ...and negated Date on it is true.
    let p = parse(gh_doc(json!({
        "StringLike": {"token.actions.githubusercontent.com:sub": "repo:o/*"},
        "DateNotEquals": {"token.actions.githubusercontent.com:exp": "2020-01-01T00:00:00Z"}
    })));
    assert_eq!(eval(&p, gh_claims(json!({}))).decision, DecisionKind::Allow);
}

#[test]
fn gh_for_all_values_on_typo_key_allows_and_lints() {
    let p = parse(gh_doc(json!({
        "ForAllValues:StringEquals": {"token.actions.githubusercontent.com:sbu": "repo:o/r:ref:refs/heads/main"}
    })));
    let l = p
        .lints()
        .iter()
        .find(|l| l.code == LintCode::ForAllValuesMissingKeyAllows)
        .expect("static lint");
    assert_eq!(l.severity, Severity::Error);
    assert!(p
        .lints()
        .iter()
        .any(|l| l.code == LintCode::MissingSubCondition && l.severity == Severity::Error));
    let d = eval(
        &p,
        gh_claims(json!({"sub": "repo:attacker/x:ref:refs/heads/main"})),
    );
    assert_eq!(d.decision, DecisionKind::Allow);
    assert!(d.lints.iter().any(
        |l| l.code == LintCode::ForAllValuesMissingKeyAllows && l.severity == Severity::Warning
    ));
}

#[test]
fn gh_for_all_values_on_sub_lints_single_valued() {
    let p = parse(gh_doc(
        json!({"ForAllValues:StringLike": {"token.actions.githubusercontent.com:sub": "repo:o/*"}}),
    ));
    assert!(has_lint(p.lints(), LintCode::ForAllValuesSingleValued));
    assert_eq!(eval(&p, gh_claims(json!({}))).decision, DecisionKind::Allow);
    assert_eq!(
        eval(&p, gh_claims(json!({"sub": "repo:x/y"}))).decision,
        DecisionKind::ImplicitDeny
    );
}

#[test]
fn gh_for_any_value_on_sub_is_info() {
    let p = parse(gh_doc(
        json!({"ForAnyValue:StringLike": {"token.actions.githubusercontent.com:sub": "repo:o/*"}}),
    ));
    assert!(p
        .lints()
        .iter()
        .any(|l| l.code == LintCode::ForAnyValueSingleValued && l.severity == Severity::Info));
}

#[test]
fn gh_case_sensitive_sub_with_case_only_lint() {
    let p = parse(gh_doc(
        json!({"StringLike": {"token.actions.githubusercontent.com:sub": "repo:O/R:*"}}),
    ));
    let d = eval(&p, gh_claims(json!({})));
    assert_eq!(d.decision, DecisionKind::ImplicitDeny);
    assert!(has_lint(&d.lints, LintCode::CaseOnlyMismatch));
}

#[test]
fn gh_case_only_mismatch_on_string_equals() {
    let p = parse(gh_doc(
        json!({"StringEquals": {"token.actions.githubusercontent.com:sub": "repo:O/r:ref:refs/heads/main"}}),
    ));
    let d = eval(&p, gh_claims(json!({})));
    assert_eq!(d.decision, DecisionKind::ImplicitDeny);
    let l = d
        .lints
        .iter()
        .find(|l| l.code == LintCode::CaseOnlyMismatch)
        .unwrap();
    assert!(l.message.contains("only when case is ignored"));
}

#[test]
fn gh_case_only_mismatch_on_negated_operator_that_passed() {
    let p = parse(gh_doc(json!({
        "StringLike": {"token.actions.githubusercontent.com:sub": "repo:o/*"},
        "StringNotEquals": {"token.actions.githubusercontent.com:repository": "O/R"}
    })));
    let d = eval(&p, gh_claims(json!({})));
    assert_eq!(d.decision, DecisionKind::Allow);
    assert!(has_lint(&d.lints, LintCode::CaseOnlyMismatch));
}

#[test]
fn gh_ignore_case_operator_has_no_case_lint() {
    let p = parse(gh_doc(
        json!({"StringEqualsIgnoreCase": {"token.actions.githubusercontent.com:sub": "REPO:O/R:REF:REFS/HEADS/MAIN"}}),
    ));
    let d = eval(&p, gh_claims(json!({})));
    assert_eq!(d.decision, DecisionKind::Allow);
    assert!(!has_lint(&d.lints, LintCode::CaseOnlyMismatch));
}

#[test]
fn gh_missing_sub_condition_is_an_error_lint() {
    let p = parse(gh_doc(
        json!({"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}}),
    ));
    let l = p
        .lints()
        .iter()
        .find(|l| l.code == LintCode::MissingSubCondition)
        .unwrap();
    assert_eq!(l.severity, Severity::Error);
    assert_eq!(l.path, "$.Statement[0]");
    assert_eq!(
        eval(
            &p,
            gh_claims(json!({"sub": "repo:anyone/else:ref:refs/heads/main"}))
        )
        .decision,
        DecisionKind::Allow
    );
}

#[test]
fn gh_sub_condition_present_means_no_missing_sub_lint() {
    assert!(!has_lint(
        gh_typical().lints(),
        LintCode::MissingSubCondition
    ));
    assert!(!has_lint(
        gh_typical().lints(),
        LintCode::MissingAudCondition
    ));
}

#[test]
fn gh_negated_sub_condition_does_not_count_as_constraint() {
    let p = parse(gh_doc(
        json!({"StringNotLike": {"token.actions.githubusercontent.com:sub": "repo:evil/*"}}),
    ));
    assert!(has_lint(p.lints(), LintCode::MissingSubCondition));
}

#[test]
fn gh_enterprise_issuer_subpath() {
    let fed = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com/acme";
    let p = parse(json!({"Version": "2012-10-17", "Statement": {
        "Effect": "Allow", "Principal": {"Federated": fed}, "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringEquals": {"token.actions.githubusercontent.com/acme:environment": "prod",
                                       "token.actions.githubusercontent.com/acme:sub": "repo:o/r:environment:prod"}}}}));
    let claims = gh_claims(
        json!({"iss": "https://token.actions.githubusercontent.com/acme", "environment": "prod", "sub": "repo:o/r:environment:prod"}),
    );
    let d = eval(&p, claims);
    assert_eq!(d.decision, DecisionKind::Allow, "{}", d.reason);
    assert_eq!(d.statements[0].path, "$.Statement");
}

#[test]
fn gh_subpath_token_does_not_match_base_principal() {
    let d = eval(
        &gh_typical(),
        gh_claims(json!({"iss": "https://token.actions.githubusercontent.com/acme"})),
    );
    assert_eq!(d.decision, DecisionKind::ImplicitDeny);
    assert!(!d.statements[0].principal_matched);
    // The keys are for the base provider, so they are missing for this token too.
    assert!(d.statements[0]
        .conditions
        .iter()
        .all(|c| c.token_values.is_none()));
}

#[test]
fn gh_key_names_compare_case_insensitively() {
    let p = parse(gh_doc(
        json!({"StringLike": {"Token.Actions.GitHubUserContent.com:SUB": "repo:o/*"}}),
    ));
    let d = eval(&p, gh_claims(json!({})));
    assert_eq!(d.decision, DecisionKind::Allow);
    assert_eq!(
        d.statements[0].conditions[0].key,
        "Token.Actions.GitHubUserContent.com:SUB"
    );
    assert_eq!(d.statements[0].conditions[0].claim.as_deref(), Some("sub"));
}

#[test]
fn gh_two_keys_in_one_operator_are_anded() {
    let p = parse(gh_doc(json!({"StringEquals": {
        "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
        "token.actions.githubusercontent.com:sub": "repo:o/r:ref:refs/heads/dev"
    }})));
    let d = eval(&p, gh_claims(json!({})));
    assert_eq!(d.decision, DecisionKind::ImplicitDeny);
    assert_eq!(
        d.statements[0]
            .conditions
            .iter()
            .filter(|c| c.matched)
            .count(),
        1
    );
}

#[test]
fn gh_star_vs_question() {
    let star = parse(gh_doc(
        json!({"StringLike": {"token.actions.githubusercontent.com:sub": "repo:o/r:ref:refs/heads/rel-*"}}),
    ));
    let q = parse(gh_doc(
        json!({"StringLike": {"token.actions.githubusercontent.com:sub": "repo:o/r:ref:refs/heads/rel-?"}}),
    ));
    let t1 = gh_claims(json!({"sub": "repo:o/r:ref:refs/heads/rel-1"}));
    let t10 = gh_claims(json!({"sub": "repo:o/r:ref:refs/heads/rel-10"}));
    let t0 = gh_claims(json!({"sub": "repo:o/r:ref:refs/heads/rel-"}));
    assert_eq!(eval(&star, t1.clone()).decision, DecisionKind::Allow);
    assert_eq!(eval(&star, t10.clone()).decision, DecisionKind::Allow);
    assert_eq!(eval(&star, t0.clone()).decision, DecisionKind::Allow);
    assert_eq!(eval(&q, t1).decision, DecisionKind::Allow);
    assert_eq!(eval(&q, t10).decision, DecisionKind::ImplicitDeny);
    assert_eq!(eval(&q, t0).decision, DecisionKind::ImplicitDeny);
}

#[test]
fn gh_star_in_string_equals_lints() {
    let p = parse(gh_doc(
        json!({"StringEquals": {"token.actions.githubusercontent.com:sub": "repo:o/r:*"}}),
    ));
    let l = p
        .lints()
        .iter()
        .find(|l| l.code == LintCode::StringEqualsWithWildcard)
        .unwrap();
    assert_eq!(
        l.path,
        "$.Statement[0].Condition.StringEquals['token.actions.githubusercontent.com:sub']"
    );
    assert_eq!(
        eval(&p, gh_claims(json!({}))).decision,
        DecisionKind::ImplicitDeny
    );
}

#[test]
fn gh_string_like_without_wildcard_lints_with_value_path() {
    let p = parse(gh_doc(
        json!({"StringLike": {"token.actions.githubusercontent.com:sub": ["repo:o/r:*", "repo:o/r:ref:refs/heads/main"]}}),
    ));
    let l = p
        .lints()
        .iter()
        .find(|l| l.code == LintCode::StringLikeWithoutWildcard)
        .unwrap();
    assert_eq!(
        l.path,
        "$.Statement[0].Condition.StringLike['token.actions.githubusercontent.com:sub'][1]"
    );
}

// ---------------------------------------------------------------------------------------------------------
// Explicit deny

#[test]
fn deny_without_conditions_denies_everything_trusted() {
    let p = parse(json!({"Statement": [
        {"Effect": "Allow", "Principal": {"Federated": GH_FED}, "Action": "sts:AssumeRoleWithWebIdentity"},
        {"Effect": "Deny", "Principal": {"Federated": GH_FED}, "Action": "sts:*"}
    ]}));
    let d = eval(&p, gh_claims(json!({})));
    assert_eq!(d.decision, DecisionKind::Deny);
}

#[test]
fn deny_not_matching_leaves_allow() {
    let p = parse(json!({"Statement": [
        {"Effect": "Deny", "Principal": {"Federated": GH_FED}, "Action": "sts:AssumeRoleWithWebIdentity",
         "Condition": {"StringEquals": {"token.actions.githubusercontent.com:ref": "refs/heads/evil"}}},
        {"Effect": "Allow", "Principal": {"Federated": GH_FED}, "Action": "sts:AssumeRoleWithWebIdentity",
         "Condition": {"StringLike": {"token.actions.githubusercontent.com:sub": "repo:o/*"}}}
    ]}));
    let d = eval(&p, gh_claims(json!({})));
    assert_eq!(d.decision, DecisionKind::Allow);
    assert!(d.reason.contains("statement 1"));
}

#[test]
fn deny_only_policy_is_implicit_deny_when_not_matching() {
    let p = parse(
        json!({"Statement": {"Effect": "Deny", "Principal": {"Federated": GH_FED}, "Action": "sts:*",
        "Condition": {"StringEquals": {"token.actions.githubusercontent.com:ref": "refs/heads/evil"}}}}),
    );
    let d = eval(&p, gh_claims(json!({})));
    assert_eq!(d.decision, DecisionKind::ImplicitDeny);
    assert!(d.reason.contains("no Allow statement"));
}

#[test]
fn deny_with_negated_operator_on_missing_key_denies() {
    // StringNotEquals on a missing key is true: the Deny applies.
    let p = parse(json!({"Statement": [
        {"Effect": "Allow", "Principal": {"Federated": GH_FED}, "Action": "sts:AssumeRoleWithWebIdentity",
         "Condition": {"StringLike": {"token.actions.githubusercontent.com:sub": "repo:o/*"}}},
        {"Effect": "Deny", "Principal": {"Federated": GH_FED}, "Action": "sts:AssumeRoleWithWebIdentity",
         "Condition": {"StringNotEquals": {"token.actions.githubusercontent.com:environment": "prod"}}}
    ]}));
    assert_eq!(eval(&p, gh_claims(json!({}))).decision, DecisionKind::Deny);
    assert_eq!(
        eval(&p, gh_claims(json!({"environment": "prod"}))).decision,
        DecisionKind::Allow
    );
}

#[test]
fn deny_with_not_action() {
    let p = parse(json!({"Statement": [
        {"Effect": "Allow", "Principal": {"Federated": GH_FED}, "Action": "sts:AssumeRoleWithWebIdentity",
         "Condition": {"StringLike": {"token.actions.githubusercontent.com:sub": "repo:o/*"}}},
        {"Effect": "Deny", "Principal": {"Federated": GH_FED}, "NotAction": "sts:TagSession"}
    ]}));
    assert_eq!(eval(&p, gh_claims(json!({}))).decision, DecisionKind::Deny);
}

// ---------------------------------------------------------------------------------------------------------
// Google, Cognito, CircleCI, Oracle

fn google_doc(cond: Value) -> Value {
    json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Federated": "accounts.google.com"},
        "Action": "sts:AssumeRoleWithWebIdentity", "Condition": cond}]})
}

#[test]
fn google_aud_key_is_azp_when_present() {
    let p = parse(google_doc(
        json!({"StringEquals": {"accounts.google.com:aud": "client-a"}}),
    ));
    let d = eval(
        &p,
        json!({"iss": "https://accounts.google.com", "azp": "client-a", "aud": "client-b", "sub": "1"}),
    );
    assert_eq!(d.decision, DecisionKind::Allow);
    assert_eq!(d.statements[0].conditions[0].claim.as_deref(), Some("azp"));
    let d = eval(
        &p,
        json!({"iss": "https://accounts.google.com", "azp": "client-x", "aud": "client-a", "sub": "1"}),
    );
    assert_eq!(d.decision, DecisionKind::ImplicitDeny);
}

#[test]
fn google_aud_key_is_aud_without_azp() {
    let p = parse(google_doc(
        json!({"StringEquals": {"accounts.google.com:aud": "client-b"}}),
    ));
    let d = eval(
        &p,
        json!({"iss": "https://accounts.google.com", "aud": "client-b", "sub": "1"}),
    );
    assert_eq!(d.decision, DecisionKind::Allow);
    assert_eq!(d.statements[0].conditions[0].claim.as_deref(), Some("aud"));
}

#[test]
fn google_oaud_is_always_aud() {
    let p = parse(google_doc(
        json!({"StringEquals": {"accounts.google.com:oaud": "client-b", "accounts.google.com:aud": "client-a"}}),
    ));
    let d = eval(
        &p,
        json!({"iss": "https://accounts.google.com", "azp": "client-a", "aud": "client-b", "sub": "1"}),
    );
    assert_eq!(d.decision, DecisionKind::Allow);
}

#[test]
fn google_issuer_without_scheme() {
    let p = parse(google_doc(
        json!({"StringEquals": {"accounts.google.com:sub": "1"}}),
    ));
    let d = eval(
        &p,
        json!({"iss": "accounts.google.com", "aud": "x", "sub": "1"}),
    );
    assert_eq!(d.decision, DecisionKind::Allow);
}

#[test]
fn google_organization_number_is_numeric_and_warns() {
    let p = parse(google_doc(
        json!({"NumericEquals": {"accounts.google.com:google/organization_number": 123456789012u64}, "StringEquals": {"accounts.google.com:sub": "1"}}),
    ));
    let d = eval(
        &p,
        json!({"iss": "https://accounts.google.com", "aud": "x", "sub": "1", "google": {"organization_number": 123456789012u64}}),
    );
    assert_eq!(d.decision, DecisionKind::Allow);
    assert!(d
        .warnings
        .iter()
        .any(|w| w.rule == "google-organization-number-location" && w.decisive));
    assert!(has_lint(&d.lints, LintCode::UnconfirmedRule));
}

#[test]
fn oaud_is_not_exposed_for_other_providers() {
    let d = check_cond(
        "StringEquals",
        "oaud",
        json!("x"),
        json!({"aud": "x"}),
        false,
    );
    assert!(
        d.reason.contains("AWS does not expose oaud"),
        "{}",
        d.reason
    );
}

#[test]
fn cognito_amr_with_for_any_value() {
    let p = parse(
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"Federated": "cognito-identity.amazonaws.com"}, "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringEquals": {"cognito-identity.amazonaws.com:aud": "us-east-1:pool"},
                      "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"}}}]}),
    );
    let claims = json!({"iss": "https://cognito-identity.amazonaws.com", "aud": "us-east-1:pool", "sub": "us-east-1:id",
        "amr": ["authenticated", "cognito-idp.us-east-1.amazonaws.com/pool", "cognito-idp:…:CognitoSignIn:x"]});
    assert_eq!(eval(&p, claims).decision, DecisionKind::Allow);
    let unauth = json!({"iss": "https://cognito-identity.amazonaws.com", "aud": "us-east-1:pool", "sub": "x", "amr": ["unauthenticated"]});
    assert_eq!(eval(&p, unauth).decision, DecisionKind::ImplicitDeny);
}

#[test]
fn cognito_amr_without_set_operator_never_matches_and_lints() {
    let p = parse(
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"Federated": "cognito-identity.amazonaws.com"}, "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringEquals": {"cognito-identity.amazonaws.com:amr": "authenticated"}}}]}),
    );
    assert!(has_lint(
        p.lints(),
        LintCode::MultiValuedKeyWithoutSetOperator
    ));
    let d = eval(
        &p,
        json!({"iss": "https://cognito-identity.amazonaws.com", "amr": ["authenticated"]}),
    );
    assert_eq!(d.decision, DecisionKind::ImplicitDeny);
    assert_eq!(
        d.statements[0].conditions[0].unconfirmed,
        Some("multi-valued-without-set-operator")
    );
    assert!(d
        .warnings
        .iter()
        .any(|w| w.rule == "multi-valued-without-set-operator" && w.decisive));
}

#[test]
fn circleci_project_id_key() {
    let prefix = "oidc.circleci.com/org/0f2c";
    let p = parse(json!({"Statement": {"Effect": "Allow",
        "Principal": {"Federated": format!("arn:aws:iam::123456789012:oidc-provider/{prefix}")},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringEquals": {format!("{prefix}:oidc.circleci.com/project-id"): "proj-1", format!("{prefix}:sub"): "org/0f2c/project/proj-1/user/u"}}}}));
    let d = eval(
        &p,
        json!({"iss": format!("https://{prefix}"), "sub": "org/0f2c/project/proj-1/user/u", "aud": "0f2c", "oidc.circleci.com/project-id": "proj-1"}),
    );
    assert_eq!(d.decision, DecisionKind::Allow, "{}", d.reason);
}

#[test]
fn oracle_rpst_id_key() {
    let prefix = "idcs-abc123.identity.oraclecloud.com";
    let p = parse(json!({"Statement": {"Effect": "Allow",
        "Principal": {"Federated": format!("arn:aws:iam::123456789012:oidc-provider/{prefix}")},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringEquals": {format!("{prefix}:rpst_id"): "rp-1", format!("{prefix}:sub"): "s"}}}}));
    let d = eval(
        &p,
        json!({"iss": format!("https://{prefix}"), "sub": "s", "rpst_id": "rp-1"}),
    );
    assert_eq!(d.decision, DecisionKind::Allow, "{}", d.reason);
    // rpst_id is not exposed for other providers
    let lints = parse(doc(
        json!({"StringEquals": {"oidc.example.com:rpst_id": "x", "oidc.example.com:sub": "s"}}),
    ))
    .lints()
    .to_vec();
    assert!(has_lint(&lints, LintCode::KeyNotExposed));
}

// ---------------------------------------------------------------------------------------------------------
// Principal and provider

#[test]
fn provider_prefix_kept_exactly_including_trailing_slash() {
    let d = eval(
        &fly_policy(),
        json!({"iss": "https://oidc.fly.io/acme/", "aud": "sts.amazonaws.com", "sub": "acme:web:1"}),
    );
    assert_eq!(d.decision, DecisionKind::ImplicitDeny);
    assert_eq!(d.provider.as_deref(), Some("oidc.fly.io/acme/"));
    let pr = d.statements[0].principal.as_ref().unwrap();
    assert!(!pr.matched);
    assert!(pr.reason.contains("exactly"), "{}", pr.reason);
}

#[test]
fn provider_http_scheme_is_not_removed() {
    let d = eval(
        &fly_policy(),
        json!({"iss": "http://oidc.fly.io/acme", "aud": "sts.amazonaws.com", "sub": "acme:web:1"}),
    );
    assert_eq!(d.provider.as_deref(), Some("http://oidc.fly.io/acme"));
    assert_eq!(d.decision, DecisionKind::ImplicitDeny);
}

#[test]
fn provider_override_from_context() {
    let claims = obj(
        json!({"iss": "https://elsewhere.example", "aud": "sts.amazonaws.com", "sub": "acme:web:1"}),
    );
    let ctx = EvalContext { provider: Some("oidc.fly.io/acme".into()), ..EvalContext::default() };
    let d = eval_ctx(&fly_policy(), &claims, &ctx);
    assert_eq!(d.decision, DecisionKind::Allow);
    assert_eq!(d.provider.as_deref(), Some("oidc.fly.io/acme"));
}

#[test]
fn no_iss_no_provider() {
    let d = eval(
        &fly_policy(),
        json!({"aud": "sts.amazonaws.com", "sub": "acme:web:1"}),
    );
    assert_eq!(d.decision, DecisionKind::ImplicitDeny);
    assert_eq!(d.provider, None);
    assert!(d.statements[0]
        .principal
        .as_ref()
        .unwrap()
        .reason
        .contains("no iss"));
    assert!(d.statements[0]
        .conditions
        .iter()
        .all(|c| c.token_values.is_none()));
}

#[test]
fn principal_everyone_matches_and_lints() {
    for principal in [
        json!("*"),
        json!({"AWS": "*"}),
        json!({"AWS": ["arn:aws:iam::123456789012:root", "*"]}),
    ] {
        let p = parse(
            json!({"Statement": {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRoleWithWebIdentity"}}),
        );
        assert!(p
            .lints()
            .iter()
            .any(|l| l.code == LintCode::PrincipalWildcard && l.severity == Severity::Error));
        assert_eq!(
            eval(&p, json!({"iss": "https://anything.example"})).decision,
            DecisionKind::Allow
        );
    }
}

#[test]
fn federated_wildcard_matches_with_unconfirmed_warning() {
    let p = parse(
        json!({"Statement": {"Effect": "Allow", "Principal": {"Federated": "*"}, "Action": "sts:AssumeRoleWithWebIdentity"}}),
    );
    let d = eval(&p, json!({"iss": "https://anything.example"}));
    assert_eq!(d.decision, DecisionKind::Allow);
    assert!(d
        .warnings
        .iter()
        .any(|w| w.rule == "federated-wildcard-matches-any" && w.decisive));
}

#[test]
fn principal_list_second_provider_matches() {
    let p = parse(json!({"Statement": {"Effect": "Allow",
        "Principal": {"Federated": [FED, GH_FED]}, "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringLike": {"token.actions.githubusercontent.com:sub": "repo:o/*", "oidc.example.com:sub": "*"}}}}));
    // Keys of the other provider are missing for this token, so this statement needs both: implicit deny.
    let d = eval(&p, gh_claims(json!({})));
    assert!(d.statements[0].principal_matched);
    assert_eq!(d.decision, DecisionKind::ImplicitDeny);
    let other = d.statements[0]
        .conditions
        .iter()
        .find(|c| c.key.starts_with("oidc.example.com"))
        .unwrap();
    assert!(
        other.reason.contains("another provider"),
        "{}",
        other.reason
    );
}

#[test]
fn key_of_untrusted_provider_lints() {
    let p = parse(gh_doc(
        json!({"StringLike": {"token.actions.githubusercontent.com:sub": "repo:o/*", "oidc.example.com:aud": "x"}}),
    ));
    assert!(has_lint(p.lints(), LintCode::KeyProviderMismatch));
}

#[test]
fn saml_and_service_principals_never_match() {
    let p = parse(json!({"Statement": [
        {"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::123456789012:saml-provider/Okta"}, "Action": "sts:AssumeRoleWithSAML"},
        {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ]}));
    assert!(has_lint(p.lints(), LintCode::PrincipalNotFederated));
    assert!(has_lint(p.lints(), LintCode::ActionNotWebIdentity));
    let d = eval(&p, gh_claims(json!({})));
    assert_eq!(d.decision, DecisionKind::ImplicitDeny);
    assert!(d.statements[1]
        .principal
        .as_ref()
        .unwrap()
        .reason
        .contains("Service: ec2.amazonaws.com"));
}

// ---------------------------------------------------------------------------------------------------------
// Action

fn with_action(field: &str, action: Value) -> Policy {
    let mut s = obj(
        json!({"Effect": "Allow", "Principal": {"Federated": FED}, "Condition": {"StringEquals": {"oidc.example.com:sub": "s"}}}),
    );
    s.insert(field.to_owned(), action);
    parse(json!({"Statement": [Value::Object(s)]}))
}

#[test]
fn action_forms() {
    let claims = json!({"iss": "https://oidc.example.com", "sub": "s"});
    for (field, action, allow) in [
        ("Action", json!("sts:AssumeRoleWithWebIdentity"), true),
        ("Action", json!("STS:assumerolewithwebidentity"), true),
        ("Action", json!("sts:*"), true),
        ("Action", json!("*"), true),
        ("Action", json!("sts:AssumeRoleWith?ebIdentity"), true),
        ("Action", json!("sts:AssumeRole"), false),
        (
            "Action",
            json!(["sts:TagSession", "sts:AssumeRoleWithWebIdentity"]),
            true,
        ),
        ("Action", json!("iam:*"), false),
        ("NotAction", json!("sts:AssumeRole"), true),
        ("NotAction", json!("sts:*"), false),
        (
            "NotAction",
            json!(["sts:TagSession", "sts:assumeRoleWithWebIdentity"]),
            false,
        ),
    ] {
        let p = with_action(field, action.clone());
        let d = eval(&p, claims.clone());
        assert_eq!(
            d.decision == DecisionKind::Allow,
            allow,
            "{field} {action}: {}",
            d.reason
        );
        assert_eq!(d.statements[0].action.as_ref().unwrap().field, field);
    }
}

// ---------------------------------------------------------------------------------------------------------
// Keys that are not token claims

#[test]
fn context_keys_are_missing() {
    let p = parse(doc(
        json!({"StringEquals": {"oidc.example.com:sub": "s"}, "IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}),
    ));
    assert!(has_lint(p.lints(), LintCode::KeyNotFromToken));
    let d = eval(&p, json!({"iss": "https://oidc.example.com", "sub": "s"}));
    assert_eq!(d.decision, DecisionKind::ImplicitDeny);
    let c = d.statements[0]
        .conditions
        .iter()
        .find(|c| c.key == "aws:SourceIp")
        .unwrap();
    assert!(c.reason.contains("request context"));
}

#[test]
fn key_without_prefix_is_missing_and_lints() {
    let p = parse(doc(json!({"StringEquals": {"sub": "s"}})));
    assert!(p
        .lints()
        .iter()
        .any(|l| l.code == LintCode::KeyNotExposed && l.severity == Severity::Error));
    assert_eq!(
        eval(&p, json!({"iss": "https://oidc.example.com", "sub": "s"})).decision,
        DecisionKind::ImplicitDeny
    );
}

// ---------------------------------------------------------------------------------------------------------
// Policy variables

fn gh_var_doc(version: Option<&str>, cond: Value) -> Policy {
    let mut d = obj(gh_doc(cond));
    match version {
        Some(v) => {
            d.insert("Version".into(), json!(v));
        }
        None => {
            d.remove("Version");
        }
    }
    parse(Value::Object(d))
}

#[test]
fn var_star_is_literal_star() {
    let p = gh_var_doc(
        Some("2012-10-17"),
        json!({"StringLike": {"token.actions.githubusercontent.com:sub": "repo:o/r:${*}"}}),
    );
    assert_eq!(
        eval(&p, gh_claims(json!({"sub": "repo:o/r:*"}))).decision,
        DecisionKind::Allow
    );
    assert_eq!(
        eval(&p, gh_claims(json!({"sub": "repo:o/r:x"}))).decision,
        DecisionKind::ImplicitDeny
    );
}

#[test]
fn var_question_and_dollar_are_literal() {
    let p = gh_var_doc(
        Some("2012-10-17"),
        json!({"StringLike": {"token.actions.githubusercontent.com:sub": "a${?}b${$}*"}}),
    );
    assert_eq!(
        eval(&p, gh_claims(json!({"sub": "a?b$tail"}))).decision,
        DecisionKind::Allow
    );
    assert_eq!(
        eval(&p, gh_claims(json!({"sub": "axb$tail"}))).decision,
        DecisionKind::ImplicitDeny
    );
}

#[test]
fn var_key_substitution() {
    let p = gh_var_doc(
        Some("2012-10-17"),
        json!({"StringLike": {"token.actions.githubusercontent.com:sub": "repo:${token.actions.githubusercontent.com:repository}:*"}}),
    );
    assert_eq!(eval(&p, gh_claims(json!({}))).decision, DecisionKind::Allow);
    assert_eq!(
        eval(&p, gh_claims(json!({"repository": "o/other"}))).decision,
        DecisionKind::ImplicitDeny
    );
}

#[test]
fn var_value_is_literal_in_string_like() {
    // The repository claim carries a `*`; substituted, it is not a wildcard.
    let p = gh_var_doc(
        Some("2012-10-17"),
        json!({"StringLike": {"token.actions.githubusercontent.com:sub": "repo:${token.actions.githubusercontent.com:repository}"}}),
    );
    let d = eval(
        &p,
        gh_claims(json!({"repository": "o/*", "sub": "repo:o/r"})),
    );
    assert_eq!(d.decision, DecisionKind::ImplicitDeny);
    assert!(d
        .warnings
        .iter()
        .any(|w| w.rule == "variable-value-literal-in-like"));
    assert_eq!(
        eval(
            &p,
            gh_claims(json!({"repository": "o/*", "sub": "repo:o/*"}))
        )
        .decision,
        DecisionKind::Allow
    );
}

#[test]
fn var_default_when_missing() {
    let p = gh_var_doc(
        Some("2012-10-17"),
        json!({"StringEquals": {"token.actions.githubusercontent.com:sub": "repo:o/r:environment:${token.actions.githubusercontent.com:environment, 'dev'}"}}),
    );
    assert_eq!(
        eval(&p, gh_claims(json!({"sub": "repo:o/r:environment:dev"}))).decision,
        DecisionKind::Allow
    );
    assert_eq!(
        eval(
            &p,
            gh_claims(json!({"sub": "repo:o/r:environment:prod", "environment": "prod"}))
        )
        .decision,
        DecisionKind::Allow
    );
    assert_eq!(
        eval(
            &p,
            gh_claims(json!({"sub": "repo:o/r:environment:dev", "environment": "prod"}))
        )
        .decision,
        DecisionKind::ImplicitDeny
    );
}

#[test]
fn var_without_value_fails_positive_and_passes_negated() {
    let pos = gh_var_doc(
        Some("2012-10-17"),
        json!({"StringEquals": {"token.actions.githubusercontent.com:sub": "${aws:username}"}}),
    );
    assert!(has_lint(pos.lints(), LintCode::UnknownVariable));
    let d = eval(&pos, gh_claims(json!({})));
    assert_eq!(d.decision, DecisionKind::ImplicitDeny);
    assert!(
        d.statements[0].conditions[0]
            .reason
            .contains("${aws:username} has no value"),
        "{}",
        d.statements[0].conditions[0].reason
    );
    let neg = gh_var_doc(
        Some("2012-10-17"),
        json!({
            "StringLike": {"token.actions.githubusercontent.com:sub": "repo:o/*"},
            "StringNotEquals": {"token.actions.githubusercontent.com:sub": "${aws:username}"}
        }),
    );
    assert_eq!(
        eval(&neg, gh_claims(json!({}))).decision,
        DecisionKind::Allow
    );
}

#[test]
fn var_unknown_token_key_has_no_value() {
    let p = gh_var_doc(
        Some("2012-10-17"),
        json!({"StringEquals": {"token.actions.githubusercontent.com:sub": "repo:${token.actions.githubusercontent.com:repository_owner}/r:ref:refs/heads/main"}}),
    );
    assert!(has_lint(p.lints(), LintCode::UnknownVariable));
    assert_eq!(
        eval(&p, gh_claims(json!({}))).decision,
        DecisionKind::ImplicitDeny
    );
}

#[test]
fn var_literal_under_2008_and_no_version() {
    for v in [Some("2008-10-17"), None] {
        let p = gh_var_doc(
            v,
            json!({"StringEquals": {"token.actions.githubusercontent.com:sub": "${token.actions.githubusercontent.com:repository}"}}),
        );
        assert!(has_lint(p.lints(), LintCode::VariablesNotEnabled));
        assert_eq!(
            eval(&p, gh_claims(json!({"sub": "o/r"}))).decision,
            DecisionKind::ImplicitDeny
        );
        assert_eq!(
            eval(
                &p,
                gh_claims(json!({"sub": "${token.actions.githubusercontent.com:repository}"}))
            )
            .decision,
            DecisionKind::Allow
        );
    }
}

#[test]
fn var_in_arn_like() {
    let p = gh_var_doc(
        Some("2012-10-17"),
        json!({
            "StringLike": {"token.actions.githubusercontent.com:sub": "*"},
            "ArnLike": {"token.actions.githubusercontent.com:workflow": "arn:aws:iam::*:role/${token.actions.githubusercontent.com:actor}"}
        }),
    );
    assert_eq!(
        eval(
            &p,
            gh_claims(json!({"workflow": "arn:aws:iam::1:role/octocat"}))
        )
        .decision,
        DecisionKind::Allow
    );
    assert_eq!(
        eval(
            &p,
            gh_claims(json!({"workflow": "arn:aws:iam::1:role/other"}))
        )
        .decision,
        DecisionKind::ImplicitDeny
    );
}

#[test]
fn var_in_bool() {
    let p = gh_var_doc(
        Some("2012-10-17"),
        json!({
            "StringLike": {"token.actions.githubusercontent.com:sub": "*"},
            "Bool": {"token.actions.githubusercontent.com:workflow": "${token.actions.githubusercontent.com:actor}"}
        }),
    );
    assert_eq!(
        eval(&p, gh_claims(json!({"workflow": "true", "actor": "TRUE"}))).decision,
        DecisionKind::Allow
    );
    assert_eq!(
        eval(&p, gh_claims(json!({"workflow": "true", "actor": "false"}))).decision,
        DecisionKind::ImplicitDeny
    );
}

// ---------------------------------------------------------------------------------------------------------
// UNCONFIRMED rules, warnings, and the result shape

#[test]
fn aud_array_warning_is_decisive() {
    let p = parse(doc(
        json!({"StringEquals": {"oidc.example.com:aud": "sts.amazonaws.com", "oidc.example.com:sub": "s"}}),
    ));
    let d = eval(
        &p,
        json!({"iss": "https://oidc.example.com", "sub": "s", "aud": ["sts.amazonaws.com", "other"]}),
    );
    assert_eq!(d.decision, DecisionKind::ImplicitDeny);
    let w = d
        .warnings
        .iter()
        .find(|w| w.rule == "aud-array-multi-valued")
        .unwrap();
    assert!(w.decisive);
    assert!(d.lints.iter().any(|l| l.code == LintCode::UnconfirmedRule));
}

#[test]
fn unconfirmed_rule_not_decisive_when_something_else_fails() {
    let p = parse(doc(
        json!({"StringEquals": {"oidc.example.com:aud": "sts.amazonaws.com", "oidc.example.com:sub": "s"}}),
    ));
    let d = eval(
        &p,
        json!({"iss": "https://oidc.example.com", "sub": "other", "aud": ["sts.amazonaws.com", "other"]}),
    );
    let w = d
        .warnings
        .iter()
        .find(|w| w.rule == "aud-array-multi-valued")
        .unwrap();
    assert!(!w.decisive);
    assert!(!d.lints.iter().any(|l| l.code == LintCode::UnconfirmedRule));
}

#[test]
fn incomparable_value_warns() {
    let p = parse(doc(
        json!({"NumericNotEquals": {"oidc.example.com:sub": 1}}),
    ));
    let d = eval(&p, json!({"iss": "https://oidc.example.com", "sub": "abc"}));
    assert_eq!(d.decision, DecisionKind::ImplicitDeny);
    assert_eq!(
        d.statements[0].conditions[0].unconfirmed,
        Some("incomparable-value-no-match")
    );
    assert!(d.statements[0].conditions[0]
        .reason
        .contains("is not a number"));
}

#[test]
fn decision_json_shape() {
    let d = eval(
        &gh_typical(),
        gh_claims(json!({"sub": "repo:o/r:pull_request"})),
    );
    let js = serde_json::to_value(&d).unwrap();
    assert_eq!(js["decision"], "implicit-deny");
    assert_eq!(js["dialect"], "aws");
    assert_eq!(js["provider"], GH);
    let s = &js["statements"][0];
    for k in [
        "index",
        "sid",
        "effect",
        "principalMatched",
        "actionMatched",
        "conditionsMatched",
        "matched",
        "principal",
        "action",
        "conditions",
    ] {
        assert!(s.get(k).is_some(), "statement lacks {k}");
    }
    assert_eq!(s["effect"], "Allow");
    let c = &s["conditions"][1];
    for k in [
        "operator",
        "baseOperator",
        "setOperator",
        "ifExists",
        "key",
        "claim",
        "policyValues",
        "tokenValues",
        "matched",
        "reason",
        "path",
    ] {
        assert!(c.get(k).is_some(), "condition lacks {k}");
    }
    assert_eq!(c["setOperator"], Value::Null);
    assert!(c.get("unconfirmed").is_none());
    assert_eq!(c["tokenValues"], json!(["repo:o/r:pull_request"]));
    assert!(js["lints"].is_array() && js["warnings"].is_array());
    assert!(js["reason"].as_str().unwrap().starts_with("implicit deny"));
}

#[test]
fn missing_token_values_serialize_as_null_and_set_operator_names() {
    let c = check_cond(
        "ForAnyValue:StringEqualsIfExists",
        "amr",
        json!("mfa"),
        json!({}),
        true,
    );
    let js = serde_json::to_value(&c).unwrap();
    assert_eq!(js["tokenValues"], Value::Null);
    assert_eq!(js["setOperator"], "ForAnyValue");
    assert_eq!(js["ifExists"], true);
    assert_eq!(js["baseOperator"], "StringEquals");
    assert_eq!(js["operator"], "ForAnyValue:StringEqualsIfExists");
}

#[test]
fn lint_json_shape() {
    let p = parse(gh_doc(
        json!({"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}}),
    ));
    let js = serde_json::to_value(p.lints()).unwrap();
    let l = js
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["code"] == "missing-sub-condition")
        .unwrap();
    assert_eq!(l["severity"], "error");
    assert_eq!(l["path"], "$.Statement[0]");
}

#[test]
fn parse_str_and_auto() {
    let text = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Federated":"accounts.google.com"},"Action":"sts:AssumeRoleWithWebIdentity"}}"#;
    let p = Policy::parse_str(text, DialectChoice::Auto).unwrap();
    assert_eq!(p.dialect(), "aws");
    let e =
        Policy::parse_str(r#"{"Statement":[],"Statement":[]}"#, DialectChoice::Aws).unwrap_err();
    assert_eq!(e.code, ErrorCode::PolicyInvalid);
    assert!(e.message.contains("duplicate"));
}

#[test]
fn empty_condition_block_is_allowed() {
    let p = parse(
        json!({"Statement": {"Effect": "Allow", "Principal": {"Federated": FED}, "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {}}}),
    );
    assert!(has_lint(p.lints(), LintCode::MissingSubCondition));
    assert_eq!(
        eval(&p, json!({"iss": "https://oidc.example.com"})).decision,
        DecisionKind::Allow
    );
}

// ---------------------------------------------------------------------------------------------------------
// Malformed documents: ERR_POLICY_INVALID with the exact path

fn base_stmt() -> Map<String, Value> {
    obj(
        json!({"Effect": "Allow", "Principal": {"Federated": FED}, "Action": "sts:AssumeRoleWithWebIdentity"}),
    )
}

fn with(field: &str, v: Value) -> Value {
    let mut s = base_stmt();
    s.insert(field.into(), v);
    json!({"Version": "2012-10-17", "Statement": [Value::Object(s)]})
}

fn without(field: &str) -> Value {
    let mut s = base_stmt();
    s.remove(field);
    json!({"Version": "2012-10-17", "Statement": [Value::Object(s)]})
}

fn cond_doc(cond: Value) -> Value {
    with("Condition", cond)
}

macro_rules! bad_cases {
    ($($name:ident: $doc:expr => $path:expr, $needle:expr;)*) => {
        $( #[test] fn $name() { err_at($doc, $path, $needle); } )*
    };
}

const K: &str = "$.Statement[0].Condition";

bad_cases! {
    bad_not_object: json!([]) => "$", "must be a JSON object";
    bad_missing_statement: json!({"Version": "2012-10-17"}) => "$", "missing required field Statement";
    bad_empty_statement: json!({"Statement": []}) => "$.Statement", "must not be empty";
    bad_statement_string: json!({"Statement": "x"}) => "$.Statement", "found string";
    bad_statement_item: json!({"Statement": [Value::Object(base_stmt()), "x"]}) => "$.Statement[1]", "must be an object";
    bad_missing_effect: without("Effect") => "$.Statement[0]", "missing required field Effect";
    bad_effect_case: with("Effect", json!("allow")) => "$.Statement[0].Effect", "\"allow\"";
    bad_effect_type: with("Effect", json!(true)) => "$.Statement[0].Effect", "boolean";
    bad_resource: with("Resource", json!("*")) => "$.Statement[0].Resource", "Has prohibited field Resource";
    bad_not_principal: with("NotPrincipal", json!({"AWS": "*"})) => "$.Statement[0].NotPrincipal", "Has prohibited field NotPrincipal";
    bad_not_resource: with("NotResource", json!("*")) => "$.Statement[0].NotResource", "Has prohibited field NotResource";
    bad_action_and_not_action: with("NotAction", json!("sts:TagSession")) => "$.Statement[0]", "both Action and NotAction";
    bad_no_action: without("Action") => "$.Statement[0]", "missing required field Action";
    bad_action_type: with("Action", json!(7)) => "$.Statement[0].Action", "found number";
    bad_action_item_type: with("Action", json!(["sts:TagSession", 7])) => "$.Statement[0].Action[1]", "must be strings";
    bad_action_empty_list: with("Action", json!([])) => "$.Statement[0].Action", "empty list";
    bad_action_no_service: with("Action", json!("AssumeRoleWithWebIdentity")) => "$.Statement[0].Action", "not an action";
    bad_missing_principal: without("Principal") => "$.Statement[0]", "missing required field Principal";
    bad_principal_string: with("Principal", json!("accounts.google.com")) => "$.Statement[0].Principal", "must be \"*\"";
    bad_principal_empty: with("Principal", json!({})) => "$.Statement[0].Principal", "must not be empty";
    bad_principal_type: with("Principal", json!({"Federeted": FED})) => "$.Statement[0].Principal.Federeted", "unknown principal type";
    bad_principal_type_case: with("Principal", json!({"federated": FED})) => "$.Statement[0].Principal.federated", "did you mean \"Federated\"";
    bad_federated_bare: with("Principal", json!({"Federated": "token.actions.githubusercontent.com"})) => "$.Statement[0].Principal.Federated", "invalid Federated principal";
    bad_federated_item: with("Principal", json!({"Federated": [FED, "arn:aws:iam::12345:oidc-provider/x"]})) => "$.Statement[0].Principal.Federated[1]", "invalid Federated principal";
    bad_federated_partial_wildcard: with("Principal", json!({"Federated": "arn:aws:iam::*:oidc-provider/x"})) => "$.Statement[0].Principal.Federated", "wildcards are not allowed";
    bad_federated_number: with("Principal", json!({"Federated": 5})) => "$.Statement[0].Principal.Federated", "found number";
    bad_condition_type: with("Condition", json!([])) => "$.Statement[0].Condition", "Condition must be an object";
    bad_unknown_operator: json!({"Statement": [Value::Object(base_stmt()), {"Effect": "Allow", "Principal": {"Federated": FED}, "Action": "sts:*", "Condition": {"StringEquls": {"oidc.example.com:sub": "x"}}}]}) => "$.Statement[1].Condition.StringEquls", "unknown condition operator";
    bad_operator_case: cond_doc(json!({"stringLike": {"a.b:sub": "x"}})) => &format!("{K}.stringLike"), "did you mean \"StringLike\"";
    bad_null_if_exists: cond_doc(json!({"NullIfExists": {"a.b:sub": "true"}})) => &format!("{K}.NullIfExists"), "IfExists";
    bad_set_null: cond_doc(json!({"ForAllValues:Null": {"a.b:sub": "true"}})) => &format!("{K}['ForAllValues:Null']"), "Null cannot take";
    bad_bad_prefix: cond_doc(json!({"ForSomeValues:StringEquals": {"a.b:sub": "x"}})) => &format!("{K}['ForSomeValues:StringEquals']"), "unknown condition operator";
    bad_block_type: cond_doc(json!({"StringEquals": "x"})) => &format!("{K}.StringEquals"), "must be an object";
    bad_block_empty: cond_doc(json!({"StringEquals": {}})) => &format!("{K}.StringEquals"), "no condition keys";
    bad_value_object: cond_doc(json!({"StringEquals": {"a.b:sub": {"x": 1}}})) => &format!("{K}.StringEquals['a.b:sub']"), "found object";
    bad_value_nested_list: cond_doc(json!({"StringEquals": {"a.b:sub": ["x", ["y"]]}})) => &format!("{K}.StringEquals['a.b:sub'][1]"), "found array";
    bad_value_null: cond_doc(json!({"StringEquals": {"a.b:sub": null}})) => &format!("{K}.StringEquals['a.b:sub']"), "found null";
    bad_value_empty_list: cond_doc(json!({"StringEquals": {"a.b:sub": []}})) => &format!("{K}.StringEquals['a.b:sub']"), "at least one value";
    bad_numeric: cond_doc(json!({"NumericLessThan": {"a.b:n": "ten"}})) => &format!("{K}.NumericLessThan['a.b:n']"), "needs a number";
    bad_numeric_bool: cond_doc(json!({"NumericEquals": {"a.b:n": [1, true]}})) => &format!("{K}.NumericEquals['a.b:n'][1]"), "needs a number";
    bad_date: cond_doc(json!({"DateLessThan": {"a.b:d": "next tuesday"}})) => &format!("{K}.DateLessThan['a.b:d']"), "ISO 8601";
    bad_date_invalid_day: cond_doc(json!({"DateEquals": {"a.b:d": "2023-02-29"}})) => &format!("{K}.DateEquals['a.b:d']"), "ISO 8601";
    bad_ip: cond_doc(json!({"IpAddress": {"a.b:ip": ["10.0.0.0/8", "10.0.0.0/33"]}})) => &format!("{K}.IpAddress['a.b:ip'][1]"), "CIDR";
    bad_bool: cond_doc(json!({"Bool": {"a.b:b": "yes"}})) => &format!("{K}.Bool['a.b:b']"), "true or false";
    bad_null_value: cond_doc(json!({"Null": {"a.b:b": "maybe"}})) => &format!("{K}.Null['a.b:b']"), "true or false";
    bad_binary: cond_doc(json!({"BinaryEquals": {"a.b:b": "not base64!"}})) => &format!("{K}.BinaryEquals['a.b:b']"), "base64";
    bad_arn: cond_doc(json!({"ArnLike": {"a.b:arn": "arn:aws:iam"}})) => &format!("{K}.ArnLike['a.b:arn']"), "needs an ARN";
    bad_arn_number: cond_doc(json!({"ArnEquals": {"a.b:arn": 5}})) => &format!("{K}.ArnEquals['a.b:arn']"), "ARN string";
    bad_var_in_numeric: cond_doc(json!({"NumericEquals": {"a.b:n": "${a.b:sub}"}})) => &format!("{K}.NumericEquals['a.b:n']"), "not allowed in Numeric";
    bad_var_in_date: cond_doc(json!({"DateLessThan": {"a.b:d": ["2020-01-01", "${aws:CurrentTime}"]}})) => &format!("{K}.DateLessThan['a.b:d'][1]"), "not allowed in Date";
    bad_var_in_ip: cond_doc(json!({"IpAddress": {"a.b:ip": "${aws:SourceIp}"}})) => &format!("{K}.IpAddress['a.b:ip']"), "not allowed in IP";
    bad_var_in_null: cond_doc(json!({"Null": {"a.b:x": "${a.b:sub}"}})) => &format!("{K}.Null['a.b:x']"), "not allowed in Null";
    bad_var_in_binary: cond_doc(json!({"BinaryEquals": {"a.b:x": "${a.b:sub}"}})) => &format!("{K}.BinaryEquals['a.b:x']"), "not allowed in Binary";
    bad_var_unterminated: cond_doc(json!({"StringLike": {"a.b:sub": "repo:${a.b:repository"}})) => &format!("{K}.StringLike['a.b:sub']"), "unterminated";
    bad_var_default_quotes: cond_doc(json!({"StringEquals": {"a.b:sub": "${a.b:x, dflt}"}})) => &format!("{K}.StringEquals['a.b:sub']"), "single quotes";
    bad_version: json!({"Version": "2020-01-01", "Statement": [Value::Object(base_stmt())]}) => "$.Version", "\"2020-01-01\"";
    bad_version_type: json!({"Version": 2012, "Statement": [Value::Object(base_stmt())]}) => "$.Version", "number";
    bad_top_field: json!({"Statement": [Value::Object(base_stmt())], "Foo": 1}) => "$.Foo", "unknown top-level field";
    bad_top_field_case: json!({"statement": [Value::Object(base_stmt())]}) => "$.statement", "did you mean \"Statement\"";
    bad_id_type: json!({"Id": 1, "Statement": [Value::Object(base_stmt())]}) => "$.Id", "Id must be a string";
    bad_statement_field: with("Principals", json!("*")) => "$.Statement[0].Principals", "unknown statement field";
    bad_statement_field_case: with("condition", json!({})) => "$.Statement[0].condition", "did you mean \"Condition\"";
    bad_sid_type: with("Sid", json!(1)) => "$.Statement[0].Sid", "Sid must be a string";
    bad_duplicate_sid: json!({"Statement": [
        {"Sid": "A", "Effect": "Allow", "Principal": {"Federated": FED}, "Action": "sts:*"},
        {"Sid": "A", "Effect": "Deny", "Principal": {"Federated": FED}, "Action": "sts:*"}]}) => "$.Statement[1].Sid", "duplicate Sid";
    bad_key_path_escaping: cond_doc(json!({"StringEquals": {"a'b:c": {}}})) => &format!("{K}.StringEquals['a\\'b:c']"), "found object";
    bad_empty_key: cond_doc(json!({"StringEquals": {"": "x"}})) => &format!("{K}.StringEquals['']"), "must not be empty";
}

#[test]
fn bad_json_text() {
    let e = Policy::parse_str("{\"Statement\": [", DialectChoice::Aws).unwrap_err();
    assert_eq!(e.code, ErrorCode::PolicyInvalid);
    assert_eq!(e.path.as_deref(), Some("$"));
    let deep = "[".repeat(100) + &"]".repeat(100);
    let e = Policy::parse_str(&deep, DialectChoice::Aws).unwrap_err();
    assert_eq!(e.path.as_deref(), Some("$"));
}

#[test]
fn bad_deep_value() {
    let mut v = json!("x");
    for _ in 0..40 {
        v = json!([v]);
    }
    let e = Policy::parse_value(&json!({"Statement": v}), DialectChoice::Aws).unwrap_err();
    assert_eq!(e.path.as_deref(), Some("$"));
}

// ---------------------------------------------------------------------------------------------------------
// Property: random policies over random claims never panic, and every trace recomputes to its decision.

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<T: Clone>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len())].clone()
    }
}

fn random_value(r: &mut Rng) -> Value {
    let scalars = [
        json!("repo:o/r:ref:refs/heads/main"),
        json!("repo:o/*"),
        json!("repo:?/r*"),
        json!("*"),
        json!("?"),
        json!("sts.amazonaws.com"),
        json!("mfa"),
        json!(42),
        json!("42"),
        json!(1.5),
        json!(true),
        json!("false"),
        json!("2024-01-01T00:00:00Z"),
        json!(1700000000),
        json!("10.0.0.0/8"),
        json!("203.0.113.9"),
        json!("arn:aws:iam::*:role/*"),
        json!("aGVsbG8="),
        json!("${token.actions.githubusercontent.com:repository}"),
        json!("${*}x${?}"),
        json!("${aws:username, 'd'}"),
        json!("${unterminated"),
        json!(""),
        json!("REPO:O/R:*"),
        json!(null),
        json!({"a": 1}),
        json!([]),
    ];
    if r.below(4) == 0 {
        Value::Array((0..r.below(4)).map(|_| r.pick(&scalars)).collect())
    } else {
        r.pick(&scalars)
    }
}

fn random_policy(r: &mut Rng) -> Value {
    let bases = [
        "StringEquals",
        "StringNotEquals",
        "StringEqualsIgnoreCase",
        "StringNotEqualsIgnoreCase",
        "StringLike",
        "StringNotLike",
        "NumericEquals",
        "NumericNotEquals",
        "NumericLessThan",
        "NumericGreaterThanEquals",
        "DateEquals",
        "DateNotEquals",
        "DateLessThan",
        "DateGreaterThan",
        "Bool",
        "BinaryEquals",
        "IpAddress",
        "NotIpAddress",
        "ArnEquals",
        "ArnLike",
        "ArnNotEquals",
        "ArnNotLike",
        "Null",
        "Bogus",
    ];
    let keys = [
        "token.actions.githubusercontent.com:sub",
        "token.actions.githubusercontent.com:aud",
        "token.actions.githubusercontent.com:amr",
        "token.actions.githubusercontent.com:environment",
        "token.actions.githubusercontent.com:iat",
        "TOKEN.actions.githubusercontent.com:SUB",
        "aws:SourceIp",
        "oidc.example.com:sub",
        "sub",
        "accounts.google.com:aud",
    ];
    let principals = [
        json!({"Federated": GH_FED}),
        json!({"Federated": [FED, GH_FED]}),
        json!("*"),
        json!({"Federated": "*"}),
        json!({"Service": "x"}),
    ];
    let n = 1 + r.below(3);
    let statements: Vec<Value> = (0..n)
        .map(|_| {
            let mut cond = Map::new();
            for _ in 0..r.below(4) {
                let op = format!(
                    "{}{}{}",
                    r.pick(&["", "", "ForAnyValue:", "ForAllValues:"]),
                    r.pick(&bases),
                    r.pick(&["", "", "IfExists"])
                );
                let mut block = Map::new();
                for _ in 0..1 + r.below(2) {
                    block.insert(r.pick(&keys).to_owned(), random_value(r));
                }
                cond.insert(op, Value::Object(block));
            }
            json!({
                "Effect": r.pick(&["Allow", "Allow", "Deny"]),
                "Principal": r.pick(&principals),
                "Action": r.pick(&[json!("sts:AssumeRoleWithWebIdentity"), json!("sts:*"), json!(["sts:AssumeRole"])]),
                "Condition": Value::Object(cond)
            })
        })
        .collect();
    json!({"Version": r.pick(&["2012-10-17", "2008-10-17"]), "Statement": statements})
}

fn random_claims(r: &mut Rng) -> Map<String, Value> {
    let mut m = Map::new();
    let iss = r.pick(&[
        json!("https://token.actions.githubusercontent.com"),
        json!("https://oidc.example.com"),
        json!("accounts.google.com"),
        json!(5),
        json!(null),
    ]);
    m.insert("iss".into(), iss);
    for name in [
        "sub",
        "aud",
        "amr",
        "environment",
        "repository",
        "azp",
        "iat",
    ] {
        if r.below(3) != 0 {
            m.insert(name.into(), random_value(r));
        }
    }
    m
}

#[test]
fn property_random_policies_are_total_and_traces_recompute() {
    let mut r = Rng(0x5eed_1234_abcd_ef01);
    let (mut parsed, mut evaluated) = (0, 0);
    for _ in 0..3000 {
        let doc = random_policy(&mut r);
        let p = match Policy::parse_value(&doc, DialectChoice::Auto) {
            Ok(p) => p,
            Err(e) => {
                assert_eq!(e.code, ErrorCode::PolicyInvalid);
                assert!(e.path.as_deref().is_some_and(|p| p.starts_with('$')));
                continue;
            }
        };
        parsed += 1;
        // Round trip through text parses the same way.
        assert!(Policy::parse_str(&doc.to_string(), DialectChoice::Aws).is_ok());
        for _ in 0..5 {
            let claims = random_claims(&mut r);
            eval_ctx(&p, &claims, &EvalContext::default());
            evaluated += 1;
        }
    }
    assert!(parsed > 300, "generator too hostile: only {parsed} parsed");
    assert!(evaluated > 1500);
}

// ---------------------------------------------------------------------------------------------------------
// Differential: the compiled decision (`decide`, `decide_pairs`, `decide_claims` with string claims passed as they
// are) against `evaluate(…).decision`, on random policies that reach every branch of the decision: IgnoreCase,
// IfExists, set operators, Null, numeric/date/bool/IP/ARN/binary operators, variables, explicit Deny, Google's
// `:aud`/`:oaud` and nested organization number, and the UNCONFIRMED rules (arrays behind single-valued keys,
// multi-valued keys without a set operator, incomparable values, null/object claims).

fn random_policy_wide(r: &mut Rng) -> Value {
    let mut doc = random_policy(r);
    let extra_keys = [
        "token.actions.githubusercontent.com:repository",
        "token.actions.githubusercontent.com:Repository_Owner_ID",
        "accounts.google.com:oaud",
        "accounts.google.com:sub",
        "accounts.google.com:google/organization_number",
        "accounts.google.com:amr",
        "Accounts.Google.com:AUD",
        "oidc.example.com:aud",
    ];
    let extra_values = [
        json!("${token.actions.githubusercontent.com:sub}"),
        json!("repo:${token.actions.githubusercontent.com:repository}:*"),
        json!("${accounts.google.com:aud, 'fallback'}"),
        json!("${token.actions.githubusercontent.com:amr}"),
        json!("${token.actions.githubusercontent.com:environment, 'prod'}"),
        json!("OCTO-ORG/OCTO-REPO"),
        json!("octo-org/*"),
        json!(["123", "456"]),
        json!(123),
        json!("true"),
        json!("app.apps.googleusercontent.com"),
    ];
    let ops = [
        "StringEqualsIgnoreCase",
        "StringNotEqualsIgnoreCase",
        "StringLikeIfExists",
        "ForAnyValue:StringLike",
        "ForAllValues:StringEquals",
        "NumericEquals",
        "Bool",
        "Null",
        "StringEquals",
    ];
    if let Some(statements) = doc.get_mut("Statement").and_then(Value::as_array_mut) {
        for st in statements {
            if r.below(2) == 0 {
                continue;
            }
            if let Some(cond) = st.get_mut("Condition").and_then(Value::as_object_mut) {
                let mut block = Map::new();
                block.insert(r.pick(&extra_keys).to_owned(), r.pick(&extra_values));
                cond.insert(r.pick(&ops).to_owned(), Value::Object(block));
            }
        }
    }
    doc
}

fn random_claims_wide(r: &mut Rng) -> Map<String, Value> {
    let mut m = random_claims(r);
    let strings = [
        json!("octo-org/octo-repo"),
        json!("OCTO-ORG/OCTO-REPO"),
        json!("repo:octo-org/octo-repo:ref:refs/heads/main"),
        json!("app.apps.googleusercontent.com"),
        json!("123"),
        json!(123),
        json!(["123"]),
        json!(["a", "b"]),
        json!(null),
        json!({"organization_number": 123}),
        json!({"organization_number": "456"}),
    ];
    for name in ["repository", "repository_owner_id", "azp", "google", "aud", "sub"] {
        if r.below(3) == 0 {
            m.insert(name.into(), r.pick(&strings));
        }
    }
    // Google's `:aud` reads `azp` unless it is missing or null.
    if r.below(2) == 0 {
        let azp = r.pick(&[json!(null), json!("app.apps.googleusercontent.com"), json!(5)]);
        m.insert("azp".into(), azp);
    }
    m
}

#[test]
fn differential_compiled_decide_agrees_with_evaluate() {
    use oidc_trust::policy::aws::{AwsPolicy, ClaimValue};
    let mut r = Rng(0xd1ff_e4e5_7a11_0c0d);
    let (mut parsed, mut compared, mut allows, mut denies) = (0, 0, 0, 0);
    let contexts = [
        EvalContext::default(),
        EvalContext {
            provider: Some(GH.to_owned()),
            ..EvalContext::default()
        },
        EvalContext {
            provider: Some("accounts.google.com".to_owned()),
            ..EvalContext::default()
        },
    ];
    for _ in 0..10_000 {
        let doc = random_policy_wide(&mut r);
        let (Ok(p), Ok(aws)) = (Policy::parse_value(&doc, DialectChoice::Aws), AwsPolicy::parse(&doc)) else {
            continue;
        };
        parsed += 1;
        let names = aws.claims_read();
        for _ in 0..6 {
            let claims = random_claims_wide(&mut r);
            let ctx = &contexts[r.below(contexts.len())];
            let want = p.evaluate(&claims, ctx).decision;
            allows += usize::from(want == DecisionKind::Allow);
            denies += usize::from(want == DecisionKind::Deny);
            assert_eq!(p.decide(&claims, ctx), want, "decide\n{doc:#}\n{claims:#?}");
            let pairs: Vec<(&str, Value)> = names
                .iter()
                .filter_map(|n| claims.get(*n).map(|v| (*n, v.clone())))
                .collect();
            assert_eq!(p.decide_pairs(&pairs, ctx), Some(want), "decide_pairs\n{doc:#}\n{claims:#?}");
            // As the wasm binding passes them: strings as they are, other values as JSON.
            let slots: Vec<Option<ClaimValue>> = names
                .iter()
                .map(|n| {
                    claims.get(*n).map(|v| match v {
                        Value::String(s) => ClaimValue::Str(s),
                        other => ClaimValue::Json(other),
                    })
                })
                .collect();
            assert_eq!(aws.decide_claims(&slots, ctx), want, "decide_claims\n{doc:#}\n{claims:#?}");
            compared += 1;
        }
    }
    assert!(parsed > 1000, "generator too hostile: only {parsed} parsed");
    assert!(compared > 6000 && allows > 300 && denies > 100, "{compared} compared, {allows} allow, {denies} deny");
}

// ---------------------------------------------------------------------------------------------------------
// Throughput (not a test; run with `cargo test --release --test policy_aws -- --ignored --nocapture`)

#[test]
#[ignore]
fn measure_throughput() {
    let p = parse(json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Federated": GH_FED}, "Action": "sts:AssumeRoleWithWebIdentity",
         "Condition": {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
                       "StringLike": {"token.actions.githubusercontent.com:sub": "repo:o/r:ref:refs/heads/*",
                                      "token.actions.githubusercontent.com:job_workflow_ref": "o/r/.github/workflows/*"}}},
        {"Effect": "Deny", "Principal": {"Federated": GH_FED}, "Action": "sts:AssumeRoleWithWebIdentity",
         "Condition": {"StringEquals": {"token.actions.githubusercontent.com:ref": "refs/heads/evil"}}}
    ]}));
    let claims = obj(gh_claims(json!({})));
    let ctx = EvalContext::default();
    for (name, traced) in [
        ("decide (no trace)", false),
        ("evaluate (full trace)", true),
    ] {
        let n = if traced { 200_000 } else { 2_000_000 };
        let start = std::time::Instant::now();
        let mut allows = 0usize;
        for _ in 0..n {
            let k = if traced {
                p.evaluate(&claims, &ctx).decision
            } else {
                p.decide(&claims, &ctx)
            };
            allows += usize::from(k == DecisionKind::Allow);
        }
        let secs = start.elapsed().as_secs_f64();
        assert_eq!(allows, n);
        println!("{name}: {:.0} decisions/s", n as f64 / secs);
    }
}
