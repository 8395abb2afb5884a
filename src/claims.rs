//! Registered-claim validation (RFC 7519 §4.1) with jose's option names and error codes.
//!
//! A registered claim of the wrong type is an error, never a skipped check: `exp: "9999999999"` must not
//! turn into "no expiry" (CVE-2026-25537 in Rust's jsonwebtoken was exactly that).

use crate::error::{Error, ErrorCode, Result};
use crate::json::type_name;
use crate::token::{Header, RegisteredClaims, REGISTERED_CLAIMS};
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

/// `issuer`, `audience`, `subject`: a string or a list of accepted strings.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    pub fn as_slice(&self) -> &[String] {
        match self {
            OneOrMany::One(s) => core::slice::from_ref(s),
            OneOrMany::Many(v) => v,
        }
    }
    fn to_json(&self) -> Value {
        match self {
            OneOrMany::One(s) => Value::from(s.as_str()),
            OneOrMany::Many(v) => Value::from(v.clone()),
        }
    }
}

/// An optional option that, when present, must hold a value: `issuer: null` (or `NaN`, which `JSON.stringify`
/// turns into `null`) is an error, not "no issuer check". Absent fields still take the default.
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    Option::<T>::deserialize(d)?
        .map(Some)
        .ok_or_else(|| serde::de::Error::custom("null is not a valid value (leave the option out to use its default)"))
}

/// Options for `verify`, named as in jose. Times are seconds.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct VerifyOptions {
    #[serde(deserialize_with = "present")]
    pub issuer: Option<OneOrMany>,
    #[serde(deserialize_with = "present")]
    pub audience: Option<OneOrMany>,
    #[serde(deserialize_with = "present")]
    pub algorithms: Option<Vec<String>>,
    pub clock_tolerance: f64,
    #[serde(deserialize_with = "present")]
    pub max_token_age: Option<f64>,
    pub required_claims: Vec<String>,
    #[serde(deserialize_with = "present")]
    pub subject: Option<String>,
    #[serde(deserialize_with = "present")]
    pub typ: Option<String>,
    /// Epoch seconds. `None` means "now", which the caller (binding layer) fills in.
    #[serde(deserialize_with = "present")]
    pub current_date: Option<f64>,
    pub require_expiration: bool,
    #[serde(deserialize_with = "present")]
    pub max_token_size: Option<usize>,
    /// Extension header parameters the caller understands (`crit` may name only these).
    pub crit: Vec<String>,
    /// JWKS options accepted here too so `check({ jwks, allowSymmetric })` can pass one bag of options.
    pub allow_symmetric: bool,
}

impl Default for VerifyOptions {
    fn default() -> Self {
        VerifyOptions {
            issuer: None,
            audience: None,
            algorithms: None,
            clock_tolerance: 0.0,
            max_token_age: None,
            required_claims: Vec::new(),
            subject: None,
            typ: None,
            current_date: None,
            require_expiration: true,
            max_token_size: None,
            crit: Vec::new(),
            allow_symmetric: false,
        }
    }
}

impl VerifyOptions {
    /// Rejects option values that would silently weaken verification.
    pub fn validate(&self) -> Result<()> {
        let finite_non_negative = |name: &str, v: f64| {
            if v.is_finite() && v >= 0.0 {
                Ok(())
            } else {
                Err(Error::invalid_argument(format!("{name} must be a finite number of seconds ≥ 0, got {v}")))
            }
        };
        finite_non_negative("clockTolerance", self.clock_tolerance)?;
        if let Some(age) = self.max_token_age {
            finite_non_negative("maxTokenAge", age)?;
        }
        if let Some(now) = self.current_date {
            if !now.is_finite() {
                return Err(Error::invalid_argument(format!("currentDate must be a finite time, got {now}")));
            }
        }
        for (name, v) in [("issuer", &self.issuer), ("audience", &self.audience)] {
            if let Some(OneOrMany::Many(list)) = v {
                if list.is_empty() {
                    return Err(Error::invalid_argument(format!("{name} must not be an empty list")));
                }
            }
        }
        if let Some(algs) = &self.algorithms {
            if algs.is_empty() {
                return Err(Error::invalid_argument("algorithms must not be an empty list"));
            }
        }
        Ok(())
    }
}

