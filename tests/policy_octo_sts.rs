//! octo-sts trust policies: the policy-semantics.md §3 example, exact and pattern fields, the two anchorings
//! (the top-level alternation quirk), audience rules, claim_pattern type rules, the token checks, YAML input,
//! lints and malformed policies. Every evaluation checks that the trace recomputes to the decision.
#![cfg(feature = "dialects")]

use oidc_trust::policy::octo_sts::ANCHORING_RULE;
use oidc_trust::policy::{Decision, DecisionKind, DialectChoice, EvalContext, LintCode, OctoStsAnchoring, OctoStsOptions, Policy};
use oidc_trust::ErrorCode;
use serde_json::{json, Map, Value};

const GH: &str = "https://token.actions.githubusercontent.com";

fn parse(doc: Value) -> Policy {
    match Policy::parse_value(&doc, DialectChoice::OctoSts) {
        Ok(p) => p,
        Err(e) => panic!("policy should parse: {e} at {:?}\n{doc:#}", e.path),
    }
}

fn parse_yaml(text: &str) -> Policy {
    match Policy::parse_str(text, DialectChoice::OctoSts) {
        Ok(p) => p,
        Err(e) => panic!("policy should parse: {e} at {:?}\n{text}", e.path),
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
    assert_eq!(d.dialect, "octo-sts");
    serde_json::to_value(&d).expect("decision serializes");
    for c in &d.statements[0].conditions {
        assert!(!c.reason.is_empty());
        assert!(c.path.starts_with('$'));
    }
    d
}

fn eval(p: &Policy, claims: Value) -> Decision {
    eval_ctx(p, claims, &EvalContext::default())
}

fn grouped() -> EvalContext {
    EvalContext { octo_sts_anchoring: Some(OctoStsAnchoring::Grouped), ..EvalContext::default() }
}

fn token(extra: Value) -> Value {
    let mut m = obj(json!({
        "iss": GH,
        "aud": "octo-sts.dev",
        "sub": "repo:o/r:ref:refs/heads/main",
        "ref": "refs/heads/main",
        "repository": "o/r",
        "email_verified": true,
        "run_number": "12",
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

fn policy(extra: Value) -> Policy {
    let mut m = obj(json!({"issuer": GH, "subject": "repo:o/r:ref:refs/heads/main"}));
    for (k, v) in obj(extra) {
        if v.is_null() {
            m.remove(&k);
        } else {
            m.insert(k, v);
        }
    }
    parse(Value::Object(m))
}

fn assert_allow(d: &Decision) {
    assert_eq!(d.decision, DecisionKind::Allow, "{d:#?}");
}

fn assert_deny(d: &Decision, reason_part: &str) {
    assert_eq!(d.decision, DecisionKind::ImplicitDeny, "{d:#?}");
    assert!(d.reason.contains(reason_part), "reason {:?} lacks {reason_part:?}", d.reason);
}

fn has_lint(p: &Policy, code: LintCode) -> bool {
    p.lints().iter().any(|l| l.code == code)
}

// ---------------------------------------------------------------------------------------------------------------
// policy-semantics.md example

#[test]
fn doc_example_boolean_claim_pattern() {
    let p = policy(json!({"claim_pattern": {"email_verified": "true"}}));
    let d = eval(&p, token(json!({"email_verified": true})));
    assert_allow(&d);
    assert!(d.statements[0].conditions.last().unwrap().reason.contains("boolean, stringified"));
}

// ---------------------------------------------------------------------------------------------------------------
// Exact fields and patterns

#[test]
fn exact_issuer_and_subject() {
    let p = policy(json!({}));
    assert_allow(&eval(&p, token(json!({}))));
    assert_deny(
        &eval(&p, token(json!({"sub": "repo:o/r:ref:refs/heads/dev"}))),
        "trust policy: subject \"repo:o/r:ref:refs/heads/dev\" did not match \"repo:o/r:ref:refs/heads/main\"",
    );
    assert_deny(&eval(&p, token(json!({"iss": "https://gitlab.com"}))), "trust policy: issuer \"https://gitlab.com\" did not match");
}

#[test]
fn exact_match_is_case_sensitive_and_whole() {
    let p = policy(json!({}));
    assert_deny(&eval(&p, token(json!({"sub": "repo:O/r:ref:refs/heads/main"}))), "did not match");
    assert_deny(&eval(&p, token(json!({"sub": "repo:o/r:ref:refs/heads/main2"}))), "did not match");
}

#[test]
fn patterns_are_anchored() {
    let p = policy(json!({"subject": null, "subject_pattern": "repo:o/r:ref:refs/heads/.*"}));
    assert_allow(&eval(&p, token(json!({"sub": "repo:o/r:ref:refs/heads/feature"}))));
    assert_deny(
        &eval(&p, token(json!({"sub": "xrepo:o/r:ref:refs/heads/main"}))),
        "trust policy: subject \"xrepo:o/r:ref:refs/heads/main\" did not match pattern",
    );
    let p = policy(json!({"issuer": null, "issuer_pattern": "https://token\\.actions\\.githubusercontent\\.com"}));
    assert_allow(&eval(&p, token(json!({}))));
    assert_deny(&eval(&p, token(json!({"iss": "https://token.actions.githubusercontent.com.evil.example"}))), "did not match pattern");
}

#[test]
fn alternation_quirk_legacy_anchoring() {
    let p = policy(json!({"subject": null, "subject_pattern": "repo:o/r:ref:refs/heads/main|repo:o/r:ref:refs/heads/dev"}));
    assert!(has_lint(&p, LintCode::UnanchoredAlternation));
    // ^repo:o/r:ref:refs/heads/main  |  repo:o/r:ref:refs/heads/dev$
    let d = eval(&p, token(json!({"sub": "repo:o/r:ref:refs/heads/main-evil"})));
    assert_allow(&d);
    assert_eq!(d.warnings.len(), 1);
    assert_eq!(d.warnings[0].rule, ANCHORING_RULE);
    assert!(d.warnings[0].decisive);
    let sub = d.statements[0].conditions.iter().find(|c| c.operator == "subject_pattern").unwrap();
    assert_eq!(sub.unconfirmed, Some(ANCHORING_RULE));
    assert_allow(&eval(&p, token(json!({"sub": "evil:repo:o/r:ref:refs/heads/dev"}))));
    // With another failure the anchoring no longer decides.
    let d = eval(&p, token(json!({"sub": "repo:o/r:ref:refs/heads/main-evil", "aud": "other"})));
    assert_deny(&d, "did not match any of");
    assert_eq!(d.warnings.len(), 1);
    assert!(!d.warnings[0].decisive);
    assert_deny(&eval(&p, token(json!({"sub": "evil:repo:o/r:ref:refs/heads/dev-x"}))), "did not match pattern");
}

#[test]
fn alternation_grouped_anchoring() {
    let p = policy(json!({"subject": null, "subject_pattern": "repo:o/r:ref:refs/heads/main|repo:o/r:ref:refs/heads/dev"}));
    let d = eval_ctx(&p, token(json!({"sub": "repo:o/r:ref:refs/heads/main-evil"})), &grouped());
    assert_deny(&d, "did not match pattern");
    assert_eq!(d.warnings.len(), 1);
    assert!(d.warnings[0].decisive);
    assert_allow(&eval_ctx(&p, token(json!({"sub": "repo:o/r:ref:refs/heads/dev"})), &grouped()));
    assert!(eval_ctx(&p, token(json!({"sub": "repo:o/r:ref:refs/heads/dev"})), &grouped()).warnings.is_empty());
}

#[test]
fn options_given_at_parse_apply_unless_the_evaluation_says() {
    let legacy = policy(json!({"subject": null, "subject_pattern": "repo:o/r:ref:refs/heads/main|repo:o/r:ref:refs/heads/dev"}));
    let p = legacy.clone().with_octo_sts_options(OctoStsOptions {
        domain: Some("sts.example.com".into()),
        anchoring: Some(OctoStsAnchoring::Grouped),
    });
    let evil = token(json!({"sub": "repo:o/r:ref:refs/heads/main-evil", "aud": "sts.example.com"}));
    let dev = token(json!({"sub": "repo:o/r:ref:refs/heads/dev", "aud": "sts.example.com"}));
    // The parse-time anchoring and domain: grouped refuses the prefix match; the audience is the given domain.
    assert_deny(&eval(&p, evil.clone()), "did not match pattern");
    assert_allow(&eval(&p, dev.clone()));
    assert_deny(&eval(&p, token(json!({"sub": "repo:o/r:ref:refs/heads/dev"}))), "audience \"sts.example.com\" did not match");
    assert_eq!(eval(&p, dev.clone()).decision, p.decide(&obj(dev.clone()), &EvalContext::default()));
    // The evaluation's own options win.
    let ctx = EvalContext {
        octo_sts_anchoring: Some(OctoStsAnchoring::Legacy),
        octo_sts_domain: Some("octo-sts.dev".into()),
        ..EvalContext::default()
    };
    assert_allow(&eval_ctx(&p, token(json!({"sub": "repo:o/r:ref:refs/heads/main-evil"})), &ctx));
    assert_deny(&eval_ctx(&p, dev, &ctx), "audience \"octo-sts.dev\" did not match");
    // Without parse-time options: legacy and octo-sts.dev, as before.
    assert_allow(&eval(&legacy, token(json!({"sub": "repo:o/r:ref:refs/heads/main-evil"}))));
}

#[test]
fn grouped_alternation_has_no_lint_and_no_warning() {
    let p = policy(json!({"subject": null, "subject_pattern": "repo:o/r:ref:refs/heads/(?:main|dev)"}));
    assert!(!has_lint(&p, LintCode::UnanchoredAlternation));
    let d = eval(&p, token(json!({"sub": "repo:o/r:ref:refs/heads/main-evil"})));
    assert_deny(&d, "did not match pattern");
    assert!(d.warnings.is_empty());
}

#[test]
fn trailing_empty_alternative() {
    let p = policy(json!({"claim_pattern": {"ref": "refs/heads/main|"}}));
    // Legacy: ^refs/heads/main | $  -> anything starting with refs/heads/main, or (empty alternative + $) anything.
    assert_allow(&eval(&p, token(json!({"ref": "refs/tags/v1"}))));
    assert_deny(&eval_ctx(&p, token(json!({"ref": "refs/tags/v1"})), &grouped()), "did not match");
    assert_allow(&eval_ctx(&p, token(json!({"ref": ""})), &grouped()));
}

#[test]
fn inline_multiline_flag_differs_between_anchorings() {
    let p = policy(json!({"claim_pattern": {"ref": "(?m)refs/heads/main"}}));
    let t = token(json!({"ref": "refs/heads/main\nextra"}));
    let d = eval(&p, t.clone());
    assert_allow(&d);
    assert_eq!(d.warnings.len(), 1);
    assert_deny(&eval_ctx(&p, t, &grouped()), "did not match");
}

#[test]
fn case_insensitive_flag() {
    let p = policy(json!({"claim_pattern": {"repository": "(?i)O/R"}}));
    assert_allow(&eval(&p, token(json!({}))));
}

#[test]
fn perl_classes_are_ascii_like_go() {
    let p = policy(json!({"claim_pattern": {"actor": "\\w+"}}));
    assert_allow(&eval(&p, token(json!({"actor": "octo_cat9"}))));
    assert_deny(&eval(&p, token(json!({"actor": "ünïcode"}))), "did not match");
    let p = policy(json!({"claim_pattern": {"actor": ".+"}}));
    assert_allow(&eval(&p, token(json!({"actor": "ünïcode"}))));
}

#[test]
fn subject_pattern_matching_anything_is_linted() {
    let p = policy(json!({"subject": null, "subject_pattern": ".*"}));
    assert!(has_lint(&p, LintCode::MissingSubCondition));
    let p = policy(json!({"claim_pattern": {"ref": ".*"}}));
    assert!(has_lint(&p, LintCode::PatternMatchesAnything));
    let p = policy(json!({"subject": null, "subject_pattern": "repo:o/r:.*"}));
    assert!(!has_lint(&p, LintCode::MissingSubCondition));
}

// ---------------------------------------------------------------------------------------------------------------
// Audience

#[test]
fn default_audience_is_the_service_domain() {
    let p = policy(json!({}));
    assert_allow(&eval(&p, token(json!({"aud": ["x", "octo-sts.dev"]}))));
    let d = eval(&p, token(json!({"aud": "sts.amazonaws.com"})));
    assert_deny(&d, "trust policy: audience \"octo-sts.dev\" did not match any of [\"sts.amazonaws.com\"]");
    let ctx = EvalContext { octo_sts_domain: Some("sts.example.com".into()), ..EvalContext::default() };
    assert_allow(&eval_ctx(&p, token(json!({"aud": "sts.example.com"})), &ctx));
    assert_deny(&eval_ctx(&p, token(json!({})), &ctx), "did not match any of");
    assert_deny(&eval(&p, token(json!({"aud": null}))), "did not match any of []");
}

#[test]
fn exact_audience_any_value() {
    let p = policy(json!({"audience": "my-app"}));
    assert_allow(&eval(&p, token(json!({"aud": ["other", "my-app"]}))));
    assert_deny(&eval(&p, token(json!({"aud": "octo-sts.dev"}))), "trust policy: audience \"my-app\" did not match any of");
}

#[test]
fn audience_pattern_any_value() {
    let p = policy(json!({"audience_pattern": "app-[0-9]+"}));
    assert_allow(&eval(&p, token(json!({"aud": ["other", "app-7"]}))));
    assert_deny(&eval(&p, token(json!({"aud": ["app-x"]}))), "trust policy: audience_pattern \"app-[0-9]+\" did not match any of");
}

// ---------------------------------------------------------------------------------------------------------------
// claim_pattern type rules

#[test]
fn booleans_are_stringified() {
    let p = policy(json!({"claim_pattern": {"email_verified": "false"}}));
    assert_allow(&eval(&p, token(json!({"email_verified": false}))));
    assert_deny(&eval(&p, token(json!({"email_verified": true}))), "trust policy: claim \"email_verified\" did not match");
}

#[test]
fn numbers_lists_objects_null_are_not_strings() {
    let p = policy(json!({"claim_pattern": {"run_number": "[0-9]+"}}));
    assert_allow(&eval(&p, token(json!({}))));
    for v in [json!(12), json!(1.5), json!(["12"]), json!({"n": 12}), Value::Null] {
        let mut t = obj(token(json!({})));
        t.insert("run_number".into(), v.clone());
        let d = eval(&p, Value::Object(t));
        assert_deny(&d, "trust policy: expected claim \"run_number\" not a string");
    }
}

#[test]
fn missing_claim_denies() {
    let p = policy(json!({"claim_pattern": {"environment": "prod"}}));
    assert_deny(&eval(&p, token(json!({}))), "trust policy: expected claim \"environment\" not found in token");
}

#[test]
fn every_claim_pattern_must_match() {
    let p = policy(json!({"claim_pattern": {"ref": "refs/heads/main", "repository": "o/.*"}}));
    assert_allow(&eval(&p, token(json!({}))));
    let d = eval(&p, token(json!({"repository": "x/r"})));
    let failing: Vec<_> = d.statements[0].conditions.iter().filter(|c| !c.matched).map(|c| c.key.as_str()).collect();
    assert_eq!(failing, ["repository"]);
}

// ---------------------------------------------------------------------------------------------------------------
// Token checks

#[test]
fn issuer_token_checks() {
    let p = policy(json!({"issuer": null, "issuer_pattern": ".*"}));
    assert_deny(&eval(&p, token(json!({"iss": "http://example.com"}))), "invalid issuer in token");
    assert_allow(&eval(&p, token(json!({"iss": "http://localhost:8080"}))));
    assert_deny(&eval(&p, token(json!({"iss": "https://example.com/?x=1"}))), "invalid issuer in token");
    assert_deny(&eval(&p, token(json!({"iss": format!("https://example.com/{}", "a".repeat(250))}))), "invalid issuer in token");
    assert_deny(&eval(&p, token(json!({"iss": 5}))), "invalid issuer in token");
    assert_deny(&eval(&p, token(json!({"iss": null}))), "invalid issuer in token");
}

#[test]
fn subject_token_checks() {
    let p = policy(json!({"subject": null, "subject_pattern": ".*"}));
    for bad in ["repo:o/r x", "repo:o/r\t", "repo:$(id)", "a\"b", "a'b", "a`b", "a\\b", "a<b", "a;b", "a&b", "a{b}", "a[b]", ""] {
        assert_deny(&eval(&p, token(json!({"sub": bad}))), "invalid subject in token");
    }
    assert_deny(&eval(&p, token(json!({"sub": "a".repeat(256)}))), "invalid subject in token");
    assert_allow(&eval(&p, token(json!({"sub": "a".repeat(255)}))));
    assert_allow(&eval(&p, token(json!({"sub": "auth0|user@example.com:x/y-z"}))));
    assert_deny(&eval(&p, token(json!({"sub": "a\u{200B}b"}))), "invalid subject in token");
    assert_deny(&eval(&p, token(json!({"sub": null}))), "invalid subject in token");
}

#[test]
fn audience_token_checks() {
    let p = policy(json!({"audience_pattern": ".*"}));
    assert_deny(&eval(&p, token(json!({"aud": "user@example.com"}))), "invalid audience in token");
    assert_deny(&eval(&p, token(json!({"aud": ["ok", "a|b"]}))), "invalid audience in token");
    assert_deny(&eval(&p, token(json!({"aud": ["ok", 5]}))), "invalid audience in token");
    assert_deny(&eval(&p, token(json!({"aud": ""}))), "invalid audience in token");
    assert_allow(&eval(&p, token(json!({"aud": ["ok", "https://x.example/y"]}))));
}

#[test]
fn token_checks_come_first_in_the_reason() {
    let p = policy(json!({}));
    let d = eval(&p, token(json!({"sub": "bad sub", "iss": "https://other.example"})));
    assert_deny(&d, "invalid subject in token");
    let d = eval(&p, token(json!({"sub": "bad sub", "iss": "http://other.example"})));
    assert_deny(&d, "invalid issuer in token");
}

// ---------------------------------------------------------------------------------------------------------------
// YAML

const YAML_POLICY: &str = r#"# .github/chainguard/deploy.sts.yaml
issuer: https://token.actions.githubusercontent.com
subject_pattern: 'repo:o/r:ref:refs/heads/(main|release-.*)'
claim_pattern:
  email_verified: true
  workflow_ref: o/r/\.github/workflows/deploy\.yaml@.*
permissions:
  contents: read
  pull_requests: write
"#;

#[test]
fn yaml_policy_parses_and_stringifies_scalars() {
    let p = parse_yaml(YAML_POLICY);
    assert_eq!(p.dialect(), "octo-sts");
    let t = token(json!({"sub": "repo:o/r:ref:refs/heads/release-1", "workflow_ref": "o/r/.github/workflows/deploy.yaml@refs/heads/main"}));
    assert_allow(&eval(&p, t));
    let t = token(json!({"sub": "repo:o/r:ref:refs/heads/release-1", "workflow_ref": "o/r/.github/workflows/other.yaml@x"}));
    assert_deny(&eval(&p, t), "trust policy: claim \"workflow_ref\" did not match");
}

#[test]
fn yaml_auto_detection() {
    let p = Policy::parse_str(YAML_POLICY, DialectChoice::Auto).unwrap();
    assert_eq!(p.dialect(), "octo-sts");
}

#[test]
fn yaml_1_1_booleans_and_numbers_become_strings() {
    let p = parse_yaml("issuer: https://token.actions.githubusercontent.com\nsubject: 12345\nclaim_pattern:\n  flag: yes\n  num: 0x10\n");
    let t = token(json!({"sub": "12345", "flag": true, "num": "16"}));
    assert_allow(&eval(&p, t));
    // YAML 1.1 resolves an unquoted key `n` as false too: the claim octo-sts looks for is named "false".
    let p = parse_yaml("issuer: https://token.actions.githubusercontent.com\nsubject: s\nclaim_pattern:\n  n: x\n");
    assert_deny(&eval(&p, token(json!({"sub": "s", "n": "x"}))), "expected claim \"false\" not found in token");
}

#[test]
fn json_text_is_strict_about_types() {
    let e = Policy::parse_str(&json!({"issuer": GH, "subject": 12345}).to_string(), DialectChoice::OctoSts).unwrap_err();
    assert_eq!(e.path.as_deref(), Some("$.subject"));
}

#[test]
fn org_policy_fields_are_accepted() {
    let p = policy(json!({"repositories": ["r1", "r2"], "permissions": {"contents": "read"}, "app": "my-app"}));
    assert_allow(&eval(&p, token(json!({}))));
}

#[test]
fn auto_detection_and_ambiguity() {
    let p = Policy::parse_value(&json!({"issuer": GH, "subject": "s"}), DialectChoice::Auto).unwrap();
    assert_eq!(p.dialect(), "octo-sts");
    let e = Policy::parse_value(&json!({"subject_pattern": "x", "issuer": GH, "user_claim": "sub"}), DialectChoice::Auto).unwrap_err();
    assert_eq!(e.code, ErrorCode::PolicyInvalid);
    assert!(e.message.contains("ambiguous") && e.message.contains("vault") && e.message.contains("octo-sts"), "{e}");
    let e = Policy::parse_value(&json!({"claim_pattern": {}, "Statement": []}), DialectChoice::Auto).unwrap_err();
    assert!(e.message.contains("aws") && e.message.contains("octo-sts"), "{e}");
    let e = Policy::parse_value(&json!({"name": "x"}), DialectChoice::Auto).unwrap_err();
    assert!(e.message.contains("candidates"), "{e}");
}

// ---------------------------------------------------------------------------------------------------------------
// Malformed policies

fn invalid(doc: Value, path: &str, message_part: &str) -> oidc_trust::Error {
    let e = match Policy::parse_value(&doc, DialectChoice::OctoSts) {
        Ok(_) => panic!("should be rejected: {doc}"),
        Err(e) => e,
    };
    assert_eq!(e.code, ErrorCode::PolicyInvalid, "{e}");
    assert_eq!(e.path.as_deref(), Some(path), "{e}");
    assert!(e.message.contains(message_part), "message {:?} lacks {message_part:?}", e.message);
    e
}

fn with(extra: Value) -> Value {
    let mut m = obj(json!({"issuer": GH, "subject": "s"}));
    for (k, v) in obj(extra) {
        if v.is_null() {
            m.remove(&k);
        } else {
            m.insert(k, v);
        }
    }
    Value::Object(m)
}

#[test]
fn malformed_policies() {
    invalid(json!([]), "$", "must be a mapping/object");
    invalid(with(json!({"issuer": null})), "$", "one of issuer or issuer_pattern must be set, got neither");
    invalid(with(json!({"issuer": ""})), "$", "got neither");
    invalid(with(json!({"issuer_pattern": ".*"})), "$.issuer_pattern", "only one of issuer or issuer_pattern can be set, got both");
    invalid(with(json!({"subject": null})), "$", "one of subject or subject_pattern must be set, got neither");
    invalid(with(json!({"subject_pattern": "s"})), "$.subject_pattern", "only one of subject or subject_pattern can be set, got both");
    invalid(with(json!({"audience": "a", "audience_pattern": "a"})), "$.audience_pattern", "only one of audience or audience_pattern");
    invalid(with(json!({"issuer": null, "issuer_pattern": "(unclosed"})), "$.issuer_pattern", "trust policy: invalid issuer_pattern");
    invalid(with(json!({"subject": null, "subject_pattern": "[a-"})), "$.subject_pattern", "trust policy: invalid subject_pattern");
    invalid(with(json!({"audience_pattern": "a)|("})), "$.audience_pattern", "trust policy: invalid audience_pattern");
    invalid(with(json!({"claim_pattern": {"ref": "*main"}})), "$.claim_pattern.ref", "error compiling claim_pattern[\"ref\"]");
    invalid(with(json!({"audiences": ["x"]})), "$.audiences", "unknown field \"audiences\"");
    invalid(with(json!({"issuer": 5})), "$.issuer", "must be a string");
    invalid(with(json!({"subject": ["s"]})), "$.subject", "must be a string");
    invalid(with(json!({"claim_pattern": ["ref"]})), "$.claim_pattern", "must be a mapping");
    invalid(with(json!({"claim_pattern": {"ref": ["a"]}})), "$.claim_pattern.ref", "must be a string");
    invalid(with(json!({"claim_pattern": {"ref": true}})), "$.claim_pattern.ref", "must be a string");
    invalid(with(json!({"permissions": "write"})), "$.permissions", "must be a mapping");
    invalid(with(json!({"permissions": {"contents": "delete"}})), "$.permissions.contents", "\"read\", \"write\" or \"admin\"");
    invalid(with(json!({"repositories": "r"})), "$.repositories", "must be a list");
    invalid(with(json!({"repositories": ["r", 1]})), "$.repositories[1]", "must be a string");
    invalid(with(json!({"app": "a", "app_pattern": "a"})), "$.app_pattern", "only one of app or app_pattern");
    invalid(with(json!({"app_pattern": "(("})), "$.app_pattern", "invalid app_pattern");
}

#[test]
fn malformed_patterns_report_a_position() {
    for (pattern, pos, part) in [
        ("repo:\\pL+", 5, "Unicode classes"),
        ("ab{1001}", 2, "invalid repeat count"),
        ("(?x)a", 2, "unsupported Perl syntax"),
        ("a\\Qb", 1, "\\Q"),
        ("a**", 2, "nested repetition"),
        ("x\\<y", 1, "invalid escape"),
        ("\\1", 0, "octal"),
    ] {
        let e = invalid(with(json!({"subject": null, "subject_pattern": pattern})), "$.subject_pattern", part);
        assert_eq!(e.position, Some(pos), "{pattern}: {e}");
    }
}

#[test]
fn malformed_yaml() {
    let e = Policy::parse_str("issuer: x\nissuer: y\nsubject: s\n", DialectChoice::OctoSts).unwrap_err();
    assert_eq!(e.code, ErrorCode::PolicyInvalid);
    assert!(e.message.contains("duplicate key"));
    assert_eq!(e.line, Some(2));
    let e = Policy::parse_str("issuer: [unclosed\nsubject: s\n", DialectChoice::OctoSts).unwrap_err();
    assert_eq!(e.code, ErrorCode::PolicyInvalid);
    assert!(e.line.is_some() && e.position.is_some(), "{e:?}");
    let e = Policy::parse_str("issuer: &a x\nsubject: *a\n", DialectChoice::OctoSts).unwrap_err();
    assert!(e.message.contains("aliases"));
    let e = Policy::parse_str("just a string", DialectChoice::OctoSts).unwrap_err();
    assert_eq!(e.path.as_deref(), Some("$"));
    let e = Policy::parse_str("{\"issuer\": \"x\",,}", DialectChoice::OctoSts).unwrap_err();
    assert!(e.message.contains("JSON"), "{e}");
}

// ---------------------------------------------------------------------------------------------------------------
// Robustness

#[test]
fn random_policies_and_tokens_never_panic() {
    let patterns = ["", ".*", "a|b", "(?m)x", "[a-", "(", "a{2}", "\\d+", "é", "(?i)A|", "^x$", "a**"];
    let values = [json!(null), json!(true), json!(5), json!("a"), json!(["a", 1]), json!({"k": 1}), json!("https://x.example"), json!("b\n")];
    let fields = ["issuer", "issuer_pattern", "subject", "subject_pattern", "audience", "audience_pattern", "claim_pattern"];
    let mut x: u64 = 0xdead_beef_cafe_f00d;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let mut parsed = 0;
    for _ in 0..4000 {
        let mut doc = Map::new();
        for _ in 0..(next() % 5 + 1) {
            let f = fields[(next() % fields.len() as u64) as usize];
            let v = if f == "claim_pattern" {
                json!({"a": patterns[(next() % patterns.len() as u64) as usize]})
            } else if next() % 3 == 0 {
                values[(next() % values.len() as u64) as usize].clone()
            } else {
                json!(patterns[(next() % patterns.len() as u64) as usize])
            };
            doc.insert(f.into(), v);
        }
        let Ok(p) = Policy::parse_value(&Value::Object(doc), DialectChoice::OctoSts) else { continue };
        parsed += 1;
        for _ in 0..4 {
            let mut claims = Map::new();
            for k in ["iss", "sub", "aud", "a"] {
                if next() % 4 != 0 {
                    claims.insert(k.into(), values[(next() % values.len() as u64) as usize].clone());
                }
            }
            let ctx = if next() % 2 == 0 { EvalContext::default() } else { grouped() };
            let d = p.evaluate(&claims, &ctx);
            assert_eq!(d.recompute(), Ok(d.decision));
            assert_eq!(p.decide(&claims, &ctx), d.decision);
        }
    }
    assert!(parsed > 150, "only {parsed} parsed");
}
