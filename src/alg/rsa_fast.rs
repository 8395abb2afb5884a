//! A small, fast, **variable-time** RSA public-key operation for signature verification.
//!
//! Why our own: in wasm the rsa crate (num-bigint-dig / crypto-bigint) spends most of an RS256 verification in
//! its Montgomery product; issue 6 needs several times that speed. Verification only ever touches public data
//! (the key, the signature, the message), so data-dependent timing leaks nothing and we can use plain
//! left-to-right square-and-multiply with early exits.
//!
//! Design:
//! - 32-bit limbs multiplied through `u64`: wasm has a native `i64.mul` but no 64×64→128 multiply, so 64-bit limbs
//!   measured 32% slower there.
//! - The modulus is zero-extended to one of a few fixed limb counts (2048/3072/4096/6144/8192 bits) so every product
//!   runs on fixed-size stack arrays (`[u32; N]`, const generics): no allocation per product and no bounds checks
//!   in the inner loops. Montgomery arithmetic is valid for any `R = 2^(32N) > n`, so the padding is only a cost for
//!   odd-sized moduli, never a correctness issue.
//! - Montgomery parameters (`n0' = -n^-1 mod 2^32`, `R^2 mod n`) are computed once per key.
//!
//! Padding checks (EMSA-PKCS1-v1_5 and EMSA-PSS) live in the sibling file `rsa_padding.rs`, mounted below as
//! [`padding`] so that `alg/mod.rs` needs a single `pub mod` line.

#[path = "rsa_padding.rs"]
pub mod padding;

pub use padding::{verify_pkcs1v15, verify_pss, HashAlg};

/// Smallest modulus accepted. RFC 7518 §3.3/§3.5: "A key of size 2048 bits or larger MUST be used".
pub const MIN_MODULUS_BITS: usize = 2048;
/// Largest modulus accepted; bounds the stack buffers and the work an attacker-supplied JWKS can cause.
pub const MAX_MODULUS_BITS: usize = 8192;
/// Largest signature / encoded-message length in bytes.
pub const MAX_MODULUS_BYTES: usize = MAX_MODULUS_BITS / 8;

/// Why a key was refused by [`RsaPublic::new`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RsaKeyError {
    /// Modulus shorter than [`MIN_MODULUS_BITS`] or longer than [`MAX_MODULUS_BITS`] (after leading zeros).
    ModulusSize,
    /// An even modulus is not an RSA modulus (and has no Montgomery form).
    ModulusEven,
    /// Exponent even, below 3, or above 2^32-1.
    Exponent,
}

impl core::fmt::Display for RsaKeyError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            RsaKeyError::ModulusSize => "RSA modulus must be 2048 to 8192 bits",
            RsaKeyError::ModulusEven => "RSA modulus must be odd",
            RsaKeyError::Exponent => "RSA public exponent must be odd, at least 3 and below 2^32",
        })
    }
}

impl std::error::Error for RsaKeyError {}

/// A parsed RSA public key with its Montgomery parameters, built once per key and reused for every signature.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RsaPublic {
    /// Modulus, little-endian 32-bit limbs, zero-extended to one of the supported limb counts.
    n: Vec<u32>,
    /// R^2 mod n, R = 2^(32 * n.len()), same layout: converts an input into Montgomery form with one product.
    rr: Vec<u32>,
    /// -n^-1 mod 2^32.
    n0inv: u32,
    e: u32,
    /// Significant bits of the modulus.
    bits: usize,
    /// Modulus length in bytes: the only accepted signature length (RFC 8017 §8.2.2 step 1).
    k: usize,
}

/// Limb counts we compile a product for. Anything in between is zero-extended to the next one.
const SIZES: [usize; 5] = [64, 96, 128, 192, 256];

