//! The wasm-bindgen layer: conversion only. Inputs arrive as `JsValue`s and are checked here so that a
//! wrong type from JavaScript becomes an error with a `code`, never a trap; outputs cross as JSON text
//! parsed by the engine's `JSON.parse` (exactly jose's number semantics, and fast); errors are thrown as
//! plain `{ code, message, ...details }` objects that the JS wrapper turns into `OidcTrustError`.

use crate::check::{self, KeySource};
use crate::claims::VerifyOptions;
use crate::error::{Error, ErrorCode};
use crate::keys::{KeySet, KeySetOptions};
#[cfg(feature = "test-issuer")]
use crate::mint::{TestIssuer, TestIssuerOptions};
use crate::policy::{DialectChoice, EvalContext, Policy};
use crate::token::{self, DecodeOptions};
use crate::{json, verify};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::*;

mod io;
mod native;

type JsResult<T> = Result<T, JsValue>;

/// The one place a core error becomes a JS value.
fn to_js_error(e: Error) -> JsValue {
    match serde_json::to_string(&e) {
        Ok(text) => js_sys::JSON::parse(&text).unwrap_or_else(|_| JsValue::from_str(&e.message)),
        Err(_) => JsValue::from_str(&e.message),
    }
}

fn to_js<T: Serialize>(value: &T) -> JsResult<JsValue> {
    let text = serde_json::to_string(value)
        .map_err(|e| to_js_error(Error::new(ErrorCode::InvalidArgument, format!("cannot serialize result: {e}"))))?;
    js_sys::JSON::parse(&text)
}

/// A JS string, or a JS value serialized with `JSON.stringify` (which throws, rather than recursing
/// without bound, on cycles and absurd depth).
fn json_text(v: &JsValue, what: &str, code: ErrorCode) -> Result<String, Error> {
    if let Some(s) = v.as_string() {
        return Ok(s);
    }
    if v.is_undefined() || v.is_null() || !v.is_object() {
        return Err(Error::new(code, format!("{what} must be a JSON string or an object, got {}", js_type(v))));
    }
    js_sys::JSON::stringify(v)
        .ok()
        .and_then(|s| s.as_string())
        .ok_or_else(|| Error::new(code, format!("{what} cannot be serialized as JSON (cyclic or too deep)")))
}

fn js_type(v: &JsValue) -> String {
    if v.is_null() {
        "null".into()
    } else if v.is_undefined() {
        "undefined".into()
    } else if Array::is_array(v) {
        "an array".into()
    } else {
        v.js_typeof().as_string().unwrap_or_default()
    }
}

use js_sys::Array;

/// Options bags: `undefined`/`null` mean defaults; anything else must be a plain object whose fields
/// deserialize into `T` (unknown fields are rejected so a typo cannot silently disable a check).
fn options<T: DeserializeOwned + Default>(v: &JsValue, what: &str) -> Result<T, Error> {
    if v.is_undefined() || v.is_null() {
        return Ok(T::default());
    }
    if !v.is_object() || Array::is_array(v) {
        return Err(Error::invalid_argument(format!("{what} must be an object, got {}", js_type(v))));
    }
    let text = json_text(v, what, ErrorCode::InvalidArgument)?;
    serde_json::from_str(&text).map_err(|e| Error::invalid_argument(format!("invalid {what}: {e}")))
}

fn token_arg(v: &JsValue) -> Result<String, Error> {
    v.as_string()
        .ok_or_else(|| Error::jws(format!("the token must be a string, got {}", js_type(v))).with_reason("type"))
}

fn now_seconds() -> f64 {
    js_sys::Date::now() / 1000.0
}

#[derive(serde::Deserialize, Default)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
struct DecodeArgs {
    max_token_size: Option<usize>,
}

