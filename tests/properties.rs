//! Seeded property tests (issue 7): the wildcard matcher against a regex reference, and AWS policy evaluation as a
//! deterministic, total function whose trace explains its decision.
//!
//!   OIDC_TRUST_PROP_SEED=<u64>   seed (default below; every failure message names it)
//!   OIDC_TRUST_PROP_CASES=<n>    scale the number of cases (default 1 = the numbers below)
//!
//! The PRNG is a splitmix64 in this file: no dependency, same sequence everywhere.

use oidc_trust::policy::glob::Glob;
use oidc_trust::policy::{DecisionKind, DialectChoice, EvalContext, Policy};
use oidc_trust::ErrorCode;
use regex::Regex;
use serde_json::{json, Map, Value};

const DEFAULT_SEED: u64 = 0x0071_dc7a_2026_0305;

fn seed() -> u64 {
    let s = std::env::var("OIDC_TRUST_PROP_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_SEED);
    println!("properties: seed {s} (override with OIDC_TRUST_PROP_SEED)");
    s
}

fn scale() -> usize {
    std::env::var("OIDC_TRUST_PROP_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1)
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    fn pick<T: Clone>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len())].clone()
    }
    fn string(&mut self, alphabet: &[char], max_len: usize) -> String {
        (0..self.below(max_len + 1)).map(|_| self.pick(alphabet)).collect()
    }
}

// ---------------------------------------------------------------------------------------------------------------
// (a) StringLike / glob matching against a regex

/// `*` → `.*`, `?` → `.` (one char), everything else literal; whole string; `.` matches newlines too.
fn reference(pattern: &str, question_is_wildcard: bool) -> Regex {
    let mut re = String::from("(?s)^");
    for c in pattern.chars() {
        match c {
            '*' => re.push_str(".*"),
            '?' if question_is_wildcard => re.push('.'),
            c => re.push_str(&regex::escape(&c.to_string())),
        }
    }
    re.push('$');
    Regex::new(&re).expect("reference regex")
}

#[test]
fn glob_matches_like_its_regex_reference() {
    let seed = seed();
    let mut r = Rng(seed);
    // Small alphabets make matches common; `é` and `日` check that `?` is one character, not one byte.
    let pattern_alphabet = ['a', 'b', '*', '?', ':', '/', 'é', '*', 'a'];
    let text_alphabet = ['a', 'b', ':', '/', 'é', '日', '*', '?', '\n'];
    let (mut matched, mut total) = (0, 0);
    for i in 0..5_000 * scale() {
        let pattern = r.string(&pattern_alphabet, 10);
        // Half the texts are built from the pattern, so that matches are not rare.
        let text = if r.chance(50) {
            pattern
                .chars()
                .map(|c| match c {
                    '*' => r.string(&text_alphabet, 3),
                    '?' => r.pick(&text_alphabet).to_string(),
                    _ if r.chance(5) => r.pick(&text_alphabet).to_string(),
                    c => c.to_string(),
                })
                .collect()
        } else {
            r.string(&text_alphabet, 12)
        };
        let want = reference(&pattern, true).is_match(&text);
        assert_eq!(
            Glob::new(&pattern).matches(&text),
            want,
            "seed {seed} case {i}: StringLike {pattern:?} on {text:?}"
        );
        let want_star_only = reference(&pattern, false).is_match(&text);
        assert_eq!(
            Glob::star_only(&pattern).matches(&text),
            want_star_only,
            "seed {seed} case {i}: star-only glob {pattern:?} on {text:?}"
        );
        assert!(
            Glob::literal(&pattern).matches(&pattern),
            "seed {seed} case {i}: literal {pattern:?}"
        );
        // Case-insensitive use: lowercase pattern against lowercased text.
        let upper: String = pattern
            .chars()
            .map(|c| if r.chance(30) { c.to_ascii_uppercase() } else { c })
            .collect();
        let lower_text = text.to_lowercase();
        assert_eq!(
            Glob::new(&upper).to_lowercase().matches(&lower_text),
            reference(&upper.to_lowercase(), true).is_match(&lower_text),
            "seed {seed} case {i}: lowercased {upper:?} on {lower_text:?}"
        );
        matched += usize::from(want);
        total += 1;
    }
    assert!(
        matched > total / 10,
        "seed {seed}: only {matched} of {total} matched; the generator is too hostile"
    );
}