impl RsaPublic {
    /// Builds a key from the big-endian modulus (leading zero bytes allowed, as in JWK/DER) and a `u32` exponent.
    ///
    /// Accepted: odd modulus of 2048..=8192 bits; odd exponent in 3..=2^32-1. Every exponent in real use is 65537
    /// (a few legacy keys use 3); exponents above 2^32 exist only in contrived keys and would make verification
    /// cost attacker-chosen, so they are refused.
    pub fn new(n: &[u8], e: u32) -> Result<Self, RsaKeyError> {
        if e < 3 || e % 2 == 0 {
            return Err(RsaKeyError::Exponent);
        }
        let n = strip_leading_zeros(n);
        let k = n.len();
        let bits = match n.first() {
            Some(&top) => 8 * k - top.leading_zeros() as usize,
            None => 0,
        };
        if !(MIN_MODULUS_BITS..=MAX_MODULUS_BITS).contains(&bits) {
            return Err(RsaKeyError::ModulusSize);
        }
        if n.last().is_none_or(|b| b & 1 == 0) {
            return Err(RsaKeyError::ModulusEven);
        }
        let needed = bits.div_ceil(32);
        // bits <= MAX_MODULUS_BITS guarantees a size exists; fall back to an error rather than panic.
        let limbs = *SIZES.iter().find(|&&s| s >= needed).ok_or(RsaKeyError::ModulusSize)?;
        let mut nl = vec![0u32; limbs];
        be_bytes_to_limbs(n, &mut nl);
        let n0inv = neg_inv_u32(nl[0]);
        let rr = r_squared(&nl, n0inv);
        Ok(RsaPublic { n: nl, rr, n0inv, e, bits, k })
    }

    /// Like [`RsaPublic::new`] with the exponent as big-endian bytes (JWK `e`, DER INTEGER content).
    pub fn from_be_bytes(n: &[u8], e: &[u8]) -> Result<Self, RsaKeyError> {
        let e = strip_leading_zeros(e);
        if e.len() > 4 {
            return Err(RsaKeyError::Exponent);
        }
        let e = e.iter().fold(0u32, |acc, &b| (acc << 8) | u32::from(b));
        Self::new(n, e)
    }

    /// Significant bits of the modulus (needed by EMSA-PSS).
    pub fn modulus_bits(&self) -> usize {
        self.bits
    }

    /// Modulus length in bytes; every signature must be exactly this long.
    pub fn modulus_len(&self) -> usize {
        self.k
    }

    pub fn exponent(&self) -> u32 {
        self.e
    }

    /// RSAVP1: `sig^e mod n` as a `k`-byte big-endian string. `None` when `sig` is not exactly `k` bytes or, as
    /// integer, not below `n` (RFC 8017 §5.2.2 step 1).
    pub fn public_op(&self, sig: &[u8]) -> Option<Vec<u8>> {
        let mut out = vec![0u8; self.k];
        if self.public_op_into(sig, &mut out) {
            Some(out)
        } else {
            None
        }
    }

    /// [`RsaPublic::public_op`] into a caller buffer of exactly `k` bytes (no allocation). Returns false on the
    /// same inputs `public_op` returns `None` for, or when `out` has the wrong length.
    pub fn public_op_into(&self, sig: &[u8], out: &mut [u8]) -> bool {
        if sig.len() != self.k || out.len() != self.k {
            return false;
        }
        // Dispatch to the monomorphised size; `n.len()` is always one of SIZES by construction.
        match self.n.len() {
            64 => self.op_fixed::<64>(sig, out),
            96 => self.op_fixed::<96>(sig, out),
            128 => self.op_fixed::<128>(sig, out),
            192 => self.op_fixed::<192>(sig, out),
            256 => self.op_fixed::<256>(sig, out),
            _ => false,
        }
    }

    fn op_fixed<const N: usize>(&self, sig: &[u8], out: &mut [u8]) -> bool {
        let (Ok(n), Ok(rr)) = (<&[u32; N]>::try_from(&self.n[..]), <&[u32; N]>::try_from(&self.rr[..])) else {
            return false;
        };
        let mut x = [0u32; N];
        be_bytes_to_limbs(sig, &mut x);
        if !less_than(&x, n) {
            return false;
        }
        let y = mod_pow::<N>(&x, self.e, n, rr, self.n0inv);
        limbs_to_be_bytes(&y, out);
        true
    }
}