/// The token is in the input buffer (`len` bytes; see `io.rs`), as for every function here that takes `len`.
#[wasm_bindgen]
pub fn decode(len: usize, options_: JsValue) -> JsResult<JsValue> {
    let run = || -> Result<token::Decoded, Error> {
        let args: DecodeArgs = options(&options_, "decode options")?;
        let mut opts = DecodeOptions::default();
        if let Some(m) = args.max_token_size {
            opts.max_token_size = m;
        }
        io::with_input(len, |token| token::decode(token, &opts))?
    };
    to_js(&run().map_err(to_js_error)?)
}

#[derive(serde::Deserialize, Default)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
struct KeySetArgs {
    allow_symmetric: bool,
}

/// A parsed JWKS, reused across many verifications.
#[wasm_bindgen]
pub struct WasmKeySet {
    inner: KeySet,
}

fn parse_key_set(jwks: &JsValue, allow_symmetric: bool) -> Result<KeySet, Error> {
    let text = json_text(jwks, "the JWKS", ErrorCode::JwksInvalid)?;
    KeySet::from_jwks_str(&text, &KeySetOptions { allow_symmetric })
}

#[wasm_bindgen]
impl WasmKeySet {
    #[wasm_bindgen(js_name = fromJwks)]
    pub fn from_jwks(jwks: JsValue, options_: JsValue) -> JsResult<WasmKeySet> {
        let run = || -> Result<KeySet, Error> {
            let args: KeySetArgs = options(&options_, "key set options")?;
            parse_key_set(&jwks, args.allow_symmetric)
        };
        run().map(|inner| WasmKeySet { inner }).map_err(to_js_error)
    }

    pub fn keys(&self) -> JsResult<JsValue> {
        to_js(&self.inner.keys)
    }

    pub fn rejected(&self) -> JsResult<JsValue> {
        to_js(&self.inner.rejected)
    }

    /// The public members (RFC 7638) of each usable asymmetric key, at its JWK index (`null` elsewhere, and for
    /// HMAC secrets, which never leave the core): what the native backend imports, once.
    #[wasm_bindgen(js_name = publicJwks)]
    pub fn public_jwks(&self) -> JsResult<JsValue> {
        let len = self.inner.keys.iter().map(|k| k.index + 1).max().unwrap_or(0);
        let mut out = vec![serde_json::Value::Null; len];
        for k in &self.inner.keys {
            if let Some(jwk) = k.public.public_jwk() {
                out[k.index] = serde_json::Value::Object(jwk);
            }
        }
        to_js(&out)
    }

    /// Verifies this set's signatures natively from now on for the keys at these JWK indexes (the others, and
    /// HMAC, stay in wasm). `verifier` is pkg/src/native.js's object.
    #[wasm_bindgen(js_name = useNativeBackend)]
    pub fn use_native_backend(&mut self, verifier: native::NativeVerifier, handles: Vec<u32>) {
        self.inner.set_backend(native::backend(verifier, &handles));
    }

    /// `"native"` or `"pure"`.
    #[wasm_bindgen(getter)]
    pub fn backend(&self) -> String {
        self.inner.backend().name().to_owned()
    }

    /// One raw signature check with the key at JWK index `handle`, through this set's backend: no token, no
    /// key selection beyond the key family. For the differential tests of the backends (Wycheproof primitive
    /// vectors are messages, not tokens); not part of the package API.
    #[wasm_bindgen(js_name = verifySignature)]
    pub fn verify_signature(&self, handle: u32, alg: &str, message: &[u8], signature: &[u8]) -> JsResult<bool> {
        let alg = crate::alg::Alg::from_name(alg)
            .ok_or_else(|| to_js_error(Error::new(ErrorCode::NotSupported, format!("unsupported alg {alg:?}"))))?;
        let key = self.inner.keys.iter().find(|k| k.index == handle as usize).ok_or_else(|| {
            to_js_error(Error::invalid_argument(format!("no usable key at index {handle}")))
        })?;
        Ok(self.inner.verify_signature(alg, key, message, signature))
    }
}

