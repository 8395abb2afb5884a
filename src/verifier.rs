//! A configured verifier: options (and optionally a policy) parsed once, an optional cache of verified
//! tokens. This is what `createVerifier` in the JS package wraps, one call per request.
//!
//! The cache is keyed by the SHA-256 of the whole token — never a prefix, never a caller-built key — so two
//! tokens share an entry only if they are byte-identical. A hit still re-checks every time-dependent claim
//! rule against the current time, and is dropped when the key that verified it has left the key set.

use crate::check::{self, CheckResult, KeySource};
use crate::claims::{self, VerifyOptions};
use crate::error::Result;
use crate::keys::KeySet;
use crate::policy::Policy;
use crate::verify::{self, VerifiedJwt};
use sha2::{Digest, Sha256};
use std::collections::{HashMap, VecDeque};

type TokenHash = [u8; 32];

struct Entry {
    verified: VerifiedJwt,
    /// `exp` of the token, when it has one: entries past it are purged.
    exp: Option<f64>,
}

/// Bounded map of verified tokens, evicting the oldest insertion first.
pub struct TokenCache {
    max_entries: usize,
    entries: HashMap<TokenHash, Entry>,
    order: VecDeque<TokenHash>,
    pub hits: u64,
    pub misses: u64,
}

impl TokenCache {
    pub fn new(max_entries: usize) -> TokenCache {
        TokenCache { max_entries, entries: HashMap::new(), order: VecDeque::new(), hits: 0, misses: 0 }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn clear(&mut self) {
        self.entries.clear();
        self.order.clear();
    }

    fn hash(token: &str) -> TokenHash {
        Sha256::digest(token.as_bytes()).into()
    }

    fn insert(&mut self, hash: TokenHash, verified: VerifiedJwt, now: f64) {
        if self.max_entries == 0 {
            return;
        }
        if self.entries.len() >= self.max_entries {
            self.entries.retain(|_, e| e.exp.is_none_or(|exp| exp > now));
            self.order.retain(|h| self.entries.contains_key(h));
        }
        while self.entries.len() >= self.max_entries {
            match self.order.pop_front() {
                Some(old) => {
                    self.entries.remove(&old);
                }
                None => break,
            }
        }
        let exp = verified.claims.get("exp").and_then(serde_json::Value::as_f64);
        if self.entries.insert(hash, Entry { verified, exp }).is_none() {
            self.order.push_back(hash);
        }
    }

    fn remove(&mut self, hash: &TokenHash) {
        if self.entries.remove(hash).is_some() {
            self.order.retain(|h| h != hash);
        }
    }
}

pub struct Verifier {
    pub options: VerifyOptions,
    pub policy: Option<Policy>,
    cache: Option<TokenCache>,
}

impl Verifier {
    pub fn new(options: VerifyOptions, policy: Option<Policy>, cache_max_entries: Option<usize>) -> Result<Verifier> {
        options.validate()?;
        Ok(Verifier { options, policy, cache: cache_max_entries.map(TokenCache::new) })
    }

    pub fn cache(&self) -> Option<&TokenCache> {
        self.cache.as_ref()
    }

    pub fn clear_cache(&mut self) {
        if let Some(c) = &mut self.cache {
            c.clear();
        }
    }

    /// Verifies `token`; with a cache, a byte-identical token verified before by a key still in `keys`
    /// skips the signature check but not the claim rules.
    pub fn verify(&mut self, token: &str, keys: &KeySet, now: f64) -> Result<VerifiedJwt> {
        let now = self.options.current_date.unwrap_or(now);
        let Some(cache) = &mut self.cache else {
            return verify::verify(token, keys, &self.options, now);
        };
        let hash = TokenCache::hash(token);
        if let Some(entry) = cache.entries.get(&hash) {
            if keys.keys.iter().any(|k| k.thumbprint == entry.verified.key.thumbprint) {
                // Time passes between hits: exp/nbf/iat/maxTokenAge are checked again.
                let checked = claims::validate(&entry.verified.header, &entry.verified.claims, &self.options, now);
                match checked {
                    Ok(()) => {
                        cache.hits += 1;
                        return Ok(entry.verified.clone());
                    }
                    Err(e) => {
                        cache.remove(&hash);
                        return Err(e);
                    }
                }
            }
            // The key that verified it is gone (rotation): verify from scratch.
            cache.remove(&hash);
        }
        cache.misses += 1;
        let verified = verify::verify(token, keys, &self.options, now)?;
        cache.insert(hash, verified.clone(), now);
        Ok(verified)
    }

