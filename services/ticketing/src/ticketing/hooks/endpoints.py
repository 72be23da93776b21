from typing import Any

from fastapi import APIRouter, Body, Depends, Header, Path, Response
from opspact.app import SESSION, current_principal
from opspact.auth import Principal
from opspact.errors import NotFound, Unprocessable
from opspact.permissions import require
from pydantic import BaseModel, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from ticketing.hooks import deliveries, intake
from ticketing.hooks.adapters import ADAPTERS
from ticketing.tickets import service
from ticketing.tickets.endpoints import present
from ticketing.tickets.schemas import TicketOut

router = APIRouter(prefix="/hooks", tags=["hooks"])


class HookItem(BaseModel):
    key: str
    action: intake.Action
    ticket: TicketOut | None


class HookBatchOut(BaseModel):
    items: list[HookItem]


def _unprocessable(exc: ValidationError, prefix: str = "body") -> Unprocessable:
    errors = [{"field": ".".join([prefix, *(str(p) for p in e["loc"])]), "message": e["msg"]}
              for e in exc.errors()]
    return Unprocessable("; ".join(f"{e['field']}: {e['message']}" for e in errors),
                         errors=errors)


@router.post("/{source}", status_code=201, response_model=TicketOut | HookBatchOut,
             responses={200: {"model": TicketOut | HookBatchOut,
                              "description": "already reported, or recoveries and batches"},
                        409: {"description": "a replayed signed delivery"}})
async def receive_hook(
    response: Response,
    source: str = Path(pattern=r"^[a-z0-9][a-z0-9-]{0,31}$"),
    payload: dict[str, Any] = Body(...),
    idempotency_key: str | None = Header(default=None, min_length=1, max_length=128),
    delivery: str | None = Header(default=None, alias="x-opspact-hook-delivery",
                                  pattern=r"^[0-9a-f]{64}$",
                                  description="set by the gateway from the HMAC signature"),
    principal: Principal = Depends(current_principal),
    session: AsyncSession = SESSION,
):
    """A platform's fault report or a monitor's alert. One firing report answers with
    its ticket (201 new, 200 counted again on the open incident); recoveries and
    Alertmanager's groups answer with what each alert did."""
    require(principal, "hooks.post")
    adapter = ADAPTERS.get(source)
    settings = await service.settings_of(session, principal.tenant)
    configured = settings.hook_sources
    if adapter is None or source not in configured:
        raise NotFound(f"hook source {source!r} is not configured for tenant {principal.tenant}; "
                       f"configured: {', '.join(configured) or '(none)'}")
    if delivery is not None:
        await deliveries.accept_once(session, principal.tenant, source, delivery)
    try:
        signals = adapter.model_validate(payload).signals()
    except ValidationError as exc:
        raise _unprocessable(exc) from None
    handled = [await intake.handle(session, principal.tenant, source, signal, settings,
                                   idempotency_key if len(signals) == 1 else None)
               for signal in signals]
    tickets = [h.ticket for h in handled if h.ticket is not None]
    shown = {t.id: out for t, out in zip(tickets, await present(
        session, principal.tenant, tickets, systems={s.code: s.name for s in settings.systems}),
        strict=True)}
    if not adapter.batch and len(handled) == 1 and handled[0].action in ("created", "repeated"):
        response.status_code = 201 if handled[0].action == "created" else 200
        return shown[handled[0].ticket.id]
    response.status_code = 200
    return HookBatchOut(items=[HookItem(key=h.key, action=h.action,
                                        ticket=shown[h.ticket.id] if h.ticket else None)
                               for h in handled])
