//! ES256 (ECDSA on P-256 with SHA-256) verification with a **variable-time** double-scalar multiplication.
//!
//! Why our own: p256 0.13 computes `u1·G + u2·Q` as two independent constant-time scalar multiplications
//! (elliptic-curve's default `LinearCombination`: 4-bit windows, complete projective formulas, a constant-time
//! scan of a 16-entry table per window), which made pure-wasm ES256 7× slower than jose (issue 6). Verification
//! only ever handles public data (key, signature, message), so data-dependent timing leaks nothing.
//!
//! Algorithm, for `u1·G + u2·Q` (Shamir's trick, interleaved wNAF):
//! - Both scalars are recoded to width-w non-adjacent form ([`wnaf`]): digits are 0 or odd in
//!   `(-2^(w-1), 2^(w-1))`, any w consecutive digits hold at most one non-zero, so a 256-bit scalar needs about
//!   256/(w+1) additions. Q uses w = 5 (its table `Q, 3Q, …, 15Q` is built per verification, 1 doubling + 7
//!   additions); G uses w = 7 with a table `G, 3G, …, 63G` in affine coordinates built once per process
//!   ([`OnceLock`]) by the p256 crate's own arithmetic.
//! - One accumulator in Jacobian coordinates `(X : Y : Z)` ↔ `(X/Z², Y/Z³)`, the identity being any `Z = 0`.
//!   Doubling uses the `a = -3` formula (dbl-2001-b, 3M + 5S); additions of a table entry of Q use add-2007-bl
//!   (11M + 5S), of G the mixed formula madd-2007-bl (7M + 4S, the entry has `Z = 1`). These formulas are not
//!   complete: each addition first handles an identity operand, then equal x coordinates (`H = 0`): equal
//!   points are doubled, opposite points give the identity. P-256 has prime order and no point with `y = 0`,
//!   so doubling needs no special case beyond the identity (whose `Z = 0` it keeps).
//! - The final check `x(R) mod n == r` is done without inverting `Z`: `X == r·Z²`, or, when `r + n < p` (only
//!   for `r < p - n ≈ 2^127`), `X == (r + n)·Z²`. `R` = identity is a rejection.
//!
//! The field arithmetic is our own 32-bit-limb Montgomery field ([`field`], file p256_field.rs: p256's own is
//! 64-bit code that wasm32 runs through `u128` emulation). Everything else is the p256 crate's: the key (decoded
//! and checked to be on the curve once, when the JWK is imported), the tables' points, the scalars (`r`, `s` in `[1, n)`,
//! `s⁻¹`, `z` = SHA-256 of the message reduced mod n). The verdicts are those of `p256::ecdsa::VerifyingKey`
//! (high-S accepted, as before); tests/primitives.rs runs the Wycheproof vectors and the tests below compare
//! this module with p256 on random and edge-case signatures, scalars and points.

use std::sync::OnceLock;

use p256::elliptic_curve::ops::{Invert, Reduce};
use p256::elliptic_curve::sec1::ToEncodedPoint;
use p256::elliptic_curve::group::Group;
use p256::elliptic_curve::{Field, PrimeField};
use p256::{AffinePoint, FieldBytes, ProjectivePoint, Scalar, U256};
use sha2::{Digest, Sha256};

#[path = "p256_field.rs"]
mod field;
use field::Fe;

/// A point in affine coordinates (never the identity).
#[derive(Clone, Copy)]
struct Affine {
    x: Fe,
    y: Fe,
}

/// A point in Jacobian coordinates; `Z = 0` is the identity.
#[derive(Clone, Copy)]
struct Jacobian {
    x: Fe,
    y: Fe,
    z: Fe,
}

/// wNAF width for the per-verification point Q (table of 8) and for the generator G (static table of 32).
const W_Q: u32 = 5;
const W_G: u32 = 7;
const G_TABLE: usize = 1 << (W_G - 2);
const Q_TABLE: usize = 1 << (W_Q - 2);

