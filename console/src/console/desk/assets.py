"""资产: the asset register with end-of-life badges (past, within a year, unknown), an asset
with its attributes and relations, and what its failure takes down — the impact walk drawn as
a graph — with relations added and removed by those who keep the register."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from starlette.responses import Response

from console.desk import impact_graph
from console.messages import LABELS
from console.sessions import Session
from console.web import Refused, api_change, changing, current, messages, redirect, render

router = APIRouter(prefix="/console/assets")
CODE = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
PAGE = 50
KINDS = tuple(LABELS["asset_kind"])
RELATIONS = tuple(LABELS["relation"])


def asset_path(code: str) -> str:
    return f"/inventory/assets/{quote(code, safe='')}"


@router.get("")
async def register(request: Request, kind: str = Query("", max_length=32), q: str = Query("", max_length=100),
                   eol: bool = False, page: int = Query(1, ge=1, le=20_000),
                   session: Session = Depends(current)) -> Response:
    kind = kind if kind in KINDS else ""
    gateway = request.app.state.gateway
    risks = await gateway.call(session, "GET", "/inventory/eol/risks")
    if eol:  # the risks: past or within a year of end of life, soonest first
        listed = {"items": risks, "total": len(risks)}
    else:
        params = {"limit": PAGE, "offset": (page - 1) * PAGE, "status": "active"}
        params.update({k: v for k, v in (("kind", kind), ("q", q.strip())) if v})
        listed = await gateway.call(session, "GET", "/inventory/assets", params=params)
    kept = {k: v for k, v in (("kind", kind), ("q", q)) if v}
    return render(request, "desk/assets.html", session=session, nav="inventory", tab="assets",
                  listed=listed, risks=len(risks), kinds=KINDS, kind=kind, q=q, eol=eol, page=page,
                  pages=max(1, -(-listed["total"] // PAGE)),
                  page_link=lambda n: "/console/assets?" + urlencode({**kept, "page": n}))


@router.get("/{code}")
async def asset(request: Request, code: str = Path(pattern=CODE), depth: int = Query(5, ge=1, le=20),
                session: Session = Depends(current)) -> Response:
    gateway = request.app.state.gateway
    found = await gateway.call(session, "GET", asset_path(code))
    relations = await gateway.call(session, "GET", f"{asset_path(code)}/relations")
    impact = await gateway.call(session, "GET", f"{asset_path(code)}/impact", params={"max_depth": depth})
    done = request.query_params.get("done")
    return render(request, "desk/asset.html", session=session, nav="inventory", tab="assets", asset=found,
                  relations=relations, impact=impact, graph=impact_graph.layout(found, impact),
                  box=(impact_graph.BOX_W, impact_graph.BOX_H), relation_types=RELATIONS,
                  done=messages(f"assets.done.{done}") if done in ("linked", "unlinked") else None)


@router.post("/{code}/relations")
async def link(request: Request, code: str = Path(pattern=CODE), to: str = Form(pattern=CODE),
               type: str = Form(max_length=16), session: Session = Depends(changing)) -> Response:  # noqa: A002
    if type not in RELATIONS:
        raise Refused(422, messages("assets.bad_relation"))
    await api_change(request, session, "POST", f"{asset_path(code)}/relations", "assets.refused",
                     json={"to": to.strip(), "type": type})
    return redirect(request, f"/console/assets/{quote(code, safe='')}?done=linked")


@router.post("/{code}/relations/{type}/{to}/remove")
async def unlink(request: Request, code: str = Path(pattern=CODE), type: str = Path(max_length=16),  # noqa: A002
                 to: str = Path(pattern=CODE), session: Session = Depends(changing)) -> Response:
    if type not in RELATIONS:
        raise Refused(422, messages("assets.bad_relation"))
    await api_change(request, session, "DELETE",
                     f"{asset_path(code)}/relations/{type}/{quote(to, safe='')}", "assets.refused")
    return redirect(request, f"/console/assets/{quote(code, safe='')}?done=unlinked")