#[test]
fn glob_is_not_exponential() {
    // `a*a*a*…*b` against `aaaa…` is exponential for naive backtracking; ours is O(pattern × text).
    let pattern = format!("{}b", "a*".repeat(40));
    let text = "a".repeat(5_000);
    let started = std::time::Instant::now();
    assert!(!Glob::new(&pattern).matches(&text));
    assert!(Glob::new(&pattern).matches(&format!("{text}b")));
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
}

// ---------------------------------------------------------------------------------------------------------------
// (b) AWS policy evaluation is total and deterministic, and its trace recomputes to its decision

const GH: &str = "token.actions.githubusercontent.com";
const PROVIDERS: &[&str] = &[
    GH,
    "oidc.example.com",
    "accounts.google.com",
    "oidc.circleci.com/org/abc",
];
const CLAIMS: &[&str] = &[
    "sub",
    "aud",
    "amr",
    "environment",
    "repository",
    "repository_owner",
    "ref",
    "job_workflow_ref",
    "iat",
    "exp",
    "oaud",
    "azp",
    "email",
    "actor",
    "unknown_claim",
];
const STRING_OPS: &[&str] = &[
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringNotEqualsIgnoreCase",
    "StringLike",
    "StringNotLike",
];
const NUMERIC_OPS: &[&str] = &[
    "NumericEquals",
    "NumericNotEquals",
    "NumericLessThan",
    "NumericLessThanEquals",
    "NumericGreaterThan",
    "NumericGreaterThanEquals",
];
const DATE_OPS: &[&str] = &[
    "DateEquals",
    "DateNotEquals",
    "DateLessThan",
    "DateLessThanEquals",
    "DateGreaterThan",
    "DateGreaterThanEquals",
];
const ARN_OPS: &[&str] = &["ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike"];
const WORDS: &[&str] = &[
    "repo:o/r:ref:refs/heads/main",
    "repo:o/r:environment:prod",
    "repo:o/*",
    "repo:o/r:*",
    "repo:?/r:*",
    "REPO:O/R:*",
    "sts.amazonaws.com",
    "o/r",
    "o",
    "prod",
    "refs/heads/main",
    "mfa",
    "pwd",
    "*",
    "?",
    "",
    "a:b/c",
    "user@example.com",
];

/// A condition key as written in a policy: provider prefix (sometimes in another case) and claim.
fn key(r: &mut Rng, provider: &str) -> String {
    let prefix = if r.chance(80) {
        provider.to_owned()
    } else {
        r.pick(PROVIDERS).to_owned()
    };
    let prefix = if r.chance(10) { prefix.to_uppercase() } else { prefix };
    let claim = r.pick(CLAIMS);
    let claim = if r.chance(10) {
        claim.to_uppercase()
    } else {
        claim.to_owned()
    };
    format!("{prefix}:{claim}")
}

/// A string value, sometimes with policy variables (`${key}`, `${key, 'default'}`, `${*}`, `${?}`, `${$}`).
fn string_value(r: &mut Rng, provider: &str, variables: bool) -> Value {
    let word = r.pick(WORDS).to_owned();
    if !variables || r.chance(70) {
        return Value::from(word);
    }
    let var = match r.below(5) {
        0 => "${*}".to_owned(),
        1 => "${?}".to_owned(),
        2 => "${$}".to_owned(),
        3 => format!("${{{}, '{}'}}", key(r, provider), r.pick(&["d", "o/r", ""])),
        _ => format!("${{{}}}", key(r, provider)),
    };
    Value::from(match r.below(3) {
        0 => var,
        1 => format!("{word}{var}"),
        _ => format!("repo:{var}:*"),
    })
}

