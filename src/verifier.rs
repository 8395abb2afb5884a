//! A configured verifier: options (and optionally a policy) parsed once, an optional cache of verified
//! tokens. This is what `createVerifier` in the JS package wraps, one call per request.
//!
//! The cache is keyed by the SHA-256 of the whole token — never a prefix, never a caller-built key — so two
//! tokens share an entry only if they are byte-identical. A hit still re-checks every claim rule against the
//! current time, and is dropped when the key that verified it has left the key set.
//!
//! Entries live in numbered slots with a generation that changes whenever a slot is emptied, so a binding can
//! keep its own index from a token to `(slot, generation)` (the JS package maps token strings to results it has
//! already built) and still have every hit decided here: [`Verifier::revalidate`] answers only for the token the
//! slot holds now, with the key set and the time of that call.

use crate::check::{self, CheckResult, KeySource};
use crate::claims::{self, VerifyOptions};
use crate::error::Result;
use crate::keys::KeySet;
use crate::policy::Policy;
use crate::claims::ClaimsView;
use crate::verify::{self, VerifiedJwt, VerifiedToken};
use sha2::{Digest, Sha256};
use std::collections::{HashMap, VecDeque};

type TokenHash = [u8; 32];

struct Entry {
    hash: TokenHash,
    verified: VerifiedToken,
    /// `exp` of the token, when it has one: entries past it are purged.
    exp: Option<f64>,
}

#[derive(Default)]
struct Slot {
    /// Changes (wrapping) every time the slot is emptied, so `(slot, generation)` names one stored token.
    generation: u32,
    entry: Option<Entry>,
}

/// Where the cache holds a verified token: what [`Verifier::revalidate`] takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SlotRef {
    pub slot: u32,
    pub generation: u32,
}

/// What [`Verifier::revalidate`] found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Revalidated {
    /// The slot still holds that token, its key is still in the set, and every claim rule passes now.
    Valid,
    /// The slot no longer holds that token, or its key has left the set (the entry is then dropped): verify the
    /// token from scratch.
    Stale,
}

/// Bounded map of verified tokens, evicting the oldest insertion first.
pub struct TokenCache {
    max_entries: usize,
    index: HashMap<TokenHash, usize>,
    slots: Vec<Slot>,
    free: Vec<usize>,
    /// Insertion order as `(slot, generation)`; pairs whose slot has moved on are skipped (and compacted away).
    order: VecDeque<(usize, u32)>,
    pub hits: u64,
    pub misses: u64,
}

impl TokenCache {
    pub fn new(max_entries: usize) -> TokenCache {
        TokenCache {
            max_entries,
            index: HashMap::new(),
            slots: Vec::new(),
            free: Vec::new(),
            order: VecDeque::new(),
            hits: 0,
            misses: 0,
        }
    }

