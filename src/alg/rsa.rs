//! RSASSA-PKCS1-v1_5 (RS*) and RSASSA-PSS (PS*) verification, RFC 8017 §8.
//!
//! Split in two on purpose: [`public_op`] is the only place that does big-number arithmetic (a faster
//! Montgomery implementation can replace it), while the padding checks below it never change. Both padding
//! checks *re-encode* what a valid signature must look like and compare, instead of parsing what the signature
//! contains, so BER/ASN.1 tricks (Bleichenbacher 2006, CVE-2006-4339) have nothing to hide in.

use core::fmt;

use ::rsa::BigUint;

/// RFC 7518 §3.3: keys below 2048 bits MUST NOT be used.
pub const MIN_MODULUS_BITS: usize = 2048;
/// Above this the public operation gets slow enough to be a denial-of-service lever (and nobody publishes them).
pub const MAX_MODULUS_BITS: usize = super::rsa_fast::MAX_MODULUS_BITS;
/// The `rsa` crate's limit; also keeps the modexp cost bounded by the modulus size, not the exponent.
pub const MAX_EXPONENT: u64 = u32::MAX as u64;

/// A validated RSA public key. Construction checks everything; verification only does arithmetic.
#[derive(Clone)]
pub struct RsaKey {
    n: BigUint,
    e: BigUint,
    bits: usize,
    /// The same key as the `rsa` crate sees it, for jwt-compact's `Rsa` (used as a cross-check in tests).
    inner: ::rsa::RsaPublicKey,
    /// Montgomery parameters precomputed once; every verification runs on these.
    fast: super::rsa_fast::RsaPublic,
}

impl fmt::Debug for RsaKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RsaKey")
            .field("bits", &self.bits)
            .field("e", &self.e.to_string())
            .finish()
    }
}

impl RsaKey {
    /// Builds a key from the big-endian `n` and `e` of a JWK. Leading zero bytes are tolerated: the value is
    /// what counts, and the thumbprint is computed from the canonical form anyway.
    pub fn from_components(n: &[u8], e: &[u8]) -> Result<RsaKey, String> {
        let n = BigUint::from_bytes_be(n);
        let e = BigUint::from_bytes_be(e);
        let bits = n.bits();
        if bits < MIN_MODULUS_BITS {
            return Err(format!(
                "RSA modulus is {bits} bits, at least {MIN_MODULUS_BITS} required"
            ));
        }
        if bits > MAX_MODULUS_BITS {
            return Err(format!(
                "RSA modulus is {bits} bits, at most {MAX_MODULUS_BITS} supported"
            ));
        }
        if !is_odd(&n) {
            return Err("RSA modulus is even".to_owned());
        }
        let e_small: Option<u64> = if e.bits() <= 64 { Some(to_u64(&e)) } else { None };
        match e_small {
            None => {
                return Err(format!(
                    "RSA public exponent is {} bits, at most 32 supported",
                    e.bits()
                ))
            }
            Some(v) if v > MAX_EXPONENT => {
                return Err(format!("RSA public exponent {v} is too large (at most 2^32 - 1)"))
            }
            Some(v) if v <= 1 => {
                return Err(format!(
                    "RSA public exponent {v} is invalid: it must be odd and greater than 1"
                ))
            }
            Some(v) if v % 2 == 0 => return Err(format!("RSA public exponent {v} is even: it must be odd")),
            Some(_) => {}
        }
        if let Some(fingerprint) = roca_fingerprint(&n) {
            return Err(fingerprint);
        }
        let inner = ::rsa::RsaPublicKey::new_with_max_size(n.clone(), e.clone(), MAX_MODULUS_BITS)
            .map_err(|err| format!("RSA key rejected: {err}"))?;
        let fast = super::rsa_fast::RsaPublic::from_be_bytes(&n.to_bytes_be(), &e.to_bytes_be())
            .map_err(|err| format!("RSA key rejected: {err}"))?;
        Ok(RsaKey {
            bits,
            n,
            e,
            inner,
            fast,
        })
    }

