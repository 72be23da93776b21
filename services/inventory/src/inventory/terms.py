"""`GET /contract-terms`: the staffing the contract requires (posts, headcount, coverage,
hours) and how many assets the tenant file registers, as people look them up."""

from __future__ import annotations

from collections import Counter

from fastapi import APIRouter, Depends
from opspact.app import SESSION, current_principal
from opspact.auth import Principal
from opspact.permissions import require
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from inventory.people.service import tenant_config

router = APIRouter(tags=["contract"])


class PostTerm(BaseModel):
    code: str
    name: str
    headcount: int
    coverage: str
    hours: str


class InventoryTermsOut(BaseModel):
    posts: list[PostTerm]
    assets_by_kind: dict[str, int]


@router.get("/contract-terms", response_model=InventoryTermsOut)
async def contract_terms(principal: Principal = Depends(current_principal),
                         session: AsyncSession = SESSION) -> InventoryTermsOut:
    require(principal, "roster.read")
    _, settings = await tenant_config(session, principal.tenant)
    kinds = Counter()
    for seed in settings.assets:
        kinds[seed.kind.value] += seed.count or 1
    return InventoryTermsOut(posts=[PostTerm(**p.model_dump()) for p in settings.posts],
                             assets_by_kind=dict(sorted(kinds.items())))