    pub fn check(&mut self, token: &str, keys: KeySource<'_>, now: f64) -> CheckResult {
        check::check(token, keys, self.policy.as_ref(), &self.options, now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;
    use crate::keys::KeySetOptions;
    use crate::mint::{TestIssuer, TestIssuerOptions};
    use serde_json::json;

    const NOW: f64 = 1_700_000_000.0;

    fn issuer() -> (TestIssuer, KeySet) {
        let iss = TestIssuer::generate(&TestIssuerOptions::default()).unwrap();
        let keys = KeySet::from_jwks_value(&iss.jwks(), &KeySetOptions::default()).unwrap();
        (iss, keys)
    }

    fn token(iss: &TestIssuer, claims: serde_json::Value) -> String {
        iss.sign(claims.as_object().unwrap(), &Default::default()).unwrap()
    }

    #[test]
    fn cache_hits_only_identical_tokens_and_rechecks_time() {
        let (iss, keys) = issuer();
        let t = token(&iss, json!({"sub": "a", "exp": NOW + 100.0}));
        let mut v = Verifier::new(VerifyOptions::default(), None, Some(10)).unwrap();
        assert_eq!(v.verify(&t, &keys, NOW).unwrap().claims["sub"], "a");
        assert_eq!(v.verify(&t, &keys, NOW + 1.0).unwrap().claims["sub"], "a");
        let c = v.cache().unwrap();
        assert_eq!((c.hits, c.misses, c.len()), (1, 1, 1));
        // Same header and payload, different signature bytes: a miss, and rejected.
        let (input, _) = t.rsplit_once('.').unwrap();
        let forged = format!("{input}.{}", crate::token::b64url_encode(&[0u8; 64]));
        assert_eq!(v.verify(&forged, &keys, NOW).unwrap_err().code, ErrorCode::SignatureVerificationFailed);
        // Time moves past exp: the cached entry no longer passes and is dropped.
        assert_eq!(v.verify(&t, &keys, NOW + 200.0).unwrap_err().code, ErrorCode::JwtExpired);
        assert_eq!(v.cache().unwrap().len(), 0);
    }

    #[test]
    fn key_rotation_invalidates_entries() {
        let (iss, keys) = issuer();
        let (_, other_keys) = issuer();
        let t = token(&iss, json!({"exp": NOW + 100.0}));
        let mut v = Verifier::new(VerifyOptions::default(), None, Some(10)).unwrap();
        v.verify(&t, &keys, NOW).unwrap();
        let e = v.verify(&t, &other_keys, NOW).unwrap_err();
        assert_eq!(e.code, ErrorCode::JwksNoMatchingKey);
        assert_eq!(v.cache().unwrap().len(), 0);
    }

    #[test]
    fn eviction_is_bounded() {
        let (iss, keys) = issuer();
        let mut v = Verifier::new(VerifyOptions::default(), None, Some(3)).unwrap();
        for i in 0..10 {
            v.verify(&token(&iss, json!({"i": i, "exp": NOW + 100.0})), &keys, NOW).unwrap();
        }
        assert_eq!(v.cache().unwrap().len(), 3);
        let mut none = Verifier::new(VerifyOptions::default(), None, Some(0)).unwrap();
        none.verify(&token(&iss, json!({"exp": NOW + 100.0})), &keys, NOW).unwrap();
        assert_eq!(none.cache().unwrap().len(), 0);
    }

    #[test]
    fn options_checked_once_at_construction() {
        let bad = VerifyOptions { clock_tolerance: -5.0, ..Default::default() };
        assert_eq!(Verifier::new(bad, None, None).err().map(|e| e.code), Some(ErrorCode::InvalidArgument));
    }
}
