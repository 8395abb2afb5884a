//! Google Cloud Workload Identity Federation providers: the policy-semantics.md §5 rules and example, our own
//! cases (audiences, mappings, CEL semantics), lints, UNCONFIRMED warnings and malformed providers. Every
//! evaluation goes through `eval`, which checks that the trace recomputes to the decision.
#![cfg(feature = "dialects")]

use oidc_trust::policy::gcp::{rules, CONDITION_REJECTED};
use oidc_trust::policy::{Decision, DecisionKind, DialectChoice, EvalContext, LintCode, Policy};
use oidc_trust::ErrorCode;
use serde_json::{json, Map, Value};

const GH: &str = "https://token.actions.githubusercontent.com";
const NAME: &str = "projects/123456/locations/global/workloadIdentityPools/ci/providers/github";

fn parse(doc: Value) -> Policy {
    let p = match Policy::parse_value(&doc, DialectChoice::Gcp) {
        Ok(p) => p,
        Err(e) => panic!("provider should parse: {e} at {:?} / {:?}\n{doc:#}", e.path, e.position),
    };
    let auto = Policy::parse_value(&doc, DialectChoice::Auto).expect("auto parses too");
    assert_eq!(auto.dialect(), "gcp");
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
    assert_eq!(d.dialect, "gcp");
    assert!(!d.reason.is_empty());
    for c in &d.statements[0].conditions {
        assert!(!c.reason.is_empty());
        assert!(c.path.starts_with('$'));
    }
    let js = serde_json::to_value(&d).expect("serializes");
    assert_eq!(js["dialect"], "gcp");
    d
}

/// A GitHub provider with the usual mapping and the given condition (`None`: no condition).
fn provider(condition: Option<&str>) -> Value {
    let mut doc = json!({
        "name": NAME,
        "oidc": {"issuerUri": GH, "allowedAudiences": ["https://github.com/o"]},
        "attributeMapping": {
            "google.subject": "assertion.sub",
            "attribute.repository": "assertion.repository",
            "attribute.repository_owner": "assertion.repository_owner"
        }
    });
    if let Some(c) = condition {
        doc["attributeCondition"] = json!(c);
    }
    doc
}

fn token() -> Value {
    json!({
        "iss": GH, "aud": "https://github.com/o", "sub": "repo:o/r:ref:refs/heads/main",
        "repository": "o/r", "repository_owner": "o", "ref": "refs/heads/main", "run_number": 7,
        "email_verified": true, "groups": ["dev", "admins"]
    })
}

fn with(mut t: Value, k: &str, v: Value) -> Value {
    t[k] = v;
    t
}

fn without(t: Value, k: &str) -> Value {
    let mut m = obj(t);
    m.remove(k);
    Value::Object(m)
}

fn cond(c: &str, t: Value) -> Decision {
    eval(&parse(provider(Some(c))), t)
}

fn allows(c: &str, t: Value) -> bool {
    let d = cond(c, t);
    if d.decision != DecisionKind::Allow {
        return false;
    }
    true
}

fn has_lint(lints: &[oidc_trust::policy::Lint], code: LintCode) -> bool {
    lints.iter().any(|l| l.code == code)
}

fn failed(d: &Decision) -> Vec<String> {
    d.statements[0].conditions.iter().filter(|c| !c.matched).map(|c| format!("{}:{}", c.operator, c.key)).collect()
}

// ---- policy-semantics.md examples ------------------------------------------------------------------------

#[test]
fn doc_example_matches_is_a_substring_search() {
    let d = cond("assertion.sub.matches('main')", with(token(), "sub", json!("repo:o/r:ref:refs/heads/mainline")));
    assert_eq!(d.decision, DecisionKind::Allow, "{}", d.reason);
    assert!(has_lint(&d.lints, LintCode::UnanchoredRegex));
}

