"""Recording a sign-off. The client's officer decides once per thing handed over, on the
bytes they looked at: the SHA-256 they send must be the one we hold, or they signed
something else. Asking again with the same decision answers what was recorded; another
decision is a conflict (a later version is how a rejection is answered)."""

from __future__ import annotations

from opspact.auth import Principal
from opspact.errors import Conflict, Forbidden
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from ticketing.signoff.models import SignOff
from ticketing.signoff.schemas import SignOffIn, SignOffOut
from ticketing.tickets.service import settings_of

PKI = "pki"


def method_of(principal: Principal) -> str:
    return "pki" if PKI in principal.amr else "token"


def check_certificate(principal: Principal, certificate: str, tenant: str) -> None:
    if certificate == "required" and PKI not in principal.amr:
        raise Forbidden(f"tenant {tenant} signs off only with a 数字证书 login: exchange your "
                        "certificate at POST /auth/cert and sign with that token")


async def check_tenant_rule(session: AsyncSession, principal: Principal) -> None:
    """The tenant file's rule on how its officer signs (deliverables.certificate)."""
    certificate = (await settings_of(session, principal.tenant)).deliverables.certificate
    check_certificate(principal, certificate, principal.tenant)


async def decide(session: AsyncSession, principal: Principal, subject: str, subject_id: int,
                 held_sha256: str, body: SignOffIn, part: str | None = None) -> tuple[SignOff, bool]:
    """(the sign-off, whether this call made it)."""
    if body.sha256 != held_sha256:
        raise Conflict(f"the SHA-256 signed ({body.sha256[:12]}…) is not that of the file held "
                       f"({held_sha256[:12]}…): download it again and sign what you read")
    made = (await session.execute(insert(SignOff).values(
        tenant_id=principal.tenant, subject=subject, subject_id=subject_id, part=part, sha256=held_sha256,
        decision=body.decision, comment=body.comment, signed_by=principal.subject,
        method=method_of(principal)).on_conflict_do_nothing().returning(SignOff.id))).scalar_one_or_none()
    row = (await session.execute(select(SignOff).where(
        SignOff.tenant_id == principal.tenant, SignOff.subject == subject,
        SignOff.subject_id == subject_id))).scalar_one()
    if made is None and (row.decision != body.decision or row.part != part):
        raise Conflict(f"already {row.decision} by {row.signed_by} at {row.signed_at.isoformat()}; "
                       "a decision is made once — a new version is signed on its own")
    return row, made is not None


async def of(session: AsyncSession, tenant_id: str, subject: str, ids: list[int]) -> dict[int, SignOff]:
    if not ids:
        return {}
    rows = await session.execute(select(SignOff).where(
        SignOff.tenant_id == tenant_id, SignOff.subject == subject, SignOff.subject_id.in_(ids)))
    return {r.subject_id: r for r in rows.scalars()}


def out(row: SignOff | None) -> SignOffOut | None:
    if row is None:
        return None
    return SignOffOut(decision=row.decision, sha256=row.sha256, part=row.part, comment=row.comment,
                      signed_by=row.signed_by, method=row.method, signed_at=row.signed_at)
