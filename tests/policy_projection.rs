//! `Policy::claims_read` and `Policy::decide_pairs`: deciding on only the claims a policy can read gives the
//! decision the whole claims set gives. The JS package relies on it to pass just those claims into wasm for `Policy.decide`; these seeded random
//! claim sets (every JSON type, near-miss values, other providers' issuers) × policies that read claims every way
//! the AWS engine can (condition keys, `${…}` variables, Google's `azp`-else-`aud`, a nested claim, multi-valued
//! keys, context and malformed keys) check that the projection never changes a verdict.

use oidc_trust::policy::{DialectChoice, EvalContext, Policy};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Map, Value};

const GH: &str = "token.actions.githubusercontent.com";

fn policies() -> Vec<Value> {
    let gh_fed = format!("arn:aws:iam::123456789012:oidc-provider/{GH}");
    let fed = "arn:aws:iam::123456789012:oidc-provider/oidc.example.com";
    let stmt = |effect: &str, principal: &str, cond: Value| {
        json!({"Effect": effect, "Principal": {"Federated": principal}, "Action": "sts:AssumeRoleWithWebIdentity", "Condition": cond})
    };
    let doc = |statements: Vec<Value>| json!({"Version": "2012-10-17", "Statement": statements});
    vec![
        // bench/verify.mjs's typical GitHub policy.
        doc(vec![
            stmt("Allow", &gh_fed, json!({
                "StringEquals": {format!("{GH}:aud"): "sts.amazonaws.com"},
                "StringLike": {format!("{GH}:sub"): "repo:octo-org/octo-repo:ref:refs/heads/*"},
                "ForAnyValue:StringEquals": {format!("{GH}:repository"): "octo-org/octo-repo"}
            })),
            stmt("Deny", &gh_fed, json!({"StringLike": {format!("{GH}:sub"): "repo:*/fork:*"}})),
        ]),
        // Variables, environment, job_workflow_ref, negated and IfExists operators.
        doc(vec![stmt("Allow", &gh_fed, json!({
            "StringLike": {format!("{GH}:sub"): "repo:${token.actions.githubusercontent.com:repository}:*"},
            "StringNotEqualsIfExists": {format!("{GH}:environment"): "prod"},
            "ForAllValues:StringLike": {format!("{GH}:job_workflow_ref"): "octo-org/*"},
            "Null": {format!("{GH}:actor"): "false"}
        }))]),
        // A generic provider: aud, sub, azp, amr (multi-valued), and keys that read nothing from the token.
        doc(vec![
            stmt("Allow", fed, json!({
                "StringEquals": {"oidc.example.com:aud": ["a", "b"], "oidc.example.com:azp": "client"},
                "ForAnyValue:StringEquals": {"oidc.example.com:amr": "mfa"},
                "StringLike": {"oidc.example.com:sub": "user-${oidc.example.com:azp, 'none'}*"},
                "StringNotEqualsIfExists": {"aws:SourceIp": "x"},
                "Bool": {"oidc.example.com:unknown_key": "true"}
            })),
            stmt("Deny", fed, json!({"StringEquals": {"oidc.example.com:sub": "banned"}})),
        ]),
        // Google: `:aud` reads azp else aud, `:oaud` reads aud, organization_number is nested.
        doc(vec![stmt("Allow", "accounts.google.com", json!({
            "StringEquals": {"accounts.google.com:aud": "client-a", "accounts.google.com:oaud": "client-b"},
            "NumericEquals": {"accounts.google.com:google/organization_number": "1234"}
        }))]),
        // Federated "*" and no conditions; a malformed key.
        doc(vec![
            stmt("Allow", "*", json!({})),
            stmt("Deny", "*", json!({"StringEquals": {"nocolon": "x"}})),
        ]),
    ]
}

/// A random JSON value, biased towards values the policies above compare against.
fn value(rng: &mut StdRng, depth: u32) -> Value {
    const STRINGS: &[&str] = &[
        "sts.amazonaws.com", "repo:octo-org/octo-repo:ref:refs/heads/main", "repo:x/fork:y", "octo-org/octo-repo",
        "octo-org/wf@refs/heads/main", "prod", "dev", "a", "b", "client", "client-a", "client-b", "mfa", "user-client-1",
        "banned", "1234", "true", "", "*",
    ];
    match rng.gen_range(0..if depth > 0 { 9 } else { 6 }) {
        0 | 1 | 2 => Value::from(STRINGS[rng.gen_range(0..STRINGS.len())]),
        3 => json!(rng.gen_range(0..3) * 617 + 1234 * rng.gen_range(0..2)),
        4 => Value::Bool(rng.gen()),
        5 => Value::Null,
        6 | 7 => Value::Array((0..rng.gen_range(0..4)).map(|_| value(rng, depth - 1)).collect()),
        _ => {
            let mut m = Map::new();
            if rng.gen() {
                m.insert("organization_number".into(), value(rng, depth - 1));
            }
            m.insert("other".into(), value(rng, depth - 1));
            Value::Object(m)
        }
    }
}