#[test]
fn doc_failure_text_for_the_attribute_condition() {
    let d = cond("assertion.repository_owner == 'other'", token());
    assert_eq!(d.decision, DecisionKind::ImplicitDeny);
    assert!(d.reason.starts_with("unauthorized_client: The given credential is rejected by the attribute condition."), "{}", d.reason);
    assert!(d.reason.starts_with(CONDITION_REJECTED));
}

#[test]
fn doc_missing_key_rejects() {
    let d = cond("assertion.nope == 'x'", token());
    assert!(d.decision != DecisionKind::Allow);
    let c = d.statements[0].conditions.last().unwrap();
    assert_eq!(c.operator, "attributeCondition");
    assert_eq!(c.token_values, None);
    assert!(c.reason.contains("no such key: 'nope'"), "{}", c.reason);
}

#[test]
fn doc_or_absorbs_an_error_when_the_other_side_is_true() {
    let d = cond("assertion.nope == 'x' || assertion.sub.startsWith('repo:o/')", token());
    assert_eq!(d.decision, DecisionKind::Allow, "{}", d.reason);
    assert!(d.statements[0].conditions.last().unwrap().reason.contains("absorbed"));
    assert!(allows("assertion.sub.startsWith('repo:o/') || assertion.nope == 'x'", token()));
    // With the other side false, the error stands and rejects.
    assert!(!allows("assertion.nope == 'x' || assertion.sub.startsWith('repo:x/')", token()));
}

#[test]
fn doc_and_absorbs_an_error_when_the_other_side_is_false() {
    let d = cond("(assertion.nope == 'x' && false) || assertion.repository == 'o/r'", token());
    assert_eq!(d.decision, DecisionKind::Allow);
    let d = cond("assertion.nope == 'x' && assertion.repository == 'o/other'", token());
    assert_eq!(d.decision, DecisionKind::ImplicitDeny);
    let cs = &d.statements[0].conditions;
    let n = cs.len();
    assert!(cs[n - 2].reason.contains("false anyway"), "{}", cs[n - 2].reason);
    assert!(!allows("assertion.nope == 'x' && true", token()));
}

#[test]
fn doc_in_google_groups() {
    let mut doc = provider(Some("'admins' in google.groups"));
    doc["attributeMapping"]["google.groups"] = json!("assertion.groups");
    let p = parse(doc);
    assert_eq!(eval(&p, token()).decision, DecisionKind::Allow);
    assert_ne!(eval(&p, with(token(), "groups", json!(["dev"]))).decision, DecisionKind::Allow);
}

// ---- google.subject --------------------------------------------------------------------------------------

#[test]
fn google_subject_over_127_bytes_rejects() {
    let p = parse(provider(None));
    let d = eval(&p, with(token(), "sub", json!("s".repeat(128))));
    assert_eq!(d.decision, DecisionKind::ImplicitDeny);
    assert_eq!(failed(&d), vec!["attributeMapping:google.subject"]);
    assert!(d.reason.contains("127 bytes"));
    assert_eq!(eval(&p, with(token(), "sub", json!("s".repeat(127)))).decision, DecisionKind::Allow);
    // Bytes, not characters: 64 two-byte characters are 128 bytes.
    assert_ne!(eval(&p, with(token(), "sub", json!("é".repeat(64)))).decision, DecisionKind::Allow);
}

#[test]
fn google_subject_mapping_shows_value_and_claim() {
    let p = parse(provider(Some("true")));
    let d = eval(&p, token());
    let m = d.statements[0].conditions.iter().find(|c| c.key == "google.subject").unwrap();
    assert_eq!(m.operator, "attributeMapping");
    assert_eq!(m.claim.as_deref(), Some("sub"));
    assert_eq!(m.token_values, Some(vec![json!("repo:o/r:ref:refs/heads/main")]));
    assert_eq!(m.path, "$.attributeMapping['google.subject']");
    let keys: Vec<&str> = d.statements[0].conditions.iter().map(|c| c.key.as_str()).collect();
    assert_eq!(keys[..3], ["issuerUri", "allowedAudiences", "google.subject"]);
}