    pub fn modulus_bits(&self) -> usize {
        self.bits
    }

    /// Canonical big-endian modulus (no leading zeros), as RFC 7638 thumbprints need it.
    pub fn n_bytes(&self) -> Vec<u8> {
        self.n.to_bytes_be()
    }

    pub fn e_bytes(&self) -> Vec<u8> {
        self.e.to_bytes_be()
    }

    pub fn modulus(&self) -> &BigUint {
        &self.n
    }

    pub fn exponent(&self) -> &BigUint {
        &self.e
    }

    /// The key in the `rsa` crate's type (what jwt-compact's `Rsa` algorithm verifies with).
    pub fn as_rsa_crate_key(&self) -> &::rsa::RsaPublicKey {
        &self.inner
    }
}

fn is_odd(v: &BigUint) -> bool {
    v.to_bytes_le().first().is_some_and(|b| b & 1 == 1)
}

fn to_u64(v: &BigUint) -> u64 {
    v.to_bytes_be().iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b))
}

fn mod_small(n: &BigUint, p: u32) -> u32 {
    // Horner over the bytes: avoids depending on which `%` overloads the bigint crate offers.
    let p = u64::from(p);
    let r = n
        .to_bytes_be()
        .iter()
        .fold(0u64, |acc, b| ((acc << 8) | u64::from(*b)) % p);
    r as u32
}

/// Detects moduli generated by Infineon's flawed library (ROCA, CVE-2017-15361): their primes have the form
/// `k·M + 65537^a mod M`, so `n mod p` lies in the subgroup generated by 65537 for every small prime `p` of `M`.
/// A random modulus passes all 38 tests with negligible probability. Same test as the ROCA authors' detector;
/// the subgroups are computed here instead of copied as bitmasks.
fn roca_fingerprint(n: &BigUint) -> Option<String> {
    const PRIMES: [u32; 38] = [
        3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97, 101, 103, 107,
        109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167,
    ];
    for p in PRIMES {
        let residue = mod_small(n, p);
        let generator = 65537 % p;
        let mut x = 1u32;
        let mut in_subgroup = false;
        // The subgroup has at most p - 1 elements; walk it once.
        for _ in 0..p {
            if x == residue {
                in_subgroup = true;
                break;
            }
            x = x * generator % p;
            if x == 1 {
                in_subgroup = residue == 1;
                break;
            }
        }
        if !in_subgroup {
            return None;
        }
    }
    Some(
        "RSA modulus has the ROCA fingerprint (CVE-2017-15361): it was generated by a flawed Infineon \
          library and its private key can be recovered"
            .to_owned(),
    )
}

/// The RSA public operation `s^e mod n`, returned as exactly `k` bytes (I2OSP). `None` when the signature is not
/// exactly `k` bytes long or is not less than `n` (RFC 8017 §5.2.2 and §8.x.2 step 1). Runs on the
/// precomputed Montgomery form ([`super::rsa_fast`]); verification involves public data only, so it is variable-time.
pub fn public_op(key: &RsaKey, signature: &[u8]) -> Option<Vec<u8>> {
    key.fast.public_op(signature)
}

pub use super::rsa_fast::HashAlg;

/// RSASSA-PKCS1-v1_5 (RS*): the encoded message must equal the one valid encoding of the digest.
pub fn verify_pkcs1v15(key: &RsaKey, hash: HashAlg, message: &[u8], signature: &[u8]) -> bool {
    super::rsa_fast::verify_rs(&key.fast, hash, message, signature)
}

