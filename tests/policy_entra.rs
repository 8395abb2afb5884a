//! Microsoft Entra federated identity credentials: the policy-semantics.md §4 rules and example, our own cases
//! (classic and flexible), lints, UNCONFIRMED warnings and malformed credentials. Every evaluation goes through
//! `eval`, which checks that the trace recomputes to the decision.
#![cfg(feature = "dialects")]

use oidc_trust::policy::entra::{rules, NO_MATCH};
use oidc_trust::policy::{Decision, DecisionKind, DialectChoice, EvalContext, LintCode, Policy};
use oidc_trust::ErrorCode;
use serde_json::{json, Map, Value};

const GH: &str = "https://token.actions.githubusercontent.com";
const GL: &str = "https://gitlab.com";
const TFC: &str = "https://app.terraform.io";
const AUD: &str = "api://AzureADTokenExchange";

fn parse(doc: Value) -> Policy {
    let p = match Policy::parse_value(&doc, DialectChoice::Entra) {
        Ok(p) => p,
        Err(e) => panic!("credential should parse: {e} at {:?} / {:?}\n{doc:#}", e.path, e.position),
    };
    let auto = Policy::parse_value(&doc, DialectChoice::Auto).expect("auto parses too");
    assert_eq!(auto.dialect(), "entra");
    p
}

fn obj(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        other => panic!("claims must be an object, got {other}"),
    }
}

fn eval(p: &Policy, claims: Value) -> Decision {
    let claims = obj(claims);
    let ctx = EvalContext::default();
    let d = p.evaluate(&claims, &ctx);
    assert_eq!(d.recompute(), Ok(d.decision), "trace does not recompute: {d:#?}");
    assert_eq!(p.decide(&claims, &ctx), d.decision);
    assert_eq!(d.dialect, "entra");
    assert!(!d.reason.is_empty());
    assert_eq!(d.statements.len(), 1);
    for c in &d.statements[0].conditions {
        assert!(!c.reason.is_empty());
        assert!(c.path.starts_with('$'));
    }
    if d.decision != DecisionKind::Allow {
        assert!(d.reason.starts_with(NO_MATCH), "{}", d.reason);
    }
    let js = serde_json::to_value(&d).expect("serializes");
    assert_eq!(js["dialect"], "entra");
    d
}

fn classic(iss: &str, sub: &str) -> Value {
    json!({"name": "cred", "issuer": iss, "subject": sub, "audiences": [AUD]})
}

fn flex(iss: &str, expr: &str) -> Value {
    json!({"name": "flex", "issuer": iss, "audiences": [AUD], "claimsMatchingExpression": {"value": expr, "languageVersion": 1}})
}

fn token(iss: &str, sub: &str) -> Value {
    json!({"iss": iss, "sub": sub, "aud": AUD})
}

fn with(mut t: Value, k: &str, v: Value) -> Value {
    t[k] = v;
    t
}

fn allow(d: &Decision) -> bool {
    d.decision == DecisionKind::Allow
}

fn has_lint(d: &Decision, code: LintCode) -> bool {
    d.lints.iter().any(|l| l.code == code)
}

fn failed<'a>(d: &'a Decision) -> Vec<&'a str> {
    d.statements[0].conditions.iter().filter(|c| !c.matched).map(|c| c.operator.as_str()).collect()
}

// ---- policy-semantics.md examples ------------------------------------------------------------------------

#[test]
fn doc_example_flexible_matches() {
    let p = parse(flex(GH, "claims['sub'] matches 'repo:c/r-*:ref:refs/heads/????'"));
    let d = eval(&p, token(GH, "repo:c/r-api:ref:refs/heads/main"));
    assert!(allow(&d), "{}", d.reason);
}

#[test]
fn doc_classic_exact_with_aadsts_text() {
    let p = parse(classic(GH, "repo:o/r:ref:refs/heads/main"));
    assert!(allow(&eval(&p, token(GH, "repo:o/r:ref:refs/heads/main"))));
    let d = eval(&p, token(GH, "repo:o/r:ref:refs/heads/dev"));
    assert_eq!(d.decision, DecisionKind::ImplicitDeny);
    assert!(d.reason.starts_with("AADSTS70021: No matching federated identity record found for presented assertion."));
    assert!(d.reason.contains("refs/heads/dev"));
    assert_eq!(failed(&d), vec!["subject"]);
}