#[test]
fn google_subject_missing_claim_rejects_without_warning() {
    let p = parse(provider(None));
    let d = eval(&p, without(token(), "sub"));
    assert_eq!(failed(&d), vec!["attributeMapping:google.subject"]);
    assert!(d.warnings.is_empty());
}

#[test]
fn google_subject_must_be_a_string() {
    let mut doc = provider(None);
    doc["attributeMapping"]["google.subject"] = json!("assertion.run_number");
    let d = eval(&parse(doc), token());
    assert_eq!(failed(&d), vec!["attributeMapping:google.subject"]);
}

#[test]
fn custom_mapping_error_rejects_with_unconfirmed_warning() {
    let p = parse(provider(None));
    let d = eval(&p, without(token(), "repository"));
    assert_eq!(failed(&d), vec!["attributeMapping:attribute.repository"]);
    let w = d.warnings.iter().find(|w| w.rule == rules::MAPPING_ERROR_REJECTS).unwrap();
    assert!(w.decisive);
}

#[test]
fn mapping_expressions_concatenation_ternary_index_extract() {
    let mut doc = provider(Some("attribute.ref_kind == 'branch' && attribute.who == 'repo:o/r' && attribute.repo_name == 'o/r'"));
    doc["attributeMapping"] = json!({
        "google.subject": "'gh:' + assertion['repository'] + ':' + assertion.ref",
        "attribute.ref_kind": "assertion.ref.startsWith('refs/heads/') ? 'branch' : 'other'",
        "attribute.who": "assertion.sub.extract('{x}:ref:')",
        "attribute.repo_name": "assertion.sub.extract('repo:{name}:')"
    });
    let d = eval(&parse(doc), token());
    assert_eq!(d.decision, DecisionKind::Allow, "{}", d.reason);
    let s = d.statements[0].conditions.iter().find(|c| c.key == "google.subject").unwrap();
    assert_eq!(s.token_values, Some(vec![json!("gh:o/r:refs/heads/main")]));
}

#[test]
fn mapped_list_attribute() {
    let mut doc = provider(Some("attribute.teams.exists(t, t == 'admins')"));
    doc["attributeMapping"]["attribute.teams"] = json!("assertion.groups");
    assert_eq!(eval(&parse(doc.clone()), token()).decision, DecisionKind::Allow);
    doc["attributeMapping"]["attribute.teams"] = json!("assertion.run_number");
    assert_ne!(eval(&parse(doc), token()).decision, DecisionKind::Allow);
}

#[test]
fn unmapped_attribute_is_linted_and_rejects() {
    let p = parse(provider(Some("attribute.environment == 'prod'")));
    assert!(has_lint(p.lints(), LintCode::KeyNotExposed));
    assert_ne!(eval(&p, with(token(), "environment", json!("prod"))).decision, DecisionKind::Allow);
}

#[test]
fn condition_reads_google_and_attribute() {
    assert!(allows("google.subject.startsWith('repo:o/') && attribute.repository == 'o/r'", token()));
    assert!(!allows("google.subject.startsWith('repo:x/')", token()));
}

// ---- audiences and issuer ---------------------------------------------------------------------------------

fn default_aud_provider(name: Option<&str>) -> Value {
    let mut doc = json!({"oidc": {"issuerUri": GH}, "attributeMapping": {"google.subject": "assertion.sub"}, "attributeCondition": "true"});
    if let Some(n) = name {
        doc["name"] = json!(n);
    }
    doc
}

#[test]
fn default_resource_name_audience_with_and_without_https() {
    let p = parse(default_aud_provider(Some(NAME)));
    let d = eval(&p, with(token(), "aud", json!(format!("//iam.googleapis.com/{NAME}"))));
    assert_eq!(d.decision, DecisionKind::Allow, "{}", d.reason);
    let d = eval(&p, with(token(), "aud", json!(format!("https://iam.googleapis.com/{NAME}"))));
    assert_eq!(d.decision, DecisionKind::Allow);
    let d = eval(&p, with(token(), "aud", json!("https://github.com/o")));
    assert_eq!(failed(&d), vec!["audiences:allowedAudiences"]);
    assert!(d.reason.contains("resource name"));
    let d = eval(&p, with(token(), "aud", json!(format!("http://iam.googleapis.com/{NAME}"))));
    assert_ne!(d.decision, DecisionKind::Allow);
}

