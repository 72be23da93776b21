"""The providers' delivery-report pushes, as each documents them.

Alibaba Cloud SmsReport (HTTP 批量推送): a JSON array of `{phone_number, send_time,
report_time, success, err_code, err_msg, sms_size, biz_id, out_id}`, answered with
`{"code": 0, "msg": "接收成功"}` — anything else, or no answer, is pushed again 1, 5 and 10
minutes later. Tencent Cloud SMS 短信下发状态回调: a JSON array of `{user_receive_time,
nationcode, mobile, report_status, errmsg, description, sid}` (`sid` is SendSms's
SerialNo), answered with `{"result": 0, "errmsg": "OK"}`. Neither signs its push, so the
callback address carries a secret the gateway checks (see gateway.callbacks). Unknown
fields are ignored: providers add them without notice."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from notify.channels.base import shanghai_time


class AlibabaReport(BaseModel):
    model_config = ConfigDict(extra="ignore")
    phone_number: str = Field(max_length=32)
    send_time: str | None = Field(default=None, max_length=32)
    report_time: str | None = Field(default=None, max_length=32)
    success: StrictBool
    err_code: str = Field(default="", max_length=64)
    err_msg: str = Field(default="", max_length=500)
    sms_size: str | None = Field(default=None, max_length=8)
    biz_id: str = Field(min_length=1, max_length=128)
    out_id: str | None = Field(default=None, max_length=64)

    def row(self) -> dict:
        return {"provider": "alibaba", "provider_message_id": self.biz_id, "out_id": self.out_id,
                "recipient": self.phone_number, "delivered": self.success, "code": self.err_code,
                "description": self.err_msg, "reported_at": shanghai_time(self.report_time)}


class TencentReport(BaseModel):
    model_config = ConfigDict(extra="ignore")
    user_receive_time: str | None = Field(default=None, max_length=32)
    nationcode: str = Field(default="86", max_length=8)
    mobile: str = Field(max_length=32)
    report_status: str = Field(pattern=r"^(SUCCESS|FAIL)$")
    errmsg: str = Field(default="", max_length=64)
    description: str = Field(default="", max_length=500)
    sid: str = Field(min_length=1, max_length=128)

    def row(self) -> dict:
        return {"provider": "tencent", "provider_message_id": self.sid, "out_id": None,
                "recipient": self.mobile, "delivered": self.report_status == "SUCCESS",
                "code": self.errmsg, "description": self.description,
                "reported_at": shanghai_time(self.user_receive_time)}
