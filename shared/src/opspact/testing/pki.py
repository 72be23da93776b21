"""A stand-in police PKI for tests: a CA per tenant, client certificates that are
valid, expired, revoked or foreign, a CRL, and the gateway's per-tenant layout."""

from __future__ import annotations

import ipaddress
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

import yaml
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


def _name(common_name: str, org: str = "公安PKI测试") -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


class FakeCa:
    def __init__(self, common_name: str) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        now = datetime.now(UTC)
        self.cert = (x509.CertificateBuilder().subject_name(_name(common_name))
                     .issuer_name(_name(common_name)).public_key(self.key.public_key())
                     .serial_number(x509.random_serial_number())
                     .not_valid_before(now - timedelta(days=30))
                     .not_valid_after(now + timedelta(days=3650))
                     .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
                     .sign(self.key, hashes.SHA256()))
        self.revoked: list[tuple[int, datetime]] = []
        self.keys: dict[int, ec.EllipticCurvePrivateKey] = {}  # by serial, to use a certificate in TLS

    def issue(self, common_name: str, days_valid: int = 365, starts_in_days: int = -1,
              serial: int | None = None, server_ip: str | None = None) -> x509.Certificate:
        """A client certificate, or with `server_ip` a server's (its address as the SAN)."""
        key = ec.generate_private_key(ec.SECP256R1())
        start = datetime.now(UTC) + timedelta(days=starts_in_days)
        builder = (x509.CertificateBuilder().subject_name(_name(common_name, "某公安局"))
                   .issuer_name(self.cert.subject).public_key(key.public_key())
                   .serial_number(serial or x509.random_serial_number())
                   .not_valid_before(start).not_valid_after(start + timedelta(days=days_valid)))
        if server_ip:
            builder = builder.add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address(server_ip))]), critical=False)
        cert = builder.sign(self.key, hashes.SHA256())
        self.keys[cert.serial_number] = key
        return cert

    def files(self, cert: x509.Certificate, directory: Path, name: str) -> tuple[str, str]:
        """(certificate PEM path, key PEM path) of a certificate this CA issued."""
        directory.mkdir(parents=True, exist_ok=True)
        cert_path, key_path = directory / f"{name}.pem", directory / f"{name}.key"
        cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        key_path.write_bytes(self.keys[cert.serial_number].private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
        return str(cert_path), str(key_path)

    def revoke(self, cert: x509.Certificate) -> None:
        self.revoked.append((cert.serial_number, datetime.now(UTC) - timedelta(hours=1)))

    def crl_pem(self) -> bytes:
        now = datetime.now(UTC)
        builder = (x509.CertificateRevocationListBuilder().issuer_name(self.cert.subject)
                   .last_update(now - timedelta(hours=1)).next_update(now + timedelta(days=7)))
        for serial, at in self.revoked:
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(at).build())
        return builder.sign(self.key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM)

    def write(self, pki_dir: Path, tenant: str, registry: list[dict]) -> None:
        home = pki_dir / tenant
        home.mkdir(parents=True, exist_ok=True)
        (home / "ca.pem").write_bytes(self.cert.public_bytes(serialization.Encoding.PEM))
        (home / "crl.pem").write_bytes(self.crl_pem())
        (home / "registry.yaml").write_text(yaml.safe_dump(registry, allow_unicode=True),
                                            encoding="utf-8")


def forwarded(cert: x509.Certificate) -> str:
    """What nginx puts in the header: `$ssl_client_escaped_cert` (URL-encoded PEM)."""
    return quote(cert.public_bytes(serialization.Encoding.PEM).decode())


def registration(cert: x509.Certificate, subject: str, *roles: str) -> dict:
    return {"serial": f"{cert.serial_number:X}", "issuer": cert.issuer.rfc4514_string(),
            "subject": subject, "roles": list(roles)}