// ---- classic ---------------------------------------------------------------------------------------------

#[test]
fn classic_trace_fields() {
    let p = parse(classic(GH, "repo:o/r:ref:refs/heads/main"));
    let d = eval(&p, token(GH, "repo:o/r:ref:refs/heads/main"));
    let cs = &d.statements[0].conditions;
    assert_eq!(cs.iter().map(|c| c.operator.as_str()).collect::<Vec<_>>(), vec!["issuer", "subject", "audiences"]);
    assert_eq!(cs[1].claim.as_deref(), Some("sub"));
    assert_eq!(cs[1].policy_values, vec![json!("repo:o/r:ref:refs/heads/main")]);
    assert_eq!(cs[1].token_values, Some(vec![json!("repo:o/r:ref:refs/heads/main")]));
    assert_eq!(cs[1].path, "$.subject");
    assert_eq!(cs[2].path, "$.audiences[0]");
    assert_eq!(d.statements[0].sid.as_deref(), Some("cred"));
    assert_eq!(d.provider.as_deref(), Some(GH));
}

#[test]
fn classic_subject_case_only_mismatch_denies_with_lint() {
    let p = parse(classic(GH, "repo:O/R:ref:refs/heads/main"));
    let d = eval(&p, token(GH, "repo:o/r:ref:refs/heads/main"));
    assert!(!allow(&d));
    assert!(has_lint(&d, LintCode::CaseOnlyMismatch));
}

#[test]
fn classic_issuer_trailing_slash_is_a_mismatch() {
    let p = parse(classic("https://gitlab.com/", "project_path:g/p:ref_type:branch:ref:main"));
    let d = eval(&p, token(GL, "project_path:g/p:ref_type:branch:ref:main"));
    assert_eq!(failed(&d), vec!["issuer"]);
}

#[test]
fn classic_audience_mismatch() {
    let p = parse(classic(GH, "s"));
    let d = eval(&p, with(token(GH, "s"), "aud", json!("api://Other")));
    assert_eq!(failed(&d), vec!["audiences"]);
}

#[test]
fn classic_audience_array_any_element_with_warning() {
    let p = parse(classic(GH, "s"));
    let d = eval(&p, with(token(GH, "s"), "aud", json!(["x", AUD])));
    assert!(allow(&d));
    let w = d.warnings.iter().find(|w| w.rule == rules::AUD_ARRAY_ANY).expect("warning");
    assert!(w.decisive);
    assert!(has_lint(&d, LintCode::UnconfirmedRule));
}

#[test]
fn classic_audience_single_element_array_no_warning() {
    let p = parse(classic(GH, "s"));
    let d = eval(&p, with(token(GH, "s"), "aud", json!([AUD])));
    assert!(allow(&d));
    assert!(d.warnings.is_empty());
}

#[test]
fn missing_claims_deny_with_null_token_values() {
    let p = parse(classic(GH, "s"));
    let d = eval(&p, json!({"iss": GH, "aud": AUD}));
    let sub = &d.statements[0].conditions[1];
    assert!(!sub.matched);
    assert_eq!(sub.token_values, None);
    let d = eval(&p, json!({"sub": "s", "aud": AUD}));
    assert_eq!(failed(&d), vec!["issuer"]);
    let d = eval(&p, json!({"iss": GH, "sub": "s"}));
    assert_eq!(failed(&d), vec!["audiences"]);
}

#[test]
fn non_string_claims_deny() {
    let p = parse(classic(GH, "1"));
    let d = eval(&p, with(token(GH, "x"), "sub", json!(1)));
    assert!(d.statements[0].conditions[1].reason.contains("not a string"));
    assert!(!allow(&d));
    let d = eval(&p, with(token(GH, "1"), "aud", json!(7)));
    assert_eq!(failed(&d), vec!["audiences"]);
}