fn claims(rng: &mut StdRng) -> Map<String, Value> {
    const NAMES: &[&str] = &[
        "sub", "aud", "azp", "amr", "repository", "environment", "job_workflow_ref", "actor", "google", "ref",
        "exp", "iat", "jti", "repository_owner", "unknown_key", "email",
    ];
    const ISSUERS: &[&str] = &[
        "https://token.actions.githubusercontent.com", "https://oidc.example.com", "https://accounts.google.com",
        "accounts.google.com", "https://other.example.com", "https://TOKEN.actions.githubusercontent.com",
    ];
    let mut m = Map::new();
    match rng.gen_range(0..6) {
        0 => {}
        1 => {
            m.insert("iss".into(), value(rng, 1));
        }
        _ => {
            m.insert("iss".into(), Value::from(ISSUERS[rng.gen_range(0..ISSUERS.len())]));
        }
    }
    // Values that satisfy some condition, so every verdict is reached often.
    let likely = |name: &str| -> Option<Value> {
        Some(match name {
            "sub" => json!("repo:octo-org/octo-repo:ref:refs/heads/main"),
            "aud" => json!(["sts.amazonaws.com", "a", "client-a", "client-b"][name.len() % 4]),
            "azp" => json!("client"),
            "amr" => json!(["pwd", "mfa"]),
            "repository" => json!("octo-org/octo-repo"),
            "job_workflow_ref" => json!(["octo-org/wf@refs/heads/main"]),
            "actor" => json!("octocat"),
            "google" => json!({"organization_number": 1234}),
            _ => return None,
        })
    };
    for name in NAMES {
        if rng.gen_bool(0.6) {
            let v = match likely(name) {
                Some(v) if rng.gen_bool(0.5) => v,
                _ => value(rng, 2),
            };
            m.insert((*name).into(), v);
        }
    }
    m
}

fn project(claims: &Map<String, Value>, names: &[&str]) -> Map<String, Value> {
    claims.iter().filter(|(k, _)| names.contains(&k.as_str())).map(|(k, v)| (k.clone(), v.clone())).collect()
}

#[test]
fn deciding_on_the_claims_read_gives_the_same_decision() {
    let mut rng = StdRng::seed_from_u64(0x6f69_6463);
    for doc in policies() {
        let policy = Policy::parse_value(&doc, DialectChoice::Aws).expect("test policy parses");
        let names = policy.claims_read().expect("AWS policies name the claims they read");
        assert!(names.contains(&"iss"));
        let mut seen = std::collections::HashSet::new();
        for i in 0..4000 {
            let full = claims(&mut rng);
            let ctx = match i % 5 {
                0 => EvalContext { provider: Some(GH.into()), ..Default::default() },
                1 => EvalContext { provider: Some("accounts.google.com".into()), ..Default::default() },
                _ => EvalContext::default(),
            };
            let want = policy.decide(&full, &ctx);
            let got = policy.decide(&project(&full, &names), &ctx);
            assert_eq!(got, want, "policy {doc}\nclaims {}\nread {names:?}", Value::Object(full.clone()));
            // The same projection as the pairs the wasm binding builds (in `claims_read` order).
            let pairs: Vec<(&str, Value)> = names.iter().filter_map(|n| full.get(*n).map(|v| (*n, v.clone()))).collect();
            assert_eq!(policy.decide_pairs(&pairs, &ctx), Some(want), "pairs {pairs:?}");
            // The projection changes nothing for evaluate's verdict either (evaluate itself takes every claim).
            assert_eq!(policy.evaluate(&full, &ctx).decision, want);
            seen.insert(want);
        }
        // The random claim sets reach more than one verdict for every policy but the "*" one.
        assert!(seen.len() > 1 || doc.to_string().contains("nocolon"), "{doc}: only {seen:?}");
    }
}

#[test]
fn claims_read_names_every_source() {
    let [github, variables, generic, google, _] = policies().try_into().expect("five policies");
    let read = |doc: &Value| Policy::parse_value(doc, DialectChoice::Aws).unwrap().claims_read().unwrap();
    assert_eq!(read(&github), ["aud", "iss", "repository", "sub"]);
    assert_eq!(read(&variables), ["actor", "environment", "iss", "job_workflow_ref", "repository", "sub"]);
    assert_eq!(read(&generic), ["amr", "aud", "azp", "iss", "sub"]);
    assert_eq!(read(&google), ["aud", "azp", "google", "iss"]);
}
