"""The repair register over HTTP: record a repair, list them with totals per party and
contract year, and ask who would bear an amount."""

from __future__ import annotations

from decimal import Decimal

from fastapi import APIRouter, Depends, Query, Response
from opspact.app import SESSION, current_principal
from opspact.auth import Principal
from opspact.db.locks import xact_lock
from opspact.errors import Conflict, Unprocessable
from opspact.permissions import require
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from billing.damages import contract_year
from billing.ledger.service import Contract, contract
from billing.money import fen
from billing.receivables.schemas import MONEY_FIELD
from billing.receivables.service import not_future
from billing.repairs.models import Repair
from billing.repairs.schemas import Party, RepairIn, RepairOut, RepairPage, SplitOut, YearTotals
from billing.repairs.split import RepairKind, who_pays
from billing.schemas import Amount
from billing.terms import RepairSplit

router = APIRouter(tags=["repairs"])
SAME_REPAIR = ("asset_code", "parts", "kind", "amount", "repaired_on", "ticket_number")


def _split(c: Contract) -> RepairSplit:
    if c.terms.repair_split is None:
        raise Unprocessable("this contract says nothing of who bears repair costs (no repair_split)")
    return c.terms.repair_split


def repair_out(r: Repair) -> RepairOut:
    return RepairOut(id=r.id, reference=r.reference, asset_code=r.asset_code, parts=r.parts,
                     kind=r.kind, amount=Amount.of(r.amount), repaired_on=r.repaired_on,
                     contract_year=r.contract_year, ticket_number=r.ticket_number,
                     borne_by=r.borne_by, clause=r.clause, reason=r.reason, note=r.note,
                     recorded_by=r.recorded_by, recorded_at=r.recorded_at)


async def repairs_between(session: AsyncSession, tenant_id: str, start, end) -> list[Repair]:
    """The repairs done from `start` to `end` inclusive, in date order (the statement's)."""
    return list((await session.execute(select(Repair).where(
        Repair.tenant_id == tenant_id, Repair.repaired_on >= start, Repair.repaired_on <= end
    ).order_by(Repair.repaired_on, Repair.id))).scalars())


@router.post("/repairs", status_code=201, response_model=RepairOut,
             responses={200: {"description": "the same repair again (same reference and facts)",
                              "model": RepairOut}})
async def record_repair(body: RepairIn, response: Response,
                        principal: Principal = Depends(current_principal),
                        session: AsyncSession = SESSION) -> RepairOut:
    """A repair and who bears it under the clause (kept with the record as decided)."""
    require(principal, "billing.record")
    c = await contract(session, principal.tenant)
    split = _split(c)
    not_future(body.repaired_on, "repaired_on")
    try:
        decision = who_pays(split, body.kind, body.amount)
    except ValueError as exc:
        raise Unprocessable(str(exc), errors=[{"field": "body.kind", "message": str(exc)}]) from None
    await xact_lock(session, f"billing-repairs:{principal.tenant}")
    earlier = (await session.execute(select(Repair).where(
        Repair.tenant_id == principal.tenant, Repair.reference == body.reference))).scalar_one_or_none()
    if earlier is not None:
        if all(getattr(earlier, f) == getattr(body, f) for f in SAME_REPAIR):
            response.status_code = 200
            return repair_out(earlier)
        raise Conflict(f"repair {body.reference} is already recorded with other facts "
                       f"({earlier.asset_code}, {earlier.amount} on {earlier.repaired_on})")
    row = Repair(tenant_id=principal.tenant, reference=body.reference, asset_code=body.asset_code,
                 parts=body.parts, kind=body.kind, amount=body.amount, repaired_on=body.repaired_on,
                 contract_year=contract_year(c.term_start, body.repaired_on),
                 ticket_number=body.ticket_number, borne_by=decision.borne_by,
                 clause=decision.clause, reason=decision.reason, note=body.note,
                 recorded_by=principal.subject)
    session.add(row)
    await session.flush()
    await session.refresh(row)
    return repair_out(row)


@router.get("/repairs", response_model=RepairPage)
async def list_repairs(contract_year: int | None = Query(default=None, ge=1, le=100),
                       borne_by: Party | None = None,
                       asset_code: str | None = Query(default=None, min_length=1, max_length=64),
                       limit: int = Query(50, ge=1, le=200), offset: int = Query(0, ge=0, le=1_000_000),
                       principal: Principal = Depends(current_principal),
                       session: AsyncSession = SESSION) -> RepairPage:
    """Newest first, with each contract year's totals per party."""
    require(principal, "billing.read")
    where = [Repair.tenant_id == principal.tenant]
    if contract_year is not None:
        where.append(Repair.contract_year == contract_year)
    if borne_by is not None:
        where.append(Repair.borne_by == borne_by)
    if asset_code is not None:
        where.append(Repair.asset_code == asset_code)
    rows = (await session.execute(select(Repair).where(*where).order_by(
        Repair.repaired_on.desc(), Repair.id.desc()).limit(limit).offset(offset))).scalars()
    total = (await session.execute(select(func.count()).select_from(Repair).where(*where))).scalar_one()
    sums: dict[int, dict[str, Decimal | int]] = {}
    for year, party, amount, count in await session.execute(
            select(Repair.contract_year, Repair.borne_by, func.sum(Repair.amount), func.count())
            .where(*where).group_by(Repair.contract_year, Repair.borne_by)):
        year_sums = sums.setdefault(year, {"vendor": Decimal(0), "client": Decimal(0), "repairs": 0})
        year_sums[party] = fen(amount)
        year_sums["repairs"] += count
    return RepairPage(items=[repair_out(r) for r in rows], total=total, limit=limit, offset=offset,
                      by_year=[YearTotals(contract_year=year, vendor=Amount.of(v["vendor"]),
                                          client=Amount.of(v["client"]), repairs=v["repairs"])
                               for year, v in sorted(sums.items())])


@router.get("/repairs/split", response_model=SplitOut)
async def repair_split(amount: Decimal = Query(**MONEY_FIELD), kind: RepairKind = "parts",
                       principal: Principal = Depends(current_principal),
                       session: AsyncSession = SESSION) -> SplitOut:
    """Who would bear a repair of this amount, with the clause (nothing is recorded)."""
    require(principal, "billing.read")
    try:
        decision = who_pays(_split(await contract(session, principal.tenant)), kind, amount)
    except ValueError as exc:
        raise Unprocessable(str(exc)) from None
    return SplitOut(kind=kind, amount=Amount.of(amount), borne_by=decision.borne_by,
                    clause=decision.clause, reason=decision.reason)