/// `p - n` (big-endian, 16 significant bytes): `r + n < p` iff `r < p - n`.
const P_MINUS_N: [u8; 16] = [
    0x43, 0x19, 0x05, 0x53, 0x58, 0xe8, 0x61, 0x7b, 0x0c, 0x46, 0x35, 0x3d, 0x03, 0x9c, 0xda, 0xae,
];
/// The group order n, big-endian.
const N_BYTES: [u8; 32] = [
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xbc, 0xe6,
    0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
];

impl Affine {
    fn from_point(p: &AffinePoint) -> Option<Affine> {
        let encoded = p.to_encoded_point(false);
        let (x, y): ([u8; 32], [u8; 32]) = ((*encoded.x()?).into(), (*encoded.y()?).into());
        Some(Affine { x: Fe::from_bytes(&x)?, y: Fe::from_bytes(&y)? })
    }

    fn neg(&self) -> Affine {
        Affine { x: self.x, y: self.y.neg() }
    }
}

impl Jacobian {
    const IDENTITY: Jacobian = Jacobian { x: Fe::ONE, y: Fe::ONE, z: Fe::ZERO };

    fn from_affine(p: &Affine) -> Jacobian {
        Jacobian { x: p.x, y: p.y, z: Fe::ONE }
    }

    fn is_identity(&self) -> bool {
        self.z.is_zero()
    }

    fn neg(&self) -> Jacobian {
        Jacobian { x: self.x, y: self.y.neg(), z: self.z }
    }

    /// dbl-2001-b (a = -3). The identity maps to `Z3 = 2·Y·Z = 0`, the identity.
    fn double(&self) -> Jacobian {
        let delta = self.z.square();
        let gamma = self.y.square();
        let beta = self.x.mul(&gamma);
        let t = self.x.sub(&delta).mul(&self.x.add(&delta));
        let alpha = t.double().add(&t);
        let beta4 = beta.double().double();
        let x3 = alpha.square().sub(&beta4.double());
        let z3 = self.y.add(&self.z).square().sub(&gamma).sub(&delta);
        let gamma2_8 = gamma.square().double().double().double();
        let y3 = alpha.mul(&beta4.sub(&x3)).sub(&gamma2_8);
        Jacobian { x: x3, y: y3, z: z3 }
    }

    /// add-2007-bl, with the identity and `H = 0` cases handled.
    fn add(&self, other: &Jacobian) -> Jacobian {
        if self.is_identity() {
            return *other;
        }
        if other.is_identity() {
            return *self;
        }
        let z1z1 = self.z.square();
        let z2z2 = other.z.square();
        let u1 = self.x.mul(&z2z2);
        let u2 = other.x.mul(&z1z1);
        let s1 = self.y.mul(&other.z).mul(&z2z2);
        let s2 = other.y.mul(&self.z).mul(&z1z1);
        let h = u2.sub(&u1);
        let r = s2.sub(&s1).double();
        if h.is_zero() {
            return if r.is_zero() { self.double() } else { Jacobian::IDENTITY };
        }
        let i = h.double().square();
        let j = h.mul(&i);
        let v = u1.mul(&i);
        let x3 = r.square().sub(&j).sub(&v.double());
        let y3 = r.mul(&v.sub(&x3)).sub(&s1.mul(&j).double());
        let z3 = self.z.add(&other.z).square().sub(&z1z1).sub(&z2z2).mul(&h);
        Jacobian { x: x3, y: y3, z: z3 }
    }

    /// madd-2007-bl (`other` has Z = 1), with the identity and `H = 0` cases handled.
    fn add_affine(&self, other: &Affine) -> Jacobian {
        if self.is_identity() {
            return Jacobian::from_affine(other);
        }
        let z1z1 = self.z.square();
        let u2 = other.x.mul(&z1z1);
        let s2 = other.y.mul(&self.z).mul(&z1z1);
        let h = u2.sub(&self.x);
        let r = s2.sub(&self.y).double();
        if h.is_zero() {
            return if r.is_zero() { self.double() } else { Jacobian::IDENTITY };
        }
        let hh = h.square();
        let i = hh.double().double();
        let j = h.mul(&i);
        let v = self.x.mul(&i);
        let x3 = r.square().sub(&j).sub(&v.double());
        let y3 = r.mul(&v.sub(&x3)).sub(&self.y.mul(&j).double());
        let z3 = self.z.add(&h).square().sub(&z1z1).sub(&hh);
        Jacobian { x: x3, y: y3, z: z3 }
    }
}

