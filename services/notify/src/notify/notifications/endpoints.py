from uuid import UUID

from fastapi import APIRouter, Depends, Query
from opspact.app import current_principal, current_session
from opspact.auth import Principal
from opspact.errors import NotFound
from opspact.permissions import require
from sqlalchemy.ext.asyncio import AsyncSession

from notify.notifications import repository
from notify.notifications.models import Notification
from notify.notifications.schemas import NotificationOut, NotificationPage, Status

router = APIRouter(prefix="/notifications", tags=["notifications"])


def to_out(n: Notification) -> NotificationOut:
    return NotificationOut(
        id=n.id, tenant=n.tenant_id, source_event_id=n.source_event_id,
        source_event_type=n.source_event_type, channel=n.channel, recipient=n.recipient,
        body=n.body, status=n.status, attempts=n.attempts, last_error=n.last_error,
        created_at=n.created_at, sent_at=n.sent_at)


@router.get("", response_model=NotificationPage)
async def list_notifications(
    status: Status | None = None, limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0, le=1_000_000),
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(current_session),
) -> NotificationPage:
    require(principal, "notifications.read")
    rows, total = await repository.page(session, principal.tenant, status and status.value,
                                        limit, offset)
    return NotificationPage(items=[to_out(n) for n in rows], total=total, limit=limit,
                            offset=offset)


@router.get("/{notification_id}", response_model=NotificationOut)
async def get_notification(notification_id: UUID,
                           principal: Principal = Depends(current_principal),
                           session: AsyncSession = Depends(current_session)) -> NotificationOut:
    require(principal, "notifications.read")
    note = await repository.get(session, principal.tenant, notification_id)
    if note is None:
        raise NotFound(f"notification {notification_id} not found")
    return to_out(note)
