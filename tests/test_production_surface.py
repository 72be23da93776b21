"""What a production deployment shows anonymous callers (issue 21): the gateway's /readyz
names no tenant and no upstream, a service serves no API description of its own."""

import shutil
from pathlib import Path

from fastapi.testclient import TestClient
from opspact.auth import ensure_keypair
from opspact.cli.stack import repo_root


def test_readyz_names_nothing_outside_dev(tmp_path: Path):
    from gateway.config import GatewaySettings
    from gateway.main import create_app
    private, _ = ensure_keypair(tmp_path)
    tenants = tmp_path / "tenants"
    tenants.mkdir()
    shutil.copy(repo_root() / "deploy" / "tenants" / "xinjiang.yaml", tenants)  # no private pools
    settings = GatewaySettings(env="prod", gateway_jwt_secret="a-real-secret",
                               gateway_jwks_source=str(tmp_path / "jwks.json"), gateway_jwt_issuer="idp",
                               gateway_internal_private_key=private, gateway_audit_enabled=False,
                               gateway_tenants_dir=tenants, gateway_upstreams={
                                   s: f"http://{s}:8000" for s in ("ticketing", "inventory", "billing",
                                                                    "notify")})
    body = TestClient(create_app(settings)).get("/readyz").json()
    assert body == {"status": "ok"}
    dev = GatewaySettings(gateway_internal_private_key=private, gateway_audit_enabled=False,
                          gateway_tenants_dir=repo_root() / "deploy" / "tenants")
    assert "xinjiang" in TestClient(create_app(dev)).get("/readyz").json()["tenants"]


def test_a_service_serves_no_api_description_outside_dev(tmp_path: Path, monkeypatch):
    from billing import config
    from billing.main import create_app
    _, public = ensure_keypair(tmp_path)
    for env, status in (("prod", 404), ("dev", 200)):
        monkeypatch.setenv("OPSPACT_ENV", env)
        monkeypatch.setenv("OPSPACT_INTERNAL_PUBLIC_KEY", public)
        config.get_settings.cache_clear()
        try:
            client = TestClient(create_app())
            assert client.get("/openapi.json").status_code == status, env
            assert client.get("/docs").status_code == status, env
        finally:
            config.get_settings.cache_clear()
