"""Templates: the built-ins and each tenant's versions; preview before saving."""

from fastapi import APIRouter, Depends
from opspact.app import SESSION, current_principal
from opspact.auth import Principal
from opspact.permissions import require
from sqlalchemy.ext.asyncio import AsyncSession

from notify import catalogue, rendering, tenant_settings
from notify.templates import service
from notify.templates.schemas import (
    FieldIn,
    PreviewIn,
    PreviewOut,
    TemplateIn,
    TemplateOut,
    VersionOut,
)

router = APIRouter(prefix="/templates", tags=["templates"])


def _fields(items: list[FieldIn]) -> list[tuple[str, str]]:
    return [(f.name, f.expression) for f in items]


def _out_fields(fields) -> list[FieldIn]:
    return [FieldIn(name=n, expression=e) for n, e in fields]


@router.get("", response_model=list[TemplateOut])
async def list_templates(principal: Principal = Depends(current_principal),
                         session: AsyncSession = SESSION) -> list[TemplateOut]:
    require(principal, "notifications.read")
    out = []
    for name, base in catalogue.TEMPLATES.items():
        current = await service.current(session, principal.tenant, name)
        out.append(TemplateOut(name=name, title=base.title, events=list(base.events),
                               version=current.version, fields=_out_fields(current.fields),
                               text=current.text, sample=base.sample))
    return out


@router.get("/{name}", response_model=list[VersionOut])
async def template_versions(name: str, principal: Principal = Depends(current_principal),
                            session: AsyncSession = SESSION) -> list[VersionOut]:
    """Every version, the built-in (0) first."""
    require(principal, "notifications.read")
    base = service.builtin(name)
    rows = await service.versions(session, principal.tenant, name)
    return [VersionOut(version=0, fields=_out_fields(base.fields), text=base.text, note="内置模板",
                       created_by="opspact", created_at=None)] + [
        VersionOut(version=r.version, fields=_out_fields(r.fields), text=r.text, note=r.note,
                   created_by=r.created_by, created_at=r.created_at) for r in rows]


@router.put("/{name}", response_model=VersionOut, status_code=201)
async def save_template(name: str, body: TemplateIn, principal: Principal = Depends(current_principal),
                        session: AsyncSession = SESSION) -> VersionOut:
    """A new version; refused (422) if it does not render with the sample data or an SMS
    of it would exceed the tenant's segment limit."""
    require(principal, "templates.write")
    _, tenant = await tenant_settings.load(session, principal.tenant)
    row = await service.save(session, principal.tenant, name, _fields(body.fields), body.text,
                             body.note, principal.subject, tenant.sms.sign_name,
                             tenant.sms.segment_limit, body.expected_version)
    return VersionOut(version=row.version, fields=body.fields, text=row.text, note=row.note,
                      created_by=row.created_by, created_at=row.created_at)


@router.post("/{name}/preview", response_model=PreviewOut)
async def preview(name: str, body: PreviewIn, principal: Principal = Depends(current_principal),
                  session: AsyncSession = SESSION) -> PreviewOut:
    """Render the version in force, or a draft, with sample or given data; shows the SMS
    length and segments (422 when over the limit or when it does not render)."""
    require(principal, "notifications.read")
    _, tenant = await tenant_settings.load(session, principal.tenant)
    current = await service.current(session, principal.tenant, name)
    fields = _fields(body.fields) if body.fields is not None else list(current.fields)
    text = body.text if body.text is not None else current.text
    rendered, segments = await service.check(name, fields, text, body.data, tenant.sms.sign_name,
                                             tenant.sms.segment_limit)
    sign = tenant.sms.sign_name
    return PreviewOut(fields=rendered.fields, text=rendered.text, sms_text=f"【{sign}】{rendered.text}",
                      length=rendering.sms_length(sign, rendered.text), segments=segments,
                      segment_limit=tenant.sms.segment_limit,
                      provider_templates=service.provider_texts(fields, text))
