"""`POST /receipts/alibaba` and `POST /receipts/tencent`: the providers' report pushes,
reached from the gateway's callback door (`/callbacks/{tenant}/sms/{provider}`). Each
answers in the shape its provider expects, or the provider pushes again."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Body, Depends
from opspact.app import SESSION, current_principal
from opspact.auth import Principal
from opspact.permissions import require
from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncSession

from notify.receipts import service
from notify.receipts.formats import AlibabaReport, TencentReport

router = APIRouter(prefix="/receipts", tags=["receipts"])
MAX_REPORTS = 5000  # one push merges many reports


class ReceiptsOut(BaseModel):
    recorded: int = Field(description="new reports kept")
    duplicates: int = Field(description="reports seen before (a provider's re-push)")
    applied: int = Field(description="reports that changed their message")
    pending: int = Field(description="reports waiting for their message (unknown id so far)")
    ignored: int = Field(description="reports that changed nothing (e.g. a failure after delivery)")


class AlibabaAck(ReceiptsOut):
    """Alibaba checks only that `code` is a number (anything else: pushed again)."""
    code: int = 0
    msg: str = "接收成功"


class TencentAck(ReceiptsOut):
    """Tencent wants `result` 0."""
    result: int = 0
    errmsg: str = "OK"


async def _record(principal: Principal, session: AsyncSession, rows: list[dict]) -> dict:
    require(principal, "receipts.post")
    outcome = await service.record(session, principal.tenant, rows, datetime.now(UTC))
    return vars(outcome)


@router.post("/alibaba", response_model=AlibabaAck)
async def alibaba_reports(reports: list[AlibabaReport] = Body(max_length=MAX_REPORTS),
                          principal: Principal = Depends(current_principal),
                          session: AsyncSession = SESSION) -> AlibabaAck:
    """Alibaba Cloud SmsReport (HTTP batch push)."""
    counts = await _record(principal, session, [r.row() for r in reports])
    return AlibabaAck(**counts)


@router.post("/tencent", response_model=TencentAck)
async def tencent_reports(reports: list[TencentReport] = Body(max_length=MAX_REPORTS),
                          principal: Principal = Depends(current_principal),
                          session: AsyncSession = SESSION) -> TencentAck:
    """Tencent Cloud SMS delivery-status callback."""
    counts = await _record(principal, session, [r.row() for r in reports])
    return TencentAck(**counts)
