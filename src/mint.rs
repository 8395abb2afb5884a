//! A throw-away test issuer: generates a key pair and signs tokens with it, so a person can try policy
//! changes without a real issuer (the playground's "Mint a test token"). Never for production tokens.

use crate::error::{Error, Result};
use crate::token::b64url_encode;
use serde::Deserialize;
use serde_json::{json, Map, Value};

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct TestIssuerOptions {
    /// `ES256` (default), `EdDSA` or `RS256`.
    pub alg: String,
    pub kid: Option<String>,
}

impl Default for TestIssuerOptions {
    fn default() -> Self {
        TestIssuerOptions { alg: "ES256".into(), kid: None }
    }
}

enum SigningKey {
    Es256(p256::ecdsa::SigningKey),
    EdDsa(ed25519_compact::KeyPair),
    Rs256(Box<rsa::pkcs1v15::SigningKey<sha2::Sha256>>),
}

pub struct TestIssuer {
    key: SigningKey,
    kid: String,
    public_jwk: Map<String, Value>,
}

fn random_bytes<const N: usize>() -> Result<[u8; N]> {
    let mut out = [0u8; N];
    getrandom::getrandom(&mut out).map_err(|e| Error::invalid_argument(format!("no random source available: {e}")))?;
    Ok(out)
}

impl TestIssuer {
    pub fn generate(opts: &TestIssuerOptions) -> Result<TestIssuer> {
        let (key, mut jwk) = match opts.alg.as_str() {
            "ES256" => {
                let sk = loop {
                    // Rejection sampling: almost every 32-byte string is a valid scalar.
                    if let Ok(sk) = p256::ecdsa::SigningKey::from_slice(&random_bytes::<32>()?) {
                        break sk;
                    }
                };
                let point = sk.verifying_key().to_encoded_point(false);
                let (Some(x), Some(y)) = (point.x(), point.y()) else {
                    return Err(Error::invalid_argument("generated an invalid P-256 key"));
                };
                let jwk = json!({"kty": "EC", "crv": "P-256", "x": b64url_encode(x), "y": b64url_encode(y)});
                (SigningKey::Es256(sk), jwk)
            }
            "EdDSA" => {
                let kp = ed25519_compact::KeyPair::from_seed(ed25519_compact::Seed::new(random_bytes::<32>()?));
                let jwk = json!({"kty": "OKP", "crv": "Ed25519", "x": b64url_encode(kp.pk.as_ref())});
                (SigningKey::EdDsa(kp), jwk)
            }
            "RS256" => {
                use rsa::traits::PublicKeyParts;
                let mut rng = rand_core::OsRng;
                let sk = rsa::RsaPrivateKey::new(&mut rng, 2048)
                    .map_err(|e| Error::invalid_argument(format!("RSA key generation failed: {e}")))?;
                let jwk = json!({"kty": "RSA", "n": b64url_encode(&sk.n().to_bytes_be()), "e": b64url_encode(&sk.e().to_bytes_be())});
                (SigningKey::Rs256(Box::new(rsa::pkcs1v15::SigningKey::new(sk))), jwk)
            }
            other => return Err(Error::invalid_argument(format!("test issuer alg must be ES256, EdDSA or RS256, got {other:?}"))),
        };
        let kid = match &opts.kid {
            Some(k) => k.clone(),
            None => format!("test-{}", &b64url_encode(&random_bytes::<6>()?)),
        };
        if let Value::Object(map) = &mut jwk {
            map.insert("kid".into(), Value::from(kid.as_str()));
            map.insert("alg".into(), Value::from(opts.alg.as_str()));
            map.insert("use".into(), Value::from("sig"));
        }
        let Value::Object(public_jwk) = jwk else { return Err(Error::invalid_argument("internal: JWK is not an object")) };
        Ok(TestIssuer { key, kid, public_jwk })
    }

    pub fn alg(&self) -> &'static str {
        match self.key {
            SigningKey::Es256(_) => "ES256",
            SigningKey::EdDsa(_) => "EdDSA",
            SigningKey::Rs256(_) => "RS256",
        }
    }

    /// `{ "keys": [ <public JWK> ] }`
    pub fn jwks(&self) -> Value {
        json!({ "keys": [Value::Object(self.public_jwk.clone())] })
    }

    /// Signs `claims` with `header` members added to `{alg, kid, typ: "JWT"}` (`alg` cannot be overridden).
    pub fn sign(&self, claims: &Map<String, Value>, header: &Map<String, Value>) -> Result<String> {
        let mut h = Map::new();
        h.insert("alg".into(), Value::from(self.alg()));
        h.insert("kid".into(), Value::from(self.kid.as_str()));
        h.insert("typ".into(), Value::from("JWT"));
        for (k, v) in header {
            if k != "alg" {
                h.insert(k.clone(), v.clone());
            }
        }
        let enc = |v: &Map<String, Value>| serde_json::to_vec(v).map(|b| b64url_encode(&b));
        let (h, p) = match (enc(&h), enc(claims)) {
            (Ok(h), Ok(p)) => (h, p),
            _ => return Err(Error::invalid_argument("cannot serialize the token")),
        };
        let input = format!("{h}.{p}");
        let sig = match &self.key {
            SigningKey::Es256(sk) => {
                use p256::ecdsa::signature::Signer;
                let s: p256::ecdsa::Signature = sk.sign(input.as_bytes());
                s.to_bytes().to_vec()
            }
            SigningKey::EdDsa(kp) => kp.sk.sign(input.as_bytes(), None).to_vec(),
            SigningKey::Rs256(sk) => {
                use rsa::signature::{SignatureEncoding, Signer};
                sk.sign(input.as_bytes()).to_vec()
            }
        };
        Ok(format!("{input}.{}", b64url_encode(&sig)))
    }
}