#[test]
fn classic_subject_wildcards_are_literal() {
    let p = parse(classic(GH, "repo:o/*"));
    assert!(p.lints().iter().any(|l| l.code == LintCode::StringEqualsWithWildcard));
    assert!(!allow(&eval(&p, token(GH, "repo:o/x"))));
    assert!(allow(&eval(&p, token(GH, "repo:o/*"))));
}

#[test]
fn github_environment_lint() {
    let p = parse(classic(GH, "repo:o/r:ref:refs/heads/main"));
    let t = with(token(GH, "repo:o/r:environment:prod"), "environment", json!("prod"));
    let d = eval(&p, t);
    assert!(!allow(&d));
    assert!(has_lint(&d, LintCode::GithubEnvironmentChangesSub));
}

#[test]
fn context_provider_does_not_override_issuer() {
    let p = parse(classic(GH, "s"));
    let ctx = EvalContext { provider: Some("token.actions.githubusercontent.com".into()), ..Default::default() };
    let d = p.evaluate(&obj(token("https://evil.example", "s")), &ctx);
    assert_eq!(d.recompute(), Ok(d.decision));
    assert!(!allow(&d));
}

#[test]
fn graph_annotations_and_nulls_are_accepted() {
    let doc = json!({
        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#applications('x')/federatedIdentityCredentials/$entity",
        "id": "00000000-0000-0000-0000-000000000000", "name": "gh-main", "description": null,
        "issuer": GH, "subject": null, "audiences": [AUD],
        "claimsMatchingExpression": {"value": "claims['sub'] eq 'repo:o/r:ref:refs/heads/main'", "languageVersion": 1}
    });
    let p = parse(doc);
    let d = eval(&p, token(GH, "repo:o/r:ref:refs/heads/main"));
    assert!(allow(&d));
    assert_eq!(d.statements[0].sid.as_deref(), Some("gh-main"));
    let doc = json!({"issuer": GH, "subject": "s", "audiences": [AUD], "claimsMatchingExpression": null});
    assert!(allow(&eval(&parse(doc), token(GH, "s"))));
}

#[test]
fn arm_shape_under_properties() {
    let doc = json!({
        "id": "/subscriptions/x/resourcegroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id/federatedIdentityCredentials/c",
        "name": "c", "type": "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials",
        "properties": {"issuer": GH, "subject": "repo:o/r:ref:refs/heads/main", "audiences": [AUD]}
    });
    let p = parse(doc);
    let d = eval(&p, token(GH, "repo:o/r:ref:refs/heads/x"));
    assert!(!allow(&d));
    assert_eq!(d.statements[0].conditions[1].path, "$.properties.subject");
    assert_eq!(d.statements[0].sid.as_deref(), Some("c"));
}

// ---- flexible --------------------------------------------------------------------------------------------

#[test]
fn flexible_question_mark_is_exactly_one_character() {
    let p = parse(flex(GH, "claims['sub'] matches 'repo:c/r-*:ref:refs/heads/????'"));
    assert!(!allow(&eval(&p, token(GH, "repo:c/r-api:ref:refs/heads/mainline"))));
    assert!(!allow(&eval(&p, token(GH, "repo:c/r-api:ref:refs/heads/dev"))));
    let p = parse(flex(GH, "claims['sub'] matches 'repo:o/r:ref:refs/tags/rel-?'"));
    assert!(allow(&eval(&p, token(GH, "repo:o/r:ref:refs/tags/rel-1"))));
    assert!(!allow(&eval(&p, token(GH, "repo:o/r:ref:refs/tags/rel-10"))));
}

#[test]
fn flexible_star_spans_separators_and_empty() {
    let p = parse(flex(GH, "claims['sub'] matches 'repo:o/*'"));
    assert!(allow(&eval(&p, token(GH, "repo:o/r:ref:refs/heads/feature/x"))));
    assert!(allow(&eval(&p, token(GH, "repo:o/"))));
    assert!(!allow(&eval(&p, token(GH, "repo:other/r"))));
}