fn verify_options(v: &JsValue) -> Result<VerifyOptions, Error> {
    let opts: VerifyOptions = options(v, "verify options")?;
    opts.validate()?;
    Ok(opts)
}

#[wasm_bindgen]
pub fn verify(token: JsValue, key_set: &WasmKeySet, options_: JsValue) -> JsResult<JsValue> {
    let run = || -> Result<verify::VerifiedToken, Error> {
        let opts = verify_options(&options_)?;
        verify::verify_token(&token_arg(&token)?, &key_set.inner, &opts, now_seconds())
    };
    verified_to_js(&run().map_err(to_js_error)?)
}

/// `verify` with the token in the input buffer (`len` bytes; see `io.rs`): the result crosses as
/// [`result_parts`], which the wrapper's `readVerified` (pkg/src/io.js) turns into `{ header, claims, key }`.
#[wasm_bindgen(js_name = verifyInput)]
pub fn verify_input(len: usize, key_set: &WasmKeySet, options_: JsValue) -> JsResult<String> {
    let run = || -> Result<verify::VerifiedToken, Error> {
        let opts = verify_options(&options_)?;
        io::with_input(len, |token| verify::verify_token(token, &key_set.inner, &opts, now_seconds()))?
    };
    run().map(|v| result_parts(&v)).map_err(to_js_error)
}

/// A verified token as `<h>,<k>,` + header JSON + key JSON + claims JSON, `h` and `k` the lengths of the first two
/// in UTF-16 units (as JS slices strings). The header and key texts repeat from token to token (one issuer, one
/// key), so the wrapper parses each distinct one once and copies it, and parses only the claims every time.
fn result_parts(v: &verify::VerifiedToken) -> String {
    let Some((header, claims)) = v.texts() else {
        // Not reached for a token verified by the core; the whole result as one text then, with lengths that say so.
        return format!("0,0,{}", v.to_json());
    };
    let mut key = String::with_capacity(128);
    v.key.write_json(&mut key);
    let units = |s: &str| if s.is_ascii() { s.len() } else { s.encode_utf16().count() };
    let mut out = String::with_capacity(header.len() + key.len() + claims.len() + 16);
    use std::fmt::Write;
    let _ = write!(out, "{},{},", units(header), units(&key));
    out.push_str(header);
    out.push_str(&key);
    out.push_str(claims);
    out
}

/// A verified JWT crosses as one JSON text that splices in the token's own header and payload.
fn verified_to_js(v: &verify::VerifiedToken) -> JsResult<JsValue> {
    js_sys::JSON::parse(&v.to_json())
}

#[wasm_bindgen(js_name = compactVerify)]
pub fn compact_verify(len: usize, key_set: &WasmKeySet, options_: JsValue) -> JsResult<JsValue> {
    let run = || -> Result<verify::VerifiedJws, Error> {
        let opts = verify_options(&options_)?;
        io::with_input(len, |token| verify::compact_verify(token, &key_set.inner, &opts))?
    };
    let verified = run().map_err(to_js_error)?;
    let out = to_js(&verified)?;
    let payload = js_sys::Uint8Array::from(verified.payload.as_slice());
    js_sys::Reflect::set(&out, &JsValue::from_str("payload"), &payload)?;
    Ok(out)
}

#[derive(serde::Deserialize, Default)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
struct PolicyArgs {
    dialect: Option<String>,
    /// octo-sts: the deployment's domain and anchoring, for every evaluation that does not say (e.g. `check`).
    octo_sts_domain: Option<String>,
    octo_sts_anchoring: Option<String>,
}

#[derive(serde::Deserialize, Default)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
struct EvaluateArgs {
    issuer: Option<String>,
    /// Epoch seconds (the JS wrapper converts Dates); default now. Used by dialects that check times (Vault).
    current_date: Option<f64>,
    octo_sts_domain: Option<String>,
    /// `"legacy"` (`^` + p + `$`) or `"grouped"` (`^(?:p)$`).
    octo_sts_anchoring: Option<String>,
}

