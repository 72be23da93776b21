"""交付物与签收: the register of what the contract requires to be handed over — deliverables
and the periodic reports — with the vendor's upload of a new version and the client's
officer's acceptance or rejection of the latest one, on the SHA-256 of the file shown."""

from __future__ import annotations

import re

from fastapi import APIRouter, Depends, Form, Request, UploadFile
from starlette.responses import Response

from console.api import ApiError
from console.sessions import Session
from console.web import Refused, api_change, changing, current, messages, passed_file, redirect, render

router = APIRouter(prefix="/console/deliverables")
MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # the API's limit for a deliverable's version
# what the page links to: a deliverable's version or an archived report's file, nothing else
VERSION = r"deliverables/[a-z0-9-]+/(once|\d{4}(-\d{2})?)/versions/\d+"
FILES = re.compile(rf"^({VERSION}|report-archive/\d+/(pdf|docx))$")
ARCHIVED = re.compile(r"^/report-archive/(\d+)/")
DONE = {"uploaded", "accepted", "rejected"}
STATES = ("submitted", "overdue", "due", "rejected", "accepted")


def archive_id(row: dict) -> int | None:
    """An archived report's id, from the link of its latest version."""
    found = row.get("latest") and ARCHIVED.match(row["latest"]["href"])
    return int(found.group(1)) if found else None


@router.get("")
async def register(request: Request, state: str = "", session: Session = Depends(current)) -> Response:
    state = state if state in STATES else ""
    page = await request.app.state.gateway.call(session, "GET", "/ticketing/deliverables",
                                                params={"limit": 500, **({"state": state} if state else {})})
    done = request.query_params.get("done")
    return render(request, "desk/deliverables.html", session=session, nav="deliverables", page=page,
                  service_records=await asks_for_service_records(request, session),
                  state=state, states=STATES, archive_id=archive_id,
                  done=messages(f"deliverables.done.{done}") if done in DONE else None)


async def asks_for_service_records(request: Request, session: Session) -> bool:
    """Whether the contract wants a signed record per task (xinxiang 八2)."""
    try:
        catalogue = await request.app.state.gateway.call(session, "GET", "/ticketing/reports")
    except ApiError as exc:
        if exc.status in (403, 422):  # not readable, or no term known yet
            return False
        raise
    return any(d["kind"] == "service-records" for d in catalogue["documents"])


@router.get("/files/{path:path}")
async def download(request: Request, path: str, session: Session = Depends(current)) -> Response:
    if not FILES.match(path):
        raise Refused(404, messages("error.not_found"))
    return await passed_file(request, session, f"/ticketing/{path}")


@router.post("/{code}/{period}/upload")
async def upload(request: Request, code: str, period: str, file: UploadFile,
                 note: str = Form("", max_length=500), session: Session = Depends(changing)) -> Response:
    content = await file.read(MAX_UPLOAD_BYTES + 1)
    if len(content) > MAX_UPLOAD_BYTES:
        raise Refused(413, messages("deliverables.too_large"))
    params = {"filename": (file.filename or "交付物").strip()[:200]}
    if note.strip():
        params["note"] = note.strip()
    await api_change(request, session, "POST", f"/ticketing/deliverables/{code}/{period}/versions",
                     "deliverables.refused", params=params, content=content,
                     headers={"Content-Type": "application/octet-stream"})
    return redirect(request, "/console/deliverables?done=uploaded")


@router.post("/sign")
async def sign(request: Request, target: str = Form(max_length=200),
               sha256: str = Form(pattern=r"^[0-9a-f]{64}$"),
               decision: str = Form(pattern=r"^(accepted|rejected)$"),
               comment: str = Form("", max_length=2000),
               fmt: str = Form("pdf", alias="format", pattern=r"^(pdf|docx)$"),
               session: Session = Depends(changing)) -> Response:
    """The officer's decision on what `target` names: a deliverable's version
    (deliverables/<code>/<period>/versions/<n>) or an archived report (report-archive/<id>)."""
    body = {"decision": decision, "sha256": sha256}
    if comment.strip():
        body["comment"] = comment.strip()
    if re.fullmatch(VERSION, target):
        await api_change(request, session, "POST", f"/ticketing/{target}/signoff", "deliverables.refused",
                         json=body)
    elif re.fullmatch(r"report-archive/\d+", target):
        await api_change(request, session, "POST", f"/ticketing/{target}/signoff", "deliverables.refused",
                         json={**body, "format": fmt})
    else:
        raise Refused(404, messages("error.not_found"))
    return redirect(request, f"/console/deliverables?done={decision}")