    pub fn len(&self) -> usize {
        self.index.len()
    }

    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }

    /// How many slots exist (never more than `max_entries`).
    pub fn slot_count(&self) -> usize {
        self.slots.len()
    }

    pub fn clear(&mut self) {
        for i in 0..self.slots.len() {
            self.empty_slot(i);
        }
        self.order.clear();
    }

    fn hash(token: &str) -> TokenHash {
        Sha256::digest(token.as_bytes()).into()
    }

    fn live(&self, slot: usize, generation: u32) -> bool {
        self.slots.get(slot).is_some_and(|s| s.generation == generation && s.entry.is_some())
    }

    fn empty_slot(&mut self, slot: usize) {
        let Some(s) = self.slots.get_mut(slot) else { return };
        if let Some(entry) = s.entry.take() {
            s.generation = s.generation.wrapping_add(1);
            self.index.remove(&entry.hash);
            self.free.push(slot);
        }
    }

    fn insert(&mut self, hash: TokenHash, verified: VerifiedToken, now: f64) -> Option<SlotRef> {
        if self.max_entries == 0 {
            return None;
        }
        if let Some(&slot) = self.index.get(&hash) {
            self.empty_slot(slot);
        }
        if self.len() >= self.max_entries {
            for i in 0..self.slots.len() {
                if self.slots[i].entry.as_ref().is_some_and(|e| e.exp.is_some_and(|exp| exp <= now)) {
                    self.empty_slot(i);
                }
            }
        }
        while self.len() >= self.max_entries {
            match self.order.pop_front() {
                Some((slot, generation)) if self.live(slot, generation) => self.empty_slot(slot),
                Some(_) => {}
                None => break,
            }
        }
        let slot = self.free.pop().unwrap_or_else(|| {
            self.slots.push(Slot::default());
            self.slots.len() - 1
        });
        let exp = verified.claims.claim("exp").and_then(serde_json::Value::as_f64);
        let s = &mut self.slots[slot];
        s.entry = Some(Entry { hash, verified, exp });
        let generation = s.generation;
        self.index.insert(hash, slot);
        self.order.push_back((slot, generation));
        // Removals outside eviction leave stale pairs behind: keep the queue proportional to the cache.
        if self.order.len() > 2 * self.max_entries.max(8) {
            let slots = &self.slots;
            self.order.retain(|&(i, g)| slots[i].generation == g && slots[i].entry.is_some());
        }
        Some(SlotRef { slot: slot as u32, generation })
    }

    /// The hit decision, in one place for both ways of finding an entry.
    fn revalidate(&mut self, opts: &VerifyOptions, slot: usize, generation: u32, keys: &KeySet, now: f64) -> Result<Revalidated> {
        if !self.live(slot, generation) {
            return Ok(Revalidated::Stale);
        }
        let Some(entry) = self.slots[slot].entry.as_ref() else { return Ok(Revalidated::Stale) };
        let thumbprint = entry.verified.key.thumbprint.as_str();
        if !keys.keys.iter().any(|k| k.thumbprint == thumbprint) {
            self.empty_slot(slot);
            return Ok(Revalidated::Stale);
        }
        // Time passes between hits: exp/nbf/iat/maxTokenAge are checked again (with every other claim rule).
        match claims::validate(&entry.verified.header, &entry.verified.claims, opts, now) {
            Ok(()) => {
                self.hits += 1;
                Ok(Revalidated::Valid)
            }
            Err(e) => {
                self.empty_slot(slot);
                Err(e)
            }
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
        self.verify_slot(token, keys, now)?.0.into_jwt()
    }

    /// [`Verifier::verify`], also saying where the cache holds the token (`None` without a cache or when it keeps
    /// nothing): what a binding's own index stores next to its result.
    pub fn verify_slot(&mut self, token: &str, keys: &KeySet, now: f64) -> Result<(VerifiedToken, Option<SlotRef>)> {
        let now = self.options.current_date.unwrap_or(now);
        let Some(cache) = &mut self.cache else {
            return Ok((verify::verify_token(token, keys, &self.options, now)?, None));
        };
        let hash = TokenCache::hash(token);
        if let Some(&slot) = cache.index.get(&hash) {
            let generation = cache.slots[slot].generation;
            if cache.revalidate(&self.options, slot, generation, keys, now)? == Revalidated::Valid {
                if let Some(entry) = &cache.slots[slot].entry {
                    return Ok((entry.verified.clone(), Some(SlotRef { slot: slot as u32, generation })));
                }
            }
        }
        cache.misses += 1;
        let verified = verify::verify_token(token, keys, &self.options, now)?;
        let slot = cache.insert(hash, verified.clone(), now);
        Ok((verified, slot))
    }

    /// A hit in a binding's own index: whether `slot` still holds a token verified by a key in `keys` whose claims
    /// pass every rule at `now` (the options' `currentDate` wins, as in `verify`). A rule that fails now is the
    /// error `verify` would return, and the entry is dropped.
    pub fn revalidate(&mut self, slot: SlotRef, keys: &KeySet, now: f64) -> Result<Revalidated> {
        let now = self.options.current_date.unwrap_or(now);
        match &mut self.cache {
            None => Ok(Revalidated::Stale),
            Some(cache) => cache.revalidate(&self.options, slot.slot as usize, slot.generation, keys, now),
        }
    }

    pub fn check(&mut self, token: &str, keys: KeySource<'_>, now: f64) -> CheckResult {
        check::check(token, keys, self.policy.as_ref(), &self.options, now)
    }
}

