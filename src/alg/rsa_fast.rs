//! A small, fast, **variable-time** RSA public-key operation for signature verification.
//!
//! Why our own: in wasm the rsa crate (num-bigint-dig / crypto-bigint) spends most of an RS256 verification in
//! its Montgomery product; issue 6 needs several times that speed. Verification only ever touches public data
//! (the key, the signature, the message), so data-dependent timing leaks nothing and we can use plain
//! left-to-right square-and-multiply with early exits.
//!
//! Design:
//! - Limbs of 28 (27) bits in `u32`, multiplied through `u64`: wasm has a native `i64.mul` but no 64×64→128
//!   multiply (64-bit limbs measured 32% slower there), and the spare bits let columns accumulate without carry
//!   handling (see [`CONFIGS`]). Operand-scanning Montgomery product with lazy carries, a dedicated squaring, and no
//!   final subtraction between chained products. bench/RESULTS-rsa.md records what each variant measured.
//! - In the wasm build (simd128) the rows run four columns at a time on `i64x2.extmul` (module `simd`); natively
//!   the scalar rows below run, and they are what `cargo test` checks against the rsa crate.
//! - Each modulus maps to one of a few fixed limb counts (2048/3072/4096/6144/8192 bits) so every product runs on
//!   fixed-size stack arrays (const generics): no allocation per product and no bounds checks in the inner loops.
//!   Montgomery arithmetic is valid for any `R = 2^(W·L) > 4n`, so the spare limbs of odd-sized moduli cost time,
//!   never correctness.
//! - Montgomery parameters (`n0' = -n^-1 mod 2^W`, `R^2 mod n`) are computed once per key.
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
    /// Modulus in radix 2^W limbs (little-endian), `L` limbs; (L, W) is chosen from [`CONFIGS`].
    n: Vec<u32>,
    /// R^2 mod n, R = 2^(W·L), same layout: multiplying by it converts an input into Montgomery form. Computed on
    /// the first signature checked with this key, not when the key is parsed: a key set usually carries several
    /// keys of which a token uses one, and start-up (import → first verified token) pays only for that one.
    rr: std::sync::OnceLock<Vec<u32>>,
    /// -n^-1 mod 2^W.
    n0inv: u32,
    /// Big-endian modulus without leading zeros (`k` bytes): the `sig < n` check compares bytes directly.
    n_be: Vec<u8>,
    e: u32,
    /// Significant bits of the modulus.
    bits: usize,
    /// Modulus length in bytes: the only accepted signature length (RFC 8017 §8.2.2 step 1).
    k: usize,
}

