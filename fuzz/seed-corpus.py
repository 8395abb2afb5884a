#!/usr/bin/env python3
"""Builds fuzz/corpus/<target>/ from the test vectors (Wycheproof, RFC examples, real OIDC data, policies)."""
import glob, hashlib, json, os, sys

here = os.path.dirname(os.path.abspath(__file__))
shared = os.environ.get("OIDC_TRUST_SHARED") or os.path.join(here, "..", "..", "shared")
corpus = os.path.join(here, "corpus")


def put(target, data):
    if isinstance(data, str):
        data = data.encode()
    d = os.path.join(corpus, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()), "wb") as f:
        f.write(data)


def walk(o):
    if isinstance(o, dict):
        yield o
        for v in o.values():
            yield from walk(v)
    elif isinstance(o, list):
        for v in o:
            yield from walk(v)


tokens = []
ws = json.load(open(os.path.join(shared, "vectors/wycheproof/json_web_signature_test.json")))
for g in ws["testGroups"]:
    for t in g["tests"]:
        if isinstance(t["jws"], str):
            tokens.append(t["jws"])
    for k in ("public", "private"):
        if k in g:
            key = g[k]
            put("jwks", json.dumps(key if "keys" in key else {"keys": [key]}))
for path in glob.glob(os.path.join(shared, "vectors/rfc/derived/*.json")):
    for o in walk(json.load(open(path))):
        for v in o.values():
            if isinstance(v, str) and v.count(".") == 2 and v.startswith("ey"):
                tokens.append(v)
for path in glob.glob(os.path.join(shared, "vectors/oidc/tokens/*.jwt")):
    tokens.append(open(path).read().strip())
for path in glob.glob(os.path.join(shared, "vectors/oidc/jwks/*.json")):
    put("jwks", open(path).read())
put("jwks", open(os.path.join(here, "seeds/jwks.json")).read())

for t in tokens:
    for target in ("decode", "verify", "check"):
        put(target, t)

policies = glob.glob(os.path.join(here, "seeds/policy_*.json")) + glob.glob(os.path.join(here, "..", "tests/fixtures/policy/**/*.json"), recursive=True)
for path in policies:
    put("policy_parse", open(path).read())

claims = [
    {"iss": "https://token.actions.githubusercontent.com", "aud": "sts.amazonaws.com", "sub": "repo:octo-org/app:ref:refs/heads/main", "repository": "octo-org/app", "environment": "prod-01", "amr": ["mfa"]},
    {"iss": "https://accounts.google.com", "aud": ["a", "b"], "azp": "x", "google/organization_number": 12, "sub": "1"},
    {"iss": "https://oidc.fly.io/acme", "aud": "sts.amazonaws.com", "sub": "acme:web:148e21ea7e46e8"},
]
for i, c in enumerate(claims):
    for sel in (0, 1, 0x80, 0x81):
        put("policy_eval", bytes([sel]) + json.dumps(c).encode())
print("corpus:", {d: len(os.listdir(os.path.join(corpus, d))) for d in sorted(os.listdir(corpus))})