#[cfg(all(test, feature = "test-issuer"))]
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
    fn revalidate_decides_every_hit_of_a_bindings_index() {
        let (iss, keys) = issuer();
        let (_, other_keys) = issuer();
        let t = token(&iss, json!({"sub": "a", "exp": NOW + 100.0}));
        let mut v = Verifier::new(VerifyOptions::default(), None, Some(2)).unwrap();
        let (_, slot) = v.verify_slot(&t, &keys, NOW).unwrap();
        let slot = slot.expect("the cache keeps the token");
        assert_eq!(v.revalidate(slot, &keys, NOW + 1.0).unwrap(), Revalidated::Valid);
        assert_eq!(v.cache().unwrap().hits, 1);
        // Another generation of the same slot, or a slot that does not exist: not this token.
        let stale = SlotRef { generation: slot.generation.wrapping_add(1), ..slot };
        assert_eq!(v.revalidate(stale, &keys, NOW).unwrap(), Revalidated::Stale);
        assert_eq!(v.revalidate(SlotRef { slot: 99, generation: 0 }, &keys, NOW).unwrap(), Revalidated::Stale);
        // The key left the set: stale, and the entry is gone for every way of finding it.
        assert_eq!(v.revalidate(slot, &other_keys, NOW).unwrap(), Revalidated::Stale);
        assert_eq!(v.revalidate(slot, &keys, NOW).unwrap(), Revalidated::Stale);
        assert_eq!(v.cache().unwrap().len(), 0);
        // Time moves past exp: the error verify would give, and the entry is dropped.
        let (_, slot) = v.verify_slot(&t, &keys, NOW).unwrap();
        let slot = slot.unwrap();
        assert_eq!(v.revalidate(slot, &keys, NOW + 200.0).unwrap_err().code, ErrorCode::JwtExpired);
        assert_eq!(v.revalidate(slot, &keys, NOW).unwrap(), Revalidated::Stale);
        // The verifier's own clock wins over the caller's, as in verify.
        let fixed = VerifyOptions { current_date: Some(NOW + 500.0), ..Default::default() };
        let mut at = Verifier::new(fixed, None, Some(2)).unwrap();
        assert_eq!(at.verify_slot(&t, &keys, NOW).unwrap_err().code, ErrorCode::JwtExpired);
        // Claim rules other than time are applied on hits too.
        let strict = VerifyOptions { subject: Some("b".into()), ..Default::default() };
        let mut s = Verifier::new(strict, None, Some(2)).unwrap();
        assert_eq!(s.verify_slot(&t, &keys, NOW).unwrap_err().code, ErrorCode::ClaimValidationFailed);
    }

    #[test]
    fn slots_are_bounded_and_reused_with_new_generations() {
        let (iss, keys) = issuer();
        let mut v = Verifier::new(VerifyOptions::default(), None, Some(3)).unwrap();
        let mut refs = Vec::new();
        for i in 0..20 {
            let t = token(&iss, json!({"i": i, "exp": NOW + 100.0}));
            refs.push(v.verify_slot(&t, &keys, NOW).unwrap().1.unwrap());
            let c = v.cache().unwrap();
            assert!(c.len() <= 3 && c.slot_count() <= 3);
            assert!(c.order.len() <= 2 * 8 + 1);
        }
        // Only the last three are still held; every earlier (slot, generation) is stale.
        for (i, r) in refs.iter().enumerate() {
            let want = if i >= 17 { Revalidated::Valid } else { Revalidated::Stale };
            assert_eq!(v.revalidate(*r, &keys, NOW).unwrap(), want, "token {i}");
        }
        // Removals outside eviction (expiry on a hit) keep the insertion queue bounded too.
        for i in 0..50 {
            let t = token(&iss, json!({"j": i, "exp": NOW + 1.0}));
            let r = v.verify_slot(&t, &keys, NOW).unwrap().1.unwrap();
            assert!(v.revalidate(r, &keys, NOW + 5.0).is_err());
            assert!(v.cache().unwrap().order.len() <= 2 * 8 + 1);
        }
        v.clear_cache();
        assert_eq!(v.revalidate(refs[19], &keys, NOW).unwrap(), Revalidated::Stale);
        assert_eq!(v.cache().unwrap().len(), 0);
        let mut none = Verifier::new(VerifyOptions::default(), None, None).unwrap();
        assert_eq!(none.verify_slot(&token(&iss, json!({"exp": NOW + 9.0})), &keys, NOW).unwrap().1, None);
    }

    #[test]
    fn options_checked_once_at_construction() {
        let bad = VerifyOptions { clock_tolerance: -5.0, ..Default::default() };
        assert_eq!(Verifier::new(bad, None, None).err().map(|e| e.code), Some(ErrorCode::InvalidArgument));
    }
}