#[test]
fn flexible_eq_is_exact() {
    let p = parse(flex(GH, "claims['sub'] eq 'repo:o/r:ref:refs/heads/main'"));
    let d = eval(&p, token(GH, "repo:o/r:ref:refs/heads/main"));
    assert!(allow(&d));
    let c = &d.statements[0].conditions[1];
    assert_eq!(c.operator, "eq");
    assert_eq!(c.key, "claims['sub'] eq 'repo:o/r:ref:refs/heads/main'");
    assert_eq!(c.path, "$.claimsMatchingExpression.value");
    assert!(!allow(&eval(&p, token(GH, "repo:o/r:ref:refs/heads/main2"))));
}

#[test]
fn flexible_eq_with_star_is_literal_and_linted() {
    let p = parse(flex(GH, "claims['sub'] eq 'repo:o/*'"));
    assert!(p.lints().iter().any(|l| l.code == LintCode::StringEqualsWithWildcard));
    assert!(!allow(&eval(&p, token(GH, "repo:o/r"))));
    assert!(allow(&eval(&p, token(GH, "repo:o/*"))));
}

#[test]
fn flexible_and_requires_every_term() {
    let e = "claims['sub'] matches 'repo:o/*' and claims['job_workflow_ref'] matches 'o/shared/.github/workflows/*.yml@refs/heads/main'";
    let p = parse(flex(GH, e));
    let t = with(token(GH, "repo:o/app:ref:refs/heads/main"), "job_workflow_ref", json!("o/shared/.github/workflows/deploy.yml@refs/heads/main"));
    let d = eval(&p, t.clone());
    assert!(allow(&d));
    assert_eq!(d.statements[0].conditions.len(), 4);
    let d = eval(&p, with(t.clone(), "job_workflow_ref", json!("o/shared/.github/workflows/deploy.yml@refs/heads/dev")));
    assert_eq!(failed(&d), vec!["matches"]);
    assert_eq!(d.statements[0].conditions[2].claim.as_deref(), Some("job_workflow_ref"));
    let mut t2 = obj(t);
    t2.remove("job_workflow_ref");
    let d = eval(&p, Value::Object(t2));
    assert_eq!(d.statements[0].conditions[2].token_values, None);
    assert!(!allow(&d));
}

#[test]
fn flexible_matches_case_sensitive_is_unconfirmed_and_decisive() {
    let p = parse(flex(GH, "claims['sub'] matches 'repo:o/r:*'"));
    let d = eval(&p, token(GH, "repo:O/R:ref:refs/heads/main"));
    assert!(!allow(&d));
    let w = d.warnings.iter().find(|w| w.rule == rules::MATCHES_ANCHORED_CASE).expect("warning");
    assert!(w.decisive);
    assert_eq!(d.statements[0].conditions[1].unconfirmed, Some(rules::MATCHES_ANCHORED_CASE));
    assert!(has_lint(&d, LintCode::UnconfirmedRule));
}

#[test]
fn flexible_matches_anchored_is_unconfirmed_and_decisive() {
    let p = parse(flex(GH, "claims['sub'] matches 'ref:refs/heads/main'"));
    let d = eval(&p, token(GH, "repo:o/r:ref:refs/heads/main"));
    assert!(!allow(&d));
    assert!(d.warnings.iter().any(|w| w.rule == rules::MATCHES_ANCHORED_CASE && w.decisive));
}

#[test]
fn flexible_matches_without_dependency_has_no_warning() {
    let p = parse(flex(GH, "claims['sub'] matches 'repo:o/r:*'"));
    let d = eval(&p, token(GH, "repo:o/r:ref:refs/heads/main"));
    assert!(allow(&d));
    assert!(d.warnings.is_empty());
    let d = eval(&p, token(GH, "repo:x/y:ref:refs/heads/main"));
    assert!(!allow(&d));
    assert!(d.warnings.is_empty());
}

#[test]
fn flexible_warning_not_decisive_when_another_check_fails() {
    let p = parse(flex(GH, "claims['sub'] matches 'repo:o/r:*'"));
    let d = eval(&p, with(token(GH, "REPO:O/R:x"), "aud", json!("nope")));
    let w = d.warnings.iter().find(|w| w.rule == rules::MATCHES_ANCHORED_CASE).expect("warning");
    assert!(!w.decisive);
    assert!(!has_lint(&d, LintCode::UnconfirmedRule));
}

