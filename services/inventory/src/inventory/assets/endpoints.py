from typing import Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from opspact import tabular
from opspact.app import SESSION, current_principal
from opspact.auth import Principal
from opspact.errors import UnsupportedMediaType
from opspact.permissions import require
from sqlalchemy.ext.asyncio import AsyncSession

from inventory.assets import importer, service
from inventory.assets.kinds import Kind
from inventory.assets.schemas import (
    CODE,
    AssetCreate,
    AssetOut,
    AssetPage,
    AssetUpdate,
    ImpactOut,
    RelationCreate,
    RelationOut,
    RelationType,
    Retirement,
)

router = APIRouter(tags=["assets"])
Code = Path(pattern=CODE)


@router.post("/assets", status_code=201, response_model=AssetOut,
             responses={409: {"description": "the code is already used"}})
async def create_asset(body: AssetCreate, principal: Principal = Depends(current_principal),
                       session: AsyncSession = SESSION) -> AssetOut:
    require(principal, "assets.write")
    return service.out(await service.create(session, principal.tenant, body))


@router.post("/assets/import", response_model=importer.ImportReport, openapi_extra={
    "requestBody": {"required": True, "content": {
        tabular.CSV: {"schema": {"type": "string"}},
        tabular.XLSX: {"schema": {"type": "string", "format": "binary"}}},
        "description": "columns kind, code, name, attributes by name, runs_on/depends_on/"
                       "part_of/connects_to (codes, `;`-separated)"}})
async def import_assets(request: Request, dry_run: bool = False,
                        principal: Principal = Depends(current_principal),
                        session: AsyncSession = SESSION) -> importer.ImportReport:
    """Upsert by code, all or nothing; `dry_run` returns the row-by-row report only."""
    require(principal, "assets.write")
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in (tabular.CSV, tabular.XLSX):
        raise UnsupportedMediaType("send the file as text/csv or XLSX")
    return await importer.run(session, principal.tenant, await request.body(), content_type,
                              dry_run)


@router.get("/assets", response_model=AssetPage)
async def list_assets(kind: Kind | None = None,
                      status: Literal["active", "retired"] | None = None,
                      q: str | None = Query(default=None, min_length=1, max_length=100),
                      limit: int = Query(50, ge=1, le=200), offset: int = Query(0, ge=0, le=1_000_000),
                      principal: Principal = Depends(current_principal),
                      session: AsyncSession = SESSION) -> AssetPage:
    require(principal, "assets.read")
    rows, total = await service.page(session, principal.tenant, kind, status, q, limit, offset)
    return AssetPage(items=[service.out(a) for a in rows], total=total, limit=limit, offset=offset)


@router.get("/assets/{code}", response_model=AssetOut)
async def get_asset(code: str = Code, principal: Principal = Depends(current_principal),
                    session: AsyncSession = SESSION) -> AssetOut:
    require(principal, "assets.read")
    return service.out(await service.by_code(session, principal.tenant, code))


@router.patch("/assets/{code}", response_model=AssetOut,
              responses={409: {"description": "the asset is retired"}})
async def update_asset(body: AssetUpdate, code: str = Code,
                       principal: Principal = Depends(current_principal),
                       session: AsyncSession = SESSION) -> AssetOut:
    require(principal, "assets.write")
    return service.out(await service.update(session, principal.tenant, code, body))


@router.post("/assets/{code}/retire", response_model=AssetOut,
             responses={409: {"description": "already retired"}})
async def retire_asset(body: Retirement, code: str = Code,
                       principal: Principal = Depends(current_principal),
                       session: AsyncSession = SESSION) -> AssetOut:
    """Assets are retired, never deleted: tickets and reports keep pointing at them."""
    require(principal, "assets.write")
    return service.out(await service.retire(session, principal.tenant, code, body.reason))


@router.get("/assets/{code}/relations", response_model=list[RelationOut])
async def list_relations(code: str = Code, principal: Principal = Depends(current_principal),
                         session: AsyncSession = SESSION) -> list[RelationOut]:
    require(principal, "assets.read")
    return await service.relations(session, principal.tenant, code)


@router.post("/assets/{code}/relations", status_code=201, response_model=RelationOut,
             responses={409: {"description": "would make a dependency cycle, or exists"}})
async def add_relation(body: RelationCreate, code: str = Code,
                       principal: Principal = Depends(current_principal),
                       session: AsyncSession = SESSION) -> RelationOut:
    require(principal, "assets.write")
    return await service.relate(session, principal.tenant, code, body)


@router.delete("/assets/{code}/relations/{type}/{to}", status_code=204)
async def remove_relation(type: RelationType, code: str = Code, to: str = Path(pattern=CODE),
                          principal: Principal = Depends(current_principal),
                          session: AsyncSession = SESSION) -> None:
    require(principal, "assets.write")
    await service.unrelate(session, principal.tenant, code, type.value, to)


@router.get("/assets/{code}/impact", response_model=ImpactOut)
async def asset_impact(code: str = Code, max_depth: int = Query(5, ge=1, le=20),
                       principal: Principal = Depends(current_principal),
                       session: AsyncSession = SESSION) -> ImpactOut:
    """What else is affected when this asset fails: everything that runs on, depends on
    or is part of it, transitively (shortest path each)."""
    require(principal, "assets.read")
    return await service.impact(session, principal.tenant, code, max_depth)


@router.get("/eol/risks", response_model=list[AssetOut], tags=["eol"])
async def eol_risks(include_unknown: bool = False,
                    principal: Principal = Depends(current_principal),
                    session: AsyncSession = SESSION) -> list[AssetOut]:
    """Active software and servers past or within a year of end of life, soonest first."""
    require(principal, "assets.read")
    return await service.eol_risks(session, principal.tenant, include_unknown)