/// A compiled trust policy, reused across many evaluations.
#[wasm_bindgen]
pub struct WasmPolicy {
    inner: Policy,
    /// [`Policy::claims_read`], once.
    claims_read: Option<Vec<&'static str>>,
}

#[wasm_bindgen]
impl WasmPolicy {
    pub fn parse(doc: JsValue, options_: JsValue) -> JsResult<WasmPolicy> {
        let run = || -> Result<Policy, Error> {
            let args: PolicyArgs = options(&options_, "policy options")?;
            let dialect = DialectChoice::from_name(args.dialect.as_deref().unwrap_or("auto"))?;
            let octo_sts = crate::policy::OctoStsOptions {
                domain: args.octo_sts_domain,
                anchoring: octo_sts_anchoring(args.octo_sts_anchoring.as_deref())?,
            };
            let text = json_text(&doc, "the policy document", ErrorCode::PolicyInvalid)?;
            Ok(Policy::parse_str(&text, dialect)?.with_octo_sts_options(octo_sts))
        };
        run().map(|inner| WasmPolicy { claims_read: inner.claims_read(), inner }).map_err(to_js_error)
    }

    #[wasm_bindgen(getter)]
    pub fn dialect(&self) -> String {
        self.inner.dialect().to_owned()
    }

    pub fn lints(&self) -> JsResult<JsValue> {
        to_js(&self.inner.lints())
    }

    pub fn evaluate(&self, claims: JsValue, options_: JsValue) -> JsResult<JsValue> {
        let (claims, ctx) = evaluate_args(&claims, &options_).map_err(to_js_error)?;
        to_js(&self.inner.evaluate(&claims, &ctx))
    }

    /// The decision alone (`"allow"`, `"deny"` or `"implicit-deny"`), without building the trace: the same
    /// verdict as `evaluate(…).decision`, for callers that decide many tokens and explain none.
    pub fn decide(&self, claims: JsValue, options_: JsValue) -> JsResult<String> {
        let (claims, ctx) = evaluate_args(&claims, &options_).map_err(to_js_error)?;
        Ok(self.inner.decide(&claims, &ctx).as_str().to_owned())
    }

    /// The claim names `decide` can read (`undefined`: any claim may matter): the wrapper then passes only these,
    /// encoded for `decideInput`.
    #[wasm_bindgen(js_name = claimsRead)]
    pub fn claims_read(&self) -> Option<Vec<String>> {
        self.claims_read.as_ref().map(|names| names.iter().map(|n| (*n).to_owned()).collect())
    }

    /// `decide` on the claims `claimsRead` names, encoded in the input buffer (`len` bytes) as [`projected_claims`]
    /// reads them: 0 allow, 1 deny, 2 implicit-deny.
    #[wasm_bindgen(js_name = decideInput)]
    pub fn decide_input(&self, len: usize, options_: JsValue) -> JsResult<u32> {
        let run = || -> Result<u32, Error> {
            let args: EvaluateArgs = options(&options_, "evaluate options")?;
            let ctx = eval_context(args, false)?;
            self.decide_projected(len, &ctx)
        };
        run().map_err(to_js_error)
    }

    /// [`WasmPolicy::decide_input`] without options: only integers cross.
    #[wasm_bindgen(js_name = decideInputPlain)]
    pub fn decide_input_plain(&self, len: usize) -> JsResult<u32> {
        self.decide_projected(len, &EvalContext::default()).map_err(to_js_error)
    }
}