/// What the claim rules read from a claims set: a registered claim (one of [`REGISTERED_CLAIMS`]) by name, and
/// whether the `index`-th name of the options' `requiredClaims` is a claim. A whole map answers both; the verify
/// path's [`RegisteredClaims`] holds just this.
pub trait ClaimsView {
    fn claim(&self, name: &str) -> Option<&Value>;
    fn has_required(&self, index: usize, name: &str) -> bool;
}

impl ClaimsView for Map<String, Value> {
    fn claim(&self, name: &str) -> Option<&Value> {
        self.get(name)
    }
    fn has_required(&self, _index: usize, name: &str) -> bool {
        self.contains_key(name)
    }
}

/// Parsed with the same options: `present` follows `requiredClaims` (a list of another length answers "missing").
impl ClaimsView for RegisteredClaims {
    fn claim(&self, name: &str) -> Option<&Value> {
        let i = REGISTERED_CLAIMS.iter().position(|n| *n == name);
        debug_assert!(i.is_some(), "{name:?} is not a registered claim");
        self.values[i?].as_ref()
    }
    fn has_required(&self, index: usize, _name: &str) -> bool {
        self.present.get(index).copied().unwrap_or(false)
    }
}

/// The header parameter the claim rules read (`typ`).
pub trait HeaderView {
    fn typ(&self) -> Option<&Value>;
}

impl HeaderView for Map<String, Value> {
    fn typ(&self) -> Option<&Value> {
        self.get("typ")
    }
}

impl HeaderView for Header {
    fn typ(&self) -> Option<&Value> {
        self.typ.as_ref()
    }
}

fn numeric_date(claims: &(impl ClaimsView + ?Sized), name: &str) -> Result<Option<f64>> {
    match claims.claim(name) {
        None => Ok(None),
        Some(Value::Number(n)) => n.as_f64().map(Some).ok_or_else(|| invalid_type(name, "a number", &Value::Number(n.clone()))),
        Some(other) => Err(invalid_type(name, "a number (NumericDate)", other)),
    }
}

fn invalid_type(claim: &str, expected: &str, actual: &Value) -> Error {
    Error::claim(
        claim,
        "invalid",
        format!("\"{claim}\" claim must be {expected}, found {} {actual}", type_name(actual)),
    )
    .with_actual(actual.clone())
}

fn string_claim<'a>(claims: &'a (impl ClaimsView + ?Sized), name: &str) -> Result<Option<&'a str>> {
    match claims.claim(name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(invalid_type(name, "a string", other)),
    }
}

/// `aud` as a list of strings (string → one element). Anything else is a type error.
fn audiences(claims: &(impl ClaimsView + ?Sized)) -> Result<Option<Vec<&str>>> {
    match claims.claim("aud") {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(vec![s])),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| v.as_str().ok_or_else(|| invalid_type("aud", "a string or an array of strings", &Value::Array(items.clone()))))
            .collect::<Result<Vec<_>>>()
            .map(Some),
        Some(other) => Err(invalid_type("aud", "a string or an array of strings", other)),
    }
}

/// jose compares `typ` after lowercasing and dropping an `application/` prefix.
fn normalize_typ(t: &str) -> String {
    let lower = t.to_ascii_lowercase();
    lower.strip_prefix("application/").map(str::to_owned).unwrap_or(lower)
}

fn time_str(t: f64) -> String {
    if t.fract() == 0.0 && t.abs() < 1e15 {
        format!("{}", t as i64)
    } else {
        format!("{t}")
    }
}

