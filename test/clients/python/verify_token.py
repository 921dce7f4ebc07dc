"""Verifies a service-account token with PyJWT, reaching the keys only through the issuer's OIDC discovery.

Usage: verify_token.py ISSUER AUDIENCE < token. Prints the verified claims as JSON; exits non-zero on any failure.
Run with the Debian python3 (package python3-jwt), an implementation independent of Irsa and of .NET.
"""
import json
import sys
import urllib.request

import jwt

issuer, audience = sys.argv[1], sys.argv[2]
token = sys.stdin.read().strip()
with urllib.request.urlopen(issuer + "/.well-known/openid-configuration") as response:
    discovery = json.load(response)
if discovery["issuer"] != issuer:
    sys.exit(f"discovery issuer {discovery['issuer']!r} != {issuer!r}")
key = jwt.PyJWKClient(discovery["jwks_uri"]).get_signing_key_from_jwt(token)
claims = jwt.decode(token, key.key, algorithms=["RS256", "ES256"], audience=audience, issuer=issuer,
                    options={"require": ["exp", "iat", "nbf", "sub", "aud", "iss"]})
print(json.dumps({"header": jwt.get_unverified_header(token), "claims": claims}))
