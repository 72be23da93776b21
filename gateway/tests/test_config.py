"""The gateway refuses to start with dev secrets outside dev."""

import pytest
from gateway.config import GatewaySettings
from opspact.settings import DEV_JWT_SECRET
from pydantic import ValidationError


def test_default_jwt_secret_is_refused_outside_dev():
    with pytest.raises(ValidationError, match="dev JWT secret"):
        GatewaySettings(env="prod", gateway_internal_private_key="k")


def test_a_private_key_is_required():
    with pytest.raises(ValidationError, match="INTERNAL_PRIVATE_KEY"):
        GatewaySettings(env="dev")


def test_dev_accepts_the_dev_secret_and_prod_a_real_one():
    assert GatewaySettings(env="dev", gateway_internal_private_key="k").gateway_jwt_secret \
        == DEV_JWT_SECRET
    assert GatewaySettings(env="prod", gateway_internal_private_key="k",
                           gateway_jwt_secret="x" * 40, gateway_jwks_source="https://idp/jwks",
                           gateway_jwt_issuer="https://idp").env == "prod"


def test_outside_dev_tokens_need_a_jwks_and_its_issuer():
    with pytest.raises(ValidationError, match="JWKS_SOURCE"):
        GatewaySettings(env="prod", gateway_internal_private_key="k", gateway_jwt_secret="x" * 40)
    with pytest.raises(ValidationError, match="JWT_ISSUER"):
        GatewaySettings(env="dev", gateway_internal_private_key="k", gateway_jwks_source="f.json")