#[test]
fn flexible_gitlab_and_terraform() {
    let p = parse(flex(GL, "claims['sub'] matches 'project_path:grp/*:ref_type:branch:ref:main'"));
    assert!(allow(&eval(&p, token(GL, "project_path:grp/app:ref_type:branch:ref:main"))));
    let p = parse(flex(TFC, "claims['sub'] matches 'organization:org:project:*:workspace:ws:run_phase:*'"));
    assert!(allow(&eval(&p, token(TFC, "organization:org:project:Default Project:workspace:ws:run_phase:apply"))));
}

#[test]
fn claims_outside_allow_list_rejected_at_parse_time() {
    let e = Policy::parse_value(&flex(GH, "claims['repository'] eq 'o/r'"), DialectChoice::Entra).unwrap_err();
    assert_eq!(e.code, ErrorCode::PolicyInvalid);
    assert_eq!(e.position, Some(8));
    assert_eq!(e.path.as_deref(), Some("$.claimsMatchingExpression.value"));
    assert!(e.message.contains("sub, job_workflow_ref"), "{}", e.message);
    let e = Policy::parse_value(&flex(GL, "claims['sub'] eq 'a' and claims['job_workflow_ref'] eq 'b'"), DialectChoice::Entra).unwrap_err();
    assert_eq!(e.position, Some(33));
    let e = Policy::parse_value(&flex(TFC, "claims['run_phase'] eq 'apply'"), DialectChoice::Entra).unwrap_err();
    assert_eq!(e.position, Some(8));
}

#[test]
fn flexible_unknown_issuer_rejected() {
    let e = Policy::parse_value(&flex("https://oidc.example.com", "claims['sub'] eq 'x'"), DialectChoice::Entra).unwrap_err();
    assert_eq!(e.code, ErrorCode::PolicyInvalid);
    assert_eq!(e.path.as_deref(), Some("$.issuer"));
    // A classic credential for the same issuer is fine.
    parse(classic("https://oidc.example.com", "x"));
}

#[test]
fn flexible_without_sub_is_linted() {
    let p = parse(flex(GH, "claims['job_workflow_ref'] matches 'o/shared/.github/workflows/*@refs/heads/main'"));
    assert!(p.lints().iter().any(|l| l.code == LintCode::MissingSubCondition));
    let p = parse(flex(GH, "claims['sub'] matches 'repo:o/*'"));
    assert!(!p.lints().iter().any(|l| l.code == LintCode::MissingSubCondition));
}

#[test]
fn flexible_matches_without_wildcard_is_linted() {
    let p = parse(flex(GH, "claims['sub'] matches 'repo:o/r:ref:refs/heads/main'"));
    assert!(p.lints().iter().any(|l| l.code == LintCode::StringLikeWithoutWildcard));
}

#[test]
fn flexible_unicode_and_backslash() {
    let p = parse(flex(GH, "claims['sub'] matches 'repo:ö/?:*'"));
    assert!(allow(&eval(&p, token(GH, "repo:ö/é:x"))));
    let p = parse(flex(GH, r"claims['sub'] eq 'a\b'"));
    assert!(allow(&eval(&p, token(GH, r"a\b"))));
}

#[test]
fn flexible_environment_lint() {
    let p = parse(flex(GH, "claims['sub'] matches 'repo:o/r:ref:refs/heads/*'"));
    let d = eval(&p, with(token(GH, "repo:o/r:environment:prod"), "environment", json!("prod")));
    assert!(!allow(&d));
    assert!(has_lint(&d, LintCode::GithubEnvironmentChangesSub));
}

#[test]
fn flexible_empty_comparand() {
    let p = parse(flex(GH, "claims['sub'] eq ''"));
    assert!(allow(&eval(&p, token(GH, ""))));
    assert!(!allow(&eval(&p, token(GH, "x"))));
}

