"""知识库: articles found by Chinese words (the API cuts the query into words), read with
their versions, written and edited by the vendor's people — an edit names the version it
started from, so a colleague's edit meanwhile is not overwritten."""

from __future__ import annotations

from urllib.parse import urlencode
from uuid import UUID

from fastapi import APIRouter, Depends, Form, Query, Request
from starlette.responses import Response

from console.desk.reference import systems_of
from console.sessions import Session
from console.web import api_change, changing, current, messages, redirect, render

router = APIRouter(prefix="/console/knowledge")
PAGE = 20
TEXT = {"title": 200, "background": 20000, "applies_to": 5000, "summary": 50000}


def listed(text: str, most: int, spaces: bool = True) -> list[str]:
    """A list as typed: separated by commas (either width), 、, new lines and (for tags,
    which have none inside) spaces."""
    for mark in ("，", "、", "\n", *((" ",) if spaces else ())):
        text = text.replace(mark, ",")
    return [t.strip() for t in text.split(",") if t.strip()][:most]


def article_body(title: str, background: str, applies_to: str, summary: str, systems: list[str],
                 tags: str) -> dict:
    return {"title": title.strip(), "background": background.strip(), "applies_to": applies_to.strip(),
            "summary": summary.strip(), "systems": [s for s in systems if s][:50], "tags": listed(tags, 20)}


@router.get("")
async def search(request: Request, q: str = Query("", max_length=500), system: str = Query("", max_length=64),
                 page: int = Query(1, ge=1, le=5000), session: Session = Depends(current)) -> Response:
    params: dict = {"limit": PAGE, "offset": (page - 1) * PAGE}
    params.update({k: v.strip() for k, v in (("q", q), ("system", system)) if v.strip()})
    found = await request.app.state.gateway.call(session, "GET", "/ticketing/knowledge", params=params)
    kept = {k: v for k, v in (("q", q), ("system", system)) if v}
    return render(request, "desk/knowledge.html", session=session, nav="knowledge", tab="knowledge",
                  found=found, q=q, system=system, systems=await systems_of(request.app.state, session),
                  page=page, pages=max(1, -(-found["total"] // PAGE)),
                  page_link=lambda n: "/console/knowledge?" + urlencode({**kept, "page": n}))


@router.get("/new")
async def new(request: Request, session: Session = Depends(current)) -> Response:
    return render(request, "desk/article.html", session=session, nav="knowledge", tab="knowledge",
                  article=None, versions=[], systems=await systems_of(request.app.state, session))


@router.post("")
async def create(request: Request, title: str = Form(max_length=TEXT["title"]),
                 background: str = Form(max_length=TEXT["background"]),
                 applies_to: str = Form(max_length=TEXT["applies_to"]),
                 summary: str = Form(max_length=TEXT["summary"]), systems: list[str] = Form(default=[]),
                 tags: str = Form("", max_length=500), session: Session = Depends(changing)) -> Response:
    made = await api_change(request, session, "POST", "/ticketing/knowledge", "knowledge.refused",
                            json=article_body(title, background, applies_to, summary, systems, tags))
    return redirect(request, f"/console/knowledge/{made['id']}?done=created")


@router.get("/{article_id}")
async def read(request: Request, article_id: UUID, session: Session = Depends(current)) -> Response:
    gateway = request.app.state.gateway
    article = await gateway.call(session, "GET", f"/ticketing/knowledge/{article_id}")
    versions = await gateway.call(session, "GET", f"/ticketing/knowledge/{article_id}/versions")
    done = request.query_params.get("done")
    return render(request, "desk/article.html", session=session, nav="knowledge", tab="knowledge",
                  article=article, versions=versions, systems=await systems_of(request.app.state, session),
                  done=messages(f"knowledge.done.{done}") if done in ("created", "saved") else None)


@router.post("/{article_id}")
async def edit(request: Request, article_id: UUID, version: int = Form(ge=1),
               title: str = Form(max_length=TEXT["title"]),
               background: str = Form(max_length=TEXT["background"]),
               applies_to: str = Form(max_length=TEXT["applies_to"]),
               summary: str = Form(max_length=TEXT["summary"]), systems: list[str] = Form(default=[]),
               tags: str = Form("", max_length=500), note: str = Form("", max_length=1000),
               session: Session = Depends(changing)) -> Response:
    body = {**article_body(title, background, applies_to, summary, systems, tags), "version": version}
    if note.strip():
        body["note"] = note.strip()
    await api_change(request, session, "PUT", f"/ticketing/knowledge/{article_id}", "knowledge.refused",
                     stale="knowledge.stale", json=body)
    return redirect(request, f"/console/knowledge/{article_id}?done=saved")
