//! The P-256 base field `p = 2^256 - 2^224 + 2^192 + 2^96 - 1` in 32-bit limbs, for [`super`]'s point arithmetic.
//!
//! Why not p256's `FieldElement`: on wasm32 it runs its 64-bit code (`u64` limbs, `u128` products), and wasm
//! has no 64×64→128 multiply, so every limb product is a call to the `__multi3` helper. Here limbs are `u32` and
//! products `u64` (native `i64.mul`): ES256 measured ~2× faster with this field (bench/RESULTS.md, issue 6).
//!
//! Representation: 8 little-endian `u32` limbs in Montgomery form `a·R mod p` with `R = 2^256`, always fully
//! reduced (`< p`), so equality is limb equality. Multiplication is the textbook CIOS Montgomery product (one
//! multiply pass and one reduction pass per limb of `b`); since `p ≡ -1 (mod 2^32)`, `-p⁻¹ mod 2^32 = 1` and the
//! reduction multiplier is the low limb itself. With inputs `< p` the product is `< 2p` before the final
//! conditional subtraction. Not constant time (early-exit comparisons): only public values pass through here.
//! Tested against p256's `FieldElement` (dev feature `expose-field`) on random and edge values.

/// p, little-endian 32-bit limbs.
const P: [u32; 8] = [0xffff_ffff, 0xffff_ffff, 0xffff_ffff, 0, 0, 0, 1, 0xffff_ffff];
/// R² mod p, for conversion into Montgomery form.
const R2: [u32; 8] = [3, 0, 0xffff_ffff, 0xffff_fffb, 0xffff_fffe, 0xffff_ffff, 0xffff_fffd, 4];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fe([u32; 8]);

impl Fe {
    pub const ZERO: Fe = Fe([0; 8]);
    /// 1 in Montgomery form: R mod p.
    pub const ONE: Fe = Fe([1, 0, 0, 0xffff_ffff, 0xffff_ffff, 0xffff_ffff, 0xffff_fffe, 0]);

    /// From 32 big-endian bytes; `None` unless the value is below p.
    pub fn from_bytes(bytes: &[u8; 32]) -> Option<Fe> {
        let mut limbs = [0u32; 8];
        for (i, chunk) in bytes.rchunks_exact(4).enumerate() {
            limbs[i] = u32::from_be_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
        }
        if !less_than_p(&limbs) {
            return None;
        }
        Some(Fe(limbs).mul(&Fe(R2)))
    }

    /// 32 big-endian bytes of the (non-Montgomery) value.
    #[cfg(test)]
    pub fn to_bytes(self) -> [u8; 32] {
        let plain = self.mul(&Fe([1, 0, 0, 0, 0, 0, 0, 0]));
        let mut out = [0u8; 32];
        for (i, chunk) in out.rchunks_exact_mut(4).enumerate() {
            chunk.copy_from_slice(&plain.0[i].to_be_bytes());
        }
        out
    }

    pub fn is_zero(&self) -> bool {
        self.0 == [0; 8]
    }

    pub fn add(&self, b: &Fe) -> Fe {
        let mut r = [0u32; 8];
        let mut carry = 0u64;
        for i in 0..8 {
            let t = self.0[i] as u64 + b.0[i] as u64 + carry;
            r[i] = t as u32;
            carry = t >> 32;
        }
        if carry != 0 || !less_than_p(&r) {
            sub_p(&mut r);
        }
        Fe(r)
    }

    pub fn sub(&self, b: &Fe) -> Fe {
        let mut r = [0u32; 8];
        let mut borrow = 0u64;
        for i in 0..8 {
            let t = (self.0[i] as u64).wrapping_sub(b.0[i] as u64).wrapping_sub(borrow);
            r[i] = t as u32;
            borrow = (t >> 63) & 1;
        }
        if borrow != 0 {
            // r = a - b + 2^256; adding p wraps past 2^256 exactly once.
            let mut carry = 0u64;
            for i in 0..8 {
                let t = r[i] as u64 + P[i] as u64 + carry;
                r[i] = t as u32;
                carry = t >> 32;
            }
        }
        Fe(r)
    }

    pub fn double(&self) -> Fe {
        self.add(self)
    }

    pub fn neg(&self) -> Fe {
        Fe::ZERO.sub(self)
    }

