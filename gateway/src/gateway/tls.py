"""The gateway terminating TLS itself, with police PKI client certificates.

Where no front proxy verifies certificates (a police intranet with the gateway at the
edge), `python -m gateway.serve` listens with TLS and asks clients for a certificate
(`OPSPACT_GATEWAY_TLS_CLIENT_CERTS`: optional — JWT callers need none — or required). The
handshake trusts every tenant's CA bundle (`<pki dir>/<tenant>/ca.pem`): a certificate
from a CA no tenant trusts is refused there, with TLS's own `unknown_ca` alert. Validity
dates are *not* checked in the handshake (OpenSSL's X509_V_FLAG_NO_CHECK_TIME) so that an
expired certificate reaches the gateway and gets a 401 saying when it expired; revocation
(the tenants' CRLs), the tenant (by issuing CA) and the registry are checked by
`gateway.pki.authenticate_certificate`, as for a certificate a proxy forwards.

uvicorn does not hand the peer certificate to the application, so the HTTP protocol here
adds it to each request's scope as the ASGI TLS extension (`extensions.tls`)."""

from __future__ import annotations

import ssl
from collections.abc import Callable

from cryptography.hazmat.primitives import serialization
from uvicorn.config import Config

from gateway.pki import TenantTrust
from gateway.protocol import ProblemHttpProtocol

# OpenSSL's X509_V_FLAG_NO_CHECK_TIME: Python's ssl.VerifyFlags has no name for it.
NO_CHECK_TIME = 0x200000
MODES = {"optional": ssl.CERT_OPTIONAL, "required": ssl.CERT_REQUIRED}


def server_context(certfile: str, keyfile: str | None, trust: dict[str, TenantTrust],
                   client_certs: str) -> ssl.SSLContext:
    """TLS 1.2+ with the server's certificate, asking for a client certificate from any
    tenant's CAs."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(certfile, keyfile)
    context.set_alpn_protocols(["http/1.1"])
    if client_certs != "none":
        cas = [ca for tenant in trust.values() for ca in tenant.cas]
        if not cas:
            raise ValueError("client certificates are asked for, but no tenant has a CA bundle "
                             "(OPSPACT_GATEWAY_PKI_DIR)")
        context.load_verify_locations(cadata="".join(
            ca.public_bytes(serialization.Encoding.PEM).decode() for ca in cas))
        context.verify_mode = MODES[client_certs]
        context.verify_flags |= NO_CHECK_TIME
    return context


def context_factory(certfile: str, keyfile: str | None, trust: dict[str, TenantTrust],
                    client_certs: str) -> Callable[[Config, Callable[[], ssl.SSLContext]], ssl.SSLContext]:
    return lambda _config, _default: server_context(certfile, keyfile, trust, client_certs)


class TlsHttpProtocol(ProblemHttpProtocol):
    """uvicorn's HTTP/1.1 protocol, adding the connection's TLS facts to every request:
    `scope["extensions"]["tls"] = {"client_cert_chain": [PEM…], "tls_version": …}`."""

    def connection_made(self, transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        ssl_object = transport.get_extra_info("ssl_object")
        if ssl_object is None:
            return
        peer = ssl_object.getpeercert(binary_form=True)
        facts = {"client_cert_chain": [ssl.DER_cert_to_PEM_cert(peer)] if peer else [],
                 "tls_version": ssl_object.version(), "cipher_suite": (ssl_object.cipher() or ("",))[0]}
        inner = self.app

        async def with_tls(scope, receive, send):
            if scope["type"] in ("http", "websocket"):
                scope.setdefault("extensions", {})["tls"] = facts
            await inner(scope, receive, send)

        self.app = with_tls


def client_certificate_pem(scope: dict) -> str | None:
    """The certificate the client presented in this gateway's own handshake, if any."""
    chain = scope.get("extensions", {}).get("tls", {}).get("client_cert_chain") or []
    return chain[0] if chain else None
