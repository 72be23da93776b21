"""Local SMS sink: the stand-in SMS providers for dev and tests (`python -m notify.sink`).

Three doors, each checking what the real one checks before accepting a message:
- `POST /sms`: a plain gateway that drops a repeated message id (dev's default provider);
- `GET|POST /alibaba/`: Alibaba Cloud dysmsapi — the V3 or V2 signature and what goes with
  it (notify.provider_checks), mobile number, signature name, approved template and its
  parameters; SendSms and QuerySendDetails;
- `POST /tencent/`: Tencent Cloud SMS — the TC3 Authorization over the headers actually
  sent (Content-Type as sent), timestamp window, SdkAppId, +86 number, approved template and
  parameter count; SendSms and PullSmsSendStatusByPhoneNumber;
- `/`: either provider at its own root, as the official SDKs call it (by `X-TC-Action`).
Like the real providers, the Alibaba and Tencent doors do *not* drop repeats: a blind
retry shows up as a duplicate. `POST /faults` makes the next requests fail (down, timeout
after accepting, throttled), for failover and lost-answer tests. Approved templates are
notify's built-ins, registered as `provider_texts` shows (codes SMS_9000001… / 1000001…)."""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import time
import uuid
from datetime import UTC, datetime
from urllib.parse import parse_qsl

import uvicorn
from fastapi import FastAPI, Query, Request
from fastapi.responses import JSONResponse
from opspact.calendar import SHANGHAI
from opspact.hooksig import same_secret
from pydantic import BaseModel, Field

from notify import catalogue, provider_checks
from notify.channels import tencent
from notify.templates.service import provider_texts

MOBILE = re.compile(r"^1[3-9]\d{9}$")
MAX_CONTENT = 500  # providers split long texts; above this they refuse
TEST_KEYS = {"alibaba": ("LTAI-opspact-test", "opspact-alibaba-test-secret"),
             "tencent": ("AKID-opspact-test", "opspact-tencent-test-key", "1400000001")}
JSON_TYPES = ("application/json", "application/json;charset=utf-8")  # what Tencent takes
ALI_VAR = re.compile(r"\$\{([a-z0-9_]+)\}")
TC_VAR = re.compile(r"\{(\d+)\}")


def approved_templates() -> dict[str, dict[str, str]]:
    """Every built-in template as registered at each provider."""
    out: dict[str, dict[str, str]] = {"alibaba": {}, "tencent": {}}
    for n, template in enumerate(catalogue.TEMPLATES.values(), start=1):
        texts = provider_texts(list(template.fields), template.text)
        out["alibaba"][f"SMS_{9000000 + n}"] = texts["alibaba"]
        out["tencent"][str(1000000 + n)] = texts["tencent"]
    return out


class SmsRequest(BaseModel):
    message_id: str = Field(min_length=1, max_length=64)
    phone: str
    sign_name: str
    content: str


class FaultIn(BaseModel):
    provider: str = Field(pattern=r"^(sink|alibaba|tencent)$")
    mode: str = Field(pattern=r"^(down|timeout|throttle|undeliverable)$",
                      description="undeliverable: taken, then reported as not delivered")
    count: int = Field(default=1, ge=1, le=1000)
    delay: float = Field(default=5.0, ge=0, le=120, description="timeout: seconds before answering")