#[test]
fn default_audience_without_name_is_linted_and_rejects() {
    let p = parse(default_aud_provider(None));
    assert!(has_lint(p.lints(), LintCode::DefaultAudienceUnknown));
    let d = eval(&p, with(token(), "aud", json!(format!("//iam.googleapis.com/{NAME}"))));
    assert_eq!(failed(&d), vec!["audiences:allowedAudiences"]);
    assert!(d.reason.contains("no `name`"), "{}", d.reason);
}

#[test]
fn allowed_audiences() {
    let p = parse(provider(None));
    assert_eq!(eval(&p, token()).decision, DecisionKind::Allow);
    let d = eval(&p, with(token(), "aud", json!("https://github.com/other")));
    assert_eq!(failed(&d), vec!["audiences:allowedAudiences"]);
    // Setting allowedAudiences replaces the default resource-name audience.
    let d = eval(&p, with(token(), "aud", json!(format!("//iam.googleapis.com/{NAME}"))));
    assert_ne!(d.decision, DecisionKind::Allow);
    let d = eval(&p, without(token(), "aud"));
    assert_ne!(d.decision, DecisionKind::Allow);
}

#[test]
fn audience_array_any_with_warning() {
    let p = parse(provider(None));
    let d = eval(&p, with(token(), "aud", json!(["x", "https://github.com/o"])));
    assert_eq!(d.decision, DecisionKind::Allow);
    assert!(d.warnings.iter().any(|w| w.rule == rules::AUD_ARRAY_ANY && w.decisive));
}

#[test]
fn issuer_is_exact_with_trailing_slash_warning() {
    let p = parse(provider(None));
    let d = eval(&p, with(token(), "iss", json!(format!("{GH}/"))));
    assert_eq!(failed(&d), vec!["issuer:issuerUri"]);
    assert!(d.warnings.iter().any(|w| w.rule == rules::ISSUER_EXACT && w.decisive));
    let d = eval(&p, with(token(), "iss", json!("https://gitlab.com")));
    assert!(d.warnings.is_empty());
    assert!(!d.reason.starts_with(CONDITION_REJECTED));
}

#[test]
fn disabled_provider_rejects() {
    let mut doc = provider(None);
    doc["disabled"] = json!(true);
    let d = eval(&parse(doc), token());
    assert_eq!(failed(&d), vec!["state:state"]);
}

#[test]
fn no_condition_allows_and_is_linted() {
    let p = parse(provider(None));
    assert!(p.lints().iter().any(|l| l.code == LintCode::MissingAttributeCondition && l.severity == oidc_trust::policy::Severity::Warning));
    assert_eq!(eval(&p, with(token(), "repository", json!("anyone/else"))).decision, DecisionKind::Allow);
}

// ---- CEL semantics ----------------------------------------------------------------------------------------

#[test]
fn matches_anchored_pattern_is_whole_value() {
    let p = parse(provider(Some("assertion.ref.matches('^refs/heads/main$')")));
    assert!(!has_lint(p.lints(), LintCode::UnanchoredRegex));
    assert_eq!(eval(&p, token()).decision, DecisionKind::Allow);
    assert_ne!(eval(&p, with(token(), "ref", json!("refs/heads/mainline"))).decision, DecisionKind::Allow);
    assert!(allows("'x'.matches('') && !'x'.matches('a') && matches(assertion.ref, 'heads/m.in')", token()));
}

#[test]
fn string_functions() {
    assert!(allows("assertion.sub.startsWith('repo:o/') && assertion.sub.endsWith('/main') && assertion.sub.contains(':ref:')", token()));
    assert!(!allows("assertion.sub.endsWith(':dev')", token()));
}