impl WasmPolicy {
    fn decide_projected(&self, len: usize, ctx: &EvalContext) -> Result<u32, Error> {
        let (Some(names), crate::policy::Policy::Aws(policy)) = (self.claims_read.as_deref(), &self.inner) else {
            return Err(Error::invalid_argument("this policy's dialect does not name the claims it reads: use decide"));
        };
        let decision = io::with_input(len, |text| -> Result<_, Error> {
            // Up to 16 claims (a typical policy reads 4 or 5) live on the stack: a decision allocates nothing
            // for them.
            const INLINE: usize = 16;
            if names.len() <= INLINE {
                let mut owned: [Option<Projected<'_>>; INLINE] = Default::default();
                let mut views = [None; INLINE];
                decide_on(policy, text, names, &mut owned[..names.len()], &mut views[..names.len()], ctx)
            } else {
                let mut owned: Vec<Option<Projected<'_>>> = (0..names.len()).map(|_| None).collect();
                let mut views = vec![None; names.len()];
                decide_on(policy, text, names, &mut owned, &mut views, ctx)
            }
        })??;
        Ok(match decision {
            crate::policy::DecisionKind::Allow => 0,
            crate::policy::DecisionKind::Deny => 1,
            crate::policy::DecisionKind::ImplicitDeny => 2,
        })
    }
}

/// A projected claim: a string as it lies in the input, or a parsed JSON value.
enum Projected<'t> {
    Str(&'t str),
    Json(serde_json::Value),
}

fn decide_on<'t: 'o, 'o>(
    policy: &crate::policy::aws::AwsPolicy,
    text: &'t str,
    names: &[&'static str],
    owned: &'o mut [Option<Projected<'t>>],
    views: &mut [Option<crate::policy::aws::ClaimValue<'o>>],
    ctx: &EvalContext,
) -> Result<crate::policy::DecisionKind, Error> {
    projected_claims(text, names, owned)?;
    for (view, claim) in views.iter_mut().zip(&*owned) {
        *view = match claim {
            Some(Projected::Str(s)) => Some(crate::policy::aws::ClaimValue::Str(s)),
            Some(Projected::Json(v)) => Some(crate::policy::aws::ClaimValue::Json(v)),
            None => None,
        };
    }
    Ok(policy.decide_claims(views, ctx))
}

/// The claims the JS wrapper projected for `decideInput`, as one string of entries, each
/// `[name index][tag][length high 15 bits][length low 15 bits]` (one character each) then the value: its text
/// (tag 0: a string claim, taken as it is) or its `JSON.stringify` text (tag 1: any other value, parsed as
/// strictly as the whole claims object would have been, one nesting level down). The length counts UTF-16 units,
/// as JS measures strings. Missing claims have no entry, so they stay missing. `slots` (one per name) receive them.
fn projected_claims<'t>(text: &'t str, names: &[&'static str], slots: &mut [Option<Projected<'t>>]) -> Result<(), Error> {
    let malformed = || Error::invalid_argument("the projected claims are malformed (a bug in the JS wrapper)");
    let mut rest = text;
    while !rest.is_empty() {
        let mut head = rest.chars();
        let (Some(index), Some(tag), Some(high), Some(low)) = (head.next(), head.next(), head.next(), head.next()) else {
            return Err(malformed());
        };
        let (high, low) = (u32::from(high) as usize, u32::from(low) as usize);
        if high >= 1 << 15 || low >= 1 << 15 {
            return Err(malformed());
        }
        let units = high << 15 | low;
        let body = head.as_str();
        let bytes = match body.as_bytes().get(..units) {
            Some(prefix) if prefix.is_ascii() => units,
            _ => {
                let (mut taken, mut bytes) = (0, 0);
                for c in body.chars() {
                    if taken >= units {
                        break;
                    }
                    taken += c.len_utf16();
                    bytes += c.len_utf8();
                }
                if taken != units {
                    return Err(malformed());
                }
                bytes
            }
        };
        let (value, after) = body.split_at(bytes);
        rest = after;
        let index = u32::from(index) as usize;
        if index >= names.len() {
            return Err(malformed());
        }
        let slot = slots.get_mut(index).ok_or_else(malformed)?;
        if slot.is_some() {
            return Err(malformed());
        }
        *slot = Some(match tag {
            '\0' => Projected::Str(value),
            '\u{1}' => Projected::Json(
                json::parse_strict(value, json::DEFAULT_MAX_DEPTH - 1)
                    .map_err(|e| Error::invalid_argument(format!("the claims must be a JSON object: {e}")))?,
            ),
            _ => return Err(malformed()),
        });
    }
    Ok(())
}

