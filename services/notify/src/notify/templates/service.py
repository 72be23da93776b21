"""The template in force for a tenant, saving a new version, previewing."""

from __future__ import annotations

import re
from dataclasses import dataclass

from opspact.db.unique import add_unique
from opspact.errors import Conflict, NotFound, Unprocessable
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from notify import catalogue, render_pool, rendering
from notify.notifications.models import TemplateVersion

PLACEHOLDER = re.compile(r"\{\{\s*([a-z][a-z0-9_]*)\s*\}\}")


@dataclass(frozen=True)
class Current:
    name: str
    title: str
    version: int
    fields: tuple[tuple[str, str], ...]
    text: str


def builtin(name: str) -> catalogue.Template:
    template = catalogue.TEMPLATES.get(name)
    if template is None:
        raise NotFound(f"template {name!r} not found; templates: {sorted(catalogue.TEMPLATES)}")
    return template


async def current(session: AsyncSession, tenant_id: str, name: str) -> Current:
    base = builtin(name)
    row = (await session.execute(select(TemplateVersion).where(
        TemplateVersion.tenant_id == tenant_id, TemplateVersion.name == name)
        .order_by(TemplateVersion.version.desc()).limit(1))).scalar_one_or_none()
    if row is None:
        return Current(name, base.title, 0, base.fields, base.text)
    return Current(name, base.title, row.version, tuple(tuple(f) for f in row.fields), row.text)


async def versions(session: AsyncSession, tenant_id: str, name: str) -> list[TemplateVersion]:
    builtin(name)
    return list((await session.execute(select(TemplateVersion).where(
        TemplateVersion.tenant_id == tenant_id, TemplateVersion.name == name)
        .order_by(TemplateVersion.version))).scalars())


async def check(name: str, fields: list[tuple[str, str]], text: str, data: dict | None,
                sign_name: str, segment_limit: int) -> tuple[rendering.Rendered, int]:
    """Render with the given (or the template's sample) data; refuse what cannot render
    or what an SMS would carry in more segments than the tenant allows."""
    base = builtin(name)
    for field_name, expression in fields:
        rendering.compile_check(expression, f"field {field_name!r}")
    rendering.compile_check(text, "text")
    try:
        rendered = await render_pool.render(fields, text, base.sample if data is None else data)
    except rendering.RenderError as exc:
        raise Unprocessable(f"template {name!r} does not render: {exc}") from None
    segments = rendering.sms_segments(sign_name, rendered.text)
    if segments > segment_limit:
        raise Unprocessable(
            f"template {name!r} renders to {rendering.sms_length(sign_name, rendered.text)} "
            f"characters with the signature: {segments} SMS segments, over this tenant's limit "
            f"of {segment_limit} (70 characters for one, 67 per segment when longer)")
    return rendered, segments


async def save(session: AsyncSession, tenant_id: str, name: str, fields: list[tuple[str, str]],
               text: str, note: str | None, actor: str, sign_name: str, segment_limit: int,
               expected_version: int | None) -> TemplateVersion:
    await check(name, fields, text, None, sign_name, segment_limit)
    latest = (await session.execute(select(func.max(TemplateVersion.version)).where(
        TemplateVersion.tenant_id == tenant_id, TemplateVersion.name == name))).scalar_one() or 0
    if expected_version is not None and expected_version != latest:
        raise Conflict(f"template {name!r} is at version {latest}, not {expected_version}: "
                       "someone saved in between; reload and try again")
    row = TemplateVersion(tenant_id=tenant_id, name=name, version=latest + 1,
                          fields=[list(f) for f in fields], text=text, note=note, created_by=actor)
    await add_unique(session, row, f"template {name!r} version {latest + 1} was just saved by "
                     "someone else; reload and try again")
    return row


def provider_texts(fields: list[tuple[str, str]], text: str) -> dict[str, str]:
    """How the template is registered at each provider: Alibaba names its variables
    ${name}, Tencent numbers them {1}, {2}… in the order of the fields."""
    order = {name: n for n, (name, _) in enumerate(fields, start=1)}
    return {"alibaba": PLACEHOLDER.sub(lambda m: f"${{{m.group(1)}}}", text),
            "tencent": PLACEHOLDER.sub(lambda m: f"{{{order.get(m.group(1), 0)}}}", text)}
