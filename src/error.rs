//! The core error type: a stable code plus the details a person needs to act on it.
//!
//! Codes follow jose's names wherever jose has one, so callers migrating from jose keep their `switch`es.
//! The wasm binding layer maps [`Error`] to a JS `OidcTrustError` in one place (`src/wasm/`).

use core::fmt;
use serde::Serialize;

/// Stable error codes. The string form (`as_str`) is part of the public API.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum ErrorCode {
    /// Malformed compact JWS: segments, base64url, header JSON.
    #[serde(rename = "ERR_JWS_INVALID")]
    JwsInvalid,
    /// The payload is not a JSON object (or otherwise not a JWT).
    #[serde(rename = "ERR_JWT_INVALID")]
    JwtInvalid,
    #[serde(rename = "ERR_JWS_SIGNATURE_VERIFICATION_FAILED")]
    SignatureVerificationFailed,
    #[serde(rename = "ERR_JOSE_ALG_NOT_ALLOWED")]
    AlgNotAllowed,
    #[serde(rename = "ERR_JOSE_NOT_SUPPORTED")]
    NotSupported,
    #[serde(rename = "ERR_JWKS_INVALID")]
    JwksInvalid,
    #[serde(rename = "ERR_JWK_INVALID")]
    JwkInvalid,
    #[serde(rename = "ERR_JWKS_NO_MATCHING_KEY")]
    JwksNoMatchingKey,
    #[serde(rename = "ERR_JWKS_MULTIPLE_MATCHING_KEYS")]
    JwksMultipleMatchingKeys,
    #[serde(rename = "ERR_JWT_EXPIRED")]
    JwtExpired,
    #[serde(rename = "ERR_JWT_CLAIM_VALIDATION_FAILED")]
    ClaimValidationFailed,
    /// A trust policy document that cannot be compiled.
    #[serde(rename = "ERR_POLICY_INVALID")]
    PolicyInvalid,
    /// The caller passed something the API does not accept (wrong type, unknown option value).
    #[serde(rename = "ERR_INVALID_ARGUMENT")]
    InvalidArgument,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::JwsInvalid => "ERR_JWS_INVALID",
            ErrorCode::JwtInvalid => "ERR_JWT_INVALID",
            ErrorCode::SignatureVerificationFailed => "ERR_JWS_SIGNATURE_VERIFICATION_FAILED",
            ErrorCode::AlgNotAllowed => "ERR_JOSE_ALG_NOT_ALLOWED",
            ErrorCode::NotSupported => "ERR_JOSE_NOT_SUPPORTED",
            ErrorCode::JwksInvalid => "ERR_JWKS_INVALID",
            ErrorCode::JwkInvalid => "ERR_JWK_INVALID",
            ErrorCode::JwksNoMatchingKey => "ERR_JWKS_NO_MATCHING_KEY",
            ErrorCode::JwksMultipleMatchingKeys => "ERR_JWKS_MULTIPLE_MATCHING_KEYS",
            ErrorCode::JwtExpired => "ERR_JWT_EXPIRED",
            ErrorCode::ClaimValidationFailed => "ERR_JWT_CLAIM_VALIDATION_FAILED",
            ErrorCode::PolicyInvalid => "ERR_POLICY_INVALID",
            ErrorCode::InvalidArgument => "ERR_INVALID_ARGUMENT",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error with a stable [`ErrorCode`], a human message and optional structured details.
///
/// Boxed so that `Result<T, Error>` stays one pointer wide on the hot path; fields are reached through
/// `Deref` (`err.code`, `err.claim`).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(transparent)]
pub struct Error(Box<ErrorDetails>);

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorDetails {
    pub code: ErrorCode,
    pub message: String,
    /// The claim that failed (`exp`, `aud`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claim: Option<String>,
    /// Short machine-friendly reason (`check_failed`, `missing`, `invalid_type`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actual: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kid: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alg: Option<String>,
    /// JSON path inside a policy document or JWKS (`$.Statement[0].Condition`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Byte/char position inside an expression (policy dialects with their own syntax).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<usize>,
    /// 1-based line/column of a JSON syntax error in a document the caller pasted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
}

impl Error {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Error(Box::new(ErrorDetails {
            code,
            message: message.into(),
            claim: None,
            reason: None,
            expected: None,
            actual: None,
            kid: None,
            alg: None,
            path: None,
            position: None,
            line: None,
            column: None,
        }))
    }

    pub fn jws(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::JwsInvalid, message)
    }

    pub fn jwt(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::JwtInvalid, message)
    }

    /// `ERR_JWT_CLAIM_VALIDATION_FAILED` for `claim` with a machine `reason`.
    pub fn claim(claim: &str, reason: &str, message: impl Into<String>) -> Self {
        Self::new(ErrorCode::ClaimValidationFailed, message)
            .with_claim(claim)
            .with_reason(reason)
    }

    pub fn policy(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(ErrorCode::PolicyInvalid, message).with_path(path)
    }

    pub fn invalid_argument(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidArgument, message)
    }

    pub fn with_claim(mut self, claim: impl Into<String>) -> Self {
        self.claim = Some(claim.into());
        self
    }
    pub fn with_reason(mut self, reason: impl Into<String>) -> Self {
        self.reason = Some(reason.into());
        self
    }
    pub fn with_expected(mut self, v: impl Into<serde_json::Value>) -> Self {
        self.expected = Some(v.into());
        self
    }
    pub fn with_actual(mut self, v: impl Into<serde_json::Value>) -> Self {
        self.actual = Some(v.into());
        self
    }
    pub fn with_kid(mut self, kid: Option<&str>) -> Self {
        self.kid = kid.map(str::to_owned);
        self
    }
    pub fn with_alg(mut self, alg: impl Into<String>) -> Self {
        self.alg = Some(alg.into());
        self
    }
    pub fn with_path(mut self, path: impl Into<String>) -> Self {
        self.path = Some(path.into());
        self
    }
    pub fn with_position(mut self, position: usize) -> Self {
        self.position = Some(position);
        self
    }
    /// Attaches where a JSON text stopped parsing (ignored when unknown, i.e. 0).
    pub fn with_json_location(mut self, e: &crate::json::JsonError) -> Self {
        if e.line > 0 {
            self.line = Some(e.line);
            self.column = Some(e.column);
        }
        self
    }
}

impl core::ops::Deref for Error {
    type Target = ErrorDetails;
    fn deref(&self) -> &ErrorDetails {
        &self.0
    }
}

impl core::ops::DerefMut for Error {
    fn deref_mut(&mut self) -> &mut ErrorDetails {
        &mut self.0
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for Error {}

pub type Result<T, E = Error> = core::result::Result<T, E>;
