"""Asset import from CSV or XLSX: a row-by-row report, all or nothing, idempotent.

Columns: `kind`, `code`, `name`, then any attribute of that kind by its own name (an
empty cell leaves it out; list attributes take `;`-separated values), and optionally
`runs_on`, `depends_on`, `part_of`, `connects_to` with the codes (`;`-separated) of
the assets the row's asset relates to — in the file or already registered.

The code is the natural key: a row for an existing code updates that asset (same
kind only), an identical row changes nothing. With `dry_run` the report says what
would happen; without it, any row in error means nothing is written."""

from __future__ import annotations

import typing

from opspact import tabular
from opspact.errors import Unprocessable
from pydantic import BaseModel, Field, ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from inventory.assets import loops, service
from inventory.assets.kinds import ATTRIBUTES, Kind
from inventory.assets.models import Asset, Relation
from inventory.assets.schemas import AssetCreate, AssetUpdate, RelationCreate, RelationType

MAX_ROWS = 5000
RELATION_COLUMNS = tuple(t.value for t in RelationType)
Source, Target = aliased(Asset), aliased(Asset)


class RowReport(BaseModel):
    line: int
    code: str
    action: typing.Literal["create", "update", "unchanged", "error"]
    errors: list[str] = Field(default_factory=list)


class ImportReport(BaseModel):
    rows: int
    created: int
    updated: int
    unchanged: int
    relations: int = Field(description="relations added (existing ones are kept)")
    dry_run: bool
    report: list[RowReport]


def _attributes(kind: Kind, record: dict[str, str]) -> dict:
    model = ATTRIBUTES[kind]
    attributes = {}
    for name, value in record.items():
        if name in ("kind", "code", "name", *RELATION_COLUMNS) or value == "":
            continue
        field = model.model_fields.get(name)
        is_list = field is not None and typing.get_origin(field.annotation) is list
        attributes[name] = [v.strip() for v in value.replace("；", ";").split(";") if v.strip()] \
            if is_list else value
    return attributes


def _targets(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").replace("；", ";").split(";") if v.strip()]


async def run(session: AsyncSession, tenant_id: str, raw: bytes, content_type: str,
              dry_run: bool) -> ImportReport:
    header, records = await tabular.read_async(raw, content_type, MAX_ROWS)
    missing = [c for c in ("kind", "code", "name") if c not in header]
    if missing:
        raise Unprocessable(f"missing columns: {', '.join(missing)}")
    if not records:
        raise Unprocessable("the file has a header but no rows")
    codes = [r.get("code", "") for _, r in records]
    existing = {a.code: a for a in (await session.execute(select(Asset).where(
        Asset.tenant_id == tenant_id, Asset.code.in_(codes)))).scalars()}
    report, plans, seen = [], [], {}
    for line, record in records:
        code = (record.get("code") or "").strip()
        errors = []
        if None in record or None in record.values():
            errors.append("wrong number of cells")
        elif code in seen:
            errors.append(f"code appears again (first on line {seen[code]})")
        else:
            seen[code] = line
            try:
                body = AssetCreate(kind=record["kind"], code=code, name=record["name"],
                                   attributes={})
                body.attributes = service.typed_attributes(body.kind, _attributes(body.kind, record))
            except ValidationError as exc:
                errors += [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()]
            except Unprocessable as exc:
                errors.append(exc.detail)
        if errors:
            report.append(RowReport(line=line, code=code, action="error", errors=errors))
            continue
        current = existing.get(code)
        if current is not None and current.kind != body.kind.value:
            report.append(RowReport(line=line, code=code, action="error", errors=[
                f"{code} is registered as a {current.kind}, not a {body.kind.value}"]))
            continue
        if current is not None and current.status == "retired":
            report.append(RowReport(line=line, code=code, action="error",
                                    errors=[f"{code} is retired"]))
            continue
        action = "create" if current is None else (
            "unchanged" if (current.name, current.attributes) == (body.name, body.attributes)
            else "update")
        report.append(RowReport(line=line, code=code, action=action))
        plans.append((line, body, action, {t: _targets(record.get(t)) for t in RELATION_COLUMNS}))
    # Relation targets: in the file or already registered.
    wanted = {c for *_, rel in plans for targets in rel.values() for c in targets}
    known = set(seen) | {a for a in (await session.execute(select(Asset.code).where(
        Asset.tenant_id == tenant_id, Asset.code.in_(wanted)))).scalars()}
    by_line = {r.line: r for r in report}
    for line, _, _, rel in plans:
        unknown = sorted({c for targets in rel.values() for c in targets} - known)
        if unknown:
            by_line[line].action = "error"
            by_line[line].errors.append(f"relates to unknown codes: {', '.join(unknown)}")
    await _refuse_loops(session, tenant_id, plans, by_line)
    failed = [r for r in report if r.action == "error"]
    counts = {a: sum(r.action == a for r in report) for a in ("create", "update", "unchanged")}
    result = ImportReport(rows=len(records), created=counts["create"], updated=counts["update"],
                          unchanged=counts["unchanged"], relations=0, dry_run=dry_run,
                          report=report)
    if failed and not dry_run:
        raise Unprocessable(f"{len(failed)} row(s) in error; nothing was imported: " + "; ".join(
            f"line {r.line} ({r.code}): {'; '.join(r.errors)}" for r in failed[:5]),
            errors=[{"field": f"line {r.line}", "message": "; ".join(r.errors)} for r in failed])
    if dry_run:
        return result
    for _, body, action, _ in plans:
        if action == "create":
            await service.create(session, tenant_id, body)
        elif action == "update":
            await service.update(session, tenant_id, body.code,
                                 AssetUpdate(name=body.name, attributes=body.attributes))
    result.relations = await _relate(session, tenant_id, plans)
    return result


async def _refuse_loops(session: AsyncSession, tenant_id: str, plans, by_line) -> None:
    """A relation closing a dependency loop is a row error, seen in the dry run too."""
    rows = (await session.execute(
        select(Relation.type, Source.code, Target.code)
        .join(Source, Source.id == Relation.from_asset).join(Target, Target.id == Relation.to_asset)
        .where(Relation.tenant_id == tenant_id))).all()
    existing = [e for e in (loops.dependency_edge(s, t, k) for k, s, t in rows) if e]
    proposed = [((line, rel_type, target), body.code, target, rel_type)
                for line, body, _, rel in plans if by_line[line].action != "error"
                for rel_type, targets in rel.items() for target in targets]
    for (line, rel_type, target), loop in loops.loops(existing, proposed).items():
        by_line[line].action = "error"
        by_line[line].errors.append(f"{rel_type} {target} closes a dependency loop: "
                                    + " → ".join(loop))


async def _relate(session: AsyncSession, tenant_id: str, plans) -> int:
    ids = {a.code: a.id for a in (await session.execute(select(Asset).where(
        Asset.tenant_id == tenant_id))).scalars()}
    present = {(r.from_asset, r.to_asset, r.type) for r in (await session.execute(
        select(Relation).where(Relation.tenant_id == tenant_id))).scalars()}
    added = 0
    for _, body, _, rel in plans:
        for rel_type, targets in rel.items():
            for target in targets:
                if (ids[body.code], ids[target], rel_type) in present:
                    continue
                await service.relate(session, tenant_id, body.code,
                                     RelationCreate(to=target, type=rel_type))
                added += 1
    return added