/// (limb count L, limb width W) we compile a product for, smallest first; a modulus uses the first with
/// W·L ≥ bits + 2 (so R > 4n, see [`mont_mul`]).
///
/// Why radix 2^28 / 2^27 and not 2^32: with limbs below 2^W a product is below 2^(2W), so a u64 column
/// accumulator can take many products without propagating a carry (lazy carries). The inner loop is then only
/// multiply-add into memory — a 32-bit CIOS step also needs a carry split (shift, wrap) after every multiply-add,
/// which serialises it. A column receives at most 2L products plus a carry below 2L·2^W, so 2L·2^(2W) must stay
/// below 2^64: W = 28 allows L ≤ 127, W = 27 allows L ≤ 511. L is a multiple of 4 (vector-friendly rows).
const CONFIGS: [(usize, u32); 5] = [(76, 28), (112, 28), (152, 27), (228, 27), (304, 27)];

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
        // bits <= MAX_MODULUS_BITS guarantees a config exists; fall back to an error rather than panic.
        let &(limbs, w) = CONFIGS
            .iter()
            .find(|&&(l, w)| l * w as usize >= bits + 2)
            .ok_or(RsaKeyError::ModulusSize)?;
        let mut nl = vec![0u32; limbs];
        if !be_bytes_to_limbs(n, w, &mut nl) {
            return Err(RsaKeyError::ModulusSize);
        }
        let n0inv = neg_inv_u32(nl[0]) & mask32(w);
        Ok(RsaPublic {
            n: nl,
            rr: std::sync::OnceLock::new(),
            n0inv,
            n_be: n.to_vec(),
            e,
            bits,
            k,
        })
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
    /// The canonical big-endian modulus (no leading zero bytes).
    pub fn modulus_be(&self) -> &[u8] {
        &self.n_be
    }

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
        // Same length, so byte-wise lexicographic order is numeric order.
        if sig.len() != self.k || out.len() != self.k || sig >= &self.n_be[..] {
            return false;
        }
        // Dispatch to the monomorphised size; `n.len()` is always one of CONFIGS by construction.
        match self.n.len() {
            76 => self.op_fixed::<76, 28>(sig, out),
            112 => self.op_fixed::<112, 28>(sig, out),
            152 => self.op_fixed::<152, 27>(sig, out),
            228 => self.op_fixed::<228, 27>(sig, out),
            304 => self.op_fixed::<304, 27>(sig, out),
            _ => false,
        }
    }

    fn op_fixed<const L: usize, const W: u32>(&self, sig: &[u8], out: &mut [u8]) -> bool {
        let rr = self.rr.get_or_init(|| r_squared(&self.n, W, self.n0inv));
        let (Ok(n), Ok(rr)) = (<&[u32; L]>::try_from(&self.n[..]), <&[u32; L]>::try_from(&rr[..])) else {
            return false;
        };
        let mut x = [0u32; L];
        if !be_bytes_to_limbs(sig, W, &mut x) {
            return false;
        }
        let n0 = self.n0inv;
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
        let y = mod_pow::<L, W>(&x, self.e, n, rr, simd::Products::<L, W>::new(n, n0).product());
        #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
        let y = mod_pow::<L, W>(&x, self.e, n, rr, |a, b| match b {
            Some(b) => mont_mul::<L, W>(a, b, n, n0),
            None => mont_sqr::<L, W>(a, n, n0),
        });
        limbs_to_be_bytes(&y, W, out)
    }
}

/// `x^e mod n` (fully reduced) by left-to-right binary exponentiation in Montgomery form. Variable time: public
/// data only. `product(a, Some(b))` is the Montgomery product a·b·R^-1 and `product(a, None)` the square (the
/// scalar rows natively, [`simd::Products`] in the wasm build); inputs below 2n give results below 2n.
fn mod_pow<const L: usize, const W: u32>(
    x: &[u32; L],
    e: u32,
    n: &[u32; L],
    rr: &[u32; L],
    mut product: impl FnMut(&[u32; L], Option<&[u32; L]>) -> [u32; L],
) -> [u32; L] {
    // xm = x·R mod n (< 2n)
    let xm = product(x, Some(rr));
    let mut acc = xm;
    // e >= 3, so it has a top bit; start below it (acc already holds x^1).
    let top = 31 - e.leading_zeros();
    for i in (0..top).rev() {
        acc = product(&acc, None);
        if (e >> i) & 1 == 1 {
            acc = product(&acc, Some(&xm));
        }
    }
    // Leave Montgomery form: acc·1·R^-1, which is ≤ n; one conditional subtraction reduces it fully.
    let mut one = [0u32; L];
    one[0] = 1;
    let mut y = product(&acc, Some(&one));
    if !less_than(&y, n) {
        sub_in_place(&mut y, n, W);
    }
    y
}

