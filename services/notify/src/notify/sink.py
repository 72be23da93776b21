"""Local SMS sink: a stand-in SMS provider for dev and tests (`python -m notify.sink`).

It checks what a real provider checks before accepting a message — a mainland
mobile number, a signature (签名), content length — keeps what it accepted, and
drops a repeated message id, as providers do with an idempotency key."""

from __future__ import annotations

import argparse
import re
import uuid
from datetime import UTC, datetime

import uvicorn
from fastapi import FastAPI, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

MOBILE = re.compile(r"^1[3-9]\d{9}$")
MAX_CONTENT = 500  # providers split long texts; above this they refuse


class SmsRequest(BaseModel):
    message_id: str = Field(min_length=1, max_length=64)
    phone: str
    sign_name: str
    content: str


def create_sink() -> FastAPI:
    app = FastAPI(title="OpsPact local SMS sink")
    accepted: dict[str, dict] = {}

    def refuse(code: str, message: str) -> JSONResponse:
        return JSONResponse({"code": code, "message": message}, status_code=400)

    @app.post("/sms")
    async def send(req: SmsRequest):
        if not MOBILE.match(req.phone):
            return refuse("isv.MOBILE_NUMBER_ILLEGAL", f"illegal mobile number {req.phone!r}")
        if not req.sign_name.strip():
            return refuse("isv.SMS_SIGNATURE_ILLEGAL", "missing signature")
        if not req.content.strip() or len(req.content) > MAX_CONTENT:
            return refuse("isv.SMS_CONTENT_ILLEGAL", "empty or over-long content")
        earlier = accepted.get(req.message_id)
        if earlier is not None:
            return {"code": "OK", "biz_id": earlier["biz_id"], "duplicate": True}
        record = {**req.model_dump(), "biz_id": uuid.uuid4().hex,
                  "received_at": datetime.now(UTC).isoformat()}
        accepted[req.message_id] = record
        return {"code": "OK", "biz_id": record["biz_id"], "duplicate": False}

    @app.get("/messages")
    async def messages(phone: str | None = Query(default=None)):
        items = [m for m in accepted.values() if phone is None or m["phone"] == phone]
        return {"items": items, "total": len(items)}

    @app.get("/readyz")
    async def readyz():
        return {"status": "ok"}

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description="local SMS sink")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8025)
    args = parser.parse_args()
    uvicorn.run(create_sink(), host=args.host, port=args.port, access_log=False)


if __name__ == "__main__":
    main()
