"""Provider signatures against the providers' own documented examples."""

from notify.channels import alibaba, tencent
from notify.channels.robots import Robot, dingtalk_sign


def test_alibaba_sms_documented_example():
    # 短信服务 签名机制 (help.aliyun.com): SendSms with testId / testSecret
    params = {"AccessKeyId": "testId", "Action": "SendSms", "Format": "XML", "OutId": "123",
              "PhoneNumbers": "15300000001", "RegionId": "cn-hangzhou", "SignName": "阿里云短信测试专用",
              "SignatureMethod": "HMAC-SHA1", "SignatureNonce": "45e25e9b-0a6f-4070-8c85-2956eda1b466",
              "SignatureVersion": "1.0", "TemplateCode": "SMS_71390007",
              "TemplateParam": '{"customer":"test"}', "Timestamp": "2017-07-12T02:42:19Z",
              "Version": "2017-05-25"}
    assert alibaba.string_to_sign(params).startswith(
        "GET&%2F&AccessKeyId%3DtestId%26Action%3DSendSms%26Format%3DXML%26OutId%3D123")
    assert alibaba.signature(params, "testSecret") == "zJDF+Lrzhj/ThnlvIToysFRq6t4="


def test_alibaba_rpc_documented_example():
    # RPC 签名机制: DescribeRegions with testid / testsecret
    params = {"Timestamp": "2016-02-23T12:46:24Z", "Format": "XML", "AccessKeyId": "testid",
              "Action": "DescribeRegions", "SignatureMethod": "HMAC-SHA1",
              "SignatureNonce": "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf", "Version": "2014-05-26",
              "SignatureVersion": "1.0"}
    assert alibaba.signature(params, "testsecret") == "OLeaidS1JvxuMvnyHOwuJ+uX5qY="


def test_alibaba_percent_encoding_rules():
    assert alibaba.percent_encode("a b*~") == "a%20b%2A~"
    assert alibaba.percent_encode("中") == "%E4%B8%AD"


def test_tencent_documented_example():
    # 签名方法 v3 (cloud.tencent.com): cvm DescribeInstances at 1551113065
    payload = b'{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}'
    assert tencent.sha256_hex(payload) == "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064"
    header = tencent.authorization("AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
                                   "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE", "cvm",
                                   "cvm.tencentcloudapi.com", payload, 1551113065)
    assert header == ("TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/"
                      "cvm/tc3_request, SignedHeaders=content-type;host, "
                      "Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168")


def test_tencent_date_is_utc_not_shanghai():
    # 00:44 on the 26th in Beijing is still the 25th in UTC (the documented pitfall)
    header = tencent.authorization("id", "key", "sms", "sms.tencentcloudapi.com", b"{}", 1551113065)
    assert "/2019-02-25/sms/tc3_request" in header


def test_dingtalk_signed_webhook():
    import base64
    import hashlib
    import hmac
    from urllib.parse import unquote_plus
    sign = dingtalk_sign("SEC-secret", 1700000000000)
    expected = base64.b64encode(hmac.new(b"SEC-secret", b"1700000000000\nSEC-secret",
                                         hashlib.sha256).digest()).decode()
    assert unquote_plus(sign) == expected
    url = Robot("dingtalk", "https://oapi.dingtalk.com/robot/send?access_token=t", "SEC-secret").signed_url(
        1700000000000)
    assert url == f"https://oapi.dingtalk.com/robot/send?access_token=t&timestamp=1700000000000&sign={sign}"
    assert Robot("wecom", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k").signed_url() == \
        "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k"


def test_alibaba_v3_matches_the_official_sdk_signer():
    """The same request through our signer and the official SDK's own
    (alibabacloud_tea_openapi.utils.Utils.get_authorization): identical Authorization."""
    from datetime import UTC, datetime
    from types import SimpleNamespace

    from alibabacloud_tea_openapi.utils import Utils
    query = {"PhoneNumbers": "13800000001", "SignName": "运维服务台", "TemplateCode": "SMS_9000001",
             "TemplateParam": '{"number":"T2026-000123","title":"缴费 失败*~"}', "OutId": "abc"}
    headers = alibaba.v3_headers("LTAI-test", "secret", "POST", "https://dysmsapi.aliyuncs.com/",
                                 "SendSms", query, now=datetime(2026, 11, 21, 8, 5, tzinfo=UTC),
                                 nonce="d410180a5abf7fe235dd9b74aca91fc0")
    ours = headers.pop("authorization")
    request = SimpleNamespace(pathname="/", query=query, headers=headers, method="POST")
    theirs = Utils.get_authorization(request, "ACS3-HMAC-SHA256", alibaba.EMPTY_SHA256,
                                     "LTAI-test", "secret")
    assert ours == theirs
    assert ours.startswith("ACS3-HMAC-SHA256 Credential=LTAI-test,SignedHeaders=host;x-acs-action;"
                           "x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,")