/// Montgomery product `a·b·R^-1 mod n`, R = 2^(W·L), in radix 2^W, for `a, b < 2n`; the result is `< 2n`.
///
/// Operand scanning with lazy carries: t holds 2L u64 *column* accumulators; row i adds a_i·b and m_i·n at
/// column offset i without splitting any carry (see [`CONFIGS`] for why a column cannot overflow), then moves
/// t[i]'s high bits — its low W bits are zero by the choice of m_i — into t[i+1]. Every row has the same length, so
/// the inner loop has no data-dependent trip count.
///
/// No final subtraction: with R > 4n and inputs < 2n, (a·b + m·n)/R < (4n² + R·n)/R < 2n (Walter), so chained
/// products stay below 2n and only the exponentiation's last result is reduced.
///
/// Not inlined on purpose: with every product inlined into the exponentiation, V8 compiled one huge function and
/// ran 40% slower (see bench/RESULTS-rsa.md).
#[cfg_attr(all(target_arch = "wasm32", target_feature = "simd128"), allow(dead_code))]
#[inline(never)]
fn mont_mul<const L: usize, const W: u32>(a: &[u32; L], b: &[u32; L], n: &[u32; L], n0: u32) -> [u32; L] {
    let mask = mask32(W);
    let mut t2 = [[0u64; L]; 2];
    let t = t2.as_flattened_mut();
    let b0 = u64::from(b[0]);
    for (i, &ai) in a.iter().enumerate() {
        let ai = u64::from(ai);
        // i + L + 1 <= 2L for i < L: never fails, and `break` keeps an impossible case from panicking.
        let Some(row) = t.get_mut(i..i + L + 1) else { break };
        // m_i makes column i divisible by 2^W once a_i·b_0 + m_i·n_0 is added.
        let m = u64::from(((row[0] + ai * b0) as u32).wrapping_mul(n0) & mask);
        row_madd(&mut row[..L], ai as u32, b, m as u32, n);
        row[1] += row[0] >> W;
    }
    normalize::<L, W>(&t[L..])
}

/// Montgomery squaring, as [`mont_mul`] with b = a but the off-diagonal products a_i·a_j (i < j) computed once and
/// doubled, plus the diagonal: L²/2 multiplies instead of L² before the L reduction rows. 16 of the 18 products of
/// an e = 65537 verification are squarings. Column bound as in [`mont_mul`]: at most L square terms (counting
/// doubled ones twice) plus L reduction terms.
#[inline(never)]
fn mont_sqr<const L: usize, const W: u32>(a: &[u32; L], n: &[u32; L], n0: u32) -> [u32; L] {
    let mask = mask32(W);
    let mut t2 = [[0u64; L]; 2];
    let t = t2.as_flattened_mut();
    for (i, &ai) in a.iter().enumerate() {
        let ai = u64::from(ai);
        let Some(row) = t.get_mut(2 * i + 1..i + L) else { break };
        for (x, &aj) in row.iter_mut().zip(&a[i + 1..]) {
            *x += ai * u64::from(aj);
        }
    }
    for (pair, &ai) in t.chunks_exact_mut(2).zip(a.iter()) {
        pair[0] = (pair[0] << 1) + u64::from(ai) * u64::from(ai);
        pair[1] <<= 1;
    }
    for i in 0..L {
        let Some(row) = t.get_mut(i..i + L + 1) else { break };
        let m = u64::from((row[0] as u32).wrapping_mul(n0) & mask);
        for (x, &nj) in row[..L].iter_mut().zip(n.iter()) {
            *x += m * u64::from(nj);
        }
        row[1] += row[0] >> W;
    }
    normalize::<L, W>(&t[L..])
}

/// row[j] += a·b[j] + m·n[j] for every j. Plain, fixed-length and branch-free: LLVM auto-vectorizes it natively
/// (SSE2 `pmuludq`), and V8 gets one tight loop per row.
#[cfg_attr(all(target_arch = "wasm32", target_feature = "simd128"), allow(dead_code))]
#[inline(always)]
fn row_madd(row: &mut [u64], a: u32, b: &[u32], m: u32, n: &[u32]) {
    let (a, m) = (u64::from(a), u64::from(m));
    for ((x, &bj), &nj) in row.iter_mut().zip(b).zip(n) {
        *x += a * u64::from(bj) + m * u64::from(nj);
    }
}