/// Width-`w` NAF of a 256-bit big-endian scalar: `k = Σ digits[i]·2^i`, digits 0 or odd with
/// `|d| < 2^(w-1)`. 257 digits suffice for any `k < 2^256` (the last one takes the final carry).
fn wnaf(scalar: &[u8; 32], w: u32) -> [i8; 257] {
    // Little-endian 64-bit limbs, plus a zero limb so that a window may run past bit 255.
    let mut limbs = [0u64; 5];
    for (i, chunk) in scalar.rchunks_exact(8).enumerate() {
        let mut b = [0u8; 8];
        b.copy_from_slice(chunk);
        limbs[i] = u64::from_be_bytes(b);
    }
    let width = 1u64 << w;
    let mask = width - 1;
    let mut digits = [0i8; 257];
    let mut carry = 0u64;
    let mut pos = 0usize;
    while pos < 257 {
        let (idx, bit) = (pos / 64, pos % 64);
        let low = limbs[idx] >> bit;
        let bits = if bit + w as usize <= 64 || idx + 1 >= limbs.len() {
            low
        } else {
            low | (limbs[idx + 1] << (64 - bit))
        } & mask;
        let value = carry + bits;
        if value & 1 == 0 {
            pos += 1;
            continue;
        }
        if value < width / 2 {
            carry = 0;
            digits[pos] = value as i8;
        } else {
            carry = 1;
            digits[pos] = (value as i64 - width as i64) as i8;
        }
        pos += w as usize;
    }
    digits
}

/// `G, 3G, 5G, …, (2·G_TABLE - 1)·G` in affine coordinates, built once.
fn g_table() -> &'static [Affine; G_TABLE] {
    static TABLE: OnceLock<[Affine; G_TABLE]> = OnceLock::new();
    TABLE.get_or_init(|| {
        let g = ProjectivePoint::GENERATOR;
        let g2 = g.double();
        let mut p = g;
        let mut table = [Affine { x: Fe::ZERO, y: Fe::ZERO }; G_TABLE];
        for entry in table.iter_mut() {
            // Odd multiples of G below n are never the identity, so the conversion always succeeds.
            if let Some(a) = Affine::from_point(&p.to_affine()) {
                *entry = a;
            }
            p += g2;
        }
        table
    })
}

/// `u1·G + u2·Q` (scalars big-endian, any value below 2^256), variable time.
fn lincomb(u1: &[u8; 32], q: &Affine, u2: &[u8; 32]) -> Jacobian {
    let g_digits = wnaf(u1, W_G);
    let q_digits = wnaf(u2, W_Q);
    let g_table = g_table();

    let q1 = Jacobian::from_affine(q);
    let q2 = q1.double();
    let mut q_table = [q1; Q_TABLE];
    for i in 1..Q_TABLE {
        q_table[i] = q_table[i - 1].add(&q2);
    }

    let top = (0..257).rev().find(|&i| g_digits[i] != 0 || q_digits[i] != 0);
    let Some(top) = top else { return Jacobian::IDENTITY };
    let mut acc = Jacobian::IDENTITY;
    for i in (0..=top).rev() {
        acc = acc.double();
        let d = q_digits[i];
        if d > 0 {
            acc = acc.add(&q_table[(d as usize) >> 1]);
        } else if d < 0 {
            acc = acc.add(&q_table[(d.unsigned_abs() as usize) >> 1].neg());
        }
        let d = g_digits[i];
        if d > 0 {
            acc = acc.add_affine(&g_table[(d as usize) >> 1]);
        } else if d < 0 {
            acc = acc.add_affine(&g_table[(d.unsigned_abs() as usize) >> 1].neg());
        }
    }
    acc
}

