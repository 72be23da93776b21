"""A stand-in identity provider for tests: signing keys of each accepted family, a
JWKS served over HTTP that can be taken down and brought back, and tokens minted
the way a real provider (Keycloak, a police SSO) would mint them."""

from __future__ import annotations

import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

ISSUER = "https://idp.test/realms/opspact"
AUDIENCE = "opspact"


def new_key(algorithm: str):
    if algorithm == "RS256":
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    if algorithm == "ES256":
        return ec.generate_private_key(ec.SECP256R1())
    if algorithm == "EdDSA":
        return ed25519.Ed25519PrivateKey.generate()
    raise ValueError(algorithm)


def public_jwk(kid: str, algorithm: str, private_key, with_alg: bool = True) -> dict:
    family = {"RS256": jwt.algorithms.RSAAlgorithm, "ES256": jwt.algorithms.ECAlgorithm,
              "EdDSA": jwt.algorithms.OKPAlgorithm}[algorithm]
    jwk = family.to_jwk(private_key.public_key(), as_dict=True)
    jwk.update({"kid": kid, "use": "sig", **({"alg": algorithm} if with_alg else {})})
    return jwk


class FakeIdp:
    def __init__(self) -> None:
        self.keys: dict[str, tuple[str, object]] = {}
        self.fetches = 0
        self.server: ThreadingHTTPServer | None = None
        self.port: int | None = None

    def add_key(self, kid: str, algorithm: str = "RS256") -> None:
        self.keys[kid] = (algorithm, new_key(algorithm))

    def jwks(self) -> dict:
        return {"keys": [public_jwk(kid, alg, key) for kid, (alg, key) in self.keys.items()]}

    def token(self, kid: str, tenants: list[str], roles: list[str], subject: str = "user-1",
              **overrides) -> str:
        algorithm, key = self.keys[kid]
        now = int(time.time())
        claims = {"iss": ISSUER, "aud": AUDIENCE, "sub": subject, "iat": now, "exp": now + 300,
                  "jti": uuid.uuid4().hex, "tenants": tenants, "roles": roles, **overrides}
        claims = {k: v for k, v in claims.items() if v is not None}
        return jwt.encode(claims, key, algorithm=algorithm, headers={"kid": kid})

    # -- the JWKS endpoint ----------------------------------------------------
    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/jwks"

    def start(self, port: int = 0) -> None:
        idp = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's name
                idp.fetches += 1
                body = json.dumps(idp.jwks()).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port or self.port or 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None