fn evaluate_args(claims: &JsValue, options_: &JsValue) -> Result<(serde_json::Map<String, serde_json::Value>, EvalContext), Error> {
    let args: EvaluateArgs = options(options_, "evaluate options")?;
    let text = json_text(claims, "the claims", ErrorCode::InvalidArgument)?;
    let claims = json::parse_object(&text, json::DEFAULT_MAX_DEPTH)
        .map_err(|e| Error::invalid_argument(format!("the claims must be a JSON object: {e}")))?;
    Ok((claims, eval_context(args, true)?))
}

/// `now` is read from the clock only for dialects that can use it (`needs_now`); AWS never does.
fn eval_context(args: EvaluateArgs, needs_now: bool) -> Result<EvalContext, Error> {
    let ctx = EvalContext {
        provider: args.issuer.map(|i| crate::policy::provider_from_issuer(&i)),
        now: args.current_date.or_else(|| needs_now.then(now_seconds)),
        octo_sts_anchoring: octo_sts_anchoring(args.octo_sts_anchoring.as_deref())?,
        octo_sts_domain: args.octo_sts_domain,
    };
    Ok(ctx)
}

fn octo_sts_anchoring(name: Option<&str>) -> Result<Option<crate::policy::OctoStsAnchoring>, Error> {
    match name {
        None => Ok(None),
        Some("legacy") => Ok(Some(crate::policy::OctoStsAnchoring::Legacy)),
        Some("grouped") => Ok(Some(crate::policy::OctoStsAnchoring::Grouped)),
        Some(other) => Err(Error::invalid_argument(format!("octoStsAnchoring must be \"legacy\" or \"grouped\", got {other:?}"))),
    }
}

/// `check` without a policy: one result that never throws for a bad token. A JWKS that fails to parse
/// (`checkWithJwks`) is reported as stage `keys`; bad options still throw.
#[wasm_bindgen(js_name = checkWithKeySet)]
pub fn check_with_key_set(len: usize, key_set: &WasmKeySet, options_: JsValue) -> JsResult<JsValue> {
    run_check(len, KeySource::Parsed(&key_set.inner), None, options_)
}

#[wasm_bindgen(js_name = checkWithJwks)]
pub fn check_with_jwks(len: usize, jwks: JsValue, options_: JsValue) -> JsResult<JsValue> {
    run_check_jwks(len, jwks, None, options_)
}

#[wasm_bindgen]
impl WasmPolicy {
    /// `check` with this policy.
    #[wasm_bindgen(js_name = checkWithKeySet)]
    pub fn check_with_key_set(&self, len: usize, key_set: &WasmKeySet, options_: JsValue) -> JsResult<JsValue> {
        run_check(len, KeySource::Parsed(&key_set.inner), Some(&self.inner), options_)
    }

    #[wasm_bindgen(js_name = checkWithJwks)]
    pub fn check_with_jwks(&self, len: usize, jwks: JsValue, options_: JsValue) -> JsResult<JsValue> {
        run_check_jwks(len, jwks, Some(&self.inner), options_)
    }
}

fn run_check(len: usize, keys: KeySource<'_>, policy: Option<&Policy>, options_: JsValue) -> JsResult<JsValue> {
    let opts = verify_options(&options_).map_err(to_js_error)?;
    run_check_with(len, keys, policy, &opts)
}

