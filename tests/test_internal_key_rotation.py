"""Rotating the gateway's internal signing key without a refused request: the services
hold a bundle of the new and the old public key while the gateway switches
(docs/operations.md), so tokens signed with either verify, and nothing else does."""

import pytest
from opspact.auth import Principal, generate_keypair, issue_internal, verify_internal
from opspact.errors import Unauthorized

CALLER = Principal(subject="engineer-a", tenant="xinjiang", roles=("vendor_engineer",))


def test_a_bundle_of_new_and_old_keys_verifies_tokens_of_either():
    old_private, old_public = generate_keypair()
    new_private, new_public = generate_keypair()
    bundle = new_public + old_public
    for private in (old_private, new_private):
        token = issue_internal(private, CALLER, "ticketing")
        assert verify_internal(bundle, token, "ticketing").tenant == "xinjiang"
    # after the rotation the old key is dropped: its tokens are refused
    with pytest.raises(Unauthorized):
        verify_internal(new_public, issue_internal(old_private, CALLER, "ticketing"), "ticketing")
    # and a bundle does not loosen the other checks
    with pytest.raises(Unauthorized, match="[Aa]udience"):
        verify_internal(bundle, issue_internal(new_private, CALLER, "billing"), "ticketing")
    stranger, _ = generate_keypair()
    with pytest.raises(Unauthorized, match="[Ss]ignature"):
        verify_internal(bundle, issue_internal(stranger, CALLER, "ticketing"), "ticketing")