#[test]
fn auto_detection_and_ambiguity() {
    let p = Policy::parse_str(&classic(GH, "s").to_string(), DialectChoice::Auto).unwrap();
    assert_eq!(p.dialect(), "entra");
    let mut both = obj(classic(GH, "s"));
    both.insert("Statement".into(), json!([]));
    let e = Policy::parse_value(&Value::Object(both), DialectChoice::Auto).unwrap_err();
    assert_eq!(e.code, ErrorCode::PolicyInvalid);
    assert!(e.message.contains("aws, entra"), "{}", e.message);
    // No `audiences`: not Entra's shape; issuer + subject alone is an octo-sts trust policy.
    let p = Policy::parse_value(&json!({"issuer": GH, "subject": "s"}), DialectChoice::Auto).unwrap();
    assert_eq!(p.dialect(), "octo-sts");
    // Neither shape at all.
    let e = Policy::parse_value(&json!({"issuer": GH}), DialectChoice::Auto).unwrap_err();
    assert!(e.message.contains("candidates"), "{}", e.message);
}

#[test]
fn random_inputs_never_panic() {
    let alphabet = ["claims['", "sub", "']", " ", "eq", "matches", "'", "and", "AND", "*", "?", "é", "\\", "job_workflow_ref", "\t"];
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    for _ in 0..3000 {
        let mut s = String::new();
        for _ in 0..(x % 12) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            s.push_str(alphabet[(x % alphabet.len() as u64) as usize]);
        }
        if let Ok(p) = Policy::parse_value(&flex(GH, &s), DialectChoice::Entra) {
            eval(&p, token(GH, &s));
        }
    }
}

// ---- malformed credentials --------------------------------------------------------------------------------

fn err(doc: Value) -> oidc_trust::Error {
    match Policy::parse_value(&doc, DialectChoice::Entra) {
        Ok(_) => panic!("should be rejected: {doc:#}"),
        Err(e) => {
            assert_eq!(e.code, ErrorCode::PolicyInvalid, "{e}");
            e
        }
    }
}

fn err_at(doc: Value, path: &str) -> oidc_trust::Error {
    let e = err(doc);
    assert_eq!(e.path.as_deref(), Some(path), "{}", e.message);
    e
}

fn expr_err_at(expr: &str, position: usize) {
    let e = err_at(flex(GH, expr), "$.claimsMatchingExpression.value");
    assert_eq!(e.position, Some(position), "{expr:?}: {}", e.message);
}

