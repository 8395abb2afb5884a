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
    assert_eq!(d.recompute(), Ok(d.decision), "trace does not recompute to the decision: {d:#?}");
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
    assert!(e.message.contains(needle), "message {:?} lacks {needle:?}", e.message);
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
