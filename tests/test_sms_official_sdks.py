"""The local sink plays Alibaba Cloud and Tencent Cloud: driven here by the providers' own
official SDKs (issue 30), it accepts what they send — Alibaba's V3-signed POST, Tencent's
`application/json` — answers in shapes the SDKs parse, and refuses a wrong key as the
providers do."""

import json
import time
import uuid
from datetime import datetime

import pytest
from notify.sink import TEST_KEYS
from opspact.calendar import SHANGHAI

FIELDS = {"kind": "故障", "number": "T2026-000123", "priority": "重大", "system": "交管12123缴费",
          "title": "缴费失败", "time": "2026-11-21 16:05"}


def _phone() -> str:
    return f"1390000{uuid.uuid4().int % 10000:04d}"


def _alibaba(stack, secret: str | None = None):
    from alibabacloud_dysmsapi20170525.client import Client
    from alibabacloud_tea_openapi.utils_models import Config
    key_id, real_secret = TEST_KEYS["alibaba"]
    return Client(Config(access_key_id=key_id, access_key_secret=secret or real_secret,
                         endpoint=stack.url("sms-sink").split("://", 1)[1], protocol="http"))


def test_alibaba_sdk_sends_and_queries(stack):
    from alibabacloud_dysmsapi20170525 import models
    client, phone, out_id = _alibaba(stack), _phone(), uuid.uuid4().hex
    sent = client.send_sms(models.SendSmsRequest(
        phone_numbers=phone, sign_name="运维服务台", template_code="SMS_9000001",
        template_param=json.dumps(FIELDS, ensure_ascii=False), out_id=out_id))
    assert sent.body.code == "OK", sent.body
    assert sent.body.biz_id
    found = client.query_send_details(models.QuerySendDetailsRequest(
        phone_number=phone, send_date=datetime.now(SHANGHAI).strftime("%Y%m%d"),
        page_size=10, current_page=1))
    assert found.body.code == "OK" and found.body.total_count == 1
    [detail] = found.body.sms_send_detail_dtos.sms_send_detail_dto
    assert detail.out_id == out_id and detail.send_status == 3
    assert detail.content == ("【运维服务台】故障T2026-000123（重大）交管12123缴费：缴费失败，"
                              "2026-11-21 16:05报告，请及时响应。")


def test_alibaba_sdk_with_a_wrong_secret_is_refused(stack):
    from alibabacloud_dysmsapi20170525 import models
    with pytest.raises(Exception, match="SignatureDoesNotMatch"):
        _alibaba(stack, secret="not-the-secret").send_sms(models.SendSmsRequest(
            phone_numbers=_phone(), sign_name="运维服务台", template_code="SMS_9000001",
            template_param=json.dumps(FIELDS, ensure_ascii=False)))


def _tencent(stack, key: str | None = None):
    from tencentcloud.common import credential
    from tencentcloud.common.profile.client_profile import ClientProfile
    from tencentcloud.common.profile.http_profile import HttpProfile
    from tencentcloud.sms.v20210111 import sms_client
    secret_id, real_key, _ = TEST_KEYS["tencent"]
    profile = ClientProfile(httpProfile=HttpProfile(
        protocol="http", endpoint=stack.url("sms-sink").split("://", 1)[1]))
    return sms_client.SmsClient(credential.Credential(secret_id, key or real_key), "ap-guangzhou", profile)


def test_tencent_sdk_sends_and_pulls_the_status(stack):
    from tencentcloud.sms.v20210111 import models
    client, phone, app_id = _tencent(stack), _phone(), TEST_KEYS["tencent"][2]
    request = models.SendSmsRequest()
    request.from_json_string(json.dumps({
        "PhoneNumberSet": [f"+86{phone}"], "SmsSdkAppId": app_id, "SignName": "运维服务台",
        "TemplateId": "1000001", "TemplateParamSet": list(FIELDS.values()),
        "SessionContext": "ctx-1"}))
    sent = client.SendSms(request)
    [status] = sent.SendStatusSet
    assert status.Code == "Ok", status
    pull = models.PullSmsSendStatusByPhoneNumberRequest()
    pull.from_json_string(json.dumps({
        "PhoneNumber": f"+86{phone}", "SmsSdkAppId": app_id, "Offset": 0, "Limit": 10,
        "BeginTime": int(time.time()) - 600}))
    [report] = client.PullSmsSendStatusByPhoneNumber(pull).PullSmsSendStatusSet
    assert report.ReportStatus == "SUCCESS" and report.SessionContext == "ctx-1"


def test_tencent_sdk_with_a_wrong_key_is_refused(stack):
    from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
    from tencentcloud.sms.v20210111 import models
    request = models.SendSmsRequest()
    request.from_json_string(json.dumps({
        "PhoneNumberSet": [f"+86{_phone()}"], "SmsSdkAppId": TEST_KEYS["tencent"][2],
        "SignName": "运维服务台", "TemplateId": "1000001", "TemplateParamSet": list(FIELDS.values())}))
    with pytest.raises(TencentCloudSDKException) as refused:
        _tencent(stack, key="not-the-key").SendSms(request)
    assert refused.value.code == "AuthFailure.SignatureFailure"


@pytest.mark.parametrize("signature", ["v3", "v2"])
def test_our_alibaba_client_in_either_signature(stack, signature):
    """OpsPact's own client: V3 by default, V2 when an account needs it — both taken."""
    import asyncio

    from notify.channels.alibaba import AlibabaSms
    from notify.channels.base import Message
    from notify.channels.http import ProviderClient

    sms = AlibabaSms(f"{stack.url('sms-sink')}/alibaba/", *TEST_KEYS["alibaba"], signature=signature)
    message = Message(id=uuid.uuid4().hex, recipient=_phone(), text="", subject="",
                      template="ticket_created", fields=FIELDS, sign_name="运维服务台",
                      provider_template="SMS_9000001")

    async def run():
        async with ProviderClient() as client:
            sent = await sms.send(client, message)
            return sent, await sms.find(client, message, datetime.now(SHANGHAI))
    sent, report = asyncio.run(run())
    assert sent.provider_message_id and report.delivered is True