fn run_check_with(len: usize, keys: KeySource<'_>, policy: Option<&Policy>, opts: &VerifyOptions) -> JsResult<JsValue> {
    let result = io::with_input(len, |token| check::check(token, keys, policy, opts, now_seconds())).map_err(to_js_error)?;
    to_js(&result)
}

fn run_check_jwks(len: usize, jwks: JsValue, policy: Option<&Policy>, options_: JsValue) -> JsResult<JsValue> {
    let opts = verify_options(&options_).map_err(to_js_error)?;
    let parsed = parse_key_set(&jwks, opts.allow_symmetric);
    let source = match &parsed {
        Ok(ks) => KeySource::Parsed(ks),
        Err(e) => KeySource::Failed(e.clone()),
    };
    run_check_with(len, source, policy, &opts)
}

/// A throw-away issuer for trying policies without a real one (the playground's "Mint a test token").
#[cfg(feature = "test-issuer")]
#[wasm_bindgen]
pub struct WasmTestIssuer {
    inner: TestIssuer,
}

#[cfg(feature = "test-issuer")]
#[wasm_bindgen]
impl WasmTestIssuer {
    pub fn create(options_: JsValue) -> JsResult<WasmTestIssuer> {
        let run = || -> Result<TestIssuer, Error> {
            let opts: TestIssuerOptions = options(&options_, "test issuer options")?;
            TestIssuer::generate(&opts)
        };
        run().map(|inner| WasmTestIssuer { inner }).map_err(to_js_error)
    }

    pub fn jwks(&self) -> JsResult<JsValue> {
        to_js(&self.inner.jwks())
    }

    pub fn sign(&self, claims: JsValue, header: JsValue) -> JsResult<String> {
        let run = || -> Result<String, Error> {
            let claims = json::parse_object(&json_text(&claims, "the claims", ErrorCode::InvalidArgument)?, json::DEFAULT_MAX_DEPTH)
                .map_err(|e| Error::invalid_argument(format!("the claims must be a JSON object: {e}")))?;
            let header = if header.is_undefined() || header.is_null() {
                serde_json::Map::new()
            } else {
                json::parse_object(&json_text(&header, "the header", ErrorCode::InvalidArgument)?, json::DEFAULT_MAX_DEPTH)
                    .map_err(|e| Error::invalid_argument(format!("the header must be a JSON object: {e}")))?
            };
            self.inner.sign(&claims, &header)
        };
        run().map_err(to_js_error)
    }
}

/// Without the test issuer (the npm package's default module): the same class, whose `create` says where the
/// test issuer lives instead of failing as a missing export.
#[cfg(not(feature = "test-issuer"))]
#[wasm_bindgen]
pub struct WasmTestIssuer;

