"""通知模板: every message's wording, with a live preview as it is typed — the SMS as the phone
shows it, its length and segments against the tenant's limit, and the text to register at
Alibaba Cloud (${name}) and Tencent Cloud ({1}) — and a new version saved with the reason."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Path, Request
from starlette.responses import Response

from console.api import ApiError
from console.sessions import Session
from console.web import Refused, api_change, changing, current, messages, redirect, render

router = APIRouter(prefix="/console/notifications/templates")
NAME = Path(pattern=r"^[a-z][a-z0-9_]{0,63}$")
SPARE_FIELDS = 2  # empty rows to add a field with


def fields_of(names: list[str], expressions: list[str]) -> list[dict[str, str]]:
    """The form's rows as the API's fields: blank rows dropped, a half-filled one refused."""
    out = []
    for name, expression in zip(names, expressions, strict=False):
        name, expression = name.strip(), expression.strip()
        if not name and not expression:
            continue
        if not name or not expression:
            raise Refused(422, messages("templates.half_field", name=name or expression))
        out.append({"name": name, "expression": expression})
    return out


@router.get("")
async def templates_page(request: Request, name: str = "", session: Session = Depends(current)) -> Response:
    gateway = request.app.state.gateway
    every = await gateway.call(session, "GET", "/notify/templates")
    chosen = next((t for t in every if t["name"] == name), every[0] if every else None)
    versions, preview = [], None
    if chosen:
        versions = await gateway.call(session, "GET", f"/notify/templates/{chosen['name']}")
        preview = await _preview(request, session, chosen["name"], {})
    saved = request.query_params.get("saved")
    return render(request, "desk/templates.html", session=session, nav="notifications", tab="templates",
                  every=every, chosen=chosen, versions=versions, preview=preview, spare=SPARE_FIELDS,
                  done=messages("templates.saved", version=saved) if saved and saved.isdigit() else None)


@router.post("/{name}/preview")
async def preview(request: Request, name: str = NAME, field_name: list[str] = Form(default=[]),
                  field_expression: list[str] = Form(default=[]), text: str = Form(max_length=1000),
                  session: Session = Depends(changing)) -> Response:
    """The draft as it would be sent with the template's sample data (htmx, as it is typed)."""
    body = {"fields": fields_of(field_name, field_expression), "text": text}
    return render(request, "desk/_template_preview.html", session=session,
                  preview=await _preview(request, session, name, body))


@router.post("/{name}")
async def save(request: Request, name: str = NAME, field_name: list[str] = Form(default=[]),
               field_expression: list[str] = Form(default=[]), text: str = Form(max_length=1000),
               note: str = Form(min_length=1, max_length=500), expected_version: int = Form(ge=0),
               session: Session = Depends(changing)) -> Response:
    """A new version (the one edited must still be in force: someone else's save is not lost)."""
    version = await api_change(request, session, "PUT", f"/notify/templates/{name}", "templates.refused",
                               json={"fields": fields_of(field_name, field_expression), "text": text,
                                     "note": note.strip(), "expected_version": expected_version})
    return redirect(request, f"/console/notifications/templates?name={name}&saved={version['version']}")


async def _preview(request: Request, session: Session, name: str, body: dict) -> dict:
    """The API's preview, or why it does not render (shown in place of it)."""
    try:
        return await request.app.state.gateway.call(session, "POST", f"/notify/templates/{name}/preview",
                                                    json=body)
    except ApiError as exc:
        if exc.status != 422:
            raise
        return {"problem": str(exc)}