/// The Montgomery products on WebAssembly SIMD (the wasm build enables simd128, see .cargo/config.toml), driven by
/// the same [`mod_pow`]: the same radix, lazy column sums and bounds as [`mont_mul`], but each row
/// adds `a_i·b + m_i·n` four columns at a time with `i64x2.extmul` (two 32×32→64 products per instruction), the
/// columns held as u64 pairs in `v128`s. A squaring is a product with b = a: all L² products rather than the
/// scalar [`mont_sqr`]'s L²/2 + L, at about twice the throughput per product in V8 (bench/RESULTS-rsa.md).
///
/// Alignment: row i starts at column i. The operands are kept in four shifted copies (copy s holds limb 4g + k − s
/// in lane k of group g, zero outside 0..L), so row i reads copy i mod 4 and writes the columns from i − (i mod 4),
/// a multiple of four: every load and store is a whole column pair. The extra columns receive zeros.
///
/// Tested in the wasm build: every RSA vector of the JS suites runs through it, and tests/js/native-backend.test.js
/// compares each Wycheproof RSA verdict with node:crypto's.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod simd {
    use core::arch::wasm32::{i32x4_shuffle, u32x4, u32x4_splat, u64x2, u64x2_add, u64x2_extmul_high_u32x4, u64x2_extmul_low_u32x4, u64x2_extract_lane, u64x2_replace_lane, v128};

    use super::mask32;

    /// Groups of four limbs per shifted copy of an L-limb operand (the shift can push three limbs past L).
    const fn groups(l: usize) -> usize {
        l / 4 + 1
    }

    /// The four shifted copies of `x` (a multiple of four limbs), copy s at `out[s·G .. (s+1)·G]`: copy 0 is `x`
    /// in groups of four plus a zero group, and copy s takes the top s lanes of the previous group of copy 0 and
    /// the bottom 4 − s of its own (one shuffle per group).
    fn shifted(x: &[u32], out: &mut [v128]) {
        let g = groups(x.len());
        let zero = u32x4_splat(0);
        let (copy0, rest) = out.split_at_mut(g.min(out.len()));
        for (v, q) in copy0.iter_mut().zip(x.chunks_exact(4).map(Some).chain(core::iter::once(None))) {
            *v = match q {
                Some(&[a, b, c, d]) => u32x4(a, b, c, d),
                _ => zero,
            };
        }
        for (s, copy) in rest.chunks_exact_mut(g).take(3).enumerate() {
            let mut prev = zero;
            for (v, &cur) in copy.iter_mut().zip(copy0.iter()) {
                *v = match s {
                    0 => i32x4_shuffle::<3, 4, 5, 6>(prev, cur),
                    1 => i32x4_shuffle::<2, 3, 4, 5>(prev, cur),
                    _ => i32x4_shuffle::<1, 2, 3, 4>(prev, cur),
                };
                prev = cur;
            }
        }
    }

    fn column(t: &[v128], c: usize) -> u64 {
        match t.get(c / 2) {
            Some(&v) if c % 2 == 0 => u64x2_extract_lane::<0>(v),
            Some(&v) => u64x2_extract_lane::<1>(v),
            None => 0,
        }
    }

    fn add_to_column(t: &mut [v128], c: usize, add: u64) {
        if let Some(v) = t.get_mut(c / 2) {
            *v = if c % 2 == 0 {
                u64x2_replace_lane::<0>(*v, u64x2_extract_lane::<0>(*v) + add)
            } else {
                u64x2_replace_lane::<1>(*v, u64x2_extract_lane::<1>(*v) + add)
            };
        }
    }

    /// `a·b·R^-1 mod n` (< 2n for a, b < 2n), b and n given as shifted copies (`bs`, `ns`), `b0` = b's limb 0.
    /// `t`: scratch of at least L + 2G column pairs.
    #[inline(never)]
    fn mont_mul<const L: usize, const W: u32>(a: &[u32; L], bs: &[v128], b0: u32, ns: &[v128], n0: u32, t: &mut [v128]) -> [u32; L] {
        let mask = mask32(W);
        let g = groups(L);
        for v in t.iter_mut() {
            *v = u64x2(0, 0);
        }
        for (i, &ai) in a.iter().enumerate() {
            let m = ((column(t, i) + u64::from(ai) * u64::from(b0)) as u32).wrapping_mul(n0) & mask;
            let s = i % 4;
            let (Some(brow), Some(nrow), Some(trow)) = (bs.get(s * g..(s + 1) * g), ns.get(s * g..(s + 1) * g), t.get_mut((i - s) / 2..(i - s) / 2 + 2 * g))
            else {
                break;
            };
            let (av, mv) = (u32x4_splat(ai), u32x4_splat(m));
            // Two groups (eight columns) per step. `black_box` makes the splats opaque to LLVM once per step:
            // otherwise it sees loop-invariant 32-bit values, hoists their widening out of the loop and multiplies
            // with i64x2.mul, which V8 emulates on x64 with three multiplies and shifts; as it is, each pair of
            // products is one i64x2.extmul.
            let mut pairs = trow.chunks_exact_mut(4);
            let mut b = brow.chunks_exact(2);
            let mut nn = nrow.chunks_exact(2);
            for ((quad, bq), nq) in pairs.by_ref().zip(b.by_ref()).zip(nn.by_ref()) {
                let (av, mv) = core::hint::black_box((av, mv));
                if let ([p0, p1, p2, p3], [b0, b1], [n0, n1]) = (quad, bq, nq) {
                    madd_group(p0, p1, av, *b0, mv, *n0);
                    madd_group(p2, p3, av, *b1, mv, *n1);
                }
            }
            if let ([p0, p1, ..], [b0], [n0]) = (pairs.into_remainder(), b.remainder(), nn.remainder()) {
                let (av, mv) = core::hint::black_box((av, mv));
                madd_group(p0, p1, av, *b0, mv, *n0);
            }
            // Column i is now divisible by 2^W: move its high bits up.
            let carry = column(t, i) >> W;
            add_to_column(t, i + 1, carry);
        }
        let mut out = [0u32; L];
        let mut c = 0u64;
        for (k, o) in out.iter_mut().enumerate() {
            c += column(t, L + k);
            *o = c as u32 & mask;
            c >>= W;
        }
        out
    }

    /// Columns 4k..4k+3 (two pairs) += a·(four limbs of b) + m·(four limbs of n).
    #[inline(always)]
    fn madd_group(lo: &mut v128, hi: &mut v128, av: v128, bg: v128, mv: v128, ng: v128) {
        *lo = u64x2_add(*lo, u64x2_add(u64x2_extmul_low_u32x4(av, bg), u64x2_extmul_low_u32x4(mv, ng)));
        *hi = u64x2_add(*hi, u64x2_add(u64x2_extmul_high_u32x4(av, bg), u64x2_extmul_high_u32x4(mv, ng)));
    }

    /// The products [`super::mod_pow`] asks for, on the SIMD rows: the shifted copies of n and the scratch
    /// columns are made once per exponentiation, the multiplier's copies once per product.
    pub(super) struct Products<'n, const L: usize, const W: u32> {
        n0: u32,
        ns: Vec<v128>,
        bs: Vec<v128>,
        t: Vec<v128>,
        _n: core::marker::PhantomData<&'n [u32; L]>,
    }

    impl<'n, const L: usize, const W: u32> Products<'n, L, W> {
        pub(super) fn new(n: &'n [u32; L], n0: u32) -> Self {
            let g = groups(L);
            let zero = u64x2(0, 0);
            let mut ns = vec![zero; 4 * g];
            shifted(n, &mut ns);
            Products { n0, ns, bs: vec![zero; 4 * g], t: vec![zero; L + 2 * g + 2], _n: core::marker::PhantomData }
        }

        /// `(a, Some(b))` → a·b·R^-1, `(a, None)` → a·a·R^-1 (a squaring is a full product here).
        pub(super) fn product(mut self) -> impl FnMut(&[u32; L], Option<&[u32; L]>) -> [u32; L] + 'n {
            move |a, b| {
                let b = b.unwrap_or(a);
                shifted(b, &mut self.bs);
                mont_mul::<L, W>(a, &self.bs, b[0], &self.ns, self.n0, &mut self.t)
            }
        }
    }
}