    /// Montgomery product `a·b·R⁻¹ mod p` (CIOS).
    pub fn mul(&self, b: &Fe) -> Fe {
        let a = &self.0;
        let b = &b.0;
        let mut t = [0u32; 10];
        for i in 0..8 {
            // t += a·b[i]
            let bi = b[i] as u64;
            let mut c = 0u64;
            for j in 0..8 {
                let s = t[j] as u64 + a[j] as u64 * bi + c;
                t[j] = s as u32;
                c = s >> 32;
            }
            let s = t[8] as u64 + c;
            t[8] = s as u32;
            t[9] = (s >> 32) as u32;
            // t = (t + m·p) / 2^32 with m = t[0]·(-p⁻¹) mod 2^32 = t[0].
            let m = t[0] as u64;
            let mut c = (t[0] as u64 + m * P[0] as u64) >> 32;
            for j in 1..8 {
                let s = t[j] as u64 + m * P[j] as u64 + c;
                t[j - 1] = s as u32;
                c = s >> 32;
            }
            let s = t[8] as u64 + c;
            t[7] = s as u32;
            t[8] = t[9] + (s >> 32) as u32;
        }
        let mut r = [0u32; 8];
        r.copy_from_slice(&t[..8]);
        if t[8] != 0 || !less_than_p(&r) {
            sub_p(&mut r);
        }
        Fe(r)
    }

    pub fn square(&self) -> Fe {
        self.mul(self)
    }
}

fn less_than_p(a: &[u32; 8]) -> bool {
    for i in (0..8).rev() {
        if a[i] != P[i] {
            return a[i] < P[i];
        }
    }
    false
}

/// a -= p (mod 2^256).
fn sub_p(a: &mut [u32; 8]) {
    let mut borrow = 0u64;
    for i in 0..8 {
        let t = (a[i] as u64).wrapping_sub(P[i] as u64).wrapping_sub(borrow);
        a[i] = t as u32;
        borrow = (t >> 63) & 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use p256::elliptic_curve::Field;
    use p256::{FieldBytes, FieldElement};
    use rand::{RngCore, SeedableRng};

    fn theirs(bytes: &[u8; 32]) -> FieldElement {
        Option::from(FieldElement::from_bytes(&FieldBytes::from(*bytes))).unwrap()
    }

    fn bytes_of(f: &FieldElement) -> [u8; 32] {
        f.to_bytes().into()
    }

    #[test]
    fn matches_p256_field_element() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(0x6669_656c_64);
        let p_minus = |k: u8| {
            let mut b = [0xffu8; 32];
            b[4..8].copy_from_slice(&[0, 0, 0, 1]);
            b[8..20].fill(0);
            b[31] = 0xff - k;
            b
        };
        let mut values: Vec<[u8; 32]> = vec![[0; 32], p_minus(1), p_minus(2), p_minus(0xfe)];
        let mut one = [0u8; 32];
        one[31] = 1;
        values.push(one);
        let mut top = [0u8; 32];
        top[0] = 0x80;
        values.push(top);
        values.push([0x7f; 32]);
        for _ in 0..400 {
            let v = bytes_of(&FieldElement::random(&mut rng));
            values.push(v);
        }
        for (i, a) in values.iter().enumerate() {
            let (fa, ta) = (Fe::from_bytes(a).unwrap(), theirs(a));
            assert_eq!(fa.to_bytes(), *a, "round trip");
            assert_eq!(fa.square().to_bytes(), bytes_of(&ta.square()));
            assert_eq!(fa.neg().to_bytes(), bytes_of(&ta.neg()));
            assert_eq!(fa.double().to_bytes(), bytes_of(&ta.double()));
            assert_eq!(fa.is_zero(), bool::from(ta.is_zero()));
            for b in values.iter().skip(i % 7).step_by(9) {
                let (fb, tb) = (Fe::from_bytes(b).unwrap(), theirs(b));
                assert_eq!(fa.mul(&fb).to_bytes(), bytes_of(&ta.multiply(&tb)));
                assert_eq!(fa.add(&fb).to_bytes(), bytes_of(&ta.add(&tb)));
                assert_eq!(fa.sub(&fb).to_bytes(), bytes_of(&ta.sub(&tb)));
            }
        }
        assert_eq!(Fe::ONE, Fe::from_bytes(&one).unwrap());
    }

    #[test]
    fn from_bytes_refuses_p_and_above() {
        let mut p = [0xffu8; 32];
        p[4..8].copy_from_slice(&[0, 0, 0, 1]);
        p[8..20].fill(0);
        assert!(Fe::from_bytes(&p).is_none());
        assert!(Fe::from_bytes(&[0xff; 32]).is_none());
        p[31] = 0xfe;
        assert!(Fe::from_bytes(&p).is_some());
        let mut r = [0u8; 32];
        for _ in 0..100 {
            rand::rngs::StdRng::seed_from_u64(r[0] as u64).fill_bytes(&mut r);
            let mut lim = [0u32; 8];
            for (i, c) in r.rchunks_exact(4).enumerate() {
                lim[i] = u32::from_be_bytes([c[0], c[1], c[2], c[3]]);
            }
            assert_eq!(Fe::from_bytes(&r).is_some(), less_than_p(&lim));
        }
    }
}