/// `x^e mod n` by left-to-right binary exponentiation in Montgomery form. Variable time: public data only.
fn mod_pow<const N: usize>(x: &[u32; N], e: u32, n: &[u32; N], rr: &[u32; N], n0: u32) -> [u32; N] {
    // xm = x·R mod n
    let xm = mont_mul::<N>(x, rr, n, n0);
    let mut acc = xm;
    // e >= 3, so it has a top bit; start below it (acc already holds x^1).
    let top = 31 - e.leading_zeros();
    for i in (0..top).rev() {
        acc = mont_sqr::<N>(&acc, n, n0);
        if (e >> i) & 1 == 1 {
            acc = mont_mul::<N>(&acc, &xm, n, n0);
        }
    }
    // Leave Montgomery form: acc·1·R^-1.
    let mut one = [0u32; N];
    one[0] = 1;
    mont_mul::<N>(&acc, &one, n, n0)
}

/// Montgomery product `a·b·R^-1 mod n` for `a, b < n`, result fully reduced (< n).
///
/// CIOS with the multiplication and the reduction fused into one inner loop: two independent carry chains per
/// iteration give the CPU (and V8's register allocator) instruction-level parallelism. Each step stays in u64:
/// (2^32-1)^2 + 2·(2^32-1) = 2^64-1.
#[inline(always)]
fn mont_mul<const N: usize>(a: &[u32; N], b: &[u32; N], n: &[u32; N], n0: u32) -> [u32; N] {
    let mut t = [0u32; N];
    let mut top: u32 = 0; // t[N]; CIOS keeps t < 2n, so this is 0 or 1
    for &ai in a.iter() {
        let ai = u64::from(ai);
        let s = u64::from(t[0]) + ai * u64::from(b[0]);
        let m = u64::from((s as u32).wrapping_mul(n0));
        let r = u64::from(s as u32) + m * u64::from(n[0]);
        let mut c1 = s >> 32;
        let mut c2 = r >> 32;
        for j in 1..N {
            let s = u64::from(t[j]) + ai * u64::from(b[j]) + c1;
            c1 = s >> 32;
            let r = u64::from(s as u32) + m * u64::from(n[j]) + c2;
            c2 = r >> 32;
            t[j - 1] = r as u32;
        }
        let s = u64::from(top) + c1 + c2;
        t[N - 1] = s as u32;
        top = (s >> 32) as u32;
    }
    if top != 0 || !less_than(&t, n) {
        sub_in_place(&mut t, n);
    }
    t
}

/// Montgomery squaring. Currently the general product; kept separate so a dedicated squaring can replace it.
#[inline(always)]
fn mont_sqr<const N: usize>(a: &[u32; N], n: &[u32; N], n0: u32) -> [u32; N] {
    mont_mul::<N>(a, a, n, n0)
}

/// `a < b`, most significant limb first. Variable time.
fn less_than(a: &[u32], b: &[u32]) -> bool {
    for (x, y) in a.iter().rev().zip(b.iter().rev()) {
        if x != y {
            return x < y;
        }
    }
    false
}

/// `a -= b` modulo 2^(32·len); the caller guarantees the true result is non-negative (or that the borrow
/// cancels an implicit top limb).
fn sub_in_place(a: &mut [u32], b: &[u32]) {
    let mut borrow = 0u64;
    for (x, &y) in a.iter_mut().zip(b.iter()) {
        let d = u64::from(*x).wrapping_sub(u64::from(y)).wrapping_sub(borrow);
        *x = d as u32;
        borrow = (d >> 63) & 1;
    }
}

/// -m^-1 mod 2^32 for odd m, by Newton iteration (each step doubles the correct low bits: 1→2→4→…→32, but
/// `m` itself is already correct to 3 bits since m·m ≡ 1 mod 8).
fn neg_inv_u32(m: u32) -> u32 {
    let mut inv = m;
    for _ in 0..4 {
        inv = inv.wrapping_mul(2u32.wrapping_sub(m.wrapping_mul(inv)));
    }
    inv.wrapping_neg()
}