/// Column accumulators (already carry-free below column L) into radix-2^W limbs. The value is < 2n < 2^(W·L).
#[inline(always)]
fn normalize<const L: usize, const W: u32>(cols: &[u64]) -> [u32; L] {
    let mask = mask32(W);
    let mut out = [0u32; L];
    let mut c = 0u64;
    for (o, &v) in out.iter_mut().zip(cols) {
        c += v;
        *o = c as u32 & mask;
        c >>= W;
    }
    out
}

fn mask32(w: u32) -> u32 {
    ((1u64 << w) - 1) as u32
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

/// `a -= b` in radix 2^w; the caller guarantees a >= b.
fn sub_in_place(a: &mut [u32], b: &[u32], w: u32) {
    let mask = mask32(w);
    let mut borrow = 0u32;
    for (x, &y) in a.iter_mut().zip(b.iter()) {
        let d = x.wrapping_sub(y).wrapping_sub(borrow);
        *x = d & mask;
        borrow = d >> 31; // limbs < 2^31, so a negative difference sets the top bit
    }
}

/// -m^-1 mod 2^32 for odd m, by Newton iteration (each step doubles the correct low bits; `m` itself is correct to
/// 3 bits since m·m ≡ 1 mod 8). Masked to W bits by the caller.
fn neg_inv_u32(m: u32) -> u32 {
    let mut inv = m;
    for _ in 0..4 {
        inv = inv.wrapping_mul(2u32.wrapping_sub(m.wrapping_mul(inv)));
    }
    inv.wrapping_neg()
}

/// R^2 mod n, R = 2^(W·L). Computed as: R mod n by doubling from the top bit of n, then 2^m·R by m more doublings
/// where W·L = m·2^s with m odd, then s Montgomery squarings (each maps 2^a·R to 2^(2a)·R). For 74·28 = 259·2^3
/// that is about 280 doublings and 3 squarings instead of 2072 doublings.
fn r_squared(n: &[u32], w: u32, n0: u32) -> Vec<u32> {
    let len = n.len();
    let wu = w as usize;
    let bits = wu * len - leading_zero_bits(n, w);
    let mut x = vec![0u32; len];
    // x = 2^(bits-1) < n (n is odd, so n > 2^(bits-1)), then double up to 2^(W·L) mod n.
    let b = bits - 1;
    x[b / wu] = 1 << (b % wu);
    let total = wu * len;
    let s = total.trailing_zeros();
    let m = total >> s;
    for _ in 0..(total - b) + m {
        mod_double(&mut x, n, w);
    }
    // x = 2^m·R mod n; square s times in Montgomery form, then reduce the (< 2n) result.
    macro_rules! squarings {
        ($(($l:literal, $w:literal))*) => {
            match (len, w) {
                $(($l, $w) => {
                    let mut a = [0u32; $l];
                    a.copy_from_slice(&x);
                    let mut nn = [0u32; $l];
                    nn.copy_from_slice(n);
                    for _ in 0..s {
                        a = mont_sqr::<$l, $w>(&a, &nn, n0);
                    }
                    x.copy_from_slice(&a);
                })*
                _ => {}
            }
        };
    }
    squarings!((76, 28)(112, 28)(152, 27)(228, 27)(304, 27));
    if !less_than(&x, n) {
        sub_in_place(&mut x, n, w);
    }
    x
}

/// x = 2x mod n for x < n, radix 2^w.
fn mod_double(x: &mut [u32], n: &[u32], w: u32) {
    let mask = mask32(w);
    let mut carry = 0u32;
    for limb in x.iter_mut() {
        let v = (*limb << 1) | carry;
        *limb = v & mask;
        carry = v >> w;
    }
    // n has spare top bits (W·L ≥ bits + 2), so 2x < 2n never carries out of the top limb.
    if !less_than(x, n) {
        sub_in_place(x, n, w);
    }
}

fn leading_zero_bits(n: &[u32], w: u32) -> usize {
    let mut z = 0;
    for &l in n.iter().rev() {
        if l == 0 {
            z += w as usize;
        } else {
            return z + (l.leading_zeros() - (32 - w)) as usize;
        }
    }
    z
}

fn strip_leading_zeros(b: &[u8]) -> &[u8] {
    let i = b.iter().position(|&x| x != 0).unwrap_or(b.len());
    &b[i..]
}

/// Big-endian bytes into little-endian radix-2^w limbs. False if the value does not fit `out`.
fn be_bytes_to_limbs(bytes: &[u8], w: u32, out: &mut [u32]) -> bool {
    out.fill(0);
    let mask = u64::from(mask32(w));
    let (mut acc, mut have, mut i) = (0u64, 0u32, 0usize);
    for &byte in bytes.iter().rev() {
        acc |= u64::from(byte) << have;
        have += 8;
        if have >= w {
            let Some(limb) = out.get_mut(i) else { return false };
            *limb = (acc & mask) as u32;
            acc >>= w;
            have -= w;
            i += 1;
        }
    }
    if acc != 0 {
        let Some(limb) = out.get_mut(i) else { return false };
        *limb = acc as u32;
    }
    true
}

/// Little-endian radix-2^w limbs into exactly `out.len()` big-endian bytes. False if the value does not fit.
fn limbs_to_be_bytes(limbs: &[u32], w: u32, out: &mut [u8]) -> bool {
    let (mut acc, mut have) = (0u64, 0u32);
    let mut bytes = out.iter_mut().rev();
    for &limb in limbs {
        acc |= u64::from(limb) << have;
        have += w;
        while have >= 8 {
            match bytes.next() {
                Some(b) => *b = acc as u8,
                None if acc & 0xff == 0 => {}
                None => return false,
            }
            acc >>= 8;
            have -= 8;
        }
    }
    for b in bytes {
        *b = acc as u8;
        acc >>= 8;
    }
    acc == 0
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
        for w in [27, 28] {
            let mut limbs = [0u32; 4];
            assert!(be_bytes_to_limbs(&bytes, w, &mut limbs));
            assert!(limbs.iter().all(|&l| l < 1 << w));
            let mut back = [0u8; 13];
            assert!(limbs_to_be_bytes(&limbs, w, &mut back));
            assert_eq!(&back[..], &bytes[..]);
            let mut short = [0u8; 12];
            assert!(!limbs_to_be_bytes(&limbs, w, &mut short));
            let mut tiny = [0u32; 3];
            assert!(!be_bytes_to_limbs(&bytes, w, &mut tiny));
        }
        let mut limbs = [0u32; 2];
        assert!(be_bytes_to_limbs(&[0x12, 0x34, 0x56, 0x78], 28, &mut limbs));
        assert_eq!(limbs, [0x2345678, 0x1]);
    }

    #[test]
    fn r_squared_is_computed_on_first_use_and_equals_the_reference() {
        use ::rsa::BigUint;
        // Moduli of every compiled size: odd, top bit set, pseudo-random middle (a simple LCG keeps it seeded).
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for &bytes in &[256usize, 300, 384, 512, 768, 1024] {
            let mut n: Vec<u8> = (0..bytes)
                .map(|_| {
                    state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    (state >> 56) as u8
                })
                .collect();
            n[0] |= 0x80;
            n[bytes - 1] |= 1;
            let key = RsaPublic::new(&n, 65537).unwrap();
            assert!(key.rr.get().is_none(), "R^2 must not be computed when the key is parsed");
            let sig = vec![2u8; bytes];
            let first = key.public_op(&sig).unwrap();
            let limbs = key.n.len();
            let width = CONFIGS.iter().find(|c| c.0 == limbs).unwrap().1 as usize;
            let r2 = (BigUint::from(1u32) << (2 * width * limbs)) % BigUint::from_bytes_be(&n);
            let mut expect = vec![0u32; limbs];
            assert!(be_bytes_to_limbs(&r2.to_bytes_be(), width as u32, &mut expect));
            assert_eq!(key.rr.get().unwrap(), &expect, "{bytes}-byte modulus");
            // The public operation itself against the reference, and stable on reuse.
            let reference = BigUint::from_bytes_be(&sig).modpow(&BigUint::from(65537u32), &BigUint::from_bytes_be(&n));
            assert_eq!(BigUint::from_bytes_be(&first), reference);
            assert_eq!(key.public_op(&sig).unwrap(), first);
        }
    }

    #[test]
    fn key_validation() {
        let mut n = vec![0xffu8; 256];
        assert!(RsaPublic::new(&n, 65537).is_ok());
        assert_eq!(RsaPublic::new(&n, 65536), Err(RsaKeyError::Exponent));
        assert_eq!(RsaPublic::new(&n, 1), Err(RsaKeyError::Exponent));
        assert!(RsaPublic::new(&n, 3).is_ok());
        assert!(RsaPublic::from_be_bytes(&n, &[0, 0, 1, 0, 1]).is_ok());
        assert_eq!(
            RsaPublic::from_be_bytes(&n, &[1, 0, 0, 0, 1]),
            Err(RsaKeyError::Exponent)
        );
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
        assert_eq!((key.modulus_bits(), key.modulus_len(), key.n.len()), (2399, 300, 112));
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