fn values(r: &mut Rng, one: impl Fn(&mut Rng) -> Value) -> Value {
    if r.chance(60) {
        one(r)
    } else {
        Value::Array((0..1 + r.below(3)).map(|_| one(r)).collect())
    }
}

type ValueGen = Box<dyn Fn(&mut Rng) -> Value>;

/// One well-formed condition operator and its key/value block.
fn condition(r: &mut Rng, provider: &str, variables: bool) -> (String, Value) {
    let family = r.below(10);
    let (base, value_of): (String, ValueGen) = match family {
        0..=4 => {
            let p = provider.to_owned();
            (
                r.pick(STRING_OPS).to_owned(),
                Box::new(move |r: &mut Rng| string_value(r, &p, variables)),
            )
        }
        5 => (
            r.pick(NUMERIC_OPS).to_owned(),
            Box::new(|r: &mut Rng| {
                r.pick(&[
                    json!(0),
                    json!(42),
                    json!("42"),
                    json!(1.5),
                    json!(1_700_000_000),
                    json!("-3"),
                ])
            }),
        ),
        6 => (
            r.pick(DATE_OPS).to_owned(),
            Box::new(|r: &mut Rng| {
                r.pick(&[
                    json!("2023-11-14T22:13:20Z"),
                    json!("2024-01-01"),
                    json!(1_700_000_000),
                    json!("1700000000"),
                ])
            }),
        ),
        7 => (
            "Bool".to_owned(),
            Box::new(|r: &mut Rng| r.pick(&[json!("true"), json!("false"), json!(true), json!(false)])),
        ),
        8 => (
            "Null".to_owned(),
            Box::new(|r: &mut Rng| r.pick(&[json!("true"), json!("false"), json!(true), json!(false)])),
        ),
        _ => (
            r.pick(ARN_OPS).to_owned(),
            Box::new(|r: &mut Rng| {
                r.pick(&[
                    json!("arn:aws:iam::123456789012:role/x"),
                    json!("arn:aws:iam::*:role/*"),
                ])
            }),
        ),
    };
    let null = base == "Null";
    let set = if null {
        ""
    } else {
        r.pick(&["", "", "", "ForAnyValue:", "ForAllValues:"])
    };
    let if_exists = if null { "" } else { r.pick(&["", "", "IfExists"]) };
    let mut block = Map::new();
    for _ in 0..1 + r.below(2) {
        block.insert(key(r, provider), values(r, &value_of));
    }
    (format!("{set}{base}{if_exists}"), Value::Object(block))
}

fn policy_doc(r: &mut Rng) -> Value {
    let provider = r.pick(PROVIDERS);
    let version = r.pick(&["2012-10-17", "2012-10-17", "2008-10-17"]);
    let variables = version == "2012-10-17";
    let statements: Vec<Value> = (0..1 + r.below(3))
        .map(|i| {
            let mut st = Map::new();
            if r.chance(40) {
                st.insert("Sid".into(), json!(format!("S{i}")));
            }
            st.insert("Effect".into(), json!(r.pick(&["Allow", "Allow", "Deny"])));
            let fed = format!(
                "arn:aws:iam::123456789012:oidc-provider/{}",
                if r.chance(85) { provider } else { r.pick(PROVIDERS) }
            );
            st.insert(
                "Principal".into(),
                r.pick(&[
                    json!({ "Federated": fed }),
                    json!({ "Federated": [fed, "arn:aws:iam::123456789012:oidc-provider/other.example"] }),
                ]),
            );
            let (name, action) = if r.chance(85) {
                (
                    "Action",
                    r.pick(&[
                        json!("sts:AssumeRoleWithWebIdentity"),
                        json!("sts:*"),
                        json!("sts:AssumeRoleWith*"),
                        json!(["sts:TagSession", "sts:AssumeRoleWithWebIdentity"]),
                        json!("sts:AssumeRole"),
                    ]),
                )
            } else {
                (
                    "NotAction",
                    r.pick(&[json!("sts:AssumeRole"), json!("sts:AssumeRoleWith*")]),
                )
            };
            st.insert(name.into(), action);
            if r.chance(90) {
                let mut cond = Map::new();
                for _ in 0..r.below(4) {
                    let (op, block) = condition(r, provider, variables);
                    cond.insert(op, block);
                }
                st.insert("Condition".into(), Value::Object(cond));
            }
            Value::Object(st)
        })
        .collect();
    let statement = if statements.len() == 1 && r.chance(30) {
        statements[0].clone()
    } else {
        Value::Array(statements)
    };
    json!({ "Version": version, "Statement": statement })
}

