"""Where the gateway finds each integration's hook secret."""

from gateway.config import GatewaySettings
from gateway.hooks import secret_for
from opspact.hooksig import dev_secret


def settings(env="prod", **extra) -> GatewaySettings:
    return GatewaySettings(env=env, gateway_internal_private_key="k",
                           gateway_jwt_secret="x" * 40, gateway_jwks_source="jwks.json",
                           gateway_jwt_issuer="https://idp", **extra)


def test_configured_secret_wins_then_file_then_dev(tmp_path):
    (tmp_path / "xinjiang.12123").write_text("from-file\n", encoding="utf-8")
    s = settings(gateway_hook_secrets={"xinjiang/12123": "from-env"},
                 gateway_hook_secrets_dir=tmp_path)
    assert secret_for(s, "xinjiang", "12123") == "from-env"
    assert secret_for(settings(gateway_hook_secrets_dir=tmp_path), "xinjiang", "12123") == "from-file"
    assert secret_for(settings("dev"), "zhuhai", "generic") == dev_secret("zhuhai", "generic")


def test_outside_dev_an_unconfigured_hook_has_no_secret(tmp_path):
    assert secret_for(settings(gateway_hook_secrets_dir=tmp_path), "zhuhai", "generic") is None