/// Whether `x(R) mod n == r` for `R ≠ identity`, in projective form (no inversion of Z).
fn x_matches(acc: &Jacobian, r: &[u8; 32]) -> bool {
    if acc.is_identity() {
        return false;
    }
    let Some(r_fe) = Fe::from_bytes(r) else { return false };
    let z2 = acc.z.square();
    if r_fe.mul(&z2) == acc.x {
        return true;
    }
    // r + n < p: only then can x(R) ∈ [n, p) reduce to r.
    let small = r[..16].iter().all(|&b| b == 0) && r[16..] < P_MINUS_N[..];
    if !small {
        return false;
    }
    let Some(n_fe) = Fe::from_bytes(&N_BYTES) else { return false };
    r_fe.add(&n_fe).mul(&z2) == acc.x
}

/// ES256: `signature` is `r ‖ s` (32 bytes each, big-endian), `message` the JWS signing input.
pub fn verify(key: &p256::ecdsa::VerifyingKey, message: &[u8], signature: &[u8]) -> bool {
    let digest = Sha256::digest(message);
    verify_prehash(key.as_affine(), &digest.into(), signature)
}

/// ECDSA verification of a SHA-256 digest, with p256's rules: `r, s ∈ [1, n)`, `z` = digest mod n.
fn verify_prehash(key: &AffinePoint, digest: &[u8; 32], signature: &[u8]) -> bool {
    let Ok(signature) = <&[u8; 64]>::try_from(signature) else { return false };
    let (Ok(r_bytes), Ok(s_bytes)) = (<[u8; 32]>::try_from(&signature[..32]), <[u8; 32]>::try_from(&signature[32..]))
    else {
        return false;
    };
    let Some(r) = nonzero_scalar(&r_bytes) else { return false };
    let Some(s) = nonzero_scalar(&s_bytes) else { return false };
    let Some(q) = Affine::from_point(key) else { return false };
    let z = <Scalar as Reduce<U256>>::reduce_bytes(&FieldBytes::from(*digest));
    let Some(w) = Option::<Scalar>::from(s.invert_vartime()) else { return false };
    let u1: [u8; 32] = (z * w).to_bytes().into();
    let u2: [u8; 32] = (r * w).to_bytes().into();
    x_matches(&lincomb(&u1, &q, &u2), &r_bytes)
}

