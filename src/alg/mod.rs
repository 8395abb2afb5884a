//! Signature algorithms. Every algorithm is bound to a key type; the header's `alg` alone never picks one.

mod backend;
pub mod ecdsa;
pub mod ed25519;
pub mod p256_vartime;
pub mod rsa;
pub mod rsa_fast;

pub use backend::{
    ec_coordinate_len, hmac_min_key_len, verify_signature, Backend, PublicKey, PureBackend, SignatureBackend,
};

/// JWS algorithms this library verifies. `none` is deliberately absent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Alg {
    HS256,
    HS384,
    HS512,
    RS256,
    RS384,
    RS512,
    PS256,
    PS384,
    PS512,
    ES256,
    ES384,
    ES512,
    ES256K,
    EdDSA,
}

/// The key type (and curve) an algorithm needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyFamily {
    Rsa,
    Ec(Curve),
    Ed25519,
    Oct,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Curve {
    P256,
    P384,
    P521,
    Secp256k1,
}

impl Curve {
    /// The JWK `crv` name.
    pub fn jwk_name(self) -> &'static str {
        match self {
            Curve::P256 => "P-256",
            Curve::P384 => "P-384",
            Curve::P521 => "P-521",
            Curve::Secp256k1 => "secp256k1",
        }
    }
    pub fn from_jwk_name(name: &str) -> Option<Curve> {
        Some(match name {
            "P-256" => Curve::P256,
            "P-384" => Curve::P384,
            "P-521" => Curve::P521,
            "secp256k1" => Curve::Secp256k1,
            _ => return None,
        })
    }
}

impl Alg {
    pub const ALL: [Alg; 14] = [
        Alg::HS256,
        Alg::HS384,
        Alg::HS512,
        Alg::RS256,
        Alg::RS384,
        Alg::RS512,
        Alg::PS256,
        Alg::PS384,
        Alg::PS512,
        Alg::ES256,
        Alg::ES384,
        Alg::ES512,
        Alg::ES256K,
        Alg::EdDSA,
    ];

    /// Case-sensitive, as RFC 7515 requires.
    pub fn from_name(name: &str) -> Option<Alg> {
        Alg::ALL.into_iter().find(|a| a.name() == name)
    }

    pub fn name(self) -> &'static str {
        match self {
            Alg::HS256 => "HS256",
            Alg::HS384 => "HS384",
            Alg::HS512 => "HS512",
            Alg::RS256 => "RS256",
            Alg::RS384 => "RS384",
            Alg::RS512 => "RS512",
            Alg::PS256 => "PS256",
            Alg::PS384 => "PS384",
            Alg::PS512 => "PS512",
            Alg::ES256 => "ES256",
            Alg::ES384 => "ES384",
            Alg::ES512 => "ES512",
            Alg::ES256K => "ES256K",
            Alg::EdDSA => "EdDSA",
        }
    }

    pub fn family(self) -> KeyFamily {
        match self {
            Alg::HS256 | Alg::HS384 | Alg::HS512 => KeyFamily::Oct,
            Alg::RS256 | Alg::RS384 | Alg::RS512 | Alg::PS256 | Alg::PS384 | Alg::PS512 => KeyFamily::Rsa,
            Alg::ES256 => KeyFamily::Ec(Curve::P256),
            Alg::ES384 => KeyFamily::Ec(Curve::P384),
            Alg::ES512 => KeyFamily::Ec(Curve::P521),
            Alg::ES256K => KeyFamily::Ec(Curve::Secp256k1),
            Alg::EdDSA => KeyFamily::Ed25519,
        }
    }

    pub fn is_symmetric(self) -> bool {
        self.family() == KeyFamily::Oct
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_none_is_absent() {
        for a in Alg::ALL {
            assert_eq!(Alg::from_name(a.name()), Some(a));
        }
        assert_eq!(Alg::from_name("none"), None);
        assert_eq!(Alg::from_name("rs256"), None);
        assert_eq!(Alg::from_name("Ed25519"), None);
    }

    /// The wasm binding's native backend passes `alg as u32` and the JS side reads names from `ALL` by it.
    #[test]
    fn discriminants_are_positions_in_all() {
        for (i, alg) in Alg::ALL.iter().enumerate() {
            assert_eq!(*alg as u32 as usize, i);
        }
    }
}
