from typing import Literal

from fastapi import APIRouter, Depends, Path, Query
from opspact.app import SESSION, current_principal
from opspact.auth import Principal
from opspact.permissions import require
from sqlalchemy.ext.asyncio import AsyncSession

from inventory.assets.schemas import Retirement
from inventory.credentials import service
from inventory.credentials.schemas import (
    CredentialCreate,
    CredentialOut,
    CredentialPage,
    CredentialUpdate,
    RotationCreate,
    RotationOut,
)
from inventory.people.schemas import CODE

router = APIRouter(tags=["credentials"])
Code = Path(pattern=CODE)


@router.post("/credentials", status_code=201, response_model=CredentialOut,
             responses={409: {"description": "the code or the account is already registered"}})
async def register_credential(body: CredentialCreate,
                              principal: Principal = Depends(current_principal),
                              session: AsyncSession = SESSION) -> CredentialOut:
    """Register an account on an asset and who keeps it. Never send the secret."""
    require(principal, "credentials.write")
    return service.out(await service.register(session, principal.tenant, body))


@router.get("/credentials", response_model=CredentialPage)
async def list_credentials(asset: str | None = Query(default=None, pattern=CODE),
                           status: Literal["active", "retired"] | None = None,
                           overdue: bool | None = None,
                           limit: int = Query(50, ge=1, le=200),
                           offset: int = Query(0, ge=0, le=1_000_000),
                           principal: Principal = Depends(current_principal),
                           session: AsyncSession = SESSION) -> CredentialPage:
    """Most urgent first (by rotation due date)."""
    require(principal, "credentials.read")
    rows, total = await service.page(session, principal.tenant, asset, status, overdue, limit, offset)
    return CredentialPage(items=[service.out(c) for c in rows], total=total, limit=limit,
                          offset=offset)


@router.get("/credentials/{code}", response_model=CredentialOut)
async def get_credential(code: str = Code, principal: Principal = Depends(current_principal),
                         session: AsyncSession = SESSION) -> CredentialOut:
    require(principal, "credentials.read")
    return service.out(await service.by_code(session, principal.tenant, code))


@router.patch("/credentials/{code}", response_model=CredentialOut,
              responses={409: {"description": "the credential is retired"}})
async def update_credential(body: CredentialUpdate, code: str = Code,
                            principal: Principal = Depends(current_principal),
                            session: AsyncSession = SESSION) -> CredentialOut:
    require(principal, "credentials.write")
    return service.out(await service.update(session, principal.tenant, code, body))


@router.post("/credentials/{code}/rotations", response_model=CredentialOut,
             responses={409: {"description": "retired, or a later rotation is recorded"}})
async def record_rotation(body: RotationCreate, code: str = Code,
                          principal: Principal = Depends(current_principal),
                          session: AsyncSession = SESSION) -> CredentialOut:
    """Record that the secret was changed (when, by whom); the next due date follows."""
    require(principal, "credentials.write")
    return service.out(await service.record_rotation(session, principal.tenant, code, body,
                                                     principal.subject))


@router.get("/credentials/{code}/rotations", response_model=list[RotationOut])
async def list_rotations(code: str = Code, principal: Principal = Depends(current_principal),
                         session: AsyncSession = SESSION) -> list[RotationOut]:
    require(principal, "credentials.read")
    return await service.rotations(session, principal.tenant, code)


@router.post("/credentials/{code}/retire", response_model=CredentialOut,
             responses={409: {"description": "already retired"}})
async def retire_credential(body: Retirement, code: str = Code,
                            principal: Principal = Depends(current_principal),
                            session: AsyncSession = SESSION) -> CredentialOut:
    """The account was removed from the system; the entry and its rotations stay."""
    require(principal, "credentials.write")
    return service.out(await service.retire(session, principal.tenant, code, body.reason))