fn claim_value(r: &mut Rng, name: &str) -> Value {
    match name {
        "iat" | "exp" => r.pick(&[
            json!(1_700_000_000),
            json!(1_700_000_600.5),
            json!("1700000000"),
            json!(-1),
            json!(0),
        ]),
        "amr" | "aud" if r.chance(50) => Value::Array((0..r.below(4)).map(|_| Value::from(r.pick(WORDS))).collect()),
        _ => match r.below(12) {
            0 => json!(42),
            1 => json!(true),
            2 => json!(null),
            3 => json!({ "nested": [1, "x"] }),
            4 => json!(["a", 5, null]),
            _ => Value::from(r.pick(WORDS)),
        },
    }
}

fn claims(r: &mut Rng) -> Map<String, Value> {
    let mut m = Map::new();
    if !r.chance(5) {
        let iss = r.pick(PROVIDERS);
        m.insert(
            "iss".into(),
            json!(if iss == "accounts.google.com" {
                iss.to_owned()
            } else {
                format!("https://{iss}")
            }),
        );
    }
    for name in CLAIMS {
        if r.chance(60) {
            m.insert((*name).to_owned(), claim_value(r, name));
        }
    }
    m
}

#[test]
fn policy_evaluation_is_total_deterministic_and_explained() {
    let seed = seed();
    let mut r = Rng(seed);
    let mut by_decision = std::collections::BTreeMap::<&str, usize>::new();
    let (mut conditions, mut policies) = (0usize, 0usize);
    for i in 0..1_500 * scale() {
        let doc = policy_doc(&mut r);
        let policy = match Policy::parse_value(&doc, DialectChoice::Auto) {
            Ok(p) => p,
            Err(e) => panic!(
                "seed {seed} case {i}: a well-formed policy was rejected: {} at {:?}\n{doc:#}",
                e.message, e.path
            ),
        };
        policies += 1;
        let from_text = Policy::parse_str(&doc.to_string(), DialectChoice::Aws)
            .unwrap_or_else(|e| panic!("seed {seed} case {i}: text form rejected: {}", e.message));
        for j in 0..8 {
            let claims = claims(&mut r);
            let ctx = if r.chance(20) {
                EvalContext {
                    provider: Some(r.pick(PROVIDERS).to_owned()),
                    ..EvalContext::default()
                }
            } else {
                EvalContext::default()
            };
            let where_ = || {
                format!(
                    "seed {seed} case {i}.{j}\npolicy {doc:#}\nclaims {}",
                    Value::Object(claims.clone())
                )
            };
            let d = std::panic::catch_unwind(|| policy.evaluate(&claims, &ctx))
                .unwrap_or_else(|_| panic!("evaluate panicked: {}", where_()));
            let recomputed = d
                .recompute()
                .unwrap_or_else(|e| panic!("inconsistent trace ({e}): {}", where_()));
            assert_eq!(
                recomputed,
                d.decision,
                "trace recomputes to another decision: {}",
                where_()
            );
            assert_eq!(
                policy.decide(&claims, &ctx),
                d.decision,
                "decide() and evaluate() disagree: {}",
                where_()
            );
            let again = policy.evaluate(&claims, &ctx);
            assert_eq!(again, d, "evaluating twice differs: {}", where_());
            let text = serde_json::to_string(&d).expect("a decision serializes");
            assert_eq!(
                serde_json::to_string(&again).unwrap(),
                text,
                "serialized traces differ: {}",
                where_()
            );
            assert_eq!(
                from_text.evaluate(&claims, &ctx),
                d,
                "the JSON-text form decides differently: {}",
                where_()
            );
            // Every statement is traced, in order, and every condition of it.
            let statements = doc["Statement"].as_array().map_or(1, Vec::len);
            assert_eq!(d.statements.len(), statements, "statement traces: {}", where_());
            for (k, s) in d.statements.iter().enumerate() {
                assert_eq!(s.index, k, "statement index: {}", where_());
                for c in &s.conditions {
                    assert!(!c.reason.is_empty(), "a condition without a reason: {}", where_());
                    if !s.principal_matched || !s.action_matched {
                        continue;
                    }
                    conditions += 1;
                }
            }
            if d.decision == DecisionKind::Allow {
                assert!(
                    d.statements.iter().any(|s| s.matched && s.effect.as_str() == "Allow"),
                    "{}",
                    where_()
                );
            }
            *by_decision.entry(d.decision.as_str()).or_default() += 1;
        }
    }
    println!("properties: {policies} policies, decisions {by_decision:?}, {conditions} conditions evaluated");
    for kind in ["allow", "deny", "implicit-deny"] {
        assert!(
            by_decision.get(kind).copied().unwrap_or(0) > 20,
            "seed {seed}: too few {kind} decisions: {by_decision:?}"
        );
    }
}

