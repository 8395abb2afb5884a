//! RSA signature encodings checked after the public-key operation: EMSA-PKCS1-v1_5 (RS*) and EMSA-PSS (PS*).
//!
//! PKCS#1 v1.5 is verified the way RFC 8017 §8.2.2 prescribes: build the one valid encoding of the digest and
//! compare it byte for byte. We never parse the DigestInfo ASN.1, which is how BER-laxness and
//! "garbage in the padding" signature forgeries happen. Only public data is compared, so the compare need not be
//! constant-time.

use sha2::{Digest, Sha256, Sha384, Sha512};

/// The SHA-2 functions JWS uses with RSA.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HashAlg {
    Sha256,
    Sha384,
    Sha512,
}

/// A digest of at most 64 bytes, returned by value so hashing needs no allocation.
#[derive(Clone, Copy, Debug)]
pub struct HashOutput {
    buf: [u8; 64],
    len: usize,
}

impl HashOutput {
    pub fn as_slice(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

impl HashAlg {
    /// Digest length in bytes.
    pub fn output_len(self) -> usize {
        match self {
            HashAlg::Sha256 => 32,
            HashAlg::Sha384 => 48,
            HashAlg::Sha512 => 64,
        }
    }

    /// DER `DigestInfo` up to (and including) the OCTET STRING header: `SEQUENCE { SEQUENCE { OID, NULL },
    /// OCTET STRING }` from RFC 8017 §9.2 note 1. The digest follows it.
    fn digest_info_prefix(self) -> &'static [u8] {
        match self {
            HashAlg::Sha256 => &[
                0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00,
                0x04, 0x20,
            ],
            HashAlg::Sha384 => &[
                0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00,
                0x04, 0x30,
            ],
            HashAlg::Sha512 => &[
                0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00,
                0x04, 0x40,
            ],
        }
    }

    /// Hash of the concatenation of `parts`.
    pub fn digest_parts(self, parts: &[&[u8]]) -> HashOutput {
        fn run<D: Digest>(parts: &[&[u8]], out: &mut [u8; 64]) -> usize {
            let mut h = D::new();
            for p in parts {
                h.update(p);
            }
            let d = h.finalize();
            let len = d.len().min(64);
            out[..len].copy_from_slice(&d[..len]);
            len
        }
        let mut buf = [0u8; 64];
        let len = match self {
            HashAlg::Sha256 => run::<Sha256>(parts, &mut buf),
            HashAlg::Sha384 => run::<Sha384>(parts, &mut buf),
            HashAlg::Sha512 => run::<Sha512>(parts, &mut buf),
        };
        HashOutput { buf, len }
    }

    pub fn digest(self, message: &[u8]) -> HashOutput {
        self.digest_parts(&[message])
    }
}

/// EMSA-PKCS1-v1_5 check (RFC 8017 §8.2.2 steps 3–4): `em` (the k-byte output of the public operation) must
/// equal `0x00 0x01 FF..FF 0x00 DigestInfo(hash, digest)` with at least 8 bytes of `FF`.
///
/// Equivalent to constructing the expected encoding and comparing it whole, without the allocation. A
/// DigestInfo without the `NULL` parameters (Wycheproof "MissingNull", "acceptable") is rejected.
pub fn verify_pkcs1v15(em: &[u8], hash: HashAlg, digest: &[u8]) -> bool {
    let prefix = hash.digest_info_prefix();
    if digest.len() != hash.output_len() {
        return false;
    }
    let t_len = prefix.len() + digest.len();
    // k >= tLen + 11: room for 00 01, eight FF, 00 (RFC 8017 §9.2 step 3)
    let Some(ps_len) = em.len().checked_sub(t_len + 3) else {
        return false;
    };
    if ps_len < 8 {
        return false;
    }
    let (head, rest) = em.split_at(2);
    let (ps, rest) = rest.split_at(ps_len);
    let (sep, rest) = rest.split_at(1);
    let (pre, dig) = rest.split_at(prefix.len());
    head == [0x00, 0x01] && ps.iter().all(|&b| b == 0xff) && sep == [0x00] && pre == prefix && dig == digest
}

/// EMSA-PSS-VERIFY (RFC 8017 §9.1.2) with MGF1 over the same hash and salt length = hash length, as JWS PS*
/// requires (RFC 7518 §3.5).
///
/// `em` is the k-byte big-endian output of the public operation, `mod_bits` the modulus size in bits.
/// emBits = modBits - 1, so when modBits ≡ 1 (mod 8) the encoded message is one byte shorter than `em` and that
/// leading byte must be zero (§8.1.2 step 2c, I2OSP to emLen).
pub fn verify_pss(em: &[u8], mod_bits: usize, hash: HashAlg, digest: &[u8]) -> bool {
    let h_len = hash.output_len();
    let s_len = h_len;
    if digest.len() != h_len || mod_bits < 2 || em.len() != mod_bits.div_ceil(8) {
        return false;
    }
    let em_bits = mod_bits - 1;
    let em_len = em_bits.div_ceil(8);
    // em.len() - em_len is 0 or 1; the dropped byte must be zero.
    let (lead, em) = em.split_at(em.len() - em_len);
    if lead.iter().any(|&b| b != 0) {
        return false;
    }
    // step 3
    if em_len < h_len + s_len + 2 {
        return false;
    }
    // step 4
    if em.last() != Some(&0xbc) {
        return false;
    }
    // step 5
    let db_len = em_len - h_len - 1;
    let (masked_db, rest) = em.split_at(db_len);
    let h = &rest[..h_len];
    // step 6: the 8·emLen − emBits leftmost bits of maskedDB must be zero
    let unused_bits = 8 * em_len - em_bits;
    let top_mask: u8 = 0xff >> unused_bits;
    if masked_db.first().is_none_or(|&b| b & !top_mask != 0) {
        return false;
    }
    // steps 7–9: DB = maskedDB xor MGF1(H, dbLen), top bits cleared. db_len < MAX_MODULUS_BYTES by construction.
    let mut db_buf = [0u8; super::MAX_MODULUS_BYTES];
    let Some(db) = db_buf.get_mut(..db_len) else {
        return false;
    };
    db.copy_from_slice(masked_db);
    mgf1_xor(hash, h, db);
    db[0] &= top_mask;
    // step 10: PS zeros, then 0x01, then the salt
    let ps_len = db_len - s_len - 1;
    if db[..ps_len].iter().any(|&b| b != 0) || db[ps_len] != 0x01 {
        return false;
    }
    let salt = &db[ps_len + 1..];
    // steps 12–14: H' = Hash(00·8 || mHash || salt)
    let h2 = hash.digest_parts(&[&[0u8; 8], digest, salt]);
    h2.as_slice() == h
}

/// `out ^= MGF1(seed, out.len())` (RFC 8017 §B.2.1).
fn mgf1_xor(hash: HashAlg, seed: &[u8], out: &mut [u8]) {
    let h_len = hash.output_len();
    for (counter, chunk) in out.chunks_mut(h_len).enumerate() {
        let c = (counter as u32).to_be_bytes();
        let block = hash.digest_parts(&[seed, &c]);
        for (o, m) in chunk.iter_mut().zip(block.as_slice()) {
            *o ^= m;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pkcs1_em(k: usize, hash: HashAlg, digest: &[u8]) -> Vec<u8> {
        let prefix = hash.digest_info_prefix();
        let mut em = vec![0x00, 0x01];
        em.resize(k - prefix.len() - digest.len() - 1, 0xff);
        em.push(0);
        em.extend_from_slice(prefix);
        em.extend_from_slice(digest);
        em
    }

    #[test]
    fn pkcs1_accepts_only_the_exact_encoding() {
        for hash in [HashAlg::Sha256, HashAlg::Sha384, HashAlg::Sha512] {
            let d = hash.digest(b"abc");
            let em = pkcs1_em(256, hash, d.as_slice());
            assert_eq!(em.len(), 256);
            assert!(verify_pkcs1v15(&em, hash, d.as_slice()));
            for i in 0..em.len() {
                let mut bad = em.clone();
                bad[i] ^= 0x01;
                assert!(!verify_pkcs1v15(&bad, hash, d.as_slice()), "flip at {i}");
            }
            assert!(!verify_pkcs1v15(&em[1..], hash, d.as_slice()));
            assert!(!verify_pkcs1v15(&em, hash, &d.as_slice()[1..]));
        }
        let d = HashAlg::Sha256.digest(b"abc");
        // shortest legal k: 8 bytes of FF
        let em = pkcs1_em(19 + 32 + 11, HashAlg::Sha256, d.as_slice());
        assert!(verify_pkcs1v15(&em, HashAlg::Sha256, d.as_slice()));
        let em = pkcs1_em(19 + 32 + 10, HashAlg::Sha256, d.as_slice());
        assert!(!verify_pkcs1v15(&em, HashAlg::Sha256, d.as_slice()));
        assert!(!verify_pkcs1v15(&[], HashAlg::Sha256, d.as_slice()));
    }

    /// Builds an EMSA-PSS encoding (RFC 8017 §9.1.1) for the tests.
    fn pss_encode(mod_bits: usize, hash: HashAlg, digest: &[u8], salt: &[u8]) -> Vec<u8> {
        let h_len = hash.output_len();
        let em_bits = mod_bits - 1;
        let em_len = em_bits.div_ceil(8);
        let h = hash.digest_parts(&[&[0u8; 8], digest, salt]);
        let db_len = em_len - h_len - 1;
        let mut db = vec![0u8; db_len - salt.len() - 1];
        db.push(1);
        db.extend_from_slice(salt);
        mgf1_xor(hash, h.as_slice(), &mut db);
        db[0] &= 0xff >> (8 * em_len - em_bits);
        let mut em = vec![0u8; mod_bits.div_ceil(8) - em_len];
        em.extend_from_slice(&db);
        em.extend_from_slice(h.as_slice());
        em.push(0xbc);
        em
    }

    #[test]
    fn pss_round_trip_and_mutations() {
        for mod_bits in [2048usize, 2047, 2049, 3072, 4096] {
            for hash in [HashAlg::Sha256, HashAlg::Sha384, HashAlg::Sha512] {
                let d = hash.digest(b"msg");
                let salt = vec![0x5a; hash.output_len()];
                let em = pss_encode(mod_bits, hash, d.as_slice(), &salt);
                assert_eq!(em.len(), mod_bits.div_ceil(8));
                assert!(verify_pss(&em, mod_bits, hash, d.as_slice()), "{mod_bits} {hash:?}");
                for i in (0..em.len()).step_by(7) {
                    let mut bad = em.clone();
                    bad[i] ^= 0x80;
                    assert!(
                        !verify_pss(&bad, mod_bits, hash, d.as_slice()),
                        "{mod_bits} {hash:?} flip at {i}"
                    );
                }
                // a shorter salt is not accepted: JWS fixes sLen = hLen
                let short = pss_encode(mod_bits, hash, d.as_slice(), &salt[1..]);
                assert!(!verify_pss(&short, mod_bits, hash, d.as_slice()));
                assert!(!verify_pss(&em, mod_bits + 8, hash, d.as_slice()));
                let other = hash.digest(b"other");
                assert!(!verify_pss(&em, mod_bits, hash, other.as_slice()));
            }
        }
    }
}