/// A scalar in `[1, n)` from 32 big-endian bytes.
fn nonzero_scalar(bytes: &[u8; 32]) -> Option<Scalar> {
    let s: Scalar = Option::from(Scalar::from_repr(FieldBytes::from(*bytes)))?;
    (!bool::from(s.is_zero())).then_some(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use p256::ecdsa::signature::hazmat::{PrehashSigner, PrehashVerifier};
    use p256::ecdsa::{Signature, SigningKey, VerifyingKey};
    use rand::{Rng, RngCore, SeedableRng};

    fn scalar_from_u64(v: u64) -> Scalar {
        Scalar::from(v)
    }

    fn be(s: &Scalar) -> [u8; 32] {
        s.to_bytes().into()
    }

    /// Our Jacobian result equals p256's projective result (compared without inversion: X = x·Z², Y = y·Z³).
    fn assert_same_point(ours: &Jacobian, theirs: &ProjectivePoint, what: &str) {
        let theirs = theirs.to_affine();
        match Affine::from_point(&theirs) {
            None => assert!(ours.is_identity(), "{what}: expected the identity"),
            Some(a) => {
                assert!(!ours.is_identity(), "{what}: unexpected identity");
                let z2 = ours.z.square();
                assert!(a.x.mul(&z2) == ours.x, "{what}: x differs");
                assert!(a.y.mul(&z2).mul(&ours.z) == ours.y, "{what}: y differs");
            }
        }
    }

    fn wnaf_value(digits: &[i8; 257]) -> Scalar {
        let mut acc = Scalar::ZERO;
        for &d in digits.iter().rev() {
            acc = acc.double();
            if d > 0 {
                acc += scalar_from_u64(d as u64);
            } else if d < 0 {
                acc -= scalar_from_u64(d.unsigned_abs() as u64);
            }
        }
        acc
    }

    #[test]
    fn wnaf_digits_are_well_formed_and_sum_to_the_scalar() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(5);
        let n_minus_1 = -Scalar::ONE;
        let mut scalars = vec![Scalar::ZERO, Scalar::ONE, n_minus_1, scalar_from_u64(15), scalar_from_u64(16)];
        scalars.push(-scalar_from_u64(2));
        for _ in 0..500 {
            scalars.push(Scalar::random(&mut rng));
        }
        for k in scalars {
            for w in [W_Q, W_G, 2, 4, 8] {
                let digits = wnaf(&be(&k), w);
                for (i, &d) in digits.iter().enumerate() {
                    if d != 0 {
                        assert!(d % 2 != 0 && (d.unsigned_abs() as u32) < 1 << (w - 1), "digit {d} at {i}");
                        let next = &digits[i + 1..(i + w as usize).min(257)];
                        assert!(next.iter().all(|&e| e == 0), "two non-zero digits within {w}");
                    }
                }
                assert!(wnaf_value(&digits) == k, "w = {w}");
            }
        }
        // 2^256 - 1 needs the 257th digit.
        let digits = wnaf(&[0xff; 32], W_Q);
        assert_eq!(digits[256], 1);
    }

    #[test]
    fn lincomb_matches_p256_including_edge_cases() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(0x5032_3536);
        let g = ProjectivePoint::GENERATOR;
        let n_minus_1 = -Scalar::ONE;
        let small: Vec<Scalar> = (0..9u64).map(scalar_from_u64).chain([n_minus_1, -scalar_from_u64(2)]).collect();
        let mut cases: Vec<(Scalar, Scalar, Scalar)> = Vec::new(); // (u1, q = d·G, u2)
        for &a in &small {
            for &b in &small {
                // Q = ±G, ±2G, 3G…: additions of G and Q entries meet equal and opposite points.
                for d in [Scalar::ONE, n_minus_1, scalar_from_u64(2), -scalar_from_u64(2), scalar_from_u64(3)] {
                    cases.push((a, d, b));
                }
            }
        }
        for _ in 0..200 {
            let d = Scalar::random(&mut rng);
            let u1 = Scalar::random(&mut rng);
            let u2 = Scalar::random(&mut rng);
            cases.push((u1, d, u2));
            // u1 = -u2·d: the result is the identity.
            cases.push((-(u2 * d), d, u2));
            // u1·G = u2·Q exactly: the final addition is a doubling.
            cases.push((u2 * d, d, u2));
            cases.push((u1, d, Scalar::ZERO));
            cases.push((Scalar::ZERO, d, u2));
        }
        for (i, (u1, d, u2)) in cases.iter().enumerate() {
            let q_point = g * d;
            let Some(q) = Affine::from_point(&q_point.to_affine()) else { continue };
            let ours = lincomb(&be(u1), &q, &be(u2));
            let theirs = g * u1 + q_point * u2;
            assert_same_point(&ours, &theirs, &format!("case {i}"));
        }
    }

    fn p256_verdict(key: &VerifyingKey, digest: &[u8; 32], sig: &[u8]) -> bool {
        let Ok(sig) = Signature::from_slice(sig) else { return false };
        key.verify_prehash(digest, &sig).is_ok()
    }

    /// Seeded differential test against p256's `VerifyingKey`: valid signatures (low and high S) and mutations of
    /// r, s, the digest and the key, edge values of r and s, and signatures whose R has x ≥ n.
    #[test]
    fn same_verdicts_as_p256() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(0x4553_3235_36);
        let n_minus_1: [u8; 32] = be(&-Scalar::ONE);
        let one = be(&Scalar::ONE);
        let (mut accepted, mut total) = (0usize, 0usize);
        let mut check = |key: &VerifyingKey, digest: &[u8; 32], sig: &[u8], what: &str| {
            let expected = p256_verdict(key, digest, sig);
            assert_eq!(verify_prehash(key.as_affine(), digest, sig), expected, "{what}: sig {sig:02x?}");
            accepted += expected as usize;
            total += 1;
        };
        for i in 0..2000 {
            let sk = SigningKey::random(&mut rng);
            let key = *sk.verifying_key();
            let mut digest = [0u8; 32];
            rng.fill_bytes(&mut digest);
            if i % 50 == 0 {
                digest = if i % 100 == 0 { [0u8; 32] } else { [0xff; 32] };
            }
            let sig: Signature = sk.sign_prehash(&digest).unwrap();
            let sig = sig.to_bytes().to_vec();
            check(&key, &digest, &sig, "valid");
            // High S: (r, n - s) is also valid for p256.
            let mut high = sig.clone();
            let s_bytes: [u8; 32] = sig[32..].try_into().unwrap();
            let s = Option::<Scalar>::from(Scalar::from_repr(s_bytes.into())).unwrap();
            high[32..].copy_from_slice(&be(&-s));
            check(&key, &digest, &high, "high s");
            // One mutation per signature, in turn: a signature bit, a digest bit, another key, an edge r or s.
            match i % 4 {
                0 => {
                    let mut m = sig.clone();
                    let bit = rng.gen_range(0..512);
                    m[bit / 8] ^= 1 << (bit % 8);
                    check(&key, &digest, &m, "flipped signature bit");
                }
                1 => {
                    let mut d = digest;
                    d[rng.gen_range(0..32)] ^= 1 << rng.gen_range(0..8);
                    check(&key, &d, &sig, "flipped digest bit");
                }
                2 => check(SigningKey::random(&mut rng).verifying_key(), &digest, &sig, "other key"),
                _ => {
                    let edges = [(0, one), (0, n_minus_1), (32, one), (32, n_minus_1), (0, [0u8; 32]), (32, N_BYTES)];
                    let (part, value) = edges[(i / 4) % edges.len()];
                    let mut m = sig.clone();
                    m[part..part + 32].copy_from_slice(&value);
                    check(&key, &digest, &m, "edge r/s");
                }
            }
            check(&key, &digest, &sig[..63], "short");
        }
        // R with x(R) ≥ n: pick such an R, any (z, s), and solve for the key Q = (R - u1·G)/u2.
        let mut large_x = 0;
        while large_x < 40 {
            // x = p's top 20 bytes, then 12 random bytes: n < x < p (unless the low bytes are all 0xff).
            let mut x = [0u8; 32];
            x[..8].copy_from_slice(&[0xff, 0xff, 0xff, 0xff, 0, 0, 0, 1]);
            rng.fill_bytes(&mut x[20..]);
            let mut sec1 = vec![0x02 | rng.gen_range(0..2u8)];
            sec1.extend_from_slice(&x);
            let Ok(r_point) = p256::PublicKey::from_sec1_bytes(&sec1) else { continue };
            let r_point = r_point.to_projective();
            let r = <Scalar as Reduce<U256>>::reduce_bytes(&FieldBytes::from(x));
            let s = Scalar::random(&mut rng);
            let mut digest = [0u8; 32];
            rng.fill_bytes(&mut digest);
            let z = <Scalar as Reduce<U256>>::reduce_bytes(&FieldBytes::from(digest));
            let w = s.invert().unwrap();
            let (u1, u2) = (z * w, r * w);
            let q = (r_point - ProjectivePoint::GENERATOR * u1) * u2.invert().unwrap();
            let Ok(key) = VerifyingKey::from_affine(q.to_affine()) else { continue };
            let mut sig = be(&r).to_vec();
            sig.extend_from_slice(&be(&s));
            assert!(p256_verdict(&key, &digest, &sig), "constructed signature must verify");
            check(&key, &digest, &sig, "x(R) >= n");
            sig[31] ^= 1;
            check(&key, &digest, &sig, "x(R) >= n, r changed");
            large_x += 1;
        }
        assert!(accepted >= 4000 && total > accepted + 2000, "{accepted} of {total}");
    }
}