#[test]
fn malformed_policies_never_panic_and_always_name_a_path() {
    // Mutate well-formed documents at random places; whatever comes out parses or is ERR_POLICY_INVALID with a path.
    let seed = seed();
    let mut r = Rng(seed ^ 0xbad);
    let junk = [
        json!(null),
        json!(5),
        json!(""),
        json!([]),
        json!({}),
        json!("Bogus"),
        json!({"a": {"b": []}}),
        json!(-1.5),
    ];
    for i in 0..3_000 * scale() {
        let mut doc = policy_doc(&mut r);
        // Walk down to a random element, as a JSON pointer, then replace it.
        let mut pointer = String::new();
        for _ in 0..1 + r.below(5) {
            let step = match doc.pointer(&pointer) {
                Some(Value::Object(m)) if !m.is_empty() => m
                    .keys()
                    .nth(r.below(m.len()))
                    .map(|k| k.replace('~', "~0").replace('/', "~1")),
                Some(Value::Array(a)) if !a.is_empty() => Some(r.below(a.len()).to_string()),
                _ => None,
            };
            match step {
                Some(s) => pointer = format!("{pointer}/{s}"),
                None => break,
            }
        }
        let replacement = r.pick(&junk);
        match doc.pointer_mut(&pointer) {
            Some(at) => *at = replacement,
            None => unreachable!("the pointer was built from the document"),
        }
        match std::panic::catch_unwind(|| Policy::parse_value(&doc, DialectChoice::Auto)) {
            Err(_) => panic!("seed {seed} case {i}: parse panicked on {doc:#}"),
            Ok(Ok(p)) => {
                let c = claims(&mut r);
                let d = p.evaluate(&c, &EvalContext::default());
                assert_eq!(d.recompute().as_ref(), Ok(&d.decision), "seed {seed} case {i}");
            }
            Ok(Err(e)) => {
                assert_eq!(e.code, ErrorCode::PolicyInvalid, "seed {seed} case {i}: {e}");
                assert!(
                    e.path.as_deref().is_some_and(|p| p.starts_with('$')),
                    "seed {seed} case {i}: no path: {e}"
                );
            }
        }
    }
}
