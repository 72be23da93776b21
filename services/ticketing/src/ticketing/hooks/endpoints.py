from typing import Any

from fastapi import APIRouter, Body, Depends, Path, Response
from opspact.app import current_principal, current_session
from opspact.auth import Principal
from opspact.errors import NotFound, Unprocessable
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from ticketing.hooks.adapters import ADAPTERS
from ticketing.tickets import service
from ticketing.tickets.endpoints import present, require
from ticketing.tickets.schemas import TicketOut

router = APIRouter(prefix="/hooks", tags=["hooks"])


@router.post("/{source}", status_code=201, response_model=TicketOut,
             responses={200: {"model": TicketOut, "description": "already reported"}})
async def receive_hook(
    response: Response,
    source: str = Path(pattern=r"^[a-z0-9][a-z0-9-]{0,31}$"),
    payload: dict[str, Any] = Body(...),
    principal: Principal = Depends(current_principal),
    session: AsyncSession = Depends(current_session),
) -> TicketOut:
    require(principal, ("integration", "platform_admin"))
    adapter = ADAPTERS.get(source)
    settings = await service.settings_of(session, principal.tenant)
    configured = settings.hook_sources
    if adapter is None or source not in configured:
        raise NotFound(f"hook source {source!r} is not configured for tenant {principal.tenant}; "
                       f"configured: {', '.join(configured) or '(none)'}")
    try:
        report = adapter.model_validate(payload)
    except ValidationError as exc:
        errors = [{"field": "body." + ".".join(str(p) for p in e["loc"]), "message": e["msg"]}
                  for e in exc.errors()]
        raise Unprocessable("; ".join(f"{e['field']}: {e['message']}" for e in errors),
                            errors=errors) from None
    request, external_id = report.to_ticket()
    result = await service.create(session, principal.tenant, request, f"hook:{source}",
                                  source=source, external_id=external_id, settings=settings)
    if not result.fresh:
        response.status_code = 200
    return (await present(session, principal.tenant, [result.ticket],
                          systems=result.system_names()))[0]