#[test]
fn in_list_and_map() {
    assert!(allows("assertion.repository in ['o/a', 'o/r']", token()));
    assert!(!allows("assertion.repository in ['o/a', 'o/b']", token()));
    assert!(allows("'ref' in assertion && !('nope' in assertion)", token()));
}

#[test]
fn has_guards_a_missing_claim() {
    let c = "has(assertion.environment) && assertion.environment == 'prod'";
    assert!(!allows(c, token()));
    assert!(allows(c, with(token(), "environment", json!("prod"))));
    assert!(allows("!has(assertion.environment) || assertion.environment == 'prod'", token()));
}

#[test]
fn size_and_comprehensions() {
    assert!(allows("size(assertion.sub) < 127 && assertion.sub.size() > 5 && size(assertion.groups) == 2", token()));
    assert!(allows("assertion.groups.exists(g, g == 'admins') && !assertion.groups.all(g, g == 'admins')", token()));
    assert!(allows("assertion.groups.exists_one(g, g.startsWith('ad'))", token()));
    assert!(allows("assertion.groups.filter(g, g != 'dev') == ['admins'] && assertion.groups.map(g, g + '!')[0] == 'dev!'", token()));
    // exists absorbs an error on one element when another is true.
    assert!(allows("[1, 'a'].exists(x, x > 0)", token()));
    assert!(!allows("['a', 1].all(x, x > 0)", token()));
}

#[test]
fn numbers_and_heterogeneous_equality() {
    assert!(allows("assertion.run_number == 7 && assertion.run_number > 5 && assertion.run_number <= 7.0", token()));
    // Different types are unequal, not an error.
    assert!(allows("assertion.sub != 1 && !(assertion.run_number == '7')", token()));
    // Arithmetic needs one type: JSON numbers are doubles.
    assert!(!allows("assertion.run_number + 1 == 8", token()));
    assert!(allows("assertion.run_number + 1.0 == 8.0 && int(assertion.run_number) + 1 == 8", token()));
    assert!(!allows("1 / 0 == 0", token()));
    assert!(!allows("9223372036854775807 + 1 > 0", token()));
    assert!(allows("-9223372036854775808 < 0 && 7 % 4 == 3 && 2u * 3u == 6u && 0x10 == 16", token()));
    assert!(!allows("assertion.sub < 1", token()));
}

#[test]
fn booleans_and_not() {
    assert!(allows("assertion.email_verified", token()));
    assert!(allows("assertion.email_verified == true && !false", token()));
    assert!(!allows("!assertion.email_verified", token()));
}

#[test]
fn non_bool_condition_rejects() {
    let d = cond("assertion.sub", token());
    assert_ne!(d.decision, DecisionKind::Allow);
    assert!(d.statements[0].conditions.last().unwrap().reason.contains("not a bool"));
}

#[test]
fn conditions_split_at_top_level_and() {
    let d = cond("assertion.repository_owner == 'o' && assertion.ref == 'refs/heads/dev' && assertion.email_verified", token());
    let cs: Vec<_> = d.statements[0].conditions.iter().filter(|c| c.operator == "attributeCondition").collect();
    assert_eq!(cs.len(), 3);
    assert_eq!(cs[0].key, "assertion.repository_owner == 'o'");
    assert_eq!(cs[1].claim.as_deref(), Some("ref"));
    assert_eq!(cs.iter().map(|c| c.matched).collect::<Vec<_>>(), vec![true, false, true]);
    assert!(cs[1].reason.contains("conjunct 2 of 3"));
}