def create_sink() -> FastAPI:
    app = FastAPI(title="OpsPact local SMS sink")
    accepted: list[dict] = []
    by_id: dict[str, dict] = {}
    nonces: set[str] = set()
    faults: dict[str, list[FaultIn]] = {"sink": [], "alibaba": [], "tencent": []}
    repeats = {"sink": 0}  # the same message id posted again: what exactly-once must keep at 0
    templates = approved_templates()

    def keep(provider: str, message_id: str, phone: str, sign: str, content: str,
             template: str | None = None, delivered: bool = True) -> dict:
        record = {"provider": provider, "message_id": message_id, "phone": phone, "sign_name": sign,
                  "content": content, "template": template, "biz_id": uuid.uuid4().hex,
                  "received_at": datetime.now(UTC).isoformat(), "delivered": delivered}
        accepted.append(record)
        return record

    async def fault(provider: str) -> FaultIn | None:
        pending = faults[provider]
        return pending.pop(0) if pending else None

    @app.post("/faults", status_code=201)
    async def add_fault(body: FaultIn):
        faults[body.provider].extend(body.model_copy() for _ in range(body.count))
        return {"queued": len(faults[body.provider])}

    @app.post("/sms")
    async def send(req: SmsRequest):
        injected = await fault("sink")
        if injected and injected.mode == "down":
            return JSONResponse({"code": "DOWN"}, status_code=503)
        if not MOBILE.match(req.phone):
            return JSONResponse({"code": "isv.MOBILE_NUMBER_ILLEGAL",
                                 "message": f"illegal mobile number {req.phone!r}"}, status_code=400)
        if not req.sign_name.strip():
            return JSONResponse({"code": "isv.SMS_SIGNATURE_ILLEGAL", "message": "missing signature"},
                                status_code=400)
        if not req.content.strip() or len(req.content) > MAX_CONTENT:
            return JSONResponse({"code": "isv.SMS_CONTENT_ILLEGAL", "message": "empty or over-long"},
                                status_code=400)
        earlier = by_id.get(req.message_id)
        if earlier is not None:
            repeats["sink"] += 1
        if earlier is None:
            earlier = by_id[req.message_id] = keep("sink", req.message_id, req.phone, req.sign_name,
                                                  req.content)
        if injected and injected.mode == "timeout":
            await asyncio.sleep(injected.delay)
        return {"code": "OK", "biz_id": earlier["biz_id"]}

    # --- Alibaba Cloud dysmsapi ---------------------------------------------------------
    def ali_error(code: str, message: str, status: int = 200) -> JSONResponse:
        return JSONResponse({"Code": code, "Message": message, "RequestId": uuid.uuid4().hex},
                            status_code=status)

    @app.api_route("/alibaba/", methods=["GET", "POST"])
    async def alibaba_api(request: Request):
        body = await request.body()
        form = {}
        if request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
            form = dict(parse_qsl(body.decode(), keep_blank_values=True))
        try:
            params = provider_checks.alibaba_params(
                request.method, request.url.path, request.query_params, form, request.headers, body,
                *TEST_KEYS["alibaba"], nonces)
        except provider_checks.Refused as refused:
            return ali_error(refused.code, refused.message, refused.status)
        injected = await fault("alibaba")
        if injected and injected.mode == "down":
            return JSONResponse({"Code": "ServiceUnavailable"}, status_code=503)
        if injected and injected.mode == "throttle":
            return ali_error("isv.BUSINESS_LIMIT_CONTROL", "触发分钟级流控Permits:1")
        action = params.get("Action")
        if action == "SendSms":
            answer = ali_send(params, delivered=not (injected and injected.mode == "undeliverable"))
            if injected and injected.mode == "timeout":
                await asyncio.sleep(injected.delay)
            return answer
        if action == "QuerySendDetails":
            return ali_query(params)
        return ali_error("InvalidAction.NotFound", f"Specified api {action} is not found", 404)

    def ali_send(params: dict, delivered: bool) -> JSONResponse | dict:
        phone = params.get("PhoneNumbers", "")
        if not MOBILE.match(phone):
            return ali_error("isv.MOBILE_NUMBER_ILLEGAL", "非法手机号")
        if not params.get("SignName"):
            return ali_error("isv.SMS_SIGNATURE_ILLEGAL", "该账号下找不到对应签名")
        text = templates["alibaba"].get(params.get("TemplateCode", ""))
        if text is None:
            return ali_error("isv.SMS_TEMPLATE_ILLEGAL", "该账号下找不到对应模板")
        try:
            values = json.loads(params.get("TemplateParam") or "{}")
        except ValueError:
            return ali_error("isv.INVALID_JSON_PARAM", "JSON参数不合法")
        missing = [v for v in ALI_VAR.findall(text) if v not in values]
        if missing:
            return ali_error("isv.TEMPLATE_MISSING_PARAMETERS", f"模板变量缺少对应参数值 {missing}")
        content = ALI_VAR.sub(lambda m: str(values[m.group(1)]), text)
        record = keep("alibaba", params.get("OutId", ""), phone, params["SignName"], content,
                      params["TemplateCode"], delivered)
        return {"Code": "OK", "Message": "OK", "BizId": record["biz_id"], "RequestId": uuid.uuid4().hex}

    def ali_query(params: dict) -> dict:
        phone, day = params.get("PhoneNumber", ""), params.get("SendDate", "")
        rows = [m for m in accepted if m["provider"] == "alibaba" and m["phone"] == phone
                and datetime.fromisoformat(m["received_at"]).astimezone(
                    SHANGHAI).strftime("%Y%m%d") == day]
        size, page = int(params.get("PageSize", "10")), int(params.get("CurrentPage", "1"))
        chunk = rows[(page - 1) * size: page * size]
        return {"Code": "OK", "Message": "OK", "TotalCount": len(rows), "RequestId": uuid.uuid4().hex,
                "SmsSendDetailDTOs": {"SmsSendDetailDTO": [
                    {"PhoneNum": m["phone"], "SendStatus": 3 if m["delivered"] else 2,
                     "ErrCode": "DELIVERED" if m["delivered"] else "MK:0001",
                     "TemplateCode": m["template"], "Content": f"【{m['sign_name']}】{m['content']}",
                     "OutId": m["message_id"], "SendDate": provider_time(m["received_at"]),
                     "ReceiveDate": provider_time(m["received_at"])} for m in chunk]}}

    # --- the providers' own address -----------------------------------------------------
    # The official SDKs post to the provider's root (https://dysmsapi.aliyuncs.com/,
    # https://sms.tencentcloudapi.com/): pointed at the sink, they land here.
    @app.api_route("/", methods=["GET", "POST"], include_in_schema=False)
    async def provider_root(request: Request):
        if "x-tc-action" in request.headers:
            return await tencent_api(request)
        return await alibaba_api(request)

    # --- Tencent Cloud SMS --------------------------------------------------------------
    def tc_error(code: str, message: str) -> dict:
        return {"Response": {"Error": {"Code": code, "Message": message}, "RequestId": uuid.uuid4().hex}}

    @app.post("/tencent/")
    async def tencent_api(request: Request):
        secret_id, secret_key, app_id = TEST_KEYS["tencent"]
        payload = await request.body()
        header = request.headers.get("authorization", "")
        match = re.match(r"TC3-HMAC-SHA256 Credential=([^/]+)/(\d{4}-\d{2}-\d{2})/(\w+)/tc3_request, "
                         r"SignedHeaders=content-type;host, Signature=([0-9a-f]{64})$", header)
        if not match:
            return tc_error("AuthFailure.InvalidAuthorization", "Authorization header is malformed")
        if match.group(1) != secret_id:
            return tc_error("AuthFailure.SecretIdNotFound", "The SecretId is not found")
        try:
            stamp = int(request.headers.get("x-tc-timestamp", ""))
        except ValueError:
            return tc_error("MissingParameter", "X-TC-Timestamp")
        if abs(time.time() - stamp) > 300:
            return tc_error("AuthFailure.SignatureExpire", "Signature expired")
        content_type = request.headers.get("content-type", "")
        if content_type.lower().replace(" ", "") not in JSON_TYPES:
            return tc_error("InvalidParameter.ContentType", "a JSON request's Content-Type is "
                            "application/json (charset utf-8 optional)")
        expected = tencent.authorization(secret_id, secret_key, match.group(3),
                                         request.headers.get("host", ""), payload, stamp,
                                         content_type)
        if not same_secret(header, expected):
            return tc_error("AuthFailure.SignatureFailure", "The credentials could not be validated.")
        injected = await fault("tencent")
        if injected and injected.mode == "down":
            return JSONResponse({"message": "unavailable"}, status_code=503)
        if injected and injected.mode == "throttle":
            return tc_error("RequestLimitExceeded", "请求的次数超过了频率限制")
        body = json.loads(payload)
        if body.get("SmsSdkAppId") != app_id:
            return tc_error("UnauthorizedOperation.SmsSdkAppIdVerifyFail", "SmsSdkAppId 校验失败")
        action = request.headers.get("x-tc-action")
        if action == "SendSms":
            answer = tc_send(body, delivered=not (injected and injected.mode == "undeliverable"))
            if injected and injected.mode == "timeout":
                await asyncio.sleep(injected.delay)
            return answer
        if action == "PullSmsSendStatusByPhoneNumber":
            phone = body.get("PhoneNumber", "")
            rows = [m for m in accepted if m["provider"] == "tencent" and f"+86{m['phone']}" == phone]
            chunk = rows[body.get("Offset", 0): body.get("Offset", 0) + body.get("Limit", 100)]
            return {"Response": {"RequestId": uuid.uuid4().hex, "PullSmsSendStatusSet": [
                {"PhoneNumber": phone, "SerialNo": f"2433:{m['biz_id']}",
                 "ReportStatus": "SUCCESS" if m["delivered"] else "FAIL",
                 "ErrMsg": "DELIVRD" if m["delivered"] else "MK:0001",
                 "Description": "用户短信送达成功" if m["delivered"] else "用户短信未送达",
                 "UserReceiveTime": provider_time(m["received_at"]),
                 "SessionContext": m["message_id"]} for m in chunk]}}
        return tc_error("InvalidAction", f"{action} is not found")

    def tc_send(body: dict, delivered: bool) -> dict:
        numbers = body.get("PhoneNumberSet") or []
        text = templates["tencent"].get(str(body.get("TemplateId", "")))
        if text is None:
            return tc_error("FailedOperation.TemplateIncorrectOrUnapproved", "模板未审批或内容不匹配")
        if not body.get("SignName"):
            return tc_error("FailedOperation.SignatureIncorrectOrUnapproved", "签名未审批")
        values = body.get("TemplateParamSet") or []
        wanted = max((int(n) for n in TC_VAR.findall(text)), default=0)
        if len(values) != wanted:
            return tc_error("InvalidParameterValue.TemplateParameterFormatError",
                            f"模板有{wanted}个变量，收到{len(values)}个参数")
        statuses = []
        for number in numbers:
            phone = number.removeprefix("+86")
            if not MOBILE.match(phone):
                statuses.append({"PhoneNumber": number, "Code": "InvalidParameterValue.IncorrectPhoneNumber",
                                 "Message": "手机号格式错误", "SerialNo": "", "Fee": 0})
                continue
            content = TC_VAR.sub(lambda m: str(values[int(m.group(1)) - 1]), text)
            record = keep("tencent", body.get("SessionContext", ""), phone, body["SignName"], content,
                          str(body["TemplateId"]), delivered)
            statuses.append({"SerialNo": f"2433:{record['biz_id']}", "PhoneNumber": number, "Fee": 1,
                             "SessionContext": body.get("SessionContext", ""), "Code": "Ok",
                             "Message": "send success", "IsoCode": "CN"})
        return {"Response": {"SendStatusSet": statuses, "RequestId": uuid.uuid4().hex}}

    @app.get("/messages")
    async def messages(phone: str | None = Query(default=None),
                       message_id: str | None = Query(default=None),
                       provider: str | None = Query(default=None)):
        items = [m for m in accepted if (phone is None or m["phone"] == phone)
                 and (message_id is None or m["message_id"] == message_id)
                 and (provider is None or m["provider"] == provider)]
        return {"items": items, "total": len(items)}

    @app.get("/stats")
    async def stats(phone_prefix: str = Query(default="", max_length=11)):
        """Counts only: what a 100,000-message benchmark checks without listing them
        (`repeats`: message ids posted again to the plain door, whatever the number)."""
        by_provider: dict[str, int] = {}
        for m in accepted:
            if m["phone"].startswith(phone_prefix):
                by_provider[m["provider"]] = by_provider.get(m["provider"], 0) + 1
        return {"accepted": sum(by_provider.values()), "by_provider": by_provider,
                "repeats": repeats["sink"]}

    @app.get("/readyz")
    async def readyz():
        return {"status": "ok"}

    return app


def provider_time(iso: str) -> str:
    """The providers' `yyyy-MM-dd HH:mm:ss`, Beijing time."""
    return datetime.fromisoformat(iso).astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S")


def main() -> None:
    parser = argparse.ArgumentParser(description="local SMS sink")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8025)
    args = parser.parse_args()
    uvicorn.run(create_sink(), host=args.host, port=args.port, access_log=False)


if __name__ == "__main__":
    main()