/// R^2 mod n, R = 2^(32·len). Computed as: R mod n by doubling, then 2^m·R by m more doublings where
/// 32·len = m·2^s with m odd, then s Montgomery squarings (each maps 2^a·R to 2^(2a)·R). For len = 64 that is
/// 2048 = 1·2^11: one doubling and 11 squarings instead of 2048 doublings.
fn r_squared(n: &[u32], n0: u32) -> Vec<u32> {
    let len = n.len();
    // x = 2^(bits-1) < n, then double up to 2^(32·len) mod n.
    let bits = 32 * len - leading_zero_bits(n);
    let mut x = vec![0u32; len];
    let b = bits - 1;
    x[b / 32] = 1 << (b % 32);
    let total = 32 * len;
    let s = total.trailing_zeros() as usize;
    let m = total >> s;
    for _ in 0..(total - b) + m {
        mod_double(&mut x, n);
    }
    // x = 2^m·R mod n; square s times in Montgomery form.
    macro_rules! squarings {
        ($($sz:literal)*) => {
            match len {
                $($sz => {
                    let mut a = [0u32; $sz];
                    a.copy_from_slice(&x);
                    let mut nn = [0u32; $sz];
                    nn.copy_from_slice(n);
                    for _ in 0..s {
                        a = mont_sqr::<$sz>(&a, &nn, n0);
                    }
                    x.copy_from_slice(&a);
                })*
                _ => {}
            }
        };
    }
    squarings!(64 96 128 192 256);
    x
}

/// x = 2x mod n for x < n.
fn mod_double(x: &mut [u32], n: &[u32]) {
    let mut carry = 0u32;
    for limb in x.iter_mut() {
        let v = *limb;
        *limb = (v << 1) | carry;
        carry = v >> 31;
    }
    if carry != 0 || !less_than(x, n) {
        sub_in_place(x, n);
    }
}

fn leading_zero_bits(n: &[u32]) -> usize {
    let mut z = 0;
    for &l in n.iter().rev() {
        if l == 0 {
            z += 32;
        } else {
            return z + l.leading_zeros() as usize;
        }
    }
    z
}

fn strip_leading_zeros(b: &[u8]) -> &[u8] {
    let i = b.iter().position(|&x| x != 0).unwrap_or(b.len());
    &b[i..]
}

/// Big-endian bytes into little-endian limbs; `out` must be long enough (callers size it from the modulus).
fn be_bytes_to_limbs(bytes: &[u8], out: &mut [u32]) {
    out.fill(0);
    for (limb, chunk) in out.iter_mut().zip(bytes.rchunks(4)) {
        *limb = chunk.iter().fold(0u32, |acc, &b| (acc << 8) | u32::from(b));
    }
}

/// Little-endian limbs into exactly `out.len()` big-endian bytes (the value fits: it is below n).
fn limbs_to_be_bytes(limbs: &[u32], out: &mut [u8]) {
    for (i, o) in out.iter_mut().rev().enumerate() {
        *o = limbs.get(i / 4).map_or(0, |l| (l >> (8 * (i % 4))) as u8);
    }
}

/// Digest `message` with `hash`, then RSASSA-PKCS1-v1_5 verify `sig` (RS256/RS384/RS512).
pub fn verify_rs(key: &RsaPublic, hash: HashAlg, message: &[u8], sig: &[u8]) -> bool {
    let mut em = [0u8; MAX_MODULUS_BYTES];
    let Some(em) = em.get_mut(..key.k) else { return false };
    if !key.public_op_into(sig, em) {
        return false;
    }
    let digest = hash.digest(message);
    verify_pkcs1v15(em, hash, digest.as_slice())
}