#[test]
fn string_literals_and_escapes() {
    let t = with(token(), "repository", json!("o/it's \"q\""));
    assert!(allows(r#"assertion.repository == 'o/it\'s "q"'"#, t.clone()));
    assert!(allows(r#"assertion.repository == "o/it's \"q\"""#, t.clone()));
    assert!(allows(r#"assertion.repository == r'o/it' + "'" + r's "q"'"#, t.clone()));
    assert!(allows(r#"'\x41\u00e9\101' == 'Aé' + 'A' && '''multi'line''' == "multi'line""#, t));
}

#[test]
fn index_access_and_nested_claims() {
    let t = with(token(), "nested", json!({"a": {"b": ["x", "y"]}}));
    assert!(allows("assertion['nested']['a'].b[1] == 'y' && assertion.nested.a.b[1.0] == 'y'", t.clone()));
    assert!(!allows("assertion.nested.a.b[2] == 'y'", t.clone()));
    assert!(!allows("assertion.sub.x == 'y'", t));
}

#[test]
fn maps_lists_and_conversions() {
    assert!(allows("{'a': 1, 'b': 2}['b'] == 2 && [1, 2] + [3] == [1, 2, 3] && string(7) == '7' && double('1.5') == 1.5", token()));
    assert!(allows("dyn(assertion.run_number) == 7 && string(true) == 'true' && string(assertion.run_number) == '7'", token()));
    assert!(!allows("int('x') == 1", token()));
}

#[test]
fn evaluation_budget_stops_runaway_expressions() {
    let big: Vec<i64> = (0..400).collect();
    let c = "assertion.big.exists(a, assertion.big.exists(b, assertion.big.exists(c, a + b + c < 0.0)))";
    let start = std::time::Instant::now();
    let d = cond(c, with(token(), "big", json!(big)));
    assert_ne!(d.decision, DecisionKind::Allow);
    assert!(d.reason.contains("steps"), "{}", d.reason);
    assert!(start.elapsed().as_secs() < 10);
}

#[test]
fn a_typical_github_provider() {
    let doc = json!({
        "name": NAME, "displayName": "GitHub", "description": "CI", "state": "ACTIVE", "disabled": false,
        "attributeMapping": {
            "google.subject": "assertion.sub", "attribute.actor": "assertion.actor",
            "attribute.repository": "assertion.repository", "attribute.repository_owner": "assertion.repository_owner"
        },
        "attributeCondition": "assertion.repository_owner == 'o' && assertion.ref == 'refs/heads/main'",
        "oidc": {"issuerUri": GH}
    });
    let p = parse(doc);
    let t = with(with(token(), "aud", json!(format!("https://iam.googleapis.com/{NAME}"))), "actor", json!("me"));
    let d = eval(&p, t.clone());
    assert_eq!(d.decision, DecisionKind::Allow, "{}", d.reason);
    assert_eq!(d.statements[0].sid.as_deref(), Some(NAME));
    assert_eq!(d.provider.as_deref(), Some(GH));
    let d = eval(&p, with(t, "ref", json!("refs/heads/dev")));
    assert!(d.reason.starts_with(CONDITION_REJECTED));
}

#[test]
fn auto_detection_shapes() {
    let p = Policy::parse_value(&json!({"oidc": {"issuerUri": GH}, "attributeMapping": {"google.subject": "assertion.sub"}}), DialectChoice::Auto).unwrap();
    assert_eq!(p.dialect(), "gcp");
    let e = Policy::parse_value(&json!({"attributeCondition": "true", "Statement": []}), DialectChoice::Auto).unwrap_err();
    assert!(e.message.contains("aws, gcp"), "{}", e.message);
    // Detected as gcp by attributeCondition alone, then rejected for what it lacks.
    let e = Policy::parse_value(&json!({"attributeCondition": "true"}), DialectChoice::Auto).unwrap_err();
    assert_eq!(e.path.as_deref(), Some("$.oidc"));
}

#[test]
fn random_expressions_never_panic() {
    let parts = [
        "assertion", ".", "sub", "[", "]", "(", ")", "'a'", "\"", "'", "1", "-", "!", "&&", "||", "==", "?", ":", "in",
        "matches(", "size(", "has(", ".exists(x,", "x", ",", "{", "}", "é", "\\", "1.5e3", "u", "0x", " ",
    ];
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..4000 {
        let mut s = String::new();
        for _ in 0..(x % 14) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            s.push_str(parts[(x % parts.len() as u64) as usize]);
        }
        match Policy::parse_value(&provider(Some(&s)), DialectChoice::Gcp) {
            Ok(p) => {
                eval(&p, token());
            }
            Err(e) => {
                assert_eq!(e.code, ErrorCode::PolicyInvalid);
                assert!(e.position.is_some() || s.trim().is_empty(), "{s:?}: {}", e.message);
            }
        }
    }
}

// ---- malformed providers ----------------------------------------------------------------------------------

fn err_at(doc: Value, path: &str) -> oidc_trust::Error {
    match Policy::parse_value(&doc, DialectChoice::Gcp) {
        Ok(_) => panic!("should be rejected: {doc:#}"),
        Err(e) => {
            assert_eq!(e.code, ErrorCode::PolicyInvalid, "{e}");
            assert_eq!(e.path.as_deref(), Some(path), "{}", e.message);
            e
        }
    }
}

/// Sets (or adds) the member at a JSON pointer.
fn set(mut doc: Value, ptr: &str, v: Value) -> Value {
    let (parent, key) = ptr.rsplit_once('/').expect("pointer");
    doc.pointer_mut(parent).expect("parent")[key] = v;
    doc
}

fn cel_err_at(condition: &str, position: usize) {
    let e = err_at(provider(Some(condition)), "$.attributeCondition");
    assert_eq!(e.position, Some(position), "{condition:?}: {}", e.message);
}

#[test]
fn malformed_documents() {
    err_at(json!([]), "$");
    err_at(json!({"oidc": {"issuerUri": GH}, "attributeMapping": {"google.subject": "assertion.sub"}, "extra": 1}), "$.extra");
    err_at(json!({"aws": {"accountId": "1"}, "attributeMapping": {"google.subject": "assertion.arn"}}), "$.aws");
    err_at(json!({"attributeMapping": {"google.subject": "assertion.sub"}}), "$.oidc");
    err_at(json!({"oidc": "x", "attributeMapping": {"google.subject": "assertion.sub"}}), "$.oidc");
    err_at(json!({"oidc": {}, "attributeMapping": {"google.subject": "assertion.sub"}}), "$.oidc.issuerUri");
    err_at(json!({"oidc": {"issuerUri": "http://x"}, "attributeMapping": {"google.subject": "assertion.sub"}}), "$.oidc.issuerUri");
    err_at(json!({"oidc": {"issuerUri": 1}, "attributeMapping": {"google.subject": "assertion.sub"}}), "$.oidc.issuerUri");
    err_at(json!({"oidc": {"issuerUri": GH, "audience": "x"}, "attributeMapping": {"google.subject": "assertion.sub"}}), "$.oidc.audience");
    let eleven: Vec<String> = (0..11).map(|i| format!("a{i}")).collect();
    err_at(set(provider(None), "/oidc/allowedAudiences", json!(eleven)), "$.oidc.allowedAudiences");
    err_at(set(provider(None), "/oidc/allowedAudiences", json!(["a", 2])), "$.oidc.allowedAudiences[1]");
    err_at(set(provider(None), "/oidc/allowedAudiences", json!("a")), "$.oidc.allowedAudiences");
    err_at(set(provider(None), "/oidc/allowedAudiences", json!([""])), "$.oidc.allowedAudiences[0]");
    err_at(set(provider(None), "/oidc/allowedAudiences", json!(["a".repeat(257)])), "$.oidc.allowedAudiences[0]");
    let mut doc = provider(None);
    doc["oidc"]["jwksJson"] = json!({});
    err_at(doc, "$.oidc.jwksJson");
    err_at(json!({"oidc": {"issuerUri": GH}, "attributeCondition": "true"}), "$.attributeMapping");
    err_at(set(provider(None), "/attributeMapping", json!({"attribute.repository": "assertion.repository"})), "$.attributeMapping");
    err_at(set(provider(None), "/attributeMapping", json!("assertion.sub")), "$.attributeMapping");
    err_at(set(provider(None), "/attributeMapping/google.subject", json!(1)), "$.attributeMapping['google.subject']");
    err_at(set(provider(None), "/attributeMapping/google.subject", json!("  ")), "$.attributeMapping['google.subject']");
    let mut doc = provider(None);
    doc["attributeMapping"]["attribute.Repo"] = json!("assertion.repository");
    err_at(doc, "$.attributeMapping['attribute.Repo']");
    let mut doc = provider(None);
    doc["attributeMapping"]["google.display_name"] = json!("assertion.actor");
    err_at(doc, "$.attributeMapping['google.display_name']");
    let mut doc = provider(None);
    doc["attributeMapping"]["attribute.big"] = json!(format!("'{}'", "a".repeat(2050)));
    err_at(doc, "$.attributeMapping['attribute.big']");
    let mut doc = provider(None);
    for i in 0..49 {
        doc["attributeMapping"][format!("attribute.a{i}")] = json!("assertion.sub");
    }
    // Maps keep document order: the base provider's two custom attributes come first, so the 51st is a48.
    err_at(doc, "$.attributeMapping['attribute.a48']");
    err_at(set(provider(None), "/name", json!("projects/1/pools/x")), "$.name");
    err_at(set(provider(None), "/name", json!(5)), "$.name");
    err_at(set(provider(None), "/disabled", json!("yes")), "$.disabled");
    err_at(set(provider(None), "/displayName", json!(1)), "$.displayName");
    err_at(provider(Some(&format!("'{}' == 'x'", "a".repeat(4090)))), "$.attributeCondition");
    let mut doc = provider(None);
    doc["attributeCondition"] = json!(true);
    err_at(doc, "$.attributeCondition");
}

#[test]
fn malformed_mapping_expressions_with_positions() {
    let e = err_at(set(provider(None), "/attributeMapping/google.subject", json!("assertion.sub +")), "$.attributeMapping['google.subject']");
    assert_eq!(e.position, Some(15));
    // Mappings see only `assertion`.
    let e = err_at(set(provider(None), "/attributeMapping/google.subject", json!("google.subject")), "$.attributeMapping['google.subject']");
    assert_eq!(e.position, Some(0));
    let e = err_at(set(provider(None), "/attributeMapping/google.subject", json!("assertion.sub.lower()")), "$.attributeMapping['google.subject']");
    assert_eq!(e.position, Some(14));
}

#[test]
fn malformed_conditions_with_positions() {
    cel_err_at("assertion.sub == 'a' &&", 23);
    cel_err_at("assertion.sub = 'a'", 14);
    cel_err_at("assertion.sub == 'a", 17);
    cel_err_at("foo(assertion.sub)", 0);
    cel_err_at("assertion.sub.matches('(')", 22);
    cel_err_at("request.auth == 'x'", 0);
    cel_err_at("assertion.sub == b'x'", 17);
    cel_err_at(&format!("{}true{}", "(".repeat(150), ")".repeat(150)), 50);
    cel_err_at("assertion.if == 'x'", 10);
    cel_err_at("assertion.sub == 'a' 'b'", 21);
    cel_err_at("has(assertion)", 4);
    cel_err_at("assertion.sub.startsWith()", 14);
    cel_err_at("assertion.sub ==", 16);
    cel_err_at("(assertion.sub == 'a'", 21);
    cel_err_at("assertion.sub == 'a' # x", 21);
    cel_err_at("[1, 2].exists(1, true)", 14);
    cel_err_at("99999999999999999999 > 1", 0);
    cel_err_at("'\\q' == 'x'", 1);
    cel_err_at("assertion.sub == 'a\nb'", 19);
    cel_err_at(".assertion.sub == 'a'", 0);
    cel_err_at("x.exists(y, true)", 0);
}

#[test]
fn malformed_json_text_has_position() {
    let e = Policy::parse_str("{\"oidc\": {\"issuerUri\": }", DialectChoice::Gcp).unwrap_err();
    assert_eq!(e.code, ErrorCode::PolicyInvalid);
    assert!(e.position.is_some());
}
