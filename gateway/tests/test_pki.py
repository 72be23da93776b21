"""Police PKI certificates: each way a certificate can be unacceptable has its reason."""

from datetime import UTC, datetime, timedelta

import pytest
from gateway.pki import authenticate_certificate, forwarded_certificate, load_trust, trusted_proxy
from opspact.errors import Unauthorized
from opspact.testing.pki import FakeCa, forwarded, registration


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    root = tmp_path_factory.mktemp("pki")
    xinjiang, zhuhai, stranger = FakeCa("新疆公安厅测试CA"), FakeCa("珠海公安测试CA"), FakeCa("外部CA")
    certs = {
        "admin": xinjiang.issue("系统专管员"), "expired": xinjiang.issue("过期", days_valid=10,
                                                                    starts_in_days=-20),
        "future": xinjiang.issue("未生效", starts_in_days=5), "revoked": xinjiang.issue("吊销"),
        "unregistered": xinjiang.issue("未登记"), "foreign": stranger.issue("外人"),
        "zhuhai": zhuhai.issue("珠海民警"),
    }
    xinjiang.revoke(certs["revoked"])
    xinjiang.write(root, "xinjiang", [
        registration(certs["admin"], "officer-001", "client_admin"),
        registration(certs["expired"], "officer-002", "client_viewer"),
        registration(certs["revoked"], "officer-003", "client_viewer"),
        {"subject_dn": certs["future"].subject.rfc4514_string(), "subject": "officer-004",
         "roles": ["client_viewer"]}])
    zhuhai.write(root, "zhuhai", [registration(certs["zhuhai"], "zh-007", "client_viewer")])
    return load_trust(root), certs


def test_registered_certificates_map_to_their_principal(pki):
    trust, certs = pki
    admin = authenticate_certificate(forwarded_certificate(forwarded(certs["admin"])), trust)
    assert (admin.subject, admin.tenant, admin.roles) == ("officer-001", "xinjiang",
                                                          ("client_admin",))
    assert authenticate_certificate(certs["zhuhai"], trust).tenant == "zhuhai"


@pytest.mark.parametrize(("name", "words"), [
    ("expired", "expired on"), ("future", "not valid before"), ("revoked", "revoked on"),
    ("unregistered", "not registered for tenant xinjiang"), ("foreign", "not from a CA"),
])
def test_refusals_name_the_reason(pki, name, words):
    trust, certs = pki
    with pytest.raises(Unauthorized, match=words):
        authenticate_certificate(certs[name], trust)


def test_the_future_certificate_is_accepted_once_valid(pki):
    trust, certs = pki
    later = datetime.now(UTC) + timedelta(days=6)
    assert authenticate_certificate(certs["future"], trust, now=later).subject == "officer-004"


def test_header_problems_and_proxy_addresses():
    with pytest.raises(Unauthorized, match="no client certificate"):
        forwarded_certificate(None)
    with pytest.raises(Unauthorized, match="not readable"):
        forwarded_certificate("-----BEGIN%20CERTIFICATE-----garbage")
    assert trusted_proxy("10.1.2.3", ["10.0.0.0/8"]) and trusted_proxy("127.0.0.1", ["127.0.0.1"])
    assert not trusted_proxy("192.168.1.9", ["10.0.0.0/8"]) and not trusted_proxy(None, ["0.0.0.0/0"])