#[test]
fn malformed_documents() {
    err_at(json!([]), "$");
    err_at(json!("cred"), "$");
    err_at(json!({"subject": "s", "audiences": [AUD]}), "$.issuer");
    err_at(json!({"issuer": 7, "subject": "s", "audiences": [AUD]}), "$.issuer");
    err_at(json!({"issuer": "", "subject": "s", "audiences": [AUD]}), "$.issuer");
    err_at(json!({"issuer": "x".repeat(601), "subject": "s", "audiences": [AUD]}), "$.issuer");
    err_at(json!({"issuer": GH, "subject": "s"}), "$.audiences");
    err_at(json!({"issuer": GH, "subject": "s", "audiences": []}), "$.audiences");
    err_at(json!({"issuer": GH, "subject": "s", "audiences": [AUD, "b"]}), "$.audiences");
    err_at(json!({"issuer": GH, "subject": "s", "audiences": AUD}), "$.audiences");
    err_at(json!({"issuer": GH, "subject": "s", "audiences": [1]}), "$.audiences[0]");
    err_at(json!({"issuer": GH, "subject": "s", "audiences": [""]}), "$.audiences[0]");
    err_at(json!({"issuer": GH, "subject": "s", "audiences": ["a".repeat(601)]}), "$.audiences[0]");
    err_at(json!({"issuer": GH, "subject": 5, "audiences": [AUD]}), "$.subject");
    err_at(json!({"issuer": GH, "subject": "s".repeat(601), "audiences": [AUD]}), "$.subject");
    err_at(json!({"issuer": GH, "audiences": [AUD]}), "$");
    err_at(json!({"issuer": GH, "subjet": "s", "audiences": [AUD]}), "$.subjet");
    err_at(json!({"issuer": GH, "subject": "s", "audiences": [AUD], "description": 3}), "$.description");
    err_at(json!({"issuer": GH, "subject": "s", "audiences": [AUD], "name": 3}), "$.name");
    err_at(
        json!({"issuer": GH, "subject": "s", "audiences": [AUD], "claimsMatchingExpression": {"value": "claims['sub'] eq 's'", "languageVersion": 1}}),
        "$.claimsMatchingExpression",
    );
    err_at(json!({"issuer": GH, "audiences": [AUD], "claimsMatchingExpression": "claims['sub'] eq 's'"}), "$.claimsMatchingExpression");
    err_at(
        json!({"issuer": GH, "audiences": [AUD], "claimsMatchingExpression": {"value": "claims['sub'] eq 's'", "languageVersion": 2}}),
        "$.claimsMatchingExpression.languageVersion",
    );
    err_at(
        json!({"issuer": GH, "audiences": [AUD], "claimsMatchingExpression": {"value": "claims['sub'] eq 's'", "languageVersion": "1"}}),
        "$.claimsMatchingExpression.languageVersion",
    );
    err_at(json!({"issuer": GH, "audiences": [AUD], "claimsMatchingExpression": {"value": "claims['sub'] eq 's'"}}), "$.claimsMatchingExpression.languageVersion");
    err_at(json!({"issuer": GH, "audiences": [AUD], "claimsMatchingExpression": {"languageVersion": 1}}), "$.claimsMatchingExpression.value");
    err_at(json!({"issuer": GH, "audiences": [AUD], "claimsMatchingExpression": {"value": 1, "languageVersion": 1}}), "$.claimsMatchingExpression.value");
    err_at(
        json!({"issuer": GH, "audiences": [AUD], "claimsMatchingExpression": {"value": "claims['sub'] eq 's'", "languageVersion": 1, "x": 1}}),
        "$.claimsMatchingExpression.x",
    );
    err_at(json!({"properties": {"issuer": GH, "subject": "s", "audiences": [AUD]}, "tags": {}}), "$.tags");
    err_at(json!({"properties": {"issuer": GH, "subject": "s", "audiences": [AUD], "extra": 1}}), "$.properties.extra");
}

#[test]
fn malformed_expressions_with_positions() {
    expr_err_at("", 0);
    expr_err_at(" claims['sub'] eq 'a'", 0);
    expr_err_at("claims['sub']  eq 'a'", 14);
    expr_err_at("claims['sub'] EQ 'a'", 14);
    expr_err_at("claims['sub'] Matches 'a*'", 14);
    expr_err_at("claims['sub'] ne 'a'", 14);
    expr_err_at("claims['sub'] eq 'a' AND claims['sub'] eq 'b'", 21);
    expr_err_at("claims['sub'] eq 'a' or claims['sub'] eq 'b'", 21);
    expr_err_at("claims['sub'] eq 'a'  and claims['sub'] eq 'b'", 20);
    expr_err_at("claims['sub'] eq 'a' and  claims['sub'] eq 'b'", 25);
    expr_err_at("claims['sub'] eq 'it''s'", 21);
    expr_err_at("claims['sub'] eq 'abc", 17);
    expr_err_at("claims['sub'] eq abc", 17);
    expr_err_at("claims[\"sub\"] eq 'a'", 7);
    expr_err_at("Claims['sub'] eq 'a'", 0);
    expr_err_at("claims.sub eq 'a'", 6);
    expr_err_at("claims['sub' eq 'a'", 12);
    expr_err_at("claims[''] eq 'a'", 8);
    expr_err_at("claims['sub'] eq 'a' ", 20);
    expr_err_at("claims['sub'] eq 'a' and ", 25);
    expr_err_at("claims['sub']\teq 'a'", 13);
    expr_err_at("claims['sub'] eq", 16);
    expr_err_at("claims['email'] eq 'a'", 8);
    expr_err_at("claims['sub'] eq 'a' and claims['aud'] eq 'b'", 33);
}

#[test]
fn malformed_json_text_has_position() {
    let e = Policy::parse_str("{\"issuer\": \"x\", \"audiences\": [}", DialectChoice::Entra).unwrap_err();
    assert_eq!(e.code, ErrorCode::PolicyInvalid);
    assert!(e.position.is_some());
}