/// RSASSA-PSS (PS*) with MGF1 on the same hash and a salt as long as the hash, as JWS requires.
pub fn verify_pss(key: &RsaKey, hash: HashAlg, message: &[u8], signature: &[u8]) -> bool {
    super::rsa_fast::verify_ps(&key.fast, hash, message, signature)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn test_modulus_2048() -> Vec<u8> {
        // 2^2047 + 2^1024 + 1 style values are not real keys but are odd, 2048-bit and fine for range checks.
        let mut n = vec![0u8; 256];
        n[0] = 0x80;
        n[255] = 0x01;
        n[100] = 0x5a;
        n
    }

    #[test]
    fn rejects_short_modulus_and_bad_exponents() {
        let short = [0xc3u8; 128];
        let err = RsaKey::from_components(&short, &[1, 0, 1]).unwrap_err();
        assert!(err.contains("1024 bits, at least 2048"), "{err}");

        let n = test_modulus_2048();
        assert!(RsaKey::from_components(&n, &[1])
            .unwrap_err()
            .contains("greater than 1"));
        assert!(RsaKey::from_components(&n, &[]).unwrap_err().contains("greater than 1"));
        assert!(RsaKey::from_components(&n, &[1, 0, 0]).unwrap_err().contains("even"));
        let huge = [0xffu8; 9];
        assert!(RsaKey::from_components(&n, &huge).unwrap_err().contains("at most 32"));
        assert!(RsaKey::from_components(&n, &[3, 0, 0, 0, 1])
            .unwrap_err()
            .contains("too large"));
        // e = 3 is allowed (see docs/keys-policy.md).
        assert!(RsaKey::from_components(&n, &[3]).is_ok());
        assert!(RsaKey::from_components(&n, &[1, 0, 1]).is_ok());
        let mut even = n.clone();
        even[255] = 0x02;
        assert!(RsaKey::from_components(&even, &[1, 0, 1]).unwrap_err().contains("even"));
    }

    #[test]
    fn leading_zero_bytes_do_not_change_the_key() {
        let n = test_modulus_2048();
        let mut padded = vec![0u8, 0u8];
        padded.extend_from_slice(&n);
        let a = RsaKey::from_components(&n, &[1, 0, 1]).unwrap();
        let b = RsaKey::from_components(&padded, &[0, 1, 0, 1]).unwrap();
        assert_eq!(a.n_bytes(), b.n_bytes());
        assert_eq!(b.e_bytes(), vec![1, 0, 1]);
        assert_eq!(b.modulus_bits(), 2048);
    }

    #[test]
    fn public_op_enforces_exact_length_and_range() {
        let n = test_modulus_2048();
        let key = RsaKey::from_components(&n, &[1, 0, 1]).unwrap();
        assert!(public_op(&key, &[1u8; 255]).is_none());
        assert!(public_op(&key, &[1u8; 257]).is_none());
        assert!(public_op(&key, &n).is_none(), "s = n must be rejected");
        let mut big = n.clone();
        big[0] = 0xff;
        assert!(public_op(&key, &big).is_none());
        let mut one = vec![0u8; 256];
        one[255] = 1;
        assert_eq!(public_op(&key, &one).unwrap(), one, "1^e = 1, left-padded to k bytes");
        assert!(!verify_pkcs1v15(&key, HashAlg::Sha256, b"x", &[]));
        assert!(!verify_pss(&key, HashAlg::Sha256, b"x", &one));
    }

    #[test]
    fn roca_detector_matches_the_published_masks() {
        // The ROCA detector's first masks: bit r set when residue r is in <65537> mod p.
        for (p, mask) in [(3u32, 6u64), (5, 30), (7, 126), (11, 1026), (13, 5658)] {
            let mut computed = 0u64;
            for r in 0..p {
                let mut x = 1u32;
                for _ in 0..p {
                    if x == r {
                        computed |= 1 << r;
                    }
                    x = x * (65537 % p) % p;
                }
            }
            assert_eq!(computed, mask, "p = {p}");
        }
        assert!(roca_fingerprint(&BigUint::from_bytes_be(&test_modulus_2048())).is_none());
    }
}
