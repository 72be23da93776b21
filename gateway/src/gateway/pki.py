"""Police PKI certificates (公安PKI / 数字证书登录) exchanged for a short-lived token.

The TLS handshake is done by the front proxy (nginx / ingress with
`ssl_verify_client optional`), which forwards the client certificate in a header
(`$ssl_client_escaped_cert`). The gateway honours that header only from the
configured proxy addresses and checks the certificate again itself against the
tenant's own trust material, laid out per tenant:

    <pki dir>/<tenant>/ca.pem          the CAs that issue this client's certificates
    <pki dir>/<tenant>/crl.pem         their revocation lists (optional, PEM, several)
    <pki dir>/<tenant>/registry.yaml   certificate → principal:
        - {serial: "1A2B", issuer: "CN=…", subject: user-id, roles: [client_admin]}
        - {subject_dn: "CN=…,O=…", subject: user-id, roles: [client_viewer]}

Expired, not yet valid, from a CA the tenant does not trust, revoked, or not in
the registry: 401 naming which.
"""

from __future__ import annotations

import ipaddress
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote

import jwt
import yaml
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from opspact.auth import CERT_TOKEN_ISSUER, CERT_TOKEN_KID, ROLES, Principal
from opspact.errors import Unauthorized
from pydantic import BaseModel, ConfigDict, Field, model_validator


class Registration(BaseModel):
    model_config = ConfigDict(extra="forbid")
    serial: str | None = Field(default=None, pattern=r"^[0-9A-Fa-f:]+$")
    issuer: str | None = None
    subject_dn: str | None = None
    subject: str = Field(min_length=1, max_length=100, description="the user id")
    roles: list[str] = Field(min_length=1)

    @model_validator(mode="after")
    def _one_key(self) -> Registration:
        if not ((self.serial and self.issuer) or self.subject_dn):
            raise ValueError("a registration needs serial + issuer, or subject_dn")
        unknown = set(self.roles) - set(ROLES)
        if unknown:
            raise ValueError(f"unknown roles {sorted(unknown)}")
        return self


@dataclass
class TenantTrust:
    tenant: str
    cas: list[x509.Certificate]
    crls: list[x509.CertificateRevocationList]
    registry: list[Registration]


def _serial(value: int | str) -> str:
    return (f"{value:X}" if isinstance(value, int) else value.replace(":", "")).upper().lstrip("0")


def load_trust(pki_dir: Path) -> dict[str, TenantTrust]:
    trust = {}
    for home in sorted(p for p in pki_dir.iterdir() if p.is_dir()):
        cas = x509.load_pem_x509_certificates((home / "ca.pem").read_bytes())
        crl_path = home / "crl.pem"
        crls = []
        if crl_path.is_file():
            blocks = crl_path.read_bytes().split(b"-----END X509 CRL-----")
            crls = [x509.load_pem_x509_crl(b + b"-----END X509 CRL-----")
                    for b in blocks if b.strip()]
        raw = yaml.safe_load((home / "registry.yaml").read_text(encoding="utf-8")) or []
        trust[home.name] = TenantTrust(home.name, cas, crls,
                                       [Registration.model_validate(r) for r in raw])
    return trust


def trusted_proxy(client_host: str | None, proxies: list[str]) -> bool:
    try:
        address = ipaddress.ip_address(client_host or "")
    except ValueError:  # no address, or a socket path
        return False
    return any(address in ipaddress.ip_network(p, strict=False) for p in proxies)


def forwarded_certificate(header: str | None) -> x509.Certificate:
    if not header:
        raise Unauthorized("no client certificate: log in through the PKI entrance")
    try:
        return x509.load_pem_x509_certificate(unquote(header).encode())
    except ValueError as exc:
        raise Unauthorized(f"the forwarded client certificate is not readable: {exc}") from None


def _issued_by(cert: x509.Certificate, ca: x509.Certificate) -> bool:
    try:
        cert.verify_directly_issued_by(ca)
        return True
    except (ValueError, TypeError, InvalidSignature):
        return False


def authenticate_certificate(cert: x509.Certificate, trust: dict[str, TenantTrust],
                             now: datetime | None = None) -> Principal:
    now = now or datetime.now(UTC)
    issuer = next(((t, ca) for t in trust.values() for ca in t.cas if _issued_by(cert, ca)), None)
    if issuer is None:
        raise Unauthorized(f"certificate issued by {cert.issuer.rfc4514_string()} is not from a "
                           "CA any tenant trusts")
    tenant, ca = issuer
    if now < cert.not_valid_before_utc:
        raise Unauthorized(f"certificate is not valid before {cert.not_valid_before_utc:%Y-%m-%d}")
    if now > cert.not_valid_after_utc:
        raise Unauthorized(f"certificate expired on {cert.not_valid_after_utc:%Y-%m-%d}")
    for crl in tenant.crls:
        if crl.issuer != ca.subject or not crl.is_signature_valid(ca.public_key()):
            continue
        revoked = crl.get_revoked_certificate_by_serial_number(cert.serial_number)
        if revoked is not None:
            raise Unauthorized(f"certificate was revoked on {revoked.revocation_date_utc:%Y-%m-%d}")
    serial, issuer_dn = _serial(cert.serial_number), cert.issuer.rfc4514_string()
    subject_dn = cert.subject.rfc4514_string()
    for entry in tenant.registry:
        if (entry.serial and _serial(entry.serial) == serial and entry.issuer == issuer_dn) or \
                entry.subject_dn == subject_dn:
            return Principal(subject=entry.subject, tenant=tenant.tenant, roles=tuple(entry.roles),
                             amr=("pki",))
    raise Unauthorized(f"certificate {subject_dn} (serial {serial}) is valid but not registered "
                       f"for tenant {tenant.tenant}")


# -- the token a verified certificate is exchanged for ------------------------------
# the issuer, key id and verification live in opspact.auth: the console checks these tokens too


def issue_cert_token(private_pem: str, principal: Principal, ttl_seconds: int) -> str:
    """An EdDSA token the gateway itself accepts (audience `opspact`, never a service's:
    the services accept only the internal tokens the gateway mints per request)."""
    now = int(time.time())
    claims = {"iss": CERT_TOKEN_ISSUER, "aud": "opspact", "sub": principal.subject,
              "tenants": [principal.tenant], "roles": list(principal.roles), "amr": ["pki"],
              "iat": now, "exp": now + ttl_seconds, "jti": uuid.uuid4().hex}
    return jwt.encode(claims, private_pem, algorithm="EdDSA", headers={"kid": CERT_TOKEN_KID})