#[cfg(not(feature = "test-issuer"))]
#[wasm_bindgen]
impl WasmTestIssuer {
    pub fn create(_options: JsValue) -> JsResult<WasmTestIssuer> {
        Err(to_js_error(Error::new(
            ErrorCode::NotSupported,
            "the test issuer is not in this build: import it from \"oidc-trust/full\" (Rust: the `test-issuer` feature)",
        )))
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
struct CacheArgs {
    max_entries: Option<usize>,
}

/// Options parsed once, plus an optional verified-token cache (`createVerifier` in the JS package).
#[wasm_bindgen]
pub struct WasmVerifier {
    inner: crate::verifier::Verifier,
    /// Where the last `verifyInput` left its token in the cache: `(u32::MAX, 0)` for nowhere.
    last_slot: crate::verifier::SlotRef,
}

const NO_SLOT: crate::verifier::SlotRef = crate::verifier::SlotRef { slot: u32::MAX, generation: 0 };

#[wasm_bindgen]
impl WasmVerifier {
    /// `cache` is `undefined` (no cache) or `{ maxEntries }`.
    pub fn create(options_: JsValue, cache: JsValue) -> JsResult<WasmVerifier> {
        let run = || -> Result<crate::verifier::Verifier, Error> {
            let opts: VerifyOptions = options(&options_, "verify options")?;
            let cache = if cache.is_undefined() || cache.is_null() {
                None
            } else {
                let c: CacheArgs = options(&cache, "cache options")?;
                Some(c.max_entries.unwrap_or(1000))
            };
            crate::verifier::Verifier::new(opts, None, cache)
        };
        run().map(|inner| WasmVerifier { inner, last_slot: NO_SLOT }).map_err(to_js_error)
    }

    pub fn verify(&mut self, token: JsValue, key_set: &WasmKeySet) -> JsResult<JsValue> {
        let token = token_arg(&token).map_err(to_js_error)?;
        let (verified, _) = self.inner.verify_slot(&token, &key_set.inner, now_seconds()).map_err(to_js_error)?;
        verified_to_js(&verified)
    }

    /// `verify` with the token in the input buffer (`len` bytes): the result as [`result_parts`]. With a cache, where the
    /// token is now held is then `lastSlot`/`lastGeneration`, for the wrapper's index of built results.
    #[wasm_bindgen(js_name = verifyInput)]
    pub fn verify_input(&mut self, len: usize, key_set: &WasmKeySet) -> JsResult<String> {
        self.last_slot = NO_SLOT;
        let now = now_seconds();
        let (verified, slot) = io::with_input(len, |token| self.inner.verify_slot(token, &key_set.inner, now))
            .and_then(|r| r)
            .map_err(to_js_error)?;
        self.last_slot = slot.unwrap_or(NO_SLOT);
        Ok(result_parts(&verified))
    }

    /// Cache slot of the last `verifyInput`'s token, or 2^32 − 1 when the cache did not keep it.
    #[wasm_bindgen(getter, js_name = lastSlot)]
    pub fn last_slot(&self) -> u32 {
        self.last_slot.slot
    }

    #[wasm_bindgen(getter, js_name = lastGeneration)]
    pub fn last_generation(&self) -> u32 {
        self.last_slot.generation
    }

    /// A hit in the wrapper's index: `true` when `(slot, generation)` still holds that token, its key is still in
    /// `key_set` and its claims pass every rule now — the core's decision, made on every hit. `false`: verify
    /// the token again. A rule that fails now throws the error `verify` would.
    pub fn revalidate(&mut self, slot: u32, generation: u32, key_set: &WasmKeySet) -> JsResult<bool> {
        let at = crate::verifier::SlotRef { slot, generation };
        match self.inner.revalidate(at, &key_set.inner, now_seconds()) {
            Ok(r) => Ok(r == crate::verifier::Revalidated::Valid),
            Err(e) => Err(to_js_error(e)),
        }
    }

    /// `check` with the token in the input buffer (`len` bytes).
    pub fn check(&mut self, len: usize, key_set: &WasmKeySet) -> JsResult<JsValue> {
        run_check_with(len, KeySource::Parsed(&key_set.inner), None, &self.inner.options)
    }

    #[wasm_bindgen(js_name = checkWithPolicy)]
    pub fn check_with_policy(&mut self, len: usize, key_set: &WasmKeySet, policy: &WasmPolicy) -> JsResult<JsValue> {
        run_check_with(len, KeySource::Parsed(&key_set.inner), Some(&policy.inner), &self.inner.options)
    }

    /// `{ hits, misses, size }`, or `null` without a cache.
    #[wasm_bindgen(js_name = cacheStats)]
    pub fn cache_stats(&self) -> JsResult<JsValue> {
        match self.inner.cache() {
            None => Ok(JsValue::NULL),
            Some(c) => to_js(&serde_json::json!({ "hits": c.hits, "misses": c.misses, "size": c.len() })),
        }
    }

    #[wasm_bindgen(js_name = clearCache)]
    pub fn clear_cache(&mut self) {
        self.inner.clear_cache();
    }
}