/// Digest `message` with `hash`, then RSASSA-PSS verify `sig` with MGF1(`hash`) and salt length = hash length
/// (PS256/PS384/PS512, RFC 7518 §3.5).
pub fn verify_ps(key: &RsaPublic, hash: HashAlg, message: &[u8], sig: &[u8]) -> bool {
    let mut em = [0u8; MAX_MODULUS_BYTES];
    let Some(em) = em.get_mut(..key.k) else { return false };
    if !key.public_op_into(sig, em) {
        return false;
    }
    let digest = hash.digest(message);
    verify_pss(em, key.bits, hash, digest.as_slice())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neg_inv() {
        for m in [1u32, 3, 5, 0xffff_ffff, 0x1234_5679, 0x8000_0001] {
            assert_eq!(m.wrapping_mul(neg_inv_u32(m)), u32::MAX, "m = {m:#x}");
        }
    }

    #[test]
    fn byte_limb_round_trip() {
        let bytes: Vec<u8> = (1..=13).collect();
        let mut limbs = [0u32; 4];
        be_bytes_to_limbs(&bytes, &mut limbs);
        assert_eq!(limbs, [0x0a0b0c0d, 0x06070809, 0x02030405, 0x01]);
        let mut back = [0u8; 13];
        limbs_to_be_bytes(&limbs, &mut back);
        assert_eq!(&back[..], &bytes[..]);
    }

    #[test]
    fn key_validation() {
        let mut n = vec![0xffu8; 256];
        assert!(RsaPublic::new(&n, 65537).is_ok());
        assert_eq!(RsaPublic::new(&n, 65536), Err(RsaKeyError::Exponent));
        assert_eq!(RsaPublic::new(&n, 1), Err(RsaKeyError::Exponent));
        assert!(RsaPublic::new(&n, 3).is_ok());
        assert!(RsaPublic::from_be_bytes(&n, &[0, 0, 1, 0, 1]).is_ok());
        assert_eq!(RsaPublic::from_be_bytes(&n, &[1, 0, 0, 0, 1]), Err(RsaKeyError::Exponent));
        assert_eq!(RsaPublic::from_be_bytes(&n, &[]), Err(RsaKeyError::Exponent));
        n[255] = 0xfe;
        assert_eq!(RsaPublic::new(&n, 65537), Err(RsaKeyError::ModulusEven));
        assert_eq!(RsaPublic::new(&[0xff; 255], 65537), Err(RsaKeyError::ModulusSize));
        assert_eq!(RsaPublic::new(&[0xff; 1025], 65537), Err(RsaKeyError::ModulusSize));
        assert_eq!(RsaPublic::new(&[], 65537), Err(RsaKeyError::ModulusSize));
        // leading zeros are not counted
        let mut padded = vec![0u8; 3];
        padded.extend_from_slice(&[0xff; 256]);
        let key = RsaPublic::new(&padded, 65537).unwrap();
        assert_eq!((key.modulus_bits(), key.modulus_len()), (2048, 256));
        // odd sizes round up to the next compiled limb count
        let key = RsaPublic::new(&[0x7f; 300], 65537).unwrap();
        assert_eq!((key.modulus_bits(), key.modulus_len(), key.n.len()), (2399, 300, 96));
    }

    #[test]
    fn small_values() {
        // n = 2^2048 - 1 is odd; use it as a plain modulus for arithmetic checks.
        let key = RsaPublic::new(&[0xff; 256], 3).unwrap();
        let mut sig = [0u8; 256];
        assert_eq!(key.public_op(&sig).unwrap(), vec![0u8; 256]);
        sig[255] = 1;
        assert_eq!(key.public_op(&sig).unwrap(), sig.to_vec());
        sig[255] = 7;
        let out = key.public_op(&sig).unwrap();
        assert_eq!(out[254..], [1, 0x57]); // 343
        assert!(out[..254].iter().all(|&b| b == 0));
        // sig = n is rejected, n - 1 ≡ -1 gives (-1)^3 = n - 1
        assert_eq!(key.public_op(&[0xff; 256]), None);
        let mut nm1 = [0xffu8; 256];
        nm1[255] = 0xfe;
        assert_eq!(key.public_op(&nm1).unwrap(), nm1.to_vec());
        assert_eq!(key.public_op(&[0u8; 255]), None);
        assert_eq!(key.public_op(&[0u8; 257]), None);
    }
}