/// Validates the JWT header/claims rules after the signature has been checked. `now` is epoch seconds.
pub fn validate(
    header: &(impl HeaderView + ?Sized),
    claims: &(impl ClaimsView + ?Sized),
    opts: &VerifyOptions,
    now: f64,
) -> Result<()> {
    // jose works in whole seconds.
    let now = now.floor();
    let tol = opts.clock_tolerance;

    // Type checks first, for every registered claim present, whether or not an option asks about it.
    let exp = numeric_date(claims, "exp")?;
    let nbf = numeric_date(claims, "nbf")?;
    let iat = numeric_date(claims, "iat")?;
    let iss = string_claim(claims, "iss")?;
    let sub = string_claim(claims, "sub")?;
    string_claim(claims, "jti")?;
    let aud = audiences(claims)?;

    match exp {
        Some(exp) => {
            if exp <= now - tol {
                return Err(Error::new(
                    ErrorCode::JwtExpired,
                    format!(
                        "\"exp\" claim timestamp check failed: expired at {} ({}s ago, clock tolerance {}s)",
                        time_str(exp),
                        time_str(now - exp),
                        time_str(tol)
                    ),
                )
                .with_claim("exp")
                .with_reason("check_failed")
                .with_expected(format!("> {}", time_str(now - tol)))
                .with_actual(claims.claim("exp").cloned().unwrap_or(Value::Null)));
            }
        }
        None if opts.require_expiration => {
            return Err(Error::claim(
                "exp",
                "missing",
                "missing required \"exp\" claim (pass requireExpiration: false to accept tokens that never expire)",
            ))
        }
        None => {}
    }
    if let Some(nbf) = nbf {
        if nbf > now + tol {
            return Err(Error::claim(
                "nbf",
                "check_failed",
                format!("\"nbf\" claim timestamp check failed: not valid before {} ({}s from now)", time_str(nbf), time_str(nbf - now)),
            )
            .with_expected(format!("<= {}", time_str(now + tol)))
            .with_actual(claims.claim("nbf").cloned().unwrap_or(Value::Null)));
        }
    }
    if let Some(iat) = iat {
        if iat > now + tol {
            return Err(Error::claim(
                "iat",
                "check_failed",
                format!("\"iat\" claim timestamp check failed: issued {}s in the future", time_str(iat - now)),
            )
            .with_expected(format!("<= {}", time_str(now + tol)))
            .with_actual(claims.claim("iat").cloned().unwrap_or(Value::Null)));
        }
    }
    if let Some(max_age) = opts.max_token_age {
        let Some(iat) = iat else {
            return Err(Error::claim("iat", "missing", "missing required \"iat\" claim (maxTokenAge is set)"));
        };
        let age = now - iat;
        if age - tol > max_age {
            return Err(Error::new(
                ErrorCode::JwtExpired,
                format!("\"iat\" claim timestamp check failed: token is {}s old, maxTokenAge is {}s", time_str(age), time_str(max_age)),
            )
            .with_claim("iat")
            .with_reason("check_failed")
            .with_expected(format!(">= {}", time_str(now - max_age - tol)))
            .with_actual(claims.claim("iat").cloned().unwrap_or(Value::Null)));
        }
    }
    if let Some(expected) = &opts.issuer {
        match iss {
            None => return Err(Error::claim("iss", "missing", "missing required \"iss\" claim").with_expected(expected.to_json())),
            Some(iss) if !expected.as_slice().iter().any(|e| e == iss) => {
                return Err(Error::claim("iss", "check_failed", format!("unexpected \"iss\" claim value {iss:?}"))
                    .with_expected(expected.to_json())
                    .with_actual(iss))
            }
            Some(_) => {}
        }
    }
    if let Some(expected) = &opts.audience {
        match &aud {
            None => return Err(Error::claim("aud", "missing", "missing required \"aud\" claim").with_expected(expected.to_json())),
            Some(list) if !list.iter().any(|a| expected.as_slice().iter().any(|e| e == a)) => {
                return Err(Error::claim("aud", "check_failed", format!("unexpected \"aud\" claim value {list:?}"))
                    .with_expected(expected.to_json())
                    .with_actual(claims.claim("aud").cloned().unwrap_or(Value::Null)))
            }
            Some(_) => {}
        }
    }
    if let Some(expected) = &opts.subject {
        match sub {
            None => return Err(Error::claim("sub", "missing", "missing required \"sub\" claim").with_expected(expected.as_str())),
            Some(sub) if sub != expected => {
                return Err(Error::claim("sub", "check_failed", format!("unexpected \"sub\" claim value {sub:?}"))
                    .with_expected(expected.as_str())
                    .with_actual(sub))
            }
            Some(_) => {}
        }
    }
    if let Some(expected) = &opts.typ {
        let actual = match header.typ() {
            None => None,
            Some(Value::String(t)) => Some(t.as_str()),
            Some(other) => {
                return Err(Error::claim("typ", "invalid", format!("\"typ\" header must be a string, found {}", type_name(other)))
                    .with_actual(other.clone()))
            }
        };
        if actual.map(normalize_typ) != Some(normalize_typ(expected)) {
            return Err(Error::claim("typ", "check_failed", format!("unexpected \"typ\" JWT header value {actual:?}"))
                .with_expected(expected.as_str())
                .with_actual(actual.map(Value::from).unwrap_or(Value::Null)));
        }
    }
    for (i, name) in opts.required_claims.iter().enumerate() {
        if !claims.has_required(i, name) {
            return Err(Error::claim(name, "missing", format!("missing required \"{name}\" claim")));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const NOW: f64 = 1_700_000_000.0;

    fn claims(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap()
    }

    fn check(c: Value, opts: VerifyOptions) -> Result<()> {
        validate(&Map::new(), &claims(c), &opts, NOW)
    }

    fn err(c: Value, opts: VerifyOptions) -> Error {
        check(c, opts).unwrap_err()
    }

    #[test]
    fn exp_required_by_default() {
        let e = err(json!({}), VerifyOptions::default());
        assert_eq!((e.code, e.claim.as_deref(), e.reason.as_deref()), (ErrorCode::ClaimValidationFailed, Some("exp"), Some("missing")));
        assert!(check(json!({}), VerifyOptions { require_expiration: false, ..Default::default() }).is_ok());
    }

    #[test]
    fn exp_boundary_and_tolerance() {
        assert!(check(json!({"exp": NOW + 1.0}), VerifyOptions::default()).is_ok());
        let e = err(json!({"exp": NOW}), VerifyOptions::default());
        assert_eq!(e.code, ErrorCode::JwtExpired);
        assert_eq!(e.claim.as_deref(), Some("exp"));
        let tol = VerifyOptions { clock_tolerance: 30.0, ..Default::default() };
        assert!(check(json!({"exp": NOW - 29.0}), tol.clone()).is_ok());
        assert_eq!(err(json!({"exp": NOW - 30.0}), tol).code, ErrorCode::JwtExpired);
        // Fractional now is floored like jose.
        assert!(validate(&Map::new(), &claims(json!({"exp": NOW + 1.0})), &VerifyOptions::default(), NOW + 0.9).is_ok());
    }

    #[test]
    fn wrong_types_are_errors_not_skips() {
        for (c, claim) in [
            (json!({"exp": "9999999999"}), "exp"),
            (json!({"exp": NOW + 60.0, "nbf": "0"}), "nbf"),
            (json!({"exp": NOW + 60.0, "iat": null}), "iat"),
            (json!({"exp": NOW + 60.0, "aud": 5}), "aud"),
            (json!({"exp": NOW + 60.0, "aud": ["a", 5]}), "aud"),
            (json!({"exp": NOW + 60.0, "iss": ["a"]}), "iss"),
            (json!({"exp": NOW + 60.0, "sub": 1}), "sub"),
            (json!({"exp": NOW + 60.0, "jti": {}}), "jti"),
        ] {
            let e = err(c.clone(), VerifyOptions::default());
            assert_eq!((e.code, e.claim.as_deref(), e.reason.as_deref()), (ErrorCode::ClaimValidationFailed, Some(claim), Some("invalid")), "{c}");
        }
    }

    #[test]
    fn nbf_and_iat_in_future() {
        let e = err(json!({"exp": NOW + 600.0, "nbf": NOW + 10.0}), VerifyOptions::default());
        assert_eq!((e.claim.as_deref(), e.reason.as_deref()), (Some("nbf"), Some("check_failed")));
        assert!(check(json!({"exp": NOW + 600.0, "nbf": NOW + 10.0}), VerifyOptions { clock_tolerance: 10.0, ..Default::default() }).is_ok());
        assert!(check(json!({"exp": NOW + 600.0, "nbf": NOW}), VerifyOptions::default()).is_ok());
        let e = err(json!({"exp": NOW + 600.0, "iat": NOW + 5.0}), VerifyOptions::default());
        assert_eq!(e.claim.as_deref(), Some("iat"));
    }

    #[test]
    fn max_token_age() {
        let o = VerifyOptions { max_token_age: Some(60.0), ..Default::default() };
        assert!(check(json!({"exp": NOW + 600.0, "iat": NOW - 60.0}), o.clone()).is_ok());
        let e = err(json!({"exp": NOW + 600.0, "iat": NOW - 61.0}), o.clone());
        assert_eq!((e.code, e.claim.as_deref()), (ErrorCode::JwtExpired, Some("iat")));
        assert_eq!(err(json!({"exp": NOW + 600.0}), o).reason.as_deref(), Some("missing"));
    }

    #[test]
    fn issuer_audience_subject() {
        let o = VerifyOptions {
            issuer: Some(OneOrMany::Many(vec!["https://a".into(), "https://b".into()])),
            audience: Some(OneOrMany::One("sts.amazonaws.com".into())),
            subject: Some("repo:o/r:ref:refs/heads/main".into()),
            ..Default::default()
        };
        let good = json!({"exp": NOW + 60.0, "iss": "https://b", "aud": ["x", "sts.amazonaws.com"], "sub": "repo:o/r:ref:refs/heads/main"});
        assert!(check(good.clone(), o.clone()).is_ok());
        let mut c = good.clone();
        c["iss"] = json!("https://c");
        let e = err(c, o.clone());
        assert_eq!((e.claim.as_deref(), e.reason.as_deref(), e.actual.clone()), (Some("iss"), Some("check_failed"), Some(json!("https://c"))));
        let mut c = good.clone();
        c["aud"] = json!("other");
        assert_eq!(err(c, o.clone()).claim.as_deref(), Some("aud"));
        let mut c = good.clone();
        c.as_object_mut().unwrap().remove("aud");
        assert_eq!(err(c, o.clone()).reason.as_deref(), Some("missing"));
        let mut c = good;
        c["sub"] = json!("repo:o/r:environment:prod");
        let e = err(c, o);
        assert_eq!(e.expected, Some(json!("repo:o/r:ref:refs/heads/main")));
    }

    #[test]
    fn typ_normalized_like_jose() {
        let o = VerifyOptions { typ: Some("at+jwt".into()), require_expiration: false, ..Default::default() };
        let hdr = |t: &str| claims(json!({ "typ": t }));
        assert!(validate(&hdr("application/AT+JWT"), &Map::new(), &o, NOW).is_ok());
        assert_eq!(validate(&hdr("JWT"), &Map::new(), &o, NOW).unwrap_err().claim.as_deref(), Some("typ"));
        assert!(validate(&Map::new(), &Map::new(), &o, NOW).is_err());
    }

    #[test]
    fn required_claims() {
        let o = VerifyOptions { required_claims: vec!["repository".into()], require_expiration: false, ..Default::default() };
        let e = err(json!({}), o.clone());
        assert_eq!((e.claim.as_deref(), e.reason.as_deref()), (Some("repository"), Some("missing")));
        assert!(check(json!({"repository": "o/r"}), o).is_ok());
    }

    #[test]
    fn options_validated() {
        assert!(VerifyOptions { clock_tolerance: f64::NAN, ..Default::default() }.validate().is_err());
        assert!(VerifyOptions { clock_tolerance: -1.0, ..Default::default() }.validate().is_err());
        assert!(VerifyOptions { max_token_age: Some(f64::INFINITY), ..Default::default() }.validate().is_err());
        assert!(VerifyOptions { audience: Some(OneOrMany::Many(vec![])), ..Default::default() }.validate().is_err());
        assert!(VerifyOptions::default().validate().is_ok());
    }

    #[test]
    fn options_deserialize_from_jose_names() {
        let o: VerifyOptions = serde_json::from_value(json!({"issuer": "https://x", "audience": ["a", "b"], "clockTolerance": 5, "requireExpiration": false})).unwrap();
        assert_eq!(o.issuer, Some(OneOrMany::One("https://x".into())));
        assert_eq!(o.clock_tolerance, 5.0);
        assert!(!o.require_expiration);
        assert!(serde_json::from_value::<VerifyOptions>(json!({"issuerr": "x"})).is_err());
    }

    /// Regression: `{ issuer: null }` (and `NaN`, which reaches us as `null`) used to deserialize as "no issuer
    /// check" and silently accept any issuer; jose treats it as an expected value and rejects.
    #[test]
    fn null_option_values_are_errors_not_defaults() {
        for name in ["issuer", "audience", "algorithms", "subject", "typ", "maxTokenAge", "currentDate", "maxTokenSize"] {
            let e = serde_json::from_value::<VerifyOptions>(json!({ name: null })).unwrap_err();
            assert!(e.to_string().contains("null is not a valid value"), "{name}: {e}");
        }
        let o: VerifyOptions = serde_json::from_value(json!({"issuer": "https://x"})).unwrap();
        assert_eq!((o.audience, o.max_token_size), (None, None), "absent options keep their defaults");
    }
}
